package sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Scrape;
import topology.InstanceKey;
import topology.ProbeAssignment;

/**
 * Shared probing on three orcha nodes (three actor systems in this JVM) against 120 simulated
 * servers (30 masters with 3 replicas each, at 127.79.c.r on one port): each server is probed
 * regularly by exactly one node and every node still lists all of them valid; a master killed
 * in the simulator is recovered exactly once, after a majority of the nodes confirmed its
 * failure with their own probes; a crashed node's servers are taken over by the others within
 * seconds (measured).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedProbingTest {

  static final int PORT = 11301;
  static final int HTTP = 11310;
  static final int ARTERY = 11320;
  static final int CLUSTERS = 30;
  static final int PER_CLUSTER = 4;
  static final int SERVERS = CLUSTERS * PER_CLUSTER;
  static final String NODES = "[\"127.0.0.1:11321\", \"127.0.0.1:11322\", \"127.0.0.1:11323\"]";
  static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @TempDir
  static Path tmp;
  private FleetSimulator sim;
  private final List<OrchaFixture> nodes = new ArrayList<>();
  private final Map<String, SimServer> byHost = new LinkedHashMap<>();
  private final Map<String, String> masterOf = new HashMap<>();
  private SimServer deadMaster;

  @BeforeAll
  void up() throws Exception {
    Fleet fleet = new Fleet();
    for (int c = 1; c <= CLUSTERS; c++) {
      SimServer m = fleet.addMaster("127.79." + c + ".1", PORT, c * 100L + 1);
      byHost.put(m.host, m);
      masterOf.put(m.host, "");
      for (int r = 2; r <= PER_CLUSTER; r++) {
        SimServer s = fleet.addReplica("127.79." + c + "." + r, PORT, c * 100L + r, m);
        byHost.put(s.host, s);
        masterOf.put(s.host, m.host);
      }
    }
    sim = new FleetSimulator(fleet);
    sim.listenAll();
    for (int i = 1; i <= 3; i++) {
      nodes.add(OrchaFixture.start(hocon(i)));
    }
  }

  static String hocon(int i) {
    // the base config's custom queries read a meta schema the simulator does not have
    return OrchaFixture.baseHocon(tmp.resolve("node" + i + ".db")).lines()
        .filter(l -> !l.contains("orcha.queries.") && !l.contains("listen-address")
            && !l.contains("cluster.bind"))
        .collect(Collectors.joining("\n")) + """

        orcha.node-name = "orcha-%d"
        orcha.http.listen-address = "127.0.0.1:%d"
        orcha.cluster.bind = "127.0.0.1:%d"
        orcha.cluster.nodes = %s
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.recovery.master-cluster-filters = ["*"]
        orcha.recovery.period-block = 3600s
        orcha.discovery.shared-probing.enabled = true
        # a stopped node does not leave the cluster: what a crash looks like to the others
        pekko.coordinated-shutdown.run-by-actor-system-terminate = off
        """.formatted(i, HTTP + i, ARTERY + i, NODES);
  }

  @AfterAll
  void down() {
    for (OrchaFixture n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // crashed by the test already
      }
    }
    if (sim != null) {
      sim.close();
    }
  }

  static Map<String, JsonNode> instances(OrchaFixture n) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode i : n.get("all-instances")) {
      out.put(i.get("Key").get("Hostname").asText(), i);
    }
    return out;
  }

  static Scrape metrics(OrchaFixture n) {
    return Scrape.parse(n.metrics().body());
  }

  static long assigned(OrchaFixture n) {
    return (long) metrics(n).value("orcha_probes_assigned");
  }

  static long probes(OrchaFixture n) {
    return (long) metrics(n).value("orcha_probe_duration_seconds_count");
  }

  static String address(OrchaFixture n) {
    return actors.cluster.NodeAddress.self(n.node().system());
  }

  static boolean leads(OrchaFixture n) {
    return n.raw("leader-check").statusCode() == 200;
  }

  private OrchaFixture leader(List<OrchaFixture> live) {
    return Eventually.await("one leader", Duration.ofSeconds(60),
        () -> live.stream().filter(SharedProbingTest::leads).toList(), l -> l.size() == 1).get(0);
  }

  private boolean allValid(Map<String, JsonNode> all) {
    return all.size() == SERVERS && all.values().stream().allMatch(i ->
        i.get("IsLastCheckValid").asBoolean() && i.get("MasterKey").get("Hostname").asText()
            .equals(masterOf.get(i.get("Key").get("Hostname").asText())));
  }

  @Test
  @Order(1)
  void eachServerIsProbedByOneNodeAndEveryNodeListsThemAll() throws Exception {
    leader(nodes);
    long t0 = System.nanoTime();
    for (int c = 1; c <= CLUSTERS; c++) {
      assertEquals("OK", nodes.get(0).get("discover/127.79." + c + ".1/" + PORT).get("Code").asText());
    }
    for (OrchaFixture n : nodes) {
      Eventually.await(n.node() + " lists " + SERVERS + " servers valid with their masters",
          Duration.ofSeconds(40), () -> instances(n), this::allValid);
    }
    System.out.printf("shared probing: %d servers valid on all 3 nodes %d ms after discover%n",
        SERVERS, (System.nanoTime() - t0) / 1_000_000);

    // the gauges: every node's share as the rendezvous hash over the three nodes says
    List<String> addresses = nodes.stream().map(SharedProbingTest::address).toList();
    Map<String, Long> expected = new HashMap<>();
    addresses.forEach(a -> expected.put(a, 0L));
    for (String host : byHost.keySet()) {
      List<String> observers = ProbeAssignment.observers(new InstanceKey(host, PORT), addresses, 1);
      assertEquals(1, observers.size());
      expected.merge(observers.get(0), 1L, Long::sum);
    }
    Eventually.await("each node's orcha_probes_assigned is its share " + expected,
        Duration.ofSeconds(20), () -> nodes.stream().map(SharedProbingTest::assigned).toList(),
        l -> l.equals(addresses.stream().map(expected::get).toList()));
    assertEquals(SERVERS, nodes.stream().mapToLong(SharedProbingTest::assigned).sum());

    // probe rates over a 5 s measurement window (measuring, not waiting for a condition)
    List<Long> before = nodes.stream().map(SharedProbingTest::probes).toList();
    long w0 = System.nanoTime();
    Thread.sleep(5_000);
    List<Long> after = nodes.stream().map(SharedProbingTest::probes).toList();
    double seconds = (System.nanoTime() - w0) / 1e9;
    List<Double> rates = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      rates.add((after.get(i) - before.get(i)) / seconds);
    }
    double total = rates.stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf("shared probing: probes/s per node %s (assigned %s), total %.1f for %d "
        + "servers at 1 s polling%n", rates.stream().map(r -> String.format("%.1f", r)).toList(),
        addresses.stream().map(expected::get).toList(), total, SERVERS);
    // every server about once a second in all: not three times (every node probing everything)
    assertTrue(total > SERVERS * 0.6 && total < SERVERS * 1.3, "total probe rate " + total);
    for (int i = 0; i < 3; i++) {
      double share = expected.get(addresses.get(i)) / (double) SERVERS;
      assertTrue(Math.abs(rates.get(i) / total - share) < 0.1,
          "node " + i + " probes " + rates.get(i) + "/s of " + total + ", its share " + share);
    }
  }

  @Test
  @Order(2)
  void aKilledMasterIsRecoveredOnceAfterAMajorityConfirmedIt() {
    OrchaFixture leader = leader(nodes);
    assertEquals("OK", leader.get("enable-global-recoveries").get("Code").asText());
    deadMaster = byHost.get("127.79.30.1");
    List<SimServer> replicas = byHost.values().stream()
        .filter(s -> masterOf.get(s.host).equals(deadMaster.host)).toList();
    Instant killedAt = Instant.now();
    sim.kill(deadMaster);
    SimServer promoted = Eventually.await("a replica promoted", Duration.ofSeconds(30),
        () -> replicas.stream().filter(s -> sim.fleet.masterOf(s).isEmpty()
            && !sim.fleet.readOnly(s)).findFirst().orElse(null), p -> p != null);
    actors.recovery.RecoveryLog.Recovery r = Eventually.await("the recovery of " + deadMaster.key(),
        Duration.ofSeconds(30), () -> leader.recoveryLog().recoveries().stream()
            .filter(x -> x.start().failedKey().hostname().equals(deadMaster.host) && x.ended())
            .findFirst().orElse(null), x -> x != null);
    assertEquals("DeadMaster", r.start().analysisCode(), r.toString());
    assertTrue(r.resolution().successful(), r.toString());
    assertEquals(promoted.host, r.resolution().successor().hostname(), r.toString());
    String agreed = r.steps().stream().filter(s -> s.phase().equals("agreed"))
        .map(actors.recovery.RecoveryLog.Step::message).findFirst().orElse("");
    long agreeing = addresses().stream().filter(agreed::contains).count();
    assertTrue(agreeing >= 2, "a majority of the nodes confirmed it: " + agreed);
    // exactly once: no other recovery of that master, on any node, for a while
    Eventually.consistently("one recovery of " + deadMaster.key(), Duration.ofSeconds(4),
        () -> nodes.stream().mapToLong(n -> n.recoveryLog().recoveries().stream()
            .filter(x -> x.start().failedKey().hostname().equals(deadMaster.host))
            .map(x -> x.start().uid()).distinct().count()).max().orElse(0), c -> c == 1);
    System.out.println("shared probing: DeadMaster recovery started "
        + Duration.between(killedAt, r.startedAt()).toMillis() + " ms after the kill, took "
        + Duration.between(r.startedAt(), r.endedAt()).toMillis() + " ms; " + agreed);
  }

  private List<String> addresses() {
    return nodes.stream().map(SharedProbingTest::address).toList();
  }

  @Test
  @Order(3)
  void aCrashedNodesServersAreProbedByTheOthersWithinSeconds() {
    OrchaFixture leader = leader(nodes);
    OrchaFixture victim = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    List<OrchaFixture> survivors = nodes.stream().filter(n -> n != victim).toList();
    List<String> all = addresses();
    String lost = address(victim);
    List<String> orphans = byHost.keySet().stream()
        .filter(h -> !h.equals(deadMaster.host))
        .filter(h -> ProbeAssignment.observers(new InstanceKey(h, PORT), all, 1).get(0).equals(lost))
        .toList();
    assertTrue(orphans.size() > 10, "the victim probed " + orphans.size() + " servers");
    int detectionsBefore = leader.get("audit-failure-detection").size();
    Instant crashedAt = Instant.now();
    long t0 = System.nanoTime();
    victim.node().system().terminate(); // no graceful leave
    victim.node().awaitTermination(Duration.ofSeconds(30));
    Eventually.await("the survivors probe all " + SERVERS + " servers between them",
        Duration.ofSeconds(20), () -> survivors.stream().mapToLong(SharedProbingTest::assigned).sum(),
        s -> s == SERVERS);
    long reassignedMs = (System.nanoTime() - t0) / 1_000_000;
    OrchaFixture witness = survivors.get(0);
    Eventually.await("the victim's " + orphans.size() + " servers seen again after the crash",
        Duration.ofSeconds(20), () -> instances(witness), m -> orphans.stream().allMatch(h -> {
          String seen = m.get(h).get("LastSeenTimestamp").asText();
          return !seen.isEmpty() && LocalDateTime.parse(seen, TIMESTAMP).toInstant(ZoneOffset.UTC)
              .isAfter(crashedAt);
        }));
    long reprobedMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("shared probing: node %s crashed; its %d servers reassigned after %d ms "
        + "and all seen again (1 s timestamps) after %d ms%n", lost, orphans.size(), reassignedMs,
        reprobedMs);
    assertTrue(reprobedMs < 10_000, "re-probed within seconds: " + reprobedMs + " ms");
    // while the victim's servers went unobserved (stale in the shared picture) the leader's own
    // probes saw them answer: no failure was registered for them
    Eventually.consistently("no new detection on the leader", Duration.ofSeconds(2),
        () -> leader.get("audit-failure-detection"), d -> d.size() == detectionsBefore);
    for (OrchaFixture n : survivors) {
      Map<String, JsonNode> m = instances(n);
      assertEquals(SERVERS, m.size());
      assertTrue(m.entrySet().stream().filter(e -> !e.getKey().equals(deadMaster.host))
          .allMatch(e -> e.getValue().get("IsLastCheckValid").asBoolean()), "all valid on " + n);
    }
  }
}
