package testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The seed's three data centers, for real: network namespaces as data centers behind a bridge
 * (deploy/sandbox/sandbox, DC mode), six MariaDB servers and three orcha processes, each
 * started inside its data center's namespace.
 *
 * <pre>
 *   DC1: master M (10931), replicas R1 (10932) and R2 (10933), orcha node 1
 *   DC2: intermediate master S2 (10934, replica of M) with its replica S2b (10935), orcha node 2
 *   DC3: replica S3 (10936, of M), orcha node 3
 * </pre>
 *
 * One {@link #run} isolates DC1 (its link unplugged at the bridge: packets dropped silently),
 * waits for the majority's recovery, heals, and returns what it saw and when. Every run starts
 * from a fresh sandbox and fresh orcha nodes, node 1 first, so node 1 — the one isolated with
 * the master — is the leader when DC1 is cut off.
 */
public final class ThreeDataCenters implements AutoCloseable {

  public static final int M = 10931;
  public static final int R1 = 10932;
  public static final int R2 = 10933;
  public static final int S2 = 10934;
  public static final int S2B = 10935;
  public static final int S3 = 10936;
  static final List<Integer> SERVERS = List.of(M, R1, R2, S2, S2B, S3);
  static final Set<Integer> DC1 = Set.of(M, R1, R2);
  static final Set<Integer> OUTSIDE_DC1 = Set.of(S2, S2B, S3);
  static final int HTTP = 10940; // node k listens on HTTP + k
  static final int ARTERY = 10950; // node k's cluster port is ARTERY + k

  /** What one run saw; times in ms from the cut (or from the heal where it says so). */
  public record Run(int run, long leaderCheckLostMs, long newMasterMs, long recoveryResolvedMs,
      long node1DownedMs, long fencedAfterHealMs, long node1BackAfterHealMs, int promoted,
      int recoveries, int maxWritableOutsideDc1, Set<Integer> everWritable,
      String oldMasterAnalysis, String leaderBefore, Set<String> leadersSeenDuringHeal,
      List<String> clustersWithTheAlias) {}

  private final Path tmp;
  private Sandbox sandbox;
  private final Process[] nodes = new Process[4];
  private final List<String> events = new CopyOnWriteArrayList<>();
  private long t0;

  public ThreeDataCenters(Path tmp) {
    this.tmp = tmp;
  }

  /** One whole scenario; assertions are the caller's, on the returned record. */
  public Run run(int run) throws Exception {
    Path dir = tmp.resolve("run" + run);
    Files.createDirectories(dir);
    events.clear();
    sandbox = Sandbox.upDcs("three-dc", M, "1,1,1,2,2,3", "-,1,1,1,4,1");
    try (Watcher watcher = new Watcher(sandbox)) {
      startNodes(dir);
      String leader = awaitOneLeader(Set.of(1, 2, 3), Duration.ofSeconds(90));
      if (!leader.equals(nodeAddress(1))) {
        throw new AssertionError("node 1 was expected to lead (it started first): " + leader);
      }
      discover();
      // every node must be ready to agree: each sees all six servers valid
      watcher.start();

      t0 = System.nanoTime();
      sandbox.cutDc(1);
      event("DC1 cut");
      long leaderCheckLost = pollMs("node 1 stops answering 200 on leader-check", 20,
          () -> status(1, "leader-check") != 200);
      long newMaster = pollMs("a writable master outside DC1", 60,
          () -> watcher.writableNow().stream().anyMatch(OUTSIDE_DC1::contains));
      JsonNode recovery = Eventually.await("the majority's recovery resolved", Duration.ofSeconds(60),
          () -> firstRecovery(2), r -> r != null && !r.path("RecoveryEndTimestamp").asText().isEmpty());
      long resolved = ms();
      JsonNode steps = get(2, "audit-recovery-steps/" + recovery.path("UID").asText());
      if (steps != null) {
        steps.forEach(st -> System.out.println("three-dc run " + run + " step "
            + st.path("AuditAt").asText() + " " + st.path("Message").asText()));
      }
      System.out.println("three-dc run " + run + " cut at " + java.time.Instant.now()
          .minusMillis(toMs(System.nanoTime())));
      int promoted = recovery.path("SuccessorKey").path("Port").asInt();
      // the rest re-pointed: every server outside DC1 replicates, directly or not, from it
      Eventually.await("the servers outside DC1 replicate from " + promoted, Duration.ofSeconds(30),
          () -> reattachedUnder(promoted));
      // node 1, cut off with the master: no recovery, no change in DC1
      JsonNode node1Log = get(1, "audit-recovery");
      if (node1Log == null || node1Log.size() != 0) {
        throw new AssertionError("node 1 recorded a recovery while isolated: " + node1Log);
      }
      // the heal comes once node 1 was downed (its actor system stopping; Artery may hold the
      // stop until the peers answer again, i.e. until the heal)
      long downed = pollMs("node 1 downed by the cluster", 60,
          () -> log(1).contains("reason [ClusterDowningReason]"));
      for (int r : List.of(R1, R2)) {
        String st = sandbox.sql(r, "SHOW SLAVE STATUS");
        if (!st.contains("\t" + M + "\t") || !st.contains("Yes\tYes")) {
          throw new AssertionError(r + " no longer replicates from the DC1 master: " + st);
        }
      }
      if (!watcher.writableNow().contains(M)) {
        throw new AssertionError("the DC1 master was made read-only while DC1 was cut off");
      }
      String leaderBefore = get(2, "raft-leader").asText();

      long heal = System.nanoTime();
      sandbox.healDc(1);
      event("DC1 healed");
      Set<String> leadersDuringHeal = new TreeSet<>();
      long fencedAfterHeal = pollMsFrom(heal, "the old master fenced (read_only)", 60, () -> {
        leadersDuringHeal.add(leaderOf(2));
        return !watcher.writableNow().contains(M);
      });
      long node1Back = pollMsFrom(heal, "node 1 back in the healthy majority", 90, () -> {
        leadersDuringHeal.add(leaderOf(2));
        return "healthy".equals(text(1, "raft-health"))
            && leaderBefore.equals(text(1, "raft-leader"));
      });
      leadersDuringHeal.add(leaderOf(2));
      leadersDuringHeal.add(leaderOf(3));
      // node 1 agrees with the new picture: the same recovery, the same master
      Eventually.await("node 1 has the recovery", Duration.ofSeconds(30), () -> firstRecovery(1),
          r -> r != null && r.path("SuccessorKey").path("Port").asInt() == promoted
              && !r.path("RecoveryEndTimestamp").asText().isEmpty());
      String oldMasterAnalysis = Eventually.await("the old master's analysis on node 1",
          Duration.ofSeconds(30), () -> analysisOf(1, M), "FormerMasterReturned"::equals);
      // the alias stays with the live cluster, on every node
      List<String> withAlias = new ArrayList<>();
      for (int k = 1; k <= 3; k++) {
        int node = k;
        JsonNode info = Eventually.await("clusters-info on node " + k, Duration.ofSeconds(10),
            () -> get(node, "clusters-info"), i -> i != null && i.isArray());
        for (JsonNode c : info) {
          if ("sandbox".equals(c.path("ClusterAlias").asText())) {
            withAlias.add("node " + k + ": " + c.path("ClusterName").asText());
          }
        }
      }
      JsonNode all = get(2, "audit-recovery");
      if (!sandbox.sql(M, "SHOW SLAVE STATUS").isBlank()) {
        throw new AssertionError("the old master was re-attached: "
            + sandbox.sql(M, "SHOW SLAVE STATUS"));
      }
      watcher.stop();
      return new Run(run, leaderCheckLost, newMaster, toMs(resolved), downed, fencedAfterHeal,
          node1Back, promoted, all == null ? -1 : all.size(), watcher.maxWritableOutsideDc1(),
          watcher.everWritable(), oldMasterAnalysis, leaderBefore, leadersDuringHeal, withAlias);
    } catch (Throwable e) {
      throw new AssertionError("run " + run + " failed: " + e.getMessage() + "\nevents: " + events
          + "\n" + logTails(), e);
    } finally {
      stopNodes();
      sandbox.close();
    }
  }

  // ---- orcha nodes ----------------------------------------------------------------------------

  static String nodeAddress(Sandbox sb, int k) {
    return sb.dcAddr(k) + ":" + (ARTERY + k);
  }

  String nodeAddress(int k) {
    return nodeAddress(sandbox, k);
  }

  private void startNodes(Path dir) throws IOException {
    String peers = "[\"" + nodeAddress(1) + "\", \"" + nodeAddress(2) + "\", \"" + nodeAddress(3)
        + "\"]";
    for (int k = 1; k <= 3; k++) {
      Path conf = dir.resolve("node" + k + ".conf");
      Files.writeString(conf, OrchaFixture.baseHocon(dir.resolve("node" + k + ".db"))
          .replace("orcha.http.listen-address = \"127.0.0.1:0\"",
              "orcha.http.listen-address = \":" + (HTTP + k) + "\"")
          .replace("orcha.cluster.bind = \"127.0.0.1:0\"",
              "orcha.cluster.bind = \"" + nodeAddress(k) + "\"")
          + """
          orcha.node-name = "orcha-dc%d"
          orcha.cluster.nodes = %s
          orcha.mysql.replication-user = repl
          orcha.mysql.replication-password = repl
          orcha.recovery.master-cluster-filters = ["*"]
          pekko.loglevel = INFO
          """.formatted(k, peers));
      if (k == 1) {
        nodes[1] = startNode(1, conf, dir);
        // node 1 first: it forms the cluster and is its oldest member, hence its leader
        Eventually.await("node 1 up", Duration.ofSeconds(60), () -> status(1, "health") == 200);
      } else {
        nodes[k] = startNode(k, conf, dir);
      }
    }
  }

  private Process startNode(int k, Path conf, Path dir) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of("ip", "netns", "exec", sandbox.dcNs(k), java,
        "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "orcha.Main", "--config", conf.toString());
    Path log = dir.resolve("node" + k + ".log");
    logs.put(k, log);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private final Map<Integer, Path> logs = new LinkedHashMap<>();

  private String log(int k) {
    try {
      return Files.readString(logs.get(k));
    } catch (IOException e) {
      return "";
    }
  }

  private String logTails() {
    StringBuilder b = new StringBuilder();
    logs.forEach((k, p) -> {
      List<String> lines = log(k).lines().toList();
      b.append("---- node ").append(k).append(" log (last 40 lines) ----\n");
      lines.subList(Math.max(0, lines.size() - 40), lines.size())
          .forEach(l -> b.append(l).append('\n'));
    });
    return b.toString();
  }

  private void stopNodes() {
    for (int k = 1; k <= 3; k++) {
      Process p = nodes[k];
      if (p != null) {
        p.destroyForcibly();
        try {
          p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        nodes[k] = null;
      }
    }
  }

  private void discover() {
    JsonNode r = get(1, "discover/" + sandbox.dcAddr(1) + "/" + M);
    if (r == null || !"OK".equals(r.path("Code").asText())) {
      throw new AssertionError("discover through node 1: " + r);
    }
    for (int k = 1; k <= 3; k++) {
      int node = k;
      Eventually.await("node " + k + " sees the six servers valid", Duration.ofSeconds(60),
          () -> get(node, "all-instances"), a -> a != null && a.size() == 6
              && a.findValues("IsLastCheckValid").stream().allMatch(JsonNode::asBoolean));
    }
  }

  private String awaitOneLeader(Set<Integer> live, Duration within) {
    return Eventually.await("one leader named by nodes " + live, within, () -> {
      Set<String> named = new HashSet<>();
      for (int k : live) {
        if (!"healthy".equals(text(k, "raft-health"))) {
          return null;
        }
        named.add(text(k, "raft-leader"));
      }
      return named.size() == 1 ? named.iterator().next() : null;
    }, l -> l != null && !l.isEmpty());
  }

  private String leaderOf(int k) {
    String l = text(k, "raft-leader");
    return l == null ? "(no answer)" : l.isEmpty() ? "(none)" : l;
  }

  // ---- the nodes' API, from inside each data center (works while a DC is cut off) ---------

  /** [status, body] of GET /api/{path} on node k, over loopback inside its namespace. */
  private String[] call(int k, String path) {
    try {
      Process p = new ProcessBuilder("ip", "netns", "exec", sandbox.dcNs(k), "curl", "-s",
          "-m", "3", "-w", "\n%{http_code}", "http://127.0.0.1:" + (HTTP + k) + "/api/" + path)
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      int nl = out.lastIndexOf('\n');
      return nl < 0 ? new String[] {"0", out} : new String[] {out.substring(nl + 1).trim(),
          out.substring(0, nl)};
    } catch (IOException e) {
      return new String[] {"0", e.toString()};
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new String[] {"0", "interrupted"};
    }
  }

  int status(int k, String path) {
    try {
      return Integer.parseInt(call(k, path)[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  JsonNode get(int k, String path) {
    String[] r = call(k, path);
    if (!r[0].startsWith("2") && !r[0].startsWith("5") && !r[0].startsWith("4")) {
      return null;
    }
    try {
      return OrchaFixture.JSON.readTree(r[1]);
    } catch (IOException e) {
      return null;
    }
  }

  String text(int k, String path) {
    JsonNode n = get(k, path);
    return n == null ? null : n.asText();
  }

  /** The only (oldest) recovery node k knows, or null. */
  private JsonNode firstRecovery(int k) {
    JsonNode l = get(k, "audit-recovery");
    return l == null || !l.isArray() || l.size() == 0 ? null : l.get(l.size() - 1);
  }

  private String analysisOf(int k, int port) {
    JsonNode a = get(k, "replication-analysis");
    JsonNode details = a == null ? null : a.path("Details");
    if (details == null || !details.isArray()) {
      return "";
    }
    for (JsonNode e : details) {
      if (e.path("AnalyzedInstanceKey").path("Port").asInt() == port) {
        return e.path("Analysis").asText();
      }
    }
    return "";
  }

  /** Every server outside DC1 but the promoted one replicates (IO and SQL) inside that set. */
  private boolean reattachedUnder(int promoted) {
    for (int p : OUTSIDE_DC1) {
      if (p == promoted) {
        continue;
      }
      String st = sandbox.sql(p, "SHOW SLAVE STATUS");
      boolean under = OUTSIDE_DC1.stream().anyMatch(u -> u != p && st.contains("\t" + u + "\t"));
      if (!under || !st.contains("Yes\tYes")) {
        return false;
      }
    }
    return true;
  }

  // ---- time -----------------------------------------------------------------------------------

  private long ms() {
    return System.nanoTime();
  }

  private long toMs(long nanos) {
    return (nanos - t0) / 1_000_000;
  }

  private void event(String what) {
    events.add(toMs(System.nanoTime()) + " ms: " + what);
  }

  private long pollMs(String what, int seconds, java.util.function.BooleanSupplier ok) {
    return pollMsFrom(t0, what, seconds, ok);
  }

  private long pollMsFrom(long from, String what, int seconds, java.util.function.BooleanSupplier ok) {
    Eventually.await(what, Duration.ofSeconds(seconds), ok);
    long at = System.nanoTime();
    event(what);
    return (at - from) / 1_000_000;
  }

  @Override
  public void close() {
    stopNodes();
    if (sandbox != null) {
      sandbox.close();
    }
  }

  // ---- which servers are writable, sampled all along ------------------------------------------

  /**
   * Samples @@read_only of every server every 100 ms over its unix socket (works while its
   * data center is cut off), one long-lived client per server.
   */
  static final class Watcher implements AutoCloseable {
    private final Sandbox sandbox;
    private final Map<Integer, Process> clients = new LinkedHashMap<>();
    private final Map<Integer, BufferedReader> readers = new LinkedHashMap<>();
    private final Map<Integer, Writer> writers = new LinkedHashMap<>();
    private volatile Set<Integer> now = Set.of();
    private final Set<Integer> ever = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile int maxOutside;
    private volatile boolean running;
    private Thread thread;
    private volatile String failure;

    Watcher(Sandbox sandbox) {
      this.sandbox = sandbox;
    }

    void start() throws IOException {
      for (int p : SERVERS) {
        connect(p);
      }
      sample();
      running = true;
      thread = new Thread(() -> {
        while (running) {
          try {
            sample();
            Thread.sleep(100); // the sampling period, not a wait for a condition
          } catch (Exception e) {
            failure = e.toString();
            running = false;
          }
        }
      }, "writable-watcher");
      thread.setDaemon(true);
      thread.start();
    }

    private void connect(int p) throws IOException {
      Process old = clients.get(p);
      if (old != null) {
        old.destroyForcibly();
      }
      Process c = new ProcessBuilder("mariadb", "--no-defaults", "-uroot", "-S",
          sandbox.dir().resolve(p + "/mysql.sock").toString(), "--batch", "--skip-column-names",
          "--unbuffered").redirectErrorStream(true).start();
      clients.put(p, c);
      readers.put(p, new BufferedReader(new InputStreamReader(c.getInputStream(),
          StandardCharsets.UTF_8)));
      writers.put(p, new OutputStreamWriter(c.getOutputStream(), StandardCharsets.UTF_8));
    }

    /** "0" or "1"; a client whose session was ended (fencing ends them all) is replaced once. */
    private String readOnly(int p) throws IOException {
      for (int attempt = 0; ; attempt++) {
        String line;
        try {
          Writer w = writers.get(p);
          w.write("SELECT @@global.read_only;\n");
          w.flush();
          line = readers.get(p).readLine();
        } catch (IOException e) {
          line = null;
        }
        if (line != null && (line.trim().equals("0") || line.trim().equals("1"))) {
          return line.trim();
        }
        if (attempt == 2) {
          throw new IOException("no read_only from " + p + ": " + line);
        }
        connect(p);
      }
    }

    private void sample() throws IOException {
      Set<Integer> writable = new TreeSet<>();
      for (int p : SERVERS) {
        if (readOnly(p).equals("0")) {
          writable.add(p);
        }
      }
      now = writable;
      ever.addAll(writable);
      int outside = (int) writable.stream().filter(OUTSIDE_DC1::contains).count();
      maxOutside = Math.max(maxOutside, outside);
    }

    Set<Integer> writableNow() {
      if (failure != null) {
        throw new AssertionError("the read_only watcher failed: " + failure);
      }
      return now;
    }

    Set<Integer> everWritable() {
      return Set.copyOf(ever);
    }

    int maxWritableOutsideDc1() {
      return maxOutside;
    }

    void stop() {
      running = false;
      if (thread != null) {
        try {
          thread.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void close() {
      stop();
      clients.values().forEach(Process::destroyForcibly);
    }
  }
}
