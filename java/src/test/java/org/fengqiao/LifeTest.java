package org.fengqiao;

import static org.fengqiao.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fengqiao.model.Operation;
import org.junit.jupiter.api.Test;

/** Threads, closing, the native library. */
class LifeTest {
    @Test
    void eightThreadsShareOneEngine() throws Exception {
        try (Engine engine = Engine.create(world())) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch start = new CountDownLatch(1);
            Set<String> codes = ConcurrentHashMap.newKeySet();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 10; i++) {
                        String code = engine.register(GW, labour(), T0);
                        codes.add(code);
                        org.fengqiao.model.Decision d = engine.route(Actor.system(), code, T0);
                        // Routing spreads cases over the mediators by load: the team's acts.
                        Actor mediator = d.team.stream().filter(m -> m.role == org.fengqiao.model.Role.MEDIATOR)
                                .map(m -> Actor.staff(m.staff)).findFirst().orElseThrow(AssertionError::new);
                        engine.apply(mediator, code, Operation.accept(""), T0);
                        assertEquals(org.fengqiao.model.State.ACCEPTED, engine.viewCase(mediator, code, T0).dispute.state);
                        engine.statistics(Actor.system(), new org.fengqiao.model.StatsQuery(), T0);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            assertEquals(80, codes.size(), "every registration got its own code");
            assertEquals(80, engine.caseCodes(Actor.system(), T0).size());
            // Three changes a case, and the mediator's view of both parties' identifiers
            // whole: two audited reads a case.
            assertEquals(80L * (3 + 2), engine.journalHead().path("seq").asLong());
        }
    }

    @Test
    void closingTwiceIsHarmlessAndUseAfterCloseThrows() {
        Engine engine = Engine.create(world());
        engine.close();
        engine.close();
        assertTrue(engine.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> engine.register(GW, labour(), T0));
        assertTrue(e.getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, engine::snapshotJson);
    }

    @Test
    void anEngineNeverClosedIsFreedByTheReaper() throws InterruptedException {
        int before = Engine.reaped();
        for (int i = 0; i < 3; i++) {
            Engine.create(world()).caseCodes(Actor.system(), T0); // dropped without close()
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (Engine.reaped() < before + 3 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(before + 3, Engine.reaped(), "the reaper freed the three engines");
        // A closed engine is not freed twice.
        Engine closed = Engine.create(world());
        closed.close();
        closed = null;
        System.gc();
        Thread.sleep(200);
        assertEquals(before + 3, Engine.reaped());
    }

    @Test
    void constructorsFromBytesAndSnapshots() {
        byte[] world = world().getBytes(StandardCharsets.UTF_8);
        try (Engine engine = Engine.create(world)) {
            String code = engine.register(GW, labour(), T0);
            String snapshot = engine.snapshotJson();
            engine.route(Actor.system(), code, T0);
            String tail = engine.journalJsonl(1, 100);
            try (Engine again = Engine.restoreSnapshot(snapshot.getBytes(StandardCharsets.UTF_8), tail.getBytes(StandardCharsets.UTF_8))) {
                assertEquals(engine.caseHead(code), again.caseHead(code));
            }
        }
    }

    @Test
    void theLibraryNamesItselfAndItsSource() {
        assertEquals("0.1.0", Engine.version());
        assertEquals(100, Engine.versionNumber());
        assertEquals("lifecycle", Engine.statusName(8));
        assertTrue(Engine.nativeSource().contains("fengqiao_ffi"), Engine.nativeSource());
        assertTrue(Engine.defaultRulesJson().contains("fengqiao-default"));
        assertEquals("linux-x86_64", NativeLoader.platform());
    }

    @Test
    void ruleTextIsValidatedWithLinesAndColumns() {
        try (Engine engine = Engine.create(world())) {
            String text = "{\"id\": \"t\", \"version\": \"1\", \"hit_policy\": \"first\",\n \"rules\": [{\"id\": \"a\", \"when\": {\"category_in\": [\"labor\"]}}]}";
            com.fasterxml.jackson.databind.JsonNode found = Json.tree(engine.validateRulesTextJson(text));
            assertEquals(1, found.size());
            assertEquals("parse", found.get(0).get("diagnostic").get("code").asText());
            assertEquals(2, found.get(0).get("at").get("line").asInt());
            assertEquals(49, found.get(0).get("at").get("column").asInt());
        }
    }
}
