package sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import testkit.Eventually;
import testkit.Scrape;

/**
 * Issue 9's scale benchmark: one orcha node in its own JVM (SQLite backend) probing 1,000 to
 * 10,000 simulated servers (sim.FleetMain processes, 5,000 servers each: the file-descriptor
 * limit) at 5 s and 1 s polling, on this machine with the simulator beside it. For each size and
 * interval: time until every server is reachable after discovering the masters; over a steady
 * window, probes per second achieved against wanted, orcha's CPU (from /proc), live heap after a
 * full GC and RSS, backend rows written per second (orcha_backend_rows_written_total), the
 * probes' p99 latency (histogram buckets); the same rows per second while 1 % of the servers
 * change state every second; and how long after a master's kill -9 the DeadMaster analysis
 * names it. Writes bench/results/fleet-scale.md. {@code -Dfleet.scale=1000@5,2000@1,3x5000@5} picks rows (3x: shared probing over 3 nodes).
 */
@Tag("bench")
class FleetScaleBench {

  static final int SIM_PORT = 11383;
  static final int HTTP_PORT = 11381;
  /** Artery ports of the shared-probing nodes (a single node binds port 0). */
  static final int ARTERY = 11395;
  static final int PER_SIMULATOR = 5000;
  static final Duration STEADY = Duration.ofSeconds(30);
  static final Duration CHURN = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();
  static final long TICKS = 100; // USER_HZ on Linux

  /** Configurations, databases and logs of the runs (kept for a look after the run). */
  final Path tmp = Path.of(System.getProperty("fleet.dir", "target/fleet-bench")).toAbsolutePath();

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  record Row(int servers, int poll, double discoverySeconds, double wanted, double achieved,
      double failedPerSecond, double cpuPercent, double simCpuPercent, long liveHeapMiB,
      long rssMiB, double rowsSteady, double rowsChurn, int churnPerSecond, String p99,
      double detectSeconds, long connections, int threads, double assemblyMs, double analysisMs) {}

  @Test
  void scale() throws Exception {
    String spec = System.getProperty("fleet.scale",
        "1000@5,5000@5,10000@5,1000@1,2000@1,5000@1,3x5000@5,3x2000@1,10000@1");
    List<Row> rows = new ArrayList<>();
    List<SharedRow> shared = new ArrayList<>();
    for (String one : spec.split(",")) {
      String[] p = one.trim().split("@");
      if (p[0].contains("x")) {
        String[] n = p[0].split("x");
        SharedRow r = runShared(Integer.parseInt(n[0]), Integer.parseInt(n[1]),
            Integer.parseInt(p[1]));
        System.out.println("fleet scale: " + r);
        shared.add(r);
      } else {
        Row r = run(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
        System.out.println("fleet scale: " + r);
        rows.add(r);
      }
      write(rows, shared);
    }
  }

  record SharedRow(int nodes, int servers, int poll, List<Double> probesPerSecond,
      List<Double> cpuPercent, List<Long> assigned, List<Long> rssMiB, double perServer,
      double simCpuPercent, double detectSeconds, double discoverySeconds) {}

  /**
   * Shared probing: {@code nodes} orcha nodes in a cluster, each in its own JVM, the fleet
   * discovered through the first; per node its probe rate, CPU, RSS and assigned servers, and
   * how often each server is probed per poll interval by all nodes together (1 = once).
   */
  private SharedRow runShared(int nodes, int servers, int poll) throws Exception {
    Path dir = fresh(tmp.resolve(nodes + "x" + servers + "-" + poll));
    List<Process> sims = new ArrayList<>();
    List<Process> orchas = new ArrayList<>();
    try {
      for (int first = 0; first < servers; first += PER_SIMULATOR) {
        sims.add(simulator(Math.min(PER_SIMULATOR, servers - first), first, dir));
      }
      StringBuilder seeds = new StringBuilder("[");
      for (int i = 0; i < nodes; i++) {
        seeds.append(i == 0 ? "" : ", ").append("\"127.0.0.1:").append(ARTERY + i).append('"');
      }
      seeds.append(']');
      for (int i = 0; i < nodes; i++) {
        orchas.add(orcha(servers, poll, dir.resolve("node" + i), HTTP_PORT + 10 + i, """
            orcha.node-name = "orcha-%d"
            orcha.cluster.bind = "127.0.0.1:%d"
            orcha.cluster.nodes = %s
            orcha.discovery.shared-probing.enabled = true
            """.formatted(i, ARTERY + i, seeds)));
      }
      List<String> bases = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        bases.add("http://127.0.0.1:" + (HTTP_PORT + 10 + i) + "/");
      }
      Eventually.await("a leader", Duration.ofSeconds(90),
          () -> status(bases.get(0) + "api/leader-check"), st -> st == 200);
      long t0 = System.nanoTime();
      discoverMasters(bases.get(0) + "api/", servers);
      for (String b : bases) {
        Eventually.await(servers + " reachable on " + b, Duration.ofSeconds(900),
            () -> metrics(b), m -> m.value("orcha_servers", "state", "reachable") == servers);
      }
      double discovery = (System.nanoTime() - t0) / 1e9;
      pause(Duration.ofSeconds(Math.max(10, 2L * poll)));
      List<Scrape> before = new ArrayList<>();
      List<Long> cpuBefore = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        before.add(metrics(bases.get(i)));
        cpuBefore.add(cpuTicks(orchas.get(i).pid()));
      }
      long simBefore = 0;
      for (Process p : sims) {
        simBefore += cpuTicks(p.pid());
      }
      long w0 = System.nanoTime();
      pause(STEADY);
      double secs = (System.nanoTime() - w0) / 1e9;
      List<Double> rates = new ArrayList<>();
      List<Double> cpu = new ArrayList<>();
      List<Long> assigned = new ArrayList<>();
      List<Long> rss = new ArrayList<>();
      double total = 0;
      for (int i = 0; i < nodes; i++) {
        Scrape after = metrics(bases.get(i));
        double rate = (after.value("orcha_probe_duration_seconds_count")
            - before.get(i).value("orcha_probe_duration_seconds_count")) / secs;
        rates.add(rate);
        total += rate;
        cpu.add(100.0 * (cpuTicks(orchas.get(i).pid()) - cpuBefore.get(i)) / TICKS / secs);
        assigned.add((long) after.value("orcha_probes_assigned"));
        rss.add(rssMiB(orchas.get(i)));
      }
      long simAfter = 0;
      for (Process p : sims) {
        simAfter += cpuTicks(p.pid());
      }
      String master = SimulatorScaleTest.address(0);
      long killed = System.nanoTime();
      command(sims.get(0), "kill " + master);
      Eventually.await("DeadMaster on " + master, Duration.ofSeconds(60),
          () -> analysis(bases.get(0)), x -> deadMaster(x, master));
      double detect = (System.nanoTime() - killed) / 1e9;
      return new SharedRow(nodes, servers, poll, rates, cpu, assigned, rss,
          total * poll / servers, 100.0 * (simAfter - simBefore) / TICKS / secs, detect, discovery);
    } finally {
      orchas.forEach(FleetScaleBench::stop);
      sims.forEach(FleetScaleBench::stop);
    }
  }

  private Row run(int servers, int poll) throws Exception {
    Path dir = fresh(tmp.resolve(servers + "-" + poll));
    List<Process> sims = new ArrayList<>();
    Process orcha = null;
    try {
      for (int first = 0; first < servers; first += PER_SIMULATOR) {
        sims.add(simulator(Math.min(PER_SIMULATOR, servers - first), first, dir));
      }
      orcha = orcha(servers, poll, dir);
      String base = "http://127.0.0.1:" + HTTP_PORT + "/api/";
      Eventually.await("orcha answers", Duration.ofSeconds(60), () -> status(base + "health"),
          s -> s == 200);
      long t0 = System.nanoTime();
      discoverMasters(base, servers);
      // an overloaded node (more probes wanted than it can do) may always have a few failing
      try {
        Eventually.await(servers + " reachable", Duration.ofSeconds(300), this::metrics,
            m -> m.value("orcha_servers", "state", "reachable") >= 0.995 * servers);
      } catch (AssertionError e) { // overloaded: measured as it is
        System.out.println("fleet scale: " + e.getMessage().lines().findFirst().orElse(""));
      }
      double discovery = (System.nanoTime() - t0) / 1e9;
      pause(Duration.ofSeconds(Math.max(10, 2L * poll))); // let the first round's work settle

      Sample a = sample(orcha, sims);
      pause(STEADY);
      Sample b = sample(orcha, sims);
      long live = liveHeapMiB(orcha);
      long rss = rssMiB(orcha);

      int churn = Math.max(1, servers / 100);
      Sample c = sample(orcha, sims);
      long end = System.nanoTime() + CHURN.toNanos();
      while (System.nanoTime() < end) {
        command(sims.get(0), "churn " + churn);
        pause(Duration.ofSeconds(1));
      }
      Sample d = sample(orcha, sims);
      command(sims.get(0), "mend");
      try {
        Eventually.await("replication mended", Duration.ofSeconds(120), this::analysis,
            x -> x.size() == 0);
      } catch (AssertionError e) { // overloaded: some servers keep failing probes
        System.out.println("fleet scale: analysis not empty before the kill");
      }

      String master = SimulatorScaleTest.address(0);
      long killed = System.nanoTime();
      command(sims.get(0), "kill " + master);
      double detect;
      try {
        Eventually.await("DeadMaster on " + master, Duration.ofSeconds(60), this::analysis,
            x -> deadMaster(x, master));
        detect = (System.nanoTime() - killed) / 1e9;
      } catch (AssertionError e) {
        detect = Double.NaN; // shown as "not within 60 s"
      }

      double secs = (b.nanos - a.nanos) / 1e9;
      double churnSecs = (d.nanos - c.nanos) / 1e9;
      return new Row(servers, poll, discovery, servers / (double) poll,
          (b.probes - a.probes) / secs, (b.failed - a.failed) / secs,
          100.0 * (b.cpuTicks - a.cpuTicks) / TICKS / secs,
          100.0 * (b.simTicks - a.simTicks) / TICKS / secs, live, rss,
          (b.rows - a.rows) / secs, (d.rows - c.rows) / churnSecs, churn, p99(a.buckets, b.buckets),
          detect, b.connections, b.threads, mean(a.work, b.work, 0), mean(a.work, b.work, 2));
    } finally {
      if (orcha != null) {
        stop(orcha);
      }
      sims.forEach(FleetScaleBench::stop);
    }
  }

  /** An empty directory (a database left by an earlier run would be restored from). */
  private static Path fresh(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return Files.createDirectories(dir);
  }

  private Process simulator(int servers, int first, Path dir) throws Exception {
    Process p = new ProcessBuilder(java(), "-Xmx768m", "-cp", System.getProperty("java.class.path"),
        FleetMain.class.getName(), String.valueOf(servers), String.valueOf(SIM_PORT),
        String.valueOf(first))
        .redirectError(dir.resolve("sim-" + first + ".err").toFile()).start();
    String line = reader(p).readLine();
    assertTrue(line != null && line.startsWith("fleet: " + servers + " servers listening"),
        "simulator " + first + " started: " + line);
    return p;
  }

  private Process orcha(int servers, int poll, Path dir) throws IOException {
    return orcha(servers, poll, dir, HTTP_PORT, "orcha.cluster.bind = \"127.0.0.1:0\"\n");
  }

  private Process orcha(int servers, int poll, Path dir, int httpPort, String more)
      throws IOException {
    Files.createDirectories(dir);
    Path conf = dir.resolve("orcha.conf");
    Files.writeString(conf, """
        orcha.http.listen-address = "127.0.0.1:%d"
        orcha.backend.sqlite-file = "%s"
        orcha.discovery.poll-interval = %ds
        orcha.mysql.topology-user = orcha
        orcha.mysql.topology-password = orcha
        pekko.loglevel = WARNING
        """.formatted(httpPort, dir.resolve("orcha.db"), poll) + more);
    List<String> cmd = new ArrayList<>(List.of(java(), "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-Xmx1g"));
    if (Boolean.getBoolean("fleet.jfr")) {
      cmd.add("-XX:StartFlightRecording=filename=" + Path.of("target", "fleet-" + servers + "-"
          + poll + "-" + httpPort + ".jfr").toAbsolutePath() + ",settings=profile");
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "orcha.Main", "--config",
        conf.toString()));
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("orcha.log").toFile()).start();
  }

  /**
   * Discovers every master (at most 8 requests at once); their replicas are crawled. A discover
   * that fails (a login timing out while thousands of first probes run) is retried, as an
   * operator's script would, up to 3 times, a second apart (a server given up is still in the probe set); the retries are counted in the log.
   */
  private void discoverMasters(String base, int servers) throws Exception {
    Semaphore inFlight = new Semaphore(8);
    java.util.concurrent.atomic.AtomicInteger retries = new java.util.concurrent.atomic.AtomicInteger();
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < servers; i += 10) {
      inFlight.acquire();
      String url = base + "discover/" + SimulatorScaleTest.address(i) + "/" + SIM_PORT;
      all.add(discover(url, 3, retries).whenComplete((r, e) -> inFlight.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    System.out.println("fleet scale: " + servers / 10 + " discover calls, " + retries + " retried");
  }

  private CompletableFuture<Void> discover(String url, int attempts,
      java.util.concurrent.atomic.AtomicInteger retries) {
    return http.sendAsync(get(url), HttpResponse.BodyHandlers.ofString()).thenCompose(r -> {
      if (r.statusCode() == 200) {
        return CompletableFuture.completedFuture(null);
      }
      if (attempts <= 1) {
        // the server is in the probe set all the same (discover adds it before probing it):
        // an overloaded node probes and crawls it later
        System.out.println("fleet scale: gave up " + url + ": " + r.statusCode() + " " + r.body());
        return CompletableFuture.completedFuture(null);
      }
      retries.incrementAndGet();
      return CompletableFuture.runAsync(() -> { },
              CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS))
          .thenCompose(x -> discover(url, attempts - 1, retries));
    });
  }

  /** One reading of the counters that are compared over a window. */
  private record Sample(long nanos, double probes, double failed, double rows, long cpuTicks,
      long simTicks, Map<Double, Double> buckets, long connections, int threads,
      double[] work) {}

  private Sample sample(Process orcha, List<Process> sims) throws Exception {
    Scrape m = metrics();
    Map<Double, Double> buckets = new TreeMap<>();
    for (Scrape.Sample s : m.find("orcha_probe_duration_seconds_bucket", "result", "reached")) {
      String le = s.labels().get("le");
      buckets.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), s.value());
    }
    long simTicks = 0;
    for (Process p : sims) {
      simTicks += cpuTicks(p.pid());
    }
    long connections = 0;
    for (Process p : sims) {
      String answer = command(p, "queries");
      connections += Long.parseLong(answer.replaceAll(".*connections (\\d+).*", "$1"));
    }
    return new Sample(System.nanoTime(), m.value("orcha_probe_duration_seconds_count"),
        m.value("orcha_probe_duration_seconds_count", "result", "failed"),
        m.value("orcha_backend_rows_written_total"), cpuTicks(orcha.pid()), simTicks, buckets,
        connections, (int) m.value("jvm_threads_live_threads"), new double[] {
            m.value("orcha_topology_work_duration_seconds_sum", "step", "assembly"),
            m.value("orcha_topology_work_duration_seconds_count", "step", "assembly"),
            m.value("orcha_topology_work_duration_seconds_sum", "step", "analysis"),
            m.value("orcha_topology_work_duration_seconds_count", "step", "analysis")});
  }

  /** The analysis names {@code host} DeadMaster (or with some replicas dead too). */
  private static boolean deadMaster(JsonNode analysis, String host) {
    for (JsonNode a : analysis) {
      if (a.path("AnalyzedInstanceKey").path("Hostname").asText().equals(host)
          && a.path("Analysis").asText().startsWith("DeadMaster")) {
        return true;
      }
    }
    return false;
  }

  /** Mean milliseconds of a timer over the window: its sum at {@code i}, count at i + 1. */
  private static double mean(double[] before, double[] after, int i) {
    double n = after[i + 1] - before[i + 1];
    return n == 0 ? 0 : 1000 * (after[i] - before[i]) / n;
  }

  /** The upper bound of the bucket holding the 99th percentile of the window's probes. */
  private static String p99(Map<Double, Double> before, Map<Double, Double> after) {
    double total = after.getOrDefault(Double.POSITIVE_INFINITY, 0.0)
        - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    for (Map.Entry<Double, Double> e : after.entrySet()) {
      double n = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      if (n >= 0.99 * total) {
        return e.getKey().isInfinite() ? "> 5 s" : "≤ " + fmt(e.getKey() * 1000) + " ms";
      }
    }
    return "?";
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
  }

  private static long rssMiB(Process p) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("\\D", "")) >> 10;
      }
    }
    return -1;
  }

  /** Heap in use right after a full GC (jcmd GC.run): what the node really keeps. */
  private long liveHeapMiB(Process p) throws Exception {
    Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(p.pid()), "GC.run").redirectErrorStream(true).start();
    gc.getInputStream().readAllBytes();
    gc.waitFor(60, TimeUnit.SECONDS);
    if (Boolean.getBoolean("fleet.histogram")) { // what the heap holds, for profiling
      new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          String.valueOf(p.pid()), "GC.class_histogram").redirectErrorStream(true)
          .redirectOutput(Path.of("target", "fleet-histogram-" + p.pid() + ".txt").toFile())
          .start().waitFor(60, TimeUnit.SECONDS);
    }
    return (long) metrics().value("jvm_memory_used_bytes", "area", "heap") >> 20;
  }

  private String command(Process sim, String line) throws IOException {
    PrintWriter w = new PrintWriter(sim.getOutputStream(), true, StandardCharsets.UTF_8);
    w.println(line);
    if (!line.startsWith("queries")) {
      w.println("queries"); // every command is answered after it was done: wait for it
    }
    return reader(sim).readLine();
  }

  private final Map<Long, BufferedReader> readers = new java.util.HashMap<>();

  private BufferedReader reader(Process p) {
    return readers.computeIfAbsent(p.pid(), k -> new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
  }

  private Scrape metrics() {
    return metrics("http://127.0.0.1:" + HTTP_PORT + "/");
  }

  private Scrape metrics(String base) {
    return Scrape.parse(body(base + "metrics"));
  }

  private JsonNode analysis() {
    return analysis("http://127.0.0.1:" + HTTP_PORT + "/");
  }

  private JsonNode analysis(String base) {
    try {
      JsonNode n = JSON.readTree(body(base + "api/replication-analysis"));
      return n.has("Details") ? n.get("Details") : n;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String body(String url) {
    try {
      return http.send(get(url), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private int status(String url) {
    try {
      return http.send(get(url), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build();
  }

  private static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A measurement window, not a wait for a condition. */
  private static void pause(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  private static String join(List<Double> values, String unit) {
    return values.stream().map(v -> fmt(v) + unit)
        .collect(java.util.stream.Collectors.joining(" / "));
  }

  private static String fmt(double v) {
    return v >= 100 ? String.format("%.0f", v) : v >= 10 ? String.format("%.1f", v)
        : String.format("%.2f", v);
  }

  private static void write(List<Row> rows, List<SharedRow> shared) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Fleet scale: one orcha node, SQLite, simulated servers\n\n")
        .append("Measured ").append(LocalDate.now()).append(" by `sim.FleetScaleBench` (`bin/bench")
        .append(" FleetScaleBench`, `-Dfleet.scale=` picks the rows) on this 2-core machine: one")
        .append(" orcha node in its own JVM (-Xmx1g, embedded SQLite), the simulated fleet in")
        .append(" `sim.FleetMain` JVMs beside it (5,000 servers each; clusters of a master and 9")
        .append(" replicas, each server at its own 127.78.x.y address, MariaDB 10.11 answers,")
        .append(" GTIDs advancing). Steady window ").append(STEADY.toSeconds())
        .append(" s after every server was reachable; churn: 1 % of the servers have their")
        .append(" replication broken or mended every second for ").append(CHURN.toSeconds())
        .append(" s. CPU % is of one core (200 % = the whole machine). Live heap: heap in use")
        .append(" right after a full GC. Rows: orcha_backend_rows_written_total (journal")
        .append(" events, snapshots, history, audit, heartbeat). p99: upper bound of the")
        .append(" histogram bucket. DeadMaster: from the kill -9 of a master to the analysis")
        .append(" naming it. Assembly / analysis: mean time the topology view takes to assemble")
        .append(" the fleet's picture / analyse it (orcha_topology_work_duration_seconds).\n\n")
        .append("| servers | poll | probes/s wanted | achieved | failed/s | orcha CPU | CPU per")
        .append(" probe | simulator CPU | live heap | RSS | rows/s steady | rows/s churn (changes/s)")
        .append(" | p99 probe | DeadMaster detected | first discovery | connections | threads")
        .append(" | assembly | analysis |\n")
        .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      md.append("| ").append(String.format("%,d", r.servers())).append(" | ").append(r.poll())
          .append(" s | ").append(fmt(r.wanted())).append(" | ").append(fmt(r.achieved()))
          .append(" | ").append(fmt(r.failedPerSecond()))
          .append(" | ").append(fmt(r.cpuPercent())).append(" % | ")
          .append(fmt(10 * r.cpuPercent() / r.achieved())).append(" ms | ")
          .append(fmt(r.simCpuPercent())).append(" % | ").append(r.liveHeapMiB()).append(" MiB | ")
          .append(r.rssMiB()).append(" MiB | ").append(fmt(r.rowsSteady())).append(" | ")
          .append(fmt(r.rowsChurn())).append(" (").append(r.churnPerSecond()).append(") | ")
          .append(r.p99()).append(" | ").append(Double.isNaN(r.detectSeconds())
              ? "not within 60 s" : fmt(r.detectSeconds()) + " s").append(" | ")
          .append(fmt(r.discoverySeconds())).append(" s | ").append(r.connections()).append(" | ")
          .append(r.threads()).append(" | ").append(fmt(r.assemblyMs())).append(" ms | ")
          .append(fmt(r.analysisMs())).append(" ms |\n");
    }
    if (!shared.isEmpty()) {
      md.append("\n## Shared probing\n\n")
          .append("orcha.discovery.shared-probing.enabled = true, observers = 1: the nodes of one")
          .append(" cluster (each in its own JVM, on this same 2-core machine) split the fleet by a")
          .append(" rendezvous hash over the live nodes and share what they observe; the fleet is")
          .append(" discovered through the first node. Per node: probes per second, CPU % of one")
          .append(" core, servers assigned (orcha_probes_assigned), RSS. Probes per server per")
          .append(" interval: all nodes' probes together, per server and poll interval (1.00 = each")
          .append(" server probed once, by one node; without shared probing it would be the node")
          .append(" count). Every node lists every server reachable.\n\n")
          .append("| nodes | servers | poll | probes/s per node | CPU per node | assigned per node")
          .append(" | RSS per node | probes per server per interval | simulator CPU | DeadMaster")
          .append(" detected | first discovery (all nodes) |\n")
          .append("|---:|---:|---:|---|---|---|---|---:|---:|---:|---:|\n");
      for (SharedRow r : shared) {
        md.append("| ").append(r.nodes()).append(" | ").append(String.format("%,d", r.servers()))
            .append(" | ").append(r.poll()).append(" s | ")
            .append(join(r.probesPerSecond(), "")).append(" | ")
            .append(join(r.cpuPercent(), " %")).append(" | ")
            .append(r.assigned().stream().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(" / "))).append(" | ")
            .append(r.rssMiB().stream().map(x -> x + " MiB")
                .collect(java.util.stream.Collectors.joining(" / "))).append(" | ")
            .append(fmt(r.perServer())).append(" | ").append(fmt(r.simCpuPercent())).append(" % | ")
            .append(fmt(r.detectSeconds())).append(" s | ").append(fmt(r.discoverySeconds()))
            .append(" s |\n");
      }
    }
    Path out = Path.of("bench", "results", "fleet-scale.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md.toString());
  }
}
