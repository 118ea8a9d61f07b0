package org.schedlab;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Cost profiles for tests. */
public final class TestProfiles {
    private TestProfiles() {}

    /** The built-in profile without boost: for closed forms that run every CPU at its capacity however many are busy. */
    public static String noBoost() {
        try {
            return Path.of(TestProfiles.class.getResource("/costs/no-boost.yaml").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
