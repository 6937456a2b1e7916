package bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * How long refactorings take on the real sandbox, end to end through the API (re-read, plan,
 * lock, run, re-probe and verify, audit): relocate of one replica, and relocate-replicas of 3.
 * Writes bench/results/refactor.md. Run with bin/bench RefactorBenchmark.
 */
@Tag("bench")
class RefactorBenchmark {

  static final int M = 10751;
  static final int RUNS = 5;

  @TempDir
  Path tmp;

  @Test
  void refactoringDurations() throws Exception {
    List<Long> relocate = new ArrayList<>();
    List<Long> relocateReplicas = new ArrayList<>();
    try (Sandbox sandbox = Sandbox.up("bench-refactor", M, 5, "star");
         OrchaFixture orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("refactor.db")))) {
      orcha.get("discover/127.0.0.1/" + M);
      Eventually.await("five servers", Duration.ofSeconds(20), () -> orcha.get("all-instances"),
          a -> a.size() == 5);
      for (int run = 0; run < RUNS; run++) {
        // one replica below its sibling and back
        relocate.add(timed(orcha, "relocate/127.0.0.1/" + (M + 1) + "/127.0.0.1/" + (M + 2)));
        relocate.add(timed(orcha, "relocate/127.0.0.1/" + (M + 1) + "/127.0.0.1/" + M));
        // three replicas of the master below the fourth, and back
        relocateReplicas.add(timed(orcha, "relocate-replicas/127.0.0.1/" + M + "/127.0.0.1/" + (M + 4)));
        relocateReplicas.add(timed(orcha, "relocate-replicas/127.0.0.1/" + (M + 4) + "/127.0.0.1/" + M));
      }
    }
    List<String> report = new ArrayList<>();
    report.add("# Refactoring durations");
    report.add("");
    report.add("Measured " + LocalDate.now() + " by `bin/bench RefactorBenchmark` on this machine ("
        + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
        + "): a 5-server MariaDB 10.11 star from deploy/sandbox (MariaDB GTID), one orcha node on "
        + "SQLite. Time = one GET through the API until its answer: re-read the servers involved, "
        + "plan, take maintenance locks, run the steps (stop, wait for the target to have the "
        + "replica's GTIDs, CHANGE MASTER, start), re-probe until the new topology shows with "
        + "replication running, audit, release the locks. " + (2 * RUNS) + " runs each.");
    report.add("");
    report.add("| operation | median | min | max | runs (ms) |");
    report.add("|---|---|---|---|---|");
    report.add(row("relocate (1 replica below its sibling, and back)", relocate));
    report.add(row("relocate-replicas (3 replicas below a sibling, and back)", relocateReplicas));
    Path out = Path.of(System.getProperty("user.dir"), "bench", "results", "refactor.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, String.join("\n", report) + "\n");
    System.out.println(String.join("\n", report));
  }

  static long timed(OrchaFixture orcha, String path) {
    long t0 = System.nanoTime();
    JsonNode r = orcha.get(path);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (!"OK".equals(r.get("Code").asText())) {
      throw new AssertionError(path + " → " + r);
    }
    return ms;
  }

  static String row(String what, List<Long> ms) {
    List<Long> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    return String.format(Locale.ROOT, "| %s | %d ms | %d ms | %d ms | %s |", what,
        sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1), ms);
  }
}
