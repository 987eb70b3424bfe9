// A decision through Java, beside ffi/benches/decide.c through C (scripts/java-bench.sh runs
// both on the same release library, world and dispute, and prints the ratio). Not a test:
// run by hand; the machines are shared, read the ratio within one run.

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import org.fengqiao.Engine;
import org.fengqiao.model.Decision;
import org.fengqiao.model.DisputeInput;

public class DecideBench {
    public static void main(String[] args) throws Exception {
        String world = new String(Files.readAllBytes(Paths.get(args[0])), StandardCharsets.UTF_8);
        String dispute = new String(Files.readAllBytes(Paths.get(args[1])), StandardCharsets.UTF_8);
        int n = Integer.parseInt(args[2]);
        DisputeInput input = org.fengqiao.Json.mapper().readValue(dispute, DisputeInput.class);
        try (Engine engine = Engine.create(world)) {
            long sink = 0;
            for (int i = 0; i < n; i++) { // warm-up: JIT, JNA's stubs
                sink += engine.decideInputJson(dispute).length();
                sink += engine.decideInput(input).team.size();
            }
            double[] json = new double[7];
            double[] typed = new double[7];
            for (int r = 0; r < 7; r++) {
                long t = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    sink += engine.decideInputJson(dispute).length();
                }
                json[r] = (System.nanoTime() - t) / (double) n;
                t = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    Decision d = engine.decideInput(input);
                    sink += d.team.size();
                }
                typed[r] = (System.nanoTime() - t) / (double) n;
            }
            Arrays.sort(json);
            Arrays.sort(typed);
            System.out.printf("java_json_ns %.0f%njava_typed_ns %.0f%n(sink %d)%n", json[3], typed[3], sink);
        }
    }
}
