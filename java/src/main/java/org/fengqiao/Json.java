package org.fengqiao;

import com.fasterxml.jackson.annotation.JsonInclude;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The binding's one Jackson mapper: absent values stay absent ({@code NON_NULL}), and
 * properties and vocabulary words a newer native library adds are ignored (a word reads as
 * its enum's {@code UNKNOWN}), so an upgrade of the library never breaks a host's parsing
 * (the drift test reads strictly).
 */
public final class Json {
    private Json() {}

    static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            // A vocabulary word a newer library adds reads as the enum's UNKNOWN.
            .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE, true);

    /** The mapper the binding uses (configure a copy, never this one). */
    public static ObjectMapper mapper() {
        return MAPPER.copy();
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (java.io.IOException e) {
            throw new FengqiaoException(ErrorCode.INTERNAL, "the library returned JSON this binding cannot read as "
                    + type.getSimpleName() + ": " + e.getMessage(), JsonNodeFactory.instance.objectNode());
        }
    }

    static <T> T read(String json, com.fasterxml.jackson.core.type.TypeReference<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (java.io.IOException e) {
            throw new FengqiaoException(ErrorCode.INTERNAL, "the library returned JSON this binding cannot read: "
                    + e.getMessage(), JsonNodeFactory.instance.objectNode());
        }
    }

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            return JsonNodeFactory.instance.objectNode().put("raw", json);
        }
    }

    static String quote(String s) {
        return JsonNodeFactory.instance.textNode(s).toString();
    }
}
