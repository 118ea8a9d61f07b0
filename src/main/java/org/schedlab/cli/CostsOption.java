package org.schedlab.cli;

import org.schedlab.cost.CostProfile;
import org.schedlab.experiment.RunSpec;

import java.nio.file.Path;

/** {@code --costs default|none|FILE}: a profile file is read once here so that a bad one fails before any run. */
final class CostsOption {
    private CostsOption() {}

    static void apply(String value, RunSpec s) {
        s.costs = !value.equals("none");
        s.costProfile = null;
        if (!value.equals("none") && !value.equals("default")) {
            if (!value.contains("/") && !value.contains(".") && !java.nio.file.Files.exists(Path.of(value)))
                throw new org.schedlab.InputError("--costs: expected default, none or a cost profile file, got '" + value + "'");
            CostProfile.load(Path.of(value));
            s.costProfile = value;
        }
    }
}
