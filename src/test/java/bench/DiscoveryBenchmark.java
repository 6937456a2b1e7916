package bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * Discovery and steady-state probing on the real 4-server sandbox: time from start to the whole
 * topology discovered, CPU time per probe, backend rows written per probe when nothing changes
 * (target 0). Writes bench/results/discovery.md. Run with bin/bench (not part of bin/test).
 */
@Tag("bench")
class DiscoveryBenchmark {

  static final int M = 10511;

  @TempDir
  Path tmp;

  @Test
  void discoveryAndSteadyStateProbing() throws Exception {
    List<String> report = new ArrayList<>();
    report.add("# Discovery and steady-state probing");
    report.add("");
    report.add("Measured " + LocalDate.now() + " by `bin/bench` (bench.DiscoveryBenchmark) on this machine: "
        + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", a 4-server MariaDB "
        + "10.11 star from deploy/sandbox (loopback), SQLite backend.");
    report.add("");
    try (Sandbox sandbox = Sandbox.up("bench-discovery", M, 4, "star")) {
      coldStart(report);
      steadyState(report);
    }
    Path out = Path.of(System.getProperty("user.dir"), "bench", "results", "discovery.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, String.join("\n", report) + "\n");
    System.out.println(String.join("\n", report));
  }

  /** A new JVM running orcha.Main with the master as its seed: until all four are valid. */
  private void coldStart(List<String> report) throws Exception {
    report.add("## Start → whole topology discovered (new JVM, seed = the master)");
    report.add("");
    report.add("| run | JVM start → API answers | API answers → 4 servers valid | total |");
    report.add("|---|---|---|---|");
    for (int run = 1; run <= 3; run++) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path conf = tmp.resolve("cold" + run + ".conf");
      Files.writeString(conf, OrchaFixture.baseHocon(tmp.resolve("cold" + run + ".db"))
          .replace("orcha.http.listen-address = \"127.0.0.1:0\"",
              "orcha.http.listen-address = \"127.0.0.1:" + port + "\"")
          + "\norcha.discovery.seeds = [\"127.0.0.1:" + M + "\"]\n");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
          "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
          "orcha.Main", "--config", conf.toString())
          .redirectErrorStream(true).redirectOutput(tmp.resolve("cold" + run + ".log").toFile()).start();
      String api = "http://127.0.0.1:" + port + "/api";
      try {
        Eventually.await("API up", Duration.ofSeconds(60), () -> Http.get(api + "/status"), r -> r != null);
        long tApi = System.nanoTime();
        Eventually.await("four valid servers", Duration.ofSeconds(60), () -> Http.get(api + "/all-instances"),
            a -> a != null && a.size() == 4 && allValid(a));
        long tAll = System.nanoTime();
        report.add(String.format(Locale.ROOT, "| %d | %d ms | %d ms | %d ms |", run,
            (tApi - t0) / 1_000_000, (tAll - tApi) / 1_000_000, (tAll - t0) / 1_000_000));
      } finally {
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
    report.add("");
  }

  static boolean allValid(JsonNode a) {
    for (JsonNode i : a) {
      if (!i.get("IsLastCheckValid").asBoolean()) {
        return false;
      }
    }
    return true;
  }

  /** One in-process node probing 4 servers every 100 ms: CPU and backend writes per probe. */
  private void steadyState(List<String> report) throws Exception {
    Path db = tmp.resolve("steady.db");
    String hocon = OrchaFixture.baseHocon(db).replace("orcha.discovery.poll-interval = 1s",
        "orcha.discovery.poll-interval = 100ms");
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (OrchaFixture orcha = OrchaFixture.start(hocon)) {
      // the idle node's own CPU (cluster gossip, heartbeat, timers) over a window, for subtraction
      long idleCpu0 = os.getProcessCpuTime();
      long idleWall0 = System.nanoTime();
      long idleEnd = idleWall0 + Duration.ofSeconds(15).toNanos();
      Eventually.await("a 15 s idle window", Duration.ofSeconds(20), System::nanoTime, t -> t >= idleEnd);
      double idleCpuPerSecond = (os.getProcessCpuTime() - idleCpu0) / ((System.nanoTime() - idleWall0) / 1e9);
      long tDiscover = System.nanoTime();
      orcha.get("discover/127.0.0.1/" + M);
      Eventually.await("four valid servers", Duration.ofSeconds(30), () -> orcha.get("all-instances"),
          a -> a.size() == 4 && allValid(a));
      long discoverMs = (System.nanoTime() - tDiscover) / 1_000_000;
      // warm up (JIT), then measure an idle window and a probing window of equal length
      // JIT warm-up: C2 needs a few thousand probes before the numbers settle
      Eventually.await("warm-up probes", Duration.ofSeconds(300), () -> orcha.node().probesStarted(), n -> n > 4000);
      long rows0 = journalRows(db);
      long probes0 = orcha.node().probesStarted();
      long conns0 = orcha.node().connectionsOpened();
      long cpu0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      long windowEnd = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Eventually.await("a 60 s measurement window", Duration.ofSeconds(70), System::nanoTime,
          t -> t >= windowEnd);
      long cpu = os.getProcessCpuTime() - cpu0;
      long wall = System.nanoTime() - wall0;
      long probes = orcha.node().probesStarted() - probes0;
      long rows = journalRows(db) - rows0;
      long conns = orcha.node().connectionsOpened() - conns0;
      double marginal = (cpu - idleCpuPerSecond * (wall / 1e9)) / probes;
      report.add("## Steady state (in-process node, warm JVM, 4 servers, poll interval 100 ms)");
      report.add("");
      report.add("| measure | value |");
      report.add("|---|---|");
      report.add("| discover → 4 servers valid (warm JVM) | " + discoverMs + " ms |");
      report.add(String.format(Locale.ROOT, "| probes in window | %d in %.1f s (%.0f probes/s) |", probes,
          wall / 1e9, probes / (wall / 1e9)));
      report.add(String.format(Locale.ROOT, "| JVM CPU time per probe (whole process, incl. GC, cluster, heartbeat) | %.0f µs |",
          cpu / 1000.0 / probes));
      report.add(String.format(Locale.ROOT, "| CPU time per probe above the idle node's own (marginal) | %.0f µs |",
          marginal / 1000.0));
      report.add(String.format(Locale.ROOT, "| CPU load of the node: idle / while probing | %.1f %% / %.1f %% of one core |",
          100.0 * idleCpuPerSecond / 1e9, 100.0 * cpu / wall));
      report.add("| backend rows written (event_journal + snapshot) per probe | " + rows + " rows / "
          + probes + " probes = " + String.format(Locale.ROOT, "%.4f", (double) rows / probes) + " |");
      report.add("| connections opened to servers during the window | " + conns + " |");
      report.add("");
    }
    report.add("The node's own heartbeat (`node_health`, one row updated per second) is not a probe "
        + "write and is not counted above.");
  }

  static long journalRows(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT (SELECT COUNT(*) FROM event_journal) + (SELECT COUNT(*) FROM snapshot)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Minimal JSON GET for a node in another process; null while it does not answer. */
  static final class Http {
    static JsonNode get(String url) {
      try {
        var r = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        return OrchaFixture.JSON.readTree(r.body());
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }
}
