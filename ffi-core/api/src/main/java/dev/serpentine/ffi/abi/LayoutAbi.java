package dev.serpentine.ffi.abi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * A {@link CPythonAbi} described by a properties resource of the ABI bundle ({@code layout.properties}): the tag,
 * flavour, bundle version and every layout fact. An ABI bundle is this class with its own resource, so a patched
 * layout is a patched text file in a new bundle.
 */
public class LayoutAbi implements CPythonAbi {

    private final String tag;
    private final String flavour;
    private final String bundleVersion;
    private final AbiLayout layout;

    /**
     * Reads the layout from {@code layout} (closed here), which the ABI bundle's class {@code owner} opened from its
     * own module: the resource is encapsulated there.
     */
    protected LayoutAbi(Class<?> owner, InputStream layout) {
        Properties p = new Properties();
        try (InputStream in = layout) {
            if (in == null) throw new IllegalStateException(owner.getName() + " has no layout.properties");
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the layout of " + owner.getName(), e);
        }
        this.tag = required(p, "abi.tag");
        this.flavour = required(p, "abi.flavour");
        this.bundleVersion = required(p, "bundle.version");
        this.layout = AbiLayout.from(tag, p);
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) throw new IllegalStateException("layout has no " + key);
        return v.trim();
    }

    @Override
    public String tag() {
        return tag;
    }

    @Override
    public String flavour() {
        return flavour;
    }

    @Override
    public String bundleVersion() {
        return bundleVersion;
    }

    @Override
    public AbiLayout layout() {
        return layout;
    }

    @Override
    public String toString() {
        return tag + " (" + flavour + ") bundle " + bundleVersion;
    }
}
