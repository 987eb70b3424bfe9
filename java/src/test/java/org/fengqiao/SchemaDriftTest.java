package org.fengqiao;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NumericNode;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.fengqiao.model.Schemas;
import org.junit.jupiter.api.Test;

/**
 * The Java classes cannot drift from the JSON Schemas: every class has exactly its schema's
 * properties, and every example in docs/examples reads into its class strictly (an unknown
 * property fails) and writes back to the same JSON.
 */
class SchemaDriftTest {
    private static final ObjectMapper STRICT = Json.mapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    @Test
    void everyClassHasExactlyItsSchemasProperties() throws Exception {
        for (String[] row : Schemas.CLASSES) {
            Class<?> type = Class.forName("org.fengqiao.model." + row[0]);
            JsonNode schema = STRICT.readTree(Fixtures.read("docs/schema/" + row[1]));
            JsonNode shape = row[2].isEmpty() ? schema : schema.path("$defs").path(row[2]);
            TreeSet<String> expected = new TreeSet<>();
            shape.path("properties").fieldNames().forEachRemaining(expected::add);
            TreeSet<String> actual = new TreeSet<>();
            for (Field f : type.getFields()) {
                JsonProperty p = f.getAnnotation(JsonProperty.class);
                if (p != null) {
                    actual.add(p.value());
                }
            }
            assertEquals(expected, actual, row[0] + " against " + row[1] + " " + row[2]
                    + ": run python3 scripts/java-model.py");
        }
    }

    /** Every vocabulary enum has exactly its schema's words (and UNKNOWN), each read and written as the word. */
    @Test
    void everyVocabularyHasExactlyItsSchemasWords() throws Exception {
        assertTrue(Schemas.ENUMS.length >= 25, Schemas.ENUMS.length + " vocabularies");
        for (String[] row : Schemas.ENUMS) {
            Class<?> type = Class.forName("org.fengqiao.model." + row[0]);
            JsonNode shape = STRICT.readTree(Fixtures.read("docs/schema/" + row[1])).path("$defs").path(row[2]);
            TreeSet<String> expected = new TreeSet<>();
            shape.path("oneOf").forEach(a -> expected.add(a.path("const").asText()));
            shape.path("enum").forEach(w -> expected.add(w.asText()));
            TreeSet<String> actual = new TreeSet<>();
            for (Object c : type.getEnumConstants()) {
                String word = (String) type.getMethod("word").invoke(c);
                if (word != null) {
                    actual.add(word);
                    assertEquals("\"" + word + "\"", STRICT.writeValueAsString(c), row[0] + "." + c);
                    assertEquals(c, STRICT.readValue("\"" + word + "\"", type));
                }
            }
            assertEquals(expected, actual, row[0] + " against " + row[1] + ": run python3 scripts/java-model.py");
        }
        // A word a newer library adds reads as UNKNOWN, not as a failure.
        assertEquals(org.fengqiao.model.Category.UNKNOWN, Json.read("\"space_debris\"", org.fengqiao.model.Category.class));
        assertEquals("婚姻家庭", org.fengqiao.model.Category.MARRIAGE_FAMILY.chinese());
        assertEquals("marriage family", org.fengqiao.model.Category.MARRIAGE_FAMILY.english());
        assertEquals(org.fengqiao.model.AgencyKind.GOVERNANCE_CENTRE, org.fengqiao.model.AgencyKind.of("governance_centre"));
    }

    /** Every one-of class has one field per alternative of its union, and writes only the one set. */
    @Test
    void everyOneOfClassHasItsAlternatives() throws Exception {
        for (String[] row : Schemas.ONE_OF) {
            Class<?> type = Class.forName("org.fengqiao.model." + row[0]);
            JsonNode shape = STRICT.readTree(Fixtures.read("docs/schema/" + row[1])).path("$defs").path(row[2]);
            TreeSet<String> expected = new TreeSet<>();
            shape.path("oneOf").forEach(a -> a.path("properties").fieldNames().forEachRemaining(expected::add));
            TreeSet<String> actual = new TreeSet<>();
            for (Field f : type.getFields()) {
                JsonProperty p = f.getAnnotation(JsonProperty.class);
                if (p != null) {
                    actual.add(p.value());
                }
            }
            assertEquals(expected, actual, row[0] + " against " + row[1]);
        }
        assertEquals("{\"person\":\"p0-0\"}", Json.write(org.fengqiao.model.Party.person("p0-0")));
    }

    /** docs/examples file → the class it is an instance of (a list of it when in brackets). */
    private static final Map<String, String> EXAMPLES = new HashMap<>();

    static {
        String[][] pairs = {
            {"agency", "Agency"}, {"case-view", "CaseView"}, {"decision", "Decision"},
            {"diagnostics", "[Diagnostic]"}, {"dispute-input", "DisputeInput"}, {"dispute", "Dispute"},
            {"event", "Event"}, {"explanation", "Explanation"}, {"hierarchy", "HierarchyData"},
            {"journal-entry", "JournalEntry"}, {"journal-entry-world-change", "JournalEntry"},
            {"missing-reports", "[MissingReport]"}, {"operation", "Operation"}, {"person", "Person"},
            {"staff", "Staff"}, {"stats-query", "StatsQuery"}, {"stats-report", "StatsReport"},
            {"sweep", "Sweep"}, {"zero-report", "ZeroReport"}, {"assessment", "Assessment"},
            {"assessment-query", "AssessmentQuery"}, {"local-calendar", "LocalCalendar"},
            {"signed-head", "SignedHead"}, {"audit-entry", "AuditEntry"},
            {"transfer-document", "TransferDocument"}, {"intake", "Intake"},
            {"transfer-check", "TransferCheck"}, {"statistical-return", "StatisticalReturn"},
            {"consolidation", "Consolidation"},
        };
        for (String[] p : pairs) {
            EXAMPLES.put(p[0], p[1]);
        }
    }

    @Test
    void everyExampleRoundTripsThroughItsClass() throws Exception {
        List<String> seen = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Fixtures.root().resolve("docs/examples"), "*.json")) {
            for (Path file : dir) {
                String name = file.getFileName().toString().replace(".json", "");
                String cls = EXAMPLES.get(name);
                assertNotNull(cls, "docs/examples/" + name + ".json has no Java class: add it to EXAMPLES");
                roundTrip(file, cls);
                seen.add(name);
            }
        }
        assertEquals(EXAMPLES.size(), seen.size(), "every mapped example exists: " + seen);
        // And a whole world document.
        roundTrip(Fixtures.root().resolve("examples/data/world-small.json"), "WorldData");
    }

    private static void roundTrip(Path file, String cls) throws IOException, ClassNotFoundException {
        String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
        JsonNode original = STRICT.readTree(text);
        Object value;
        if (cls.startsWith("[")) {
            Class<?> item = Class.forName("org.fengqiao.model." + cls.substring(1, cls.length() - 1));
            value = STRICT.readValue(text, STRICT.getTypeFactory().constructCollectionType(List.class, item));
        } else {
            value = STRICT.readValue(text, Class.forName("org.fengqiao.model." + cls));
        }
        JsonNode back = STRICT.readTree(STRICT.writeValueAsString(value));
        assertTrue(original.equals(NUMBERS_BY_VALUE, back),
                file.getFileName() + " changed through " + cls + ":\n" + original + "\n" + back);
    }

    /** 1 and 1.0 are the same number. */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a instanceof NumericNode && b instanceof NumericNode) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return a.equals(b) ? 0 : 1;
    };
}
