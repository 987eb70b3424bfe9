package org.fengqiao;

import static org.fengqiao.Fixtures.read;
import static org.fengqiao.Fixtures.root;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The scenario corpus (tests/scenarios) through the Java binding: each step calls the
 * {@link Engine} method the table of operations names (docs/operations.json gives its
 * arguments' order and types) and asserts the outcome the Rust, C and Node runners assert.
 */
class CorpusTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TestFactory
    Stream<DynamicTest> everyScenario() throws IOException {
        Map<String, JsonNode> table = new HashMap<>();
        for (JsonNode op : Json.tree(read("docs/operations.json")).get("operations")) {
            table.put(op.get("name").asText(), op);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(root().resolve("tests/scenarios"))) {
            files = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() >= 40, files.size() + " scenarios");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f, table)));
    }

    private static void run(Path file, Map<String, JsonNode> table) throws Exception {
        List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.trim().isEmpty()).collect(Collectors.toList());
        JsonNode head = Json.tree(lines.get(0));
        String world = read(head.get("world").asText());
        Engine engine = Engine.create(world);
        Map<String, String> vars = new HashMap<>();
        try {
            for (int i = 1; i < lines.size(); i++) {
                String at = file.getFileName() + ":" + (i + 1);
                JsonNode step = Json.tree(lines.get(i));
                if (step.has("restart")) {
                    String journal = engine.journalJsonl(0, Long.MAX_VALUE);
                    JsonNode before = engine.journalHead();
                    Engine again = Engine.restore(world, journal);
                    engine.close();
                    engine = again;
                    assertEquals(before, engine.journalHead(), at + ": restart");
                    continue;
                }
                JsonNode op = table.get(step.get("op").asText());
                assertNotNull(op, at + ": no operation " + step.get("op"));
                JsonNode args = substitute(step.has("args") ? step.get("args") : NODES.objectNode(), vars);
                String result = null;
                FengqiaoException error = null;
                try {
                    result = call(engine, op, args);
                } catch (FengqiaoException e) {
                    error = e;
                }
                JsonNode expect = step.get("expect");
                if (expect.has("error")) {
                    assertNotNull(error, at + ": " + op.get("name") + " succeeded, expected " + expect.get("error"));
                    assertEquals(expect.get("error").asText(), error.code().word(), at + ": " + error.getMessage());
                } else {
                    if (error != null) {
                        fail(at + ": " + op.get("name") + " failed: " + error.code().word() + ": " + error.getMessage());
                    }
                    String diff = matches(substitute(expect.get("ok"), vars), comparable(op, result), "");
                    assertNull(diff, at + ": " + op.get("name") + ": " + diff);
                    if (step.has("save") && result != null) {
                        vars.put(step.get("save").asText(), result);
                    }
                }
            }
        } finally {
            engine.close();
        }
    }

    /** The Engine method of the operation, called with its arguments in the table's order. */
    private static String call(Engine engine, JsonNode op, JsonNode args) throws Exception {
        String name = op.get("java").asText();
        JsonNode params = op.get("args");
        Method method = null;
        for (Method m : Engine.class.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == params.size()) {
                method = m;
            }
        }
        assertNotNull(method, "Engine has no method " + name + " with " + params.size() + " arguments");
        Object[] values = new Object[params.size()];
        for (int i = 0; i < params.size(); i++) {
            JsonNode a = params.get(i);
            values[i] = javaArg(a.get("type").asText(), args.get(a.get("name").asText()));
        }
        try {
            Object r = method.invoke(Modifier.isStatic(method.getModifiers()) ? null : engine, values);
            return (String) r;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        }
    }

    private static Object javaArg(String type, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        switch (type) {
            case "actor":
                return Actor.fromJson(v.toString());
            case "time":
                return Instant.ofEpochMilli(v.asLong());
            case "count":
                return v.asLong();
            case "flag":
                return v.asBoolean();
            case "text":
                return v.asText();
            case "source":
            case "lines":
            case "list_or_lines":
                return v.isTextual() ? v.asText() : v.toString();
            default:
                return v.toString();
        }
    }

    private static JsonNode comparable(JsonNode op, String result) {
        String output = op.get("output").asText();
        if (result == null || output.equals("nothing")) {
            return NODES.nullNode();
        }
        if (output.equals("text")) {
            return NODES.textNode(result);
        }
        if (output.equals("lines")) {
            ArrayNode a = NODES.arrayNode();
            for (String l : result.split("\n")) {
                if (!l.isEmpty()) {
                    a.add(Json.tree(l));
                }
            }
            return a;
        }
        return Json.tree(result);
    }

    private static JsonNode substitute(JsonNode v, Map<String, String> vars) {
        if (v.isTextual()) {
            List<String> names = new ArrayList<>(vars.keySet());
            names.sort((a, b) -> b.length() - a.length());
            String s = v.asText();
            for (String n : names) {
                s = s.replace("$" + n, vars.get(n));
            }
            return NODES.textNode(s);
        }
        if (v.isArray()) {
            ArrayNode a = NODES.arrayNode();
            v.forEach(x -> a.add(substitute(x, vars)));
            return a;
        }
        if (v.isObject()) {
            ObjectNode o = NODES.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                o.set(e.getKey(), substitute(e.getValue(), vars));
            }
            return o;
        }
        return v;
    }

    /** The first difference from the corpus's pattern, by path; null when it matches. */
    private static String matches(JsonNode pattern, JsonNode actual, String path) {
        if (pattern.isTextual() && pattern.asText().equals("*")) {
            return null;
        }
        if (pattern.isObject()) {
            if (!actual.isObject()) {
                return path + ": " + actual + ", expected an object";
            }
            Iterator<Map.Entry<String, JsonNode>> it = pattern.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!actual.has(e.getKey())) {
                    return path + "/" + e.getKey() + ": missing";
                }
                String d = matches(e.getValue(), actual.get(e.getKey()), path + "/" + e.getKey());
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (pattern.isArray()) {
            if (!actual.isArray() || actual.size() != pattern.size()) {
                return path + ": " + actual + ", expected " + pattern.size() + " items";
            }
            for (int i = 0; i < pattern.size(); i++) {
                String d = matches(pattern.get(i), actual.get(i), path + "/" + i);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        return pattern.equals(actual) ? null : path + ": " + actual + ", expected " + pattern;
    }
}
