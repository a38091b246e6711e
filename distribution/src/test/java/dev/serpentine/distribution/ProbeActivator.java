package dev.serpentine.distribution;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * The activator of Pax Exam's probe bundle, which starts after every provisioned bundle: when one of them is not
 * active (a fragment is only resolved), prints the framework report with the reason it does not resolve.
 */
public final class ProbeActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        for (Bundle b : context.getBundles()) {
            if (b.equals(context.getBundle())) continue; // the probe itself is STARTING now
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (b.getState() != Bundle.ACTIVE && !(fragment && b.getState() == Bundle.RESOLVED)) {
                System.err.println("[framework] " + b.getSymbolicName() + " is not active\n" + FrameworkReport.describe(context));
                return;
            }
        }
    }

    @Override
    public void stop(BundleContext context) {
    }
}
