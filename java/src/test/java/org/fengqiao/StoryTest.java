package org.fengqiao;

import static org.fengqiao.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.fengqiao.model.Decision;
import org.fengqiao.model.Dispute;
import org.fengqiao.model.Operation;
import org.fengqiao.model.StatsQuery;
import org.fengqiao.model.StatsReport;
import org.junit.jupiter.api.Test;

/** A labour dispute from registration to a judicially confirmed agreement, typed end to end. */
class StoryTest {
    @Test
    void fromRegistrationToAJudiciallyConfirmedAgreement() throws Exception {
        try (Engine engine = Engine.create(world())) {
            String code = engine.register(GW, labour(), T0);
            assertTrue(code.startsWith("5223010010010010101-20250609-"), code);

            Decision d = engine.route(Actor.system(), code, T0);
            assertEquals(org.fengqiao.model.Level.COMMUNITY, d.level);
            assertTrue(d.matched.contains("labour-window"), d.matched.toString());
            assertTrue(d.offerConfirmation);
            assertFalse(d.team.isEmpty());
            // The labour 15 days are shown on day 1 (issue 31; 劳动争议调解仲裁法 art. 14):
            // received 2025-06-09, the last day is 06-24.
            org.fengqiao.model.LegalWindow labour = d.legalWindows.stream()
                    .filter(w -> w.window == org.fengqiao.model.WindowKind.LABOUR_MEDIATION).findFirst().get();
            assertEquals("2025-06-24", labour.lastDay);
            assertTrue(labour.source.contains("art. 14"), labour.source);

            engine.apply(MD, code, Operation.accept("受理"), T0);
            engine.apply(MD, code, Operation.recordSession(org.fengqiao.model.Method.BENCH_MEETING, "双方到场", true), T0);
            Dispute resolved = engine.apply(MD, code, Operation.resolve(written("2025-06-09", 30000)), T0);
            assertEquals(org.fengqiao.model.State.RESOLVED, resolved.state);
            assertEquals(Long.valueOf(30000), resolved.agreement.amountYuan);
            engine.apply(GW, code, Operation.verify(true), day(1));

            Operation apply = Operation.applyConfirmation("2025-06-10", Arrays.asList(party("p0-0"), party("p1-0")));
            assertEquals(org.fengqiao.model.ConfirmationStatus.APPLIED, engine.apply(MD, code, apply, day(1)).confirmation.status);
            engine.apply(COURT, code, Operation.acceptConfirmation("2025-06-11"), day(2));
            Dispute confirmed = engine.apply(COURT, code, Operation.grantConfirmation("2025-06-12"), day(3));
            assertEquals(org.fengqiao.model.ConfirmationStatus.GRANTED, confirmed.confirmation.status);
            assertEquals("2025-06-12", confirmed.confirmation.decidedOn);

            // The trace holds every step, and verifies; the statistics count the confirmation.
            assertEquals(9, engine.viewCase(MD, code, day(3)).events.longValue());
            engine.verify(code);
            StatsQuery q = new StatsQuery();
            StatsReport r = engine.statistics(Actor.system(), q, day(3));
            assertEquals(Long.valueOf(1), r.total.counts.confirmed);
            assertEquals(Long.valueOf(1), r.total.counts.succeeded);

            // A restart: the engine rebuilt from its journal reads the same.
            try (Engine again = Engine.restore(world(), engine.journalJsonl(0, Long.MAX_VALUE))) {
                assertEquals(engine.journalHead(), again.journalHead());
                assertEquals(engine.caseHead(code), again.caseHead(code));
                assertEquals(org.fengqiao.model.ConfirmationStatus.GRANTED, again.viewCase(MD, code, day(3)).dispute.confirmation.status);
            }
            // restore takes the world as create does (issue 31): a WorldData.
            org.fengqiao.model.WorldData data = Json.MAPPER.readValue(world(), org.fengqiao.model.WorldData.class);
            try (Engine again = Engine.restore(data, engine.journalJsonl(0, Long.MAX_VALUE))) {
                assertEquals(engine.journalHead(), again.journalHead());
            }
            assertEquals(9 + 0, engine.journal(0, 100).stream().filter(e -> e.change.event != null).count());

            // The weekly dispatch of "this week": a null date is the day of `now` (China time).
            String week = engine.weeklyDispatchJson(Actor.system(), "522301001000", "community", "2025-06-12", day(3));
            assertEquals(week, engine.weeklyDispatchJson(Actor.system(), "522301001000", "community", null, day(3)));
            FengqiaoException bad = assertThrows(FengqiaoException.class,
                    () -> engine.weeklyDispatchJson(Actor.system(), "522301001000", "community", "12/06/2025", day(3)));
            assertEquals(ErrorCode.INVALID_INPUT, bad.code());
            assertThrows(IllegalArgumentException.class, () -> engine.caseCodesJson(null, day(3)));
        }
    }
}
