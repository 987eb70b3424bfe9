package org.fengqiao;

import static org.fengqiao.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import org.fengqiao.FengqiaoException.ConflictException;
import org.fengqiao.FengqiaoException.DeniedException;
import org.fengqiao.FengqiaoException.JournalException;
import org.fengqiao.FengqiaoException.LifecycleException;
import org.fengqiao.FengqiaoException.NotFoundException;
import org.fengqiao.model.Operation;
import org.junit.jupiter.api.Test;

/** Every kind of refusal surfaces as its exception, with the details a host branches on. */
class ErrorsTest {
    private static <T extends FengqiaoException> T refused(Class<T> type, ErrorCode code, Runnable call) {
        T e = assertThrows(type, call::run);
        assertEquals(code, e.code());
        assertEquals(code.word(), Engine.statusName(e.status()));
        assertNotNull(e.details());
        assertFalse(e.getMessage().isEmpty());
        return e;
    }

    @Test
    void everyErrorKindIsItsOwnException() {
        try (Engine engine = Engine.create(world())) {
            String code = engine.register(GW, labour(), T0);
            engine.route(Actor.system(), code, T0);

            // lifecycle: a result before acceptance; details name the state and operation.
            LifecycleException life = refused(LifecycleException.class, ErrorCode.LIFECYCLE,
                    () -> engine.apply(MD, code, Operation.resolve(written("2025-06-09", 1)), T0));
            assertEquals("registered", life.details().path("state").asText());
            assertEquals("resolve", life.details().path("operation").asText());

            // denied: a grid worker of another community reads the case; logged.
            DeniedException denied = refused(DeniedException.class, ErrorCode.DENIED,
                    () -> engine.viewCase(Actor.staff("gw-522301001002001"), code, T0));
            assertTrue(denied.getMessage().contains("gw-522301001002001"), denied.getMessage());
            assertTrue(engine.denialsJson().contains("gw-522301001002001"));

            // not found: an unknown case.
            NotFoundException missing = refused(NotFoundException.class, ErrorCode.NOT_FOUND,
                    () -> engine.apply(MD, "5223010010010010101-20250609-9999", Operation.accept(""), T0));
            assertTrue(missing.getMessage().contains("9999"), missing.getMessage());

            // conflict: a stale expected version; nothing changes.
            String head = engine.caseHead(code);
            ConflictException conflict = refused(ConflictException.class, ErrorCode.CONFLICT,
                    () -> engine.applyExpecting(MD, code, Operation.accept(""), 1, T0));
            JsonNode d = conflict.details();
            assertEquals(1, d.path("expected").asLong());
            assertEquals(2, d.path("actual").asLong());
            assertEquals(head, engine.caseHead(code));

            // journal: a restore from a tampered entry names it.
            String jsonl = engine.journalJsonl(0, 100).replace("\"headcount\":0", "\"headcount\":5");
            JournalException journal = refused(JournalException.class, ErrorCode.JOURNAL,
                    () -> Engine.restore(world(), jsonl).close());
            assertEquals(1, journal.details().path("seq").asLong());
            assertEquals(code, journal.details().path("case").asText());

            // invalid input: malformed JSON names the argument.
            FengqiaoException bad = refused(FengqiaoException.class, ErrorCode.INVALID_INPUT,
                    () -> engine.registerJson(GW, "{\"category\":", T0));
            assertTrue(bad.getMessage().contains("input"), bad.getMessage());

            // duplicate: the same staff member twice.
            refused(FengqiaoException.class, ErrorCode.DUPLICATE,
                    () -> engine.addStaffJson("{\"id\":\"gw-522301001001001\",\"name\":\"x\",\"role\":\"grid_worker\",\"unit\":\"522301001001001\"}"));

            // rule set: a rule set with errors lists every diagnostic.
            FengqiaoException rules = refused(FengqiaoException.class, ErrorCode.RULE_SET,
                    () -> engine.loadRulesJson(Actor.system(), "{\"id\":\"x\",\"version\":\"1\",\"rules\":[{\"id\":\"r\",\"when\":{},\"then\":{\"level\":\"nowhere\"}}]}", T0));
            assertFalse(rules.getMessage().isEmpty());

            // hierarchy: a grid under a street-level code (an impossible division code).
            refused(FengqiaoException.class, ErrorCode.HIERARCHY,
                    () -> engine.addUnitJson("{\"code\":\"522301001000001\",\"kind\":\"grid\",\"name\":\"x\"}"));
            // not found, from a read: a unit that does not exist.
            refused(NotFoundException.class, ErrorCode.NOT_FOUND, () -> engine.childrenJson("522301009"));

            // A NUL inside a string would end it early in C: refused before the call.
            FengqiaoException nul = refused(FengqiaoException.class, ErrorCode.INVALID_INPUT,
                    () -> engine.caseHead(code + "\u0000-0002"));
            assertTrue(nul.getMessage().contains("NUL"), nul.getMessage());

            // times outside 2000–2099 are refused before anything runs.
            refused(FengqiaoException.class, ErrorCode.INVALID_INPUT,
                    () -> engine.register(GW, labour(), java.time.Instant.ofEpochMilli(0)));

            // A model object with unset optional fields is sent without them (issue 31): an
            // agreement without an amount resolves; a null sent by hand names its field.
            String other = engine.register(GW, labour(), T0);
            org.fengqiao.model.Decision routed = engine.route(Actor.system(), other, T0);
            Actor mediator = Actor.staff(routed.team.stream().filter(m -> m.role == org.fengqiao.model.Role.MEDIATOR)
                    .findFirst().get().staff);
            engine.apply(mediator, other, Operation.accept(""), T0);
            engine.apply(mediator, other, Operation.recordSession(org.fengqiao.model.Method.FACE_TO_FACE, "双方陈述", true), T0);
            org.fengqiao.model.Agreement noAmount = written("2025-06-09", 1);
            noAmount.amountYuan = null;
            assertEquals(org.fengqiao.model.State.RESOLVED, engine.apply(mediator, other, Operation.resolve(noAmount), T0).state);
            FengqiaoException nullAmount = refused(FengqiaoException.class, ErrorCode.INVALID_INPUT,
                    () -> engine.applyJson(MD, code, "{\"op\":\"resolve\",\"agreement\":{\"form\":\"written\","
                            + "\"terms\":\"x\",\"effective_on\":\"2025-06-09\",\"amount_yuan\":null}}", T0));
            assertTrue(nullAmount.getMessage().contains("agreement.amount_yuan"), nullAmount.getMessage());

            // A birth date in the future (GB 11643 digits 7-14: 2099-01-01) is refused when the
            // time is given, and nothing is added (issue 31).
            org.fengqiao.model.Person born2099 = new org.fengqiao.model.Person();
            born2099.id = "p-2099";
            born2099.name = "x";
            born2099.idNumber = "522301209901010112";
            born2099.household = "5223010010010010101";
            FengqiaoException future = refused(FengqiaoException.class, ErrorCode.INVALID_INPUT,
                    () -> engine.addPerson(born2099, T0));
            assertEquals("born_in_future", future.details().path("problem").asText());
            assertTrue(future.getMessage().contains("2099-01-01"), future.getMessage());
            refused(FengqiaoException.class, ErrorCode.INVALID_INPUT,
                    () -> engine.updatePerson(born2099, T0));
        }
    }

    @Test
    void aBadWorldRefusesTheConstructor() {
        FengqiaoException e = assertThrows(FengqiaoException.class, () -> Engine.create("{\"hierarchy\":"));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains("world"), e.getMessage());
    }
}
