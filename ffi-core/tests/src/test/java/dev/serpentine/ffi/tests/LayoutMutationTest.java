package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.abi.CPythonAbi;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every fact of the running version's ABI bundle is proved: changing any one key of its {@code layout.properties}
 * gets the bundle refused with an {@code AbiMismatchException} naming that key, and the JVM survives. The
 * mutations run in {@link LayoutMutationProbe} (a forked JVM); the matrix runs this once per interpreter, so each
 * bundle is mutated against its own interpreter.
 */
class LayoutMutationTest {

    @Test
    void everyKeyOfTheLayoutIsAFactTheViewsReadAndTheVerifierProves() {
        CPythonAbi running = Live.VIEWS.abi();
        Properties file = LayoutMutationProbe.layoutOf(running);
        AbiLayout layout = running.layout();
        Set<String> expected = new TreeSet<>(file.stringPropertyNames());
        expected.removeIf(k -> k.startsWith("abi.") || LayoutMutationProbe.EXEMPT.containsKey(k));
        Set<String> facts = new TreeSet<>(layout.facts().keySet());
        facts.removeAll(LayoutMutationProbe.EXEMPT.keySet());
        assertEquals(expected, facts,
                "layout.properties keys against the facts AbiLayout reads");
        // the mutations cover every key of the file except the exempt ones, which are named with a reason
        Set<String> mutated = new TreeSet<>();
        for (String change : LayoutMutationProbe.changes(file, Live.ABIS)) {
            mutated.add(change.substring(0, change.indexOf('=')));
        }
        Set<String> all = new TreeSet<>(file.stringPropertyNames());
        all.removeAll(LayoutMutationProbe.EXEMPT.keySet());
        assertEquals(all, mutated);
    }

    @Test
    void everyMutationIsRefusedNamingItsKeyAndTheJvmSurvives() throws Exception {
        String spec = System.getProperty("serpentine.test.python");
        ForkedJvm.Result r = ForkedJvm.run(LayoutMutationProbe.class, Map.of(), Map.of(), 900,
                Live.PY.backendName(), spec);
        assertEquals(0, r.exitCode(), r::describe);
        Properties file = LayoutMutationProbe.layoutOf(Live.VIEWS.abi());
        List<String> changes = LayoutMutationProbe.changes(file, Live.ABIS);
        List<String> lines = r.output().lines().toList();
        assertTrue(lines.contains("DONE " + changes.size()), r::describe);
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String change : changes) {
            String key = change.substring(0, change.indexOf('='));
            String value = change.substring(change.indexOf('=') + 1);
            String line = lines.stream().filter(l -> l.startsWith("REFUSED " + change + " :: ")
                    || l.equals("ACCEPTED " + change) || l.startsWith("FAILED " + change + " :: ")).findFirst()
                    .orElse("no line for " + change);
            seen.add(change);
            // a fact is named "key = value"; the tag and flavour by their keys
            String named = key.startsWith("abi.") ? "(" + key + ")" : key + " = " + value;
            if (!line.startsWith("REFUSED ") || !line.substring(line.indexOf(" :: ")).contains(named)) {
                problems.add(line + "   [expected a refusal naming '" + named + "']");
            }
        }
        assertEquals(changes.size(), seen.size(), "each mutation once");
        assertTrue(problems.isEmpty(), () -> problems.size() + " of " + changes.size()
                + " mutations not refused by name:\n" + String.join("\n", problems));
    }
}
