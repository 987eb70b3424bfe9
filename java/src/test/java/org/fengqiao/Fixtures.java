package org.fengqiao;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Arrays;
import org.fengqiao.model.Agreement;
import org.fengqiao.model.AgreementForm;
import org.fengqiao.model.Category;
import org.fengqiao.model.Channel;
import org.fengqiao.model.Party;
import org.fengqiao.model.RiskColour;
import org.fengqiao.model.Urgency;
import org.fengqiao.model.DisputeInput;

/** The small world of the C and Rust suites, and the story's people. */
final class Fixtures {
    private Fixtures() {}

    static final Actor GW = Actor.staff("gw-522301001001001");
    static final Actor MD = Actor.staff("md-522301001001-1");
    static final Actor COURT = Actor.agency("court-522301000000");
    /** 2025-06-09 09:00 China time. */
    static final Instant T0 = Instant.ofEpochMilli(1749430800000L);
    static final long DAY = 86_400_000L;

    static Instant day(int n) {
        return T0.plusMillis(n * DAY);
    }

    /** The repository root (system property {@code fengqiao.root}, else two levels up). */
    static Path root() {
        String r = System.getProperty("fengqiao.root");
        return r != null ? Paths.get(r) : Paths.get("..").toAbsolutePath().normalize();
    }

    static String read(String relative) {
        try {
            return new String(Files.readAllBytes(root().resolve(relative)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String world() {
        return read("examples/data/world-small.json");
    }

    /** Wages owed to twelve workers: a labour dispute between two residents' sides. */
    static DisputeInput labour() {
        DisputeInput d = new DisputeInput();
        d.category = Category.LABOUR;
        d.channel = Channel.WALK_IN;
        d.parties = Arrays.asList(party("p0-0"), party("p1-0"));
        d.location = "5223010010010010101";
        d.urgency = Urgency.MEDIUM;
        d.risk = RiskColour.YELLOW;
        d.amountYuan = 36000L;
        d.description = "12名务工人员被拖欠工资";
        d.discoveredAt = "2025-06-08T02:00:00Z";
        return d;
    }

    static Party party(String person) {
        return Party.person(person);
    }

    static Agreement written(String effectiveOn, long amount) {
        Agreement a = new Agreement();
        a.form = AgreementForm.WRITTEN;
        a.effectiveOn = effectiveOn;
        a.terms = "分期支付";
        a.amountYuan = amount;
        a.partiesSigned = true;
        a.mediatorSigned = true;
        a.committeeSealed = true;
        return a;
    }
}
