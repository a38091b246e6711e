# Run once per process by JvmSignals.java when the first runtime starts: Python's doors to the process's signal
# handlers, wrapped so that Python code cannot take the signals the JVM handles (see the README, "Signals").
# The code is Serpentine's (no third-party source). Kept free of the at sign and dollar-brace: Maven filters this file.


def install(jvm, faults, chainable, chained, restore):
    """jvm: {signal number: name} of the signals the JVM had handlers for when the runtime started; faults: those
    of them the CPU raises (a handler must resolve them before the faulting instruction runs again); chainable:
    the others that the JDK's libjsig chains when preloaded; chained: whether it is; restore: puts the JVM's handlers of
    the fault signals back."""
    import _signal
    import faulthandler
    import operator
    import signal

    def number(signalnum):
        try:
            return operator.index(signalnum)
        except TypeError:
            return None  # the wrapped function raises its own TypeError

    def jvm_keeps(signalnum):
        """Whether a handler for signalnum would replace the JVM's instead of being chained behind it."""
        n = number(signalnum)
        return n in jvm and not (chained and n in chainable)

    def refuse(function, signalnum):
        n = number(signalnum)
        if n in faults:
            why = ("the JVM handles it for its own machinery (implicit null checks, stack banging, safepoints), "
                   "and no Python handler can resolve a fault")
        elif n in chainable:
            why = ("the JVM handles it; preload the JDK's libjsig (LD_PRELOAD=$JAVA_HOME/lib/libjsig.so) to chain "
                   "Python's handler behind the JVM's")
        else:
            why = "the JVM handles it (thread suspension or thread dumps), and libjsig does not chain it"
        raise ValueError("%s: signal %d (%s) belongs to the JVM that embeds this interpreter: %s"
                         % (function, n, jvm[n], why))

    def wrap(module, name, make):
        f = getattr(module, name, None)
        if f is None:
            return None
        f = getattr(f, "_serpentine_original", f)  # a runtime restarted in this process wraps the original again
        w = make(f)
        w.__name__ = f.__name__
        w.__qualname__ = getattr(f, "__qualname__", f.__name__)
        w.__doc__ = f.__doc__
        w.__module__ = module.__name__
        w.__wrapped__ = f
        w._serpentine_original = f
        setattr(module, name, w)
        return w

    def guarded_signal(original):
        def signal(signalnum, handler):
            # A fault signal is refused even with libjsig: a chained Python handler would return to the faulting
            # instruction, over and over, instead of letting the JVM report the crash.
            if number(signalnum) in faults or jvm_keeps(signalnum):
                refuse("signal.signal", signalnum)
            return original(signalnum, handler)
        return signal

    def guarded_siginterrupt(original):
        def siginterrupt(signalnum, flag):
            # libc's siginterrupt rewrites the handler's flags behind libjsig's back: refused for every JVM signal
            if number(signalnum) in jvm:
                refuse("signal.siginterrupt", signalnum)
            return original(signalnum, flag)
        return siginterrupt

    never_blocked = {n for n in jvm if n in faults or jvm[n] == "SIGUSR2"}

    def guarded_pthread_sigmask(original):
        def pthread_sigmask(how, mask):
            mask = list(mask)  # an iterator is read once, here
            if how in (_signal.SIG_BLOCK, _signal.SIG_SETMASK):
                for s in mask:
                    if number(s) in never_blocked:
                        # a fault while blocked kills the process; a blocked SIGUSR2 hangs the JVM's thread suspension
                        refuse("signal.pthread_sigmask", s)
            return original(how, mask)
        return pthread_sigmask

    def guarded_enable(original):
        def enable(*args, **kwargs):
            result = original(*args, **kwargs)
            if not chained:
                # Without libjsig faulthandler's handler would take the JVM's faults first (and re-raise them as
                # "sent by kill"): the JVM's handlers come back; faulthandler keeps SIGABRT and its dump functions.
                restore()
            return result
        return enable

    def guarded_register(original):
        def register(signum, *args, **kwargs):
            if number(signum) not in faults and jvm_keeps(signum):  # faulthandler refuses the fault signals itself
                refuse("faulthandler.register", signum)
            return original(signum, *args, **kwargs)
        return register

    wrap(_signal, "signal", guarded_signal)  # signal.signal calls _signal.signal
    wrap(_signal, "pthread_sigmask", guarded_pthread_sigmask)  # so does signal.pthread_sigmask
    siginterrupt = wrap(_signal, "siginterrupt", guarded_siginterrupt)
    if siginterrupt is not None:
        signal.siginterrupt = siginterrupt  # signal.py copied it from _signal
    wrap(faulthandler, "enable", guarded_enable)
    wrap(faulthandler, "register", guarded_register)
    if faulthandler.is_enabled() and not chained:
        restore()
