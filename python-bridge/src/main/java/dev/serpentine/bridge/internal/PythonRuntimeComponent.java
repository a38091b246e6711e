package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.EmbeddedCPython;
import dev.serpentine.ffi.SerpentineException;
import dev.serpentine.ffi.abi.AbiSelector;
import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.RunningInterpreter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The runtime in OSGi. It starts the interpreter from its configuration (PID {@value #PID}: {@code interpreter}, and
 * {@code binding.target} to choose a backend, e.g. {@code (backend=jna)}; else the system property
 * {@value PythonRuntime#INTERPRETER_PROPERTY}), binds the best verified ABI service, and only then registers
 * {@link PythonRuntime} — so nothing that references it can reach the C-API before the interpreter is up.
 *
 * <p>ABI services come and go dynamically: a newer bundle for the running version is verified against the live
 * interpreter and, if it passes, bound instead, without a restart. The backend and the interpreter are not
 * replaceable: CPython is never finalized and initialized again in one process.
 */
@Component(service = {}, immediate = true, configurationPid = PythonRuntimeComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class PythonRuntimeComponent {

    static final String PID = "dev.serpentine.runtime";
    private static final System.Logger LOG = System.getLogger(PythonRuntimeComponent.class.getName());

    /** The configuration. */
    public @interface Config {
        /** A CPython jar, home, libpython or python executable; blank for {@code -Dserpentine.python}. */
        String interpreter() default "";
    }

    private final List<CPythonAbi> abis = new CopyOnWriteArrayList<>();
    @Reference(name = "binding", policyOption = ReferencePolicyOption.RELUCTANT)
    private CPythonBinding binding;
    private BundleContext context;
    private RunningInterpreter running;
    private CPythonRuntime runtime;
    private ServiceRegistration<PythonRuntime> registration;

    @Activate
    void activate(BundleContext context, Config config) {
        locked(() -> {
            this.context = context;
            String spec = config.interpreter().isBlank()
                    ? System.getProperty(PythonRuntime.INTERPRETER_PROPERTY, "") : config.interpreter();
            CPythonInstallation installation = spec.isBlank()
                    ? EmbeddedCPython.fromClasspath(getClass().getClassLoader()) : CPythonInstallation.locate(spec);
            // No refusal here when no ABI bundle fits yet: bundles register their services in any order, and DS
            // never retries an activation that threw. tryBind waits (logging why) for the bundle that fits.
            // The one place CPython starts in OSGi; after a refresh of the api bundle it adopts the running one.
            running = RunningInterpreter.start(binding, installation);
            tryBind();
        });
    }

    @Deactivate
    void deactivate() {
        locked(() -> {
            if (registration != null) {
                registration.unregister();
                registration = null;
            }
            if (runtime != null) runtime.shutdown(); // CPython stays initialized; a reactivation attaches again
            // SCR unbinds the ABI services after deactivate (DS 112.5.16): with the runtime gone, removeAbi must not
            // re-select and re-verify among the remaining bundles (and warn that none fits) for a runtime nobody sees.
            runtime = null;
            context = null;
        });
    }

    @Reference(name = "abi", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addAbi(CPythonAbi abi) {
        locked(() -> {
            abis.add(abi);
            if (runtime != null) rebind();
            else if (context != null) tryBind();
        });
    }

    void removeAbi(CPythonAbi abi) {
        locked(() -> {
            abis.remove(abi);
            if (runtime != null && runtime.views().abi() == abi) rebind();
        });
    }

    /**
     * Runs {@code step} holding this component's lock. Binding an ABI takes the GIL under the lock, so a thread that
     * holds the GIL (a bundle installed from inside a Python task registers its ABI service synchronously) releases
     * it while it waits for the lock.
     */
    private void locked(Runnable step) {
        CPythonRuntime.withGilReleased(() -> {
            synchronized (this) {
                step.run();
            }
            return null;
        });
    }

    private void tryBind() {
        if (running == null) return;
        try {
            runtime = new CPythonRuntime(running, AbiSelector.bind(running, abis));
        } catch (SerpentineException e) {
            LOG.log(System.Logger.Level.WARNING, "CPython " + running.version() + " runs, but no ABI bundle fits it yet: "
                    + e.getMessage());
            return;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("python.version", running.version().toString());
        props.put("python.backend", binding.backendName());
        registration = context.registerService(PythonRuntime.class, runtime, props);
    }

    private void rebind() {
        try {
            runtime.rebind(abis);
        } catch (SerpentineException e) {
            LOG.log(System.Logger.Level.WARNING, "keeping ABI " + runtime.abi() + ": " + e.getMessage());
        }
    }
}
