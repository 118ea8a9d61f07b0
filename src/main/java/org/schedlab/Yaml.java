package org.schedlab;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;

/**
 * How schedlab reads YAML (sweep, study and cost profile files): a key given twice in one mapping is refused, and so
 * is an alias ({@code *name}, {@code <<: *name}): the parser would hand over the alias's name as if it were the
 * value ({@code warmup: *5ms} reading as "5ms"), so schedlab refuses it and asks for the value written out.
 */
public final class Yaml {
    private Yaml() {}

    /** A YAML factory that refuses duplicate keys. */
    public static final YAMLFactory FACTORY = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /**
     * Refuses the first alias in {@code text} with one line naming {@code name} and the line. Syntax errors are left
     * to the caller's own parse, which reports them in its words.
     */
    public static void refuseAliases(String name, String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken())
                if (p instanceof YAMLParser y && y.isCurrentAlias())
                    throw new InputError(name + ":" + p.currentTokenLocation().getLineNr() + ": YAML alias '*"
                            + p.getText() + "' is not supported; write the value out");
        } catch (JsonProcessingException e) {
            // not YAML: the caller's parse says where
        } catch (IOException e) {
            throw new InputError(name + ": " + e.getMessage());
        }
    }
}
