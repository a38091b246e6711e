/**
 * The {@code serpentine} command line ({@code run}, {@code doctor}, {@code bench}) and, in Felix, the Gogo commands of
 * the {@code serpentine} scope. It starts the interpreter through python-bridge's {@code PythonRuntime}.
 */
module dev.serpentine.cli {
    requires dev.serpentine.bridge;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires org.knowm.xchart;
    requires java.desktop;
    requires static org.osgi.service.component.annotations;
    requires static osgi.core;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    // picocli reads and sets the commands' annotated fields reflectively.
    opens dev.serpentine.cli to info.picocli;

    uses dev.serpentine.ffi.abi.CPythonAbi;
}
