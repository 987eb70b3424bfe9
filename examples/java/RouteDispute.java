// Routes a dispute from Java: the README's Java section, run in CI.
//
//   java -cp fengqiao-0.1.0.jar:jna.jar:jackson-*.jar RouteDispute world.json
//
// (Java 8+; the jar carries the native library for linux-x86_64.)

import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Arrays;
import org.fengqiao.Actor;
import org.fengqiao.Engine;
import org.fengqiao.FengqiaoException;
import org.fengqiao.model.Category;
import org.fengqiao.model.Channel;
import org.fengqiao.model.Decision;
import org.fengqiao.model.DisputeInput;
import org.fengqiao.model.Party;
import org.fengqiao.model.RiskColour;
import org.fengqiao.model.TeamMember;
import org.fengqiao.model.Urgency;

public class RouteDispute {
    public static void main(String[] args) throws Exception {
        byte[] world = Files.readAllBytes(Paths.get(args.length > 0 ? args[0] : "examples/data/world-small.json"));
        try (Engine engine = Engine.create(world)) {
            DisputeInput input = new DisputeInput();
            input.category = Category.NEIGHBOUR;
            input.channel = Channel.HOUSEHOLD_VISIT;
            input.parties = Arrays.asList(Party.person("p0-0"), Party.person("p1-0"));
            input.location = "5223010010010010101";
            input.urgency = Urgency.LOW;
            input.risk = RiskColour.BLUE;
            input.description = "邻里因排水沟堵塞发生争执";
            input.discoveredAt = "2025-06-08T02:00:00Z";
            Instant now = Instant.parse("2025-06-09T01:00:00Z");

            String code = engine.register(Actor.staff("gw-522301001001001"), input, now);
            Decision d = engine.route(Actor.system(), code, now);
            System.out.println("case " + code + " → " + d.level.word() + " " + d.unit + " (rules " + d.ruleSet + ")");
            for (TeamMember m : d.team) {
                System.out.println("  " + m.role.word() + " (" + m.role.chinese() + "): " + m.staff);
            }
            System.out.println("matched: " + d.matched);
            try {
                engine.viewCase(Actor.staff("gw-522301001002001"), code, now);
            } catch (FengqiaoException e) {
                System.out.println("another community's grid worker: " + e.code().word() + " (" + e.getMessage() + ")");
            }
        }
    }
}
