# The Python half of `serpentine run` (RunCommand.java): what python's own main does for a script, -m or -c, in an
# interpreter that is already up. Runs in a namespace of its own, not in __main__.
import os
import runpy
import sys


def main(mode, target, joined_args, count):
    args = joined_args.split("\0") if count else []
    if mode == "script":
        sys.argv = [target] + args
        # python puts the script's directory first (symlinks resolved), or the directory/zip itself
        path0 = target if os.path.isdir(target) else os.path.dirname(os.path.realpath(target))
    elif mode == "module":
        sys.argv = ["-m"] + args  # runpy replaces it with the module's file, as python -m does
        path0 = os.getcwd()
    else:
        sys.argv = ["-c"] + args
        path0 = ""
    sys.path.insert(0, path0)
    try:
        if mode == "script":
            runpy.run_path(target, run_name="__main__")
        elif mode == "module":
            runpy._run_module_as_main(target, alter_argv=True)
        else:
            import __main__
            exec(compile(target, "<string>", "exec"), __main__.__dict__)
        status = 0
    except SystemExit as e:
        status = exit_status(e)
    except BaseException as e:  # what python does with an uncaught exception: the hook prints it, status 1
        sys.excepthook(type(e), e, e.__traceback__)
        status = 130 if isinstance(e, KeyboardInterrupt) else 1
    finally:
        # the process ends without Py_FinalizeEx: run the atexit functions and flush as it would
        import atexit
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
    return status


def exit_status(e):
    code = e.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:  # python prints any other object and exits with 1
        print(code, file=sys.stderr)
    except Exception:
        pass
    return 1
