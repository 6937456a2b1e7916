package bench;

import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * A dead master in a 3-node orcha cluster (three actor systems in one JVM, each probing the
 * sandbox on its own): kill -9 → recovered, with the quorum-agreement step timed (the leader
 * acts only once a majority of the nodes see DeadMaster). Median of 5, a fresh sandbox and
 * cluster per run. Writes bench/results/cluster-recovery.md. Run with bin/bench
 * ClusterRecoveryBenchmark.
 */
@Tag("bench")
class ClusterRecoveryBenchmark {

  static final int BASE = 10291;
  static final int M = 10911;
  static final int RUNS = 5;

  @TempDir
  Path tmp;

  record Run(long detected, long agreed, long resolved) {}

  @Test
  void deadMasterInAThreeNodeCluster() throws Exception {
    List<Run> runs = new ArrayList<>();
    for (int run = 0; run < RUNS; run++) {
      int m = M + run * 4;
      try (Sandbox sandbox = Sandbox.up("bench-cluster-" + run, m, 4, "star")) {
        List<OrchaFixture> nodes = new ArrayList<>();
        try {
          String list = "[\"127.0.0.1:" + BASE + "\", \"127.0.0.1:" + (BASE + 1) + "\", \"127.0.0.1:"
              + (BASE + 2) + "\"]";
          for (int i = 0; i < 3; i++) {
            nodes.add(OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve(run + "-" + i + ".db")) + """
                orcha.cluster.bind = "127.0.0.1:%d"
                orcha.cluster.nodes = %s
                orcha.discovery.seeds = ["127.0.0.1:%d"]
                orcha.mysql.replication-user = repl
                orcha.mysql.replication-password = repl
                orcha.recovery.master-cluster-filters = ["*"]
                pekko.coordinated-shutdown.run-by-actor-system-terminate = off
                """.formatted(BASE + i, list, m)));
          }
          OrchaFixture leader = Eventually.await("a leader", Duration.ofSeconds(60),
              () -> nodes.stream().filter(n -> n.raw("leader-check").statusCode() == 200).toList(),
              l -> l.size() == 1).get(0);
          for (OrchaFixture n : nodes) {
            Eventually.await("4 valid", Duration.ofSeconds(30), () -> n.get("all-instances"),
                a -> a.size() == 4 && a.findValues("IsLastCheckValid").stream().allMatch(JsonNode::asBoolean));
          }
          long started = System.nanoTime(); // past the coordinators' start delay (3 × poll)
          Eventually.await("start delay over", Duration.ofSeconds(10),
              () -> System.nanoTime() - started > Duration.ofSeconds(4).toNanos());
          long pid = Long.parseLong(Files.readString(sandbox.dir().resolve(m + "/mariadbd.pid")).strip());
          Instant killed = Instant.now();
          ProcessHandle.of(pid).orElseThrow().destroyForcibly();
          RecoveryLog.Recovery r = Eventually.await("recovered", Duration.ofSeconds(60),
              () -> leader.recoveryLog().recoveries(), l -> !l.isEmpty() && l.get(0).ended()).get(0);
          if (!r.resolution().successful()) {
            throw new AssertionError("not recovered: " + r);
          }
          long detected = -1;
          long agreed = -1;
          for (RecoveryLog.Step s : r.steps()) {
            if (s.phase().equals("detected")) {
              detected = Duration.between(killed, s.at()).toMillis();
            } else if (s.phase().equals("agreed")) {
              agreed = Duration.between(killed, s.at()).toMillis();
            }
          }
          runs.add(new Run(detected, agreed, Duration.between(killed, r.endedAt()).toMillis()));
        } finally {
          for (OrchaFixture n : nodes) {
            n.close();
          }
        }
      }
    }
    List<String> out = new ArrayList<>();
    out.add("# Dead master in a 3-node orcha cluster");
    out.add("");
    out.add("Measured " + LocalDate.now() + " by `bin/bench ClusterRecoveryBenchmark` on this machine ("
        + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
        + "): three orcha nodes in one JVM (each its own SQLite file, each probing the 4-server "
        + "MariaDB sandbox on its own, InstancePollSeconds 1), kill -9 of the master; times from "
        + "the kill, from the leader's recovery timeline. \"detected\" = the leader's analysis shows "
        + "DeadMaster; \"agreed\" = the leader has a majority's word (its own and another node's "
        + "fresh analysis) and registered the recovery; \"resolved\" = promoted, re-pointed, "
        + "downtimed, published, hooks done.");
    out.add("");
    out.add("| measure | median | min | max | runs |");
    out.add("|---|---|---|---|---|");
    out.add(row("kill → detected (leader)", runs.stream().map(Run::detected).toList()));
    out.add(row("kill → agreed by a majority", runs.stream().map(Run::agreed).toList()));
    out.add(row("kill → recovery resolved", runs.stream().map(Run::resolved).toList()));
    Path file = Path.of(System.getProperty("user.dir"), "bench", "results", "cluster-recovery.md");
    Files.writeString(file, String.join("\n", out) + "\n");
    System.out.println(String.join("\n", out));
  }

  static String row(String what, List<Long> ms) {
    List<Long> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    return String.format(Locale.ROOT, "| %s | %d ms | %d ms | %d ms | %s |", what,
        sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1), ms);
  }
}
