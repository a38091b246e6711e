package dev.serpentine.ffi.tests;

import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * Main class of a {@link PyenvMatrixTest} child JVM: runs the ffi-core suite (every test class of this package but
 * the matrix itself and the tests that fork JVMs) through the JUnit Platform Launcher, against the interpreter and
 * backend named by the system properties {@code serpentine.test.python} and {@code serpentine.backend}.
 *
 * <p>Arguments: the directory for the XML reports (Surefire's legacy format), and optionally Maven's {@code -Dtest}
 * (comma-separated simple class names with {@code *}; a {@code #method} part is ignored, the whole class runs; see
 * {@link #childSelection}). Prints a summary and a line {@code SUITE tests=… succeeded=… failed=… aborted=… skipped=…}; exits 0 only
 * when tests ran and none failed.
 */
public final class PyenvSuite {

    static final String PACKAGE = PyenvSuite.class.getPackageName();

    /** Never run in a child: the matrix would recurse, and the forked-JVM tests do not belong to one interpreter. */
    static final List<Class<?>> EXCLUDED = List.of(PyenvMatrixTest.class, CrashSafetyTest.class);

    private PyenvSuite() {
    }

    public static void main(String[] args) throws Exception {
        Path reports = Path.of(args[0]);
        Files.createDirectories(reports);
        List<String> include = includePatterns(args.length > 1 ? args[1] : "");

        LauncherDiscoveryRequest request = request()
                .selectors(selectPackage(PACKAGE))
                .filters(ClassNameFilter.includeClassNamePatterns(include.toArray(String[]::new)),
                        ClassNameFilter.excludeClassNamePatterns(EXCLUDED.stream()
                                .map(c -> java.util.regex.Pattern.quote(c.getName())).toArray(String[]::new)))
                .build();

        PrintWriter out = new PrintWriter(System.out, true);
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener progress = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    out.println("  " + result.getStatus() + "  " + where(id)
                            + result.getThrowable().map(t -> "\n      " + t).orElse(""));
                }
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                out.println("  SKIPPED  " + where(id) + ": " + reason);
            }
        };
        LauncherFactory.create().execute(request, summary, progress, new LegacyXmlReportGeneratingListener(reports, out));

        TestExecutionSummary s = summary.getSummary();
        s.printTo(out);
        s.printFailuresTo(out, 40);
        out.println("SUITE tests=" + s.getTestsStartedCount() + " succeeded=" + s.getTestsSucceededCount()
                + " failed=" + s.getTotalFailureCount() + " aborted=" + s.getTestsAbortedCount()
                + " skipped=" + s.getTestsSkippedCount() + " reports=" + reports);
        out.flush();
        System.exit(s.getTotalFailureCount() == 0 && s.getTestsStartedCount() > 0 ? 0 : 1);
    }

    private static String where(TestIdentifier id) {
        String cls = id.getSource().map(src -> src instanceof MethodSource m ? m.getClassName() + "." : "").orElse("");
        return (cls + id.getLegacyReportingName()).replace(PACKAGE + ".", "");
    }

    /**
     * What a Maven {@code -Dtest} asks of the children: an empty list for the whole suite (no {@code -Dtest}, or one
     * that names the matrix itself), the class-name parts naming suite classes, or null when it names only classes
     * a child never runs (the forked-JVM tests): then the matrix has nothing to do.
     */
    static List<String> childSelection(String spec) {
        if (spec == null || spec.isBlank() || spec.startsWith("${")) return List.of();
        List<String> kept = new ArrayList<>();
        boolean matrix = false;
        for (String part : spec.split(",")) {
            String name = simpleName(part);
            if (name.isEmpty()) continue;
            if (PyenvMatrixTest.class.getSimpleName().matches(globRegex(name))) matrix = true;
            if (EXCLUDED.stream().anyMatch(c -> c.getSimpleName().matches(globRegex(name)))) continue;
            kept.add(name);
        }
        if (kept.isEmpty()) return matrix ? List.of() : null;
        return kept;
    }

    /** Class-name regular expressions for {@link #childSelection} parts; JUnit's standard names for none. */
    static List<String> includePatterns(String spec) {
        List<String> parts = childSelection(spec);
        List<String> patterns = new ArrayList<>();
        if (parts != null) parts.forEach(p -> patterns.add("^(.*\\.)?" + globRegex(p) + "$"));
        if (patterns.isEmpty()) patterns.add(ClassNameFilter.STANDARD_INCLUDE_PATTERN);
        return patterns;
    }

    /** {@code **}{@code /Foo*Test.java#method} → {@code Foo*Test}; negated ({@code !…}) parts are dropped. */
    private static String simpleName(String part) {
        String name = part.trim();
        if (name.startsWith("!")) return "";
        int hash = name.indexOf('#');
        if (hash >= 0) name = name.substring(0, hash);
        name = name.replaceFirst("\\.(java|class)$", "");
        return name.substring(name.lastIndexOf('/') + 1);
    }

    private static String globRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            regex.append(c == '*' ? "[^.]*" : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return regex.toString();
    }
}
