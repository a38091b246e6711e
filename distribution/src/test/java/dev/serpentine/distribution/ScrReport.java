package dev.serpentine.distribution;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The DS components of the platform's bundles and their states; a class of its own so that its API loads lazily. */
final class ScrReport {

    private ScrReport() {
    }

    static String describe(BundleContext context) {
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        if (ref == null) return "  components: no ServiceComponentRuntime (SCR not active)\n";
        ServiceComponentRuntime scr = context.getService(ref);
        StringBuilder out = new StringBuilder("  components:\n");
        try {
            List<ComponentDescriptionDTO> descriptions = new ArrayList<>(scr.getComponentDescriptionDTOs());
            descriptions.sort(Comparator.comparingLong((ComponentDescriptionDTO d) -> d.bundle.id).thenComparing(d -> d.name));
            for (ComponentDescriptionDTO d : descriptions) {
                if (!d.bundle.symbolicName.startsWith("dev.serpentine")) continue;
                out.append("    ").append(d.name).append(" (").append(d.bundle.symbolicName).append(" #")
                        .append(d.bundle.id).append(")");
                if (!scr.isComponentEnabled(d)) out.append(" DISABLED");
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    out.append(' ').append(state(c.state));
                    for (UnsatisfiedReferenceDTO u : c.unsatisfiedReferences) {
                        out.append(" unsatisfied ").append(u.name).append(' ').append(u.target);
                    }
                    if (c.failure != null) out.append(" failure: ").append(c.failure);
                }
                out.append('\n');
            }
        } finally {
            context.ungetService(ref);
        }
        return out.toString();
    }

    /**
     * The state name and failure text (or null) of the first configuration of the component in bundle
     * {@code bsn} {@code version}, or null when there is none.
     */
    static String[] configuration(BundleContext context, String bsn, String version) {
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                org.osgi.framework.Bundle b = context.getBundle(d.bundle.id);
                if (b == null || !bsn.equals(b.getSymbolicName()) || !version.equals(b.getVersion().toString())) continue;
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) return new String[]{state(c.state), c.failure};
            }
            return null;
        } finally {
            context.ungetService(ref);
        }
    }

    private static String state(int s) {
        return switch (s) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "state " + s;
        };
    }
}
