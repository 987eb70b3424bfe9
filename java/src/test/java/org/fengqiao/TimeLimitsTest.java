package org.fengqiao;

import static org.fengqiao.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Collections;
import org.fengqiao.model.Assessment;
import org.fengqiao.model.AssessmentQuery;
import org.fengqiao.model.AssessmentRow;
import org.fengqiao.model.LocalCalendar;
import org.fengqiao.model.LocalDay;
import org.fengqiao.model.Operation;
import org.junit.jupiter.api.Test;

/**
 * Time limits from Java: a local calendar (and its refusal), a suspension, an extension
 * decided by the street, and the assessment — the same steps and numbers as the C and
 * WebAssembly suites.
 */
class TimeLimitsTest {
    @Test
    void aSuspensionAndAnExtensionShowInTheAssessment() {
        try (Engine engine = Engine.create(world())) {
            Actor street = Actor.staff("cs-522301001000");
            LocalCalendar local = new LocalCalendar();
            local.unit = "522301000000";
            local.source = "test";
            LocalDay off = new LocalDay();
            off.date = "2025-06-11";
            off.name = "三月三";
            local.daysOff = Collections.singletonList(off);
            engine.setLocalCalendar(local);
            local.daysOff = java.util.Arrays.asList(off, off);
            FengqiaoException twice = assertThrows(FengqiaoException.class, () -> engine.setLocalCalendar(local));
            assertEquals(ErrorCode.CALENDAR, twice.code());
            assertTrue(twice.getMessage().contains("2025-06-11"), twice.getMessage());

            String code = engine.register(GW, labour(), T0);
            engine.route(Actor.system(), code, T0);
            engine.apply(MD, code, Operation.accept(""), T0);
            engine.apply(MD, code, Operation.suspend(org.fengqiao.model.PauseReason.APPRAISAL, "等待房屋安全鉴定"), day(1));
            engine.apply(MD, code, Operation.resume(""), day(3));
            engine.apply(MD, code, Operation.requestExtension(5, "等待鉴定"), day(3));
            FengqiaoException.LifecycleException below = assertThrows(FengqiaoException.LifecycleException.class,
                    () -> engine.apply(Actor.staff("cs-522301001001"), code, Operation.decideExtension(true, null), day(3)));
            assertEquals("not_permitted", below.details().get("refusal").asText());
            engine.apply(street, code, Operation.decideExtension(true, 3), day(3));
            // The deadline sweep shows the days granted.
            assertEquals(Long.valueOf(3), engine.deadlines(day(3)).stream()
                    .filter(s -> s.case_.equals(code)).findFirst().get().extendedDays);

            AssessmentQuery q = new AssessmentQuery();
            q.from = "2025-06-01";
            q.to = "2025-06-30";
            Assessment a = engine.assessment(street, q, day(4));
            AssessmentRow row = a.rows.stream().filter(r -> r.unit.equals("522301001001")).findFirst().get();
            assertEquals(Long.valueOf(1), row.counts.suspensions);
            assertEquals(Long.valueOf(1), row.counts.extensionsGranted);
            assertEquals(Long.valueOf(3), row.counts.extensionDays);
            assertEquals(Long.valueOf(99), row.score);
        }
    }
}
