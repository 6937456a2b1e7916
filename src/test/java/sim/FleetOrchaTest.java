package sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * One orcha node against 200 simulated MariaDB servers (20 clusters of a master and 9 replicas,
 * each at its own 127.77.c.r address): it discovers them all with the right masters; faults on a
 * few servers leave the others probed on time; and a killed master is recovered (a replica
 * promoted, its siblings moved under it) through the simulator's failover statements.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetOrchaTest {

  static final int PORT = 11202;
  static final int CLUSTERS = 20;
  static final int PER_CLUSTER = 10;

  @TempDir
  static Path tmp;
  private FleetSimulator sim;
  private OrchaFixture orcha;
  private final Map<String, SimServer> byHost = new LinkedHashMap<>();
  /** host → its master's host, "" for masters */
  private final Map<String, String> masterOf = new HashMap<>();

  @BeforeAll
  void up() throws Exception {
    Fleet fleet = new Fleet();
    for (int c = 1; c <= CLUSTERS; c++) {
      SimServer m = fleet.addMaster("127.77." + c + ".1", PORT, c * 100L + 1);
      byHost.put(m.host, m);
      masterOf.put(m.host, "");
      for (int r = 2; r <= PER_CLUSTER; r++) {
        SimServer s = fleet.addReplica("127.77." + c + "." + r, PORT, c * 100L + r, m);
        byHost.put(s.host, s);
        masterOf.put(s.host, m.host);
      }
    }
    sim = new FleetSimulator(fleet);
    sim.listenAll();
    // the base config's custom queries read a meta schema the simulator does not have
    String hocon = OrchaFixture.baseHocon(tmp.resolve("fleet.db")).lines()
        .filter(l -> !l.contains("orcha.queries."))
        .collect(Collectors.joining("\n")) + """

        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.recovery.master-cluster-filters = ["*"]
        orcha.recovery.period-block = 3600s
        """;
    orcha = OrchaFixture.start(hocon);
  }

  @AfterAll
  void down() {
    if (orcha != null) {
      orcha.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private Map<String, JsonNode> instances() {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode i : orcha.get("all-instances")) {
      out.put(i.get("Key").get("Hostname").asText(), i);
    }
    return out;
  }

  @Test
  @Order(1)
  void discoversTwoHundredServersWithTheirMasters() {
    for (int c = 1; c <= CLUSTERS; c++) {
      assertEquals("OK", orcha.get("discover/127.77." + c + ".1/" + PORT).get("Code").asText());
    }
    long t0 = System.nanoTime();
    Eventually.await("200 servers valid with the right masters", Duration.ofSeconds(90),
        this::instances, all -> all.size() == byHost.size() && all.values().stream().allMatch(i ->
            i.get("IsLastCheckValid").asBoolean()
                && i.get("MasterKey").get("Hostname").asText()
                    .equals(masterOf.get(i.get("Key").get("Hostname").asText()))));
    System.out.printf("fleet: %d servers discovered and valid in %d ms, simulator %d threads"
        + " (1 loop), %d connections open, %d queries%n", byHost.size(),
        (System.nanoTime() - t0) / 1_000_000, 1, sim.openConnections(), sim.queries());
    assertEquals(Map.of(), unknown(), "statements the simulator does not model");
  }

  private Map<String, String> unknown() {
    Map<String, String> m = new HashMap<>();
    sim.unknownStatements().forEach(s -> m.put(s, "unmodelled"));
    return m;
  }

  @Test
  @Order(2)
  void faultyServersDoNotDelayTheProbesOfTheOthers() {
    List<String> faulty = new ArrayList<>();
    int c = 1;
    for (Fault f : List.of(Fault.REFUSE, Fault.SILENT, Fault.SLOW, Fault.DROP_MID_RESULT,
        Fault.MALFORMED)) {
      for (int k = 0; k < 2; k++, c++) {
        SimServer s = byHost.get("127.77." + c + ".9");
        sim.setSlowMillis(s, 10_000);
        sim.setFault(s, f);
        faulty.add(s.host);
      }
    }
    SimServer broken = byHost.get("127.77.11.9");
    SimServer lagging = byHost.get("127.77.12.9");
    sim.fleet.breakReplication(broken, 1062, "Duplicate entry '7' for key 'PRIMARY'");
    sim.fleet.setLag(lagging, 45);

    Eventually.await("faulty servers seen as failing", Duration.ofSeconds(40), () -> {
      Map<String, JsonNode> all = instances();
      List<String> wrong = new ArrayList<>();
      faulty.stream().filter(h -> all.get(h).get("IsLastCheckValid").asBoolean())
          .forEach(h -> wrong.add(h + " " + byHost.get(h).fault + " still valid"));
      if (!all.get(broken.host).get("LastSQLError").asText().contains("Duplicate entry")) {
        wrong.add("broken: " + all.get(broken.host).get("LastSQLError"));
      }
      if (all.get(lagging.host).get("SecondsBehindMaster").get("Int64").asLong() != 45) {
        wrong.add("lagging: " + all.get(lagging.host).get("SecondsBehindMaster"));
      }
      return wrong;
    }, List::isEmpty);

    // every healthy server's LastSeen moves on, twice, while the faults stay on
    for (int round = 0; round < 2; round++) {
      Map<String, String> seen = new HashMap<>();
      instances().forEach((h, i) -> seen.put(h, i.get("LastSeenTimestamp").asText()));
      Eventually.await("healthy servers probed again (round " + round + ")",
          Duration.ofSeconds(10), this::instances, all -> all.entrySet().stream()
              .filter(e -> !faulty.contains(e.getKey()))
              .allMatch(e -> !e.getValue().get("LastSeenTimestamp").asText()
                  .equals(seen.get(e.getKey()))));
    }
    assertEquals(200, orcha.raw("health").statusCode(), "orcha stays healthy");

    for (String h : faulty) {
      sim.setFault(byHost.get(h), Fault.NONE);
    }
    Eventually.await("healed servers valid again", Duration.ofSeconds(40), this::instances,
        all -> faulty.stream().allMatch(h -> all.get(h).get("IsLastCheckValid").asBoolean()));
  }

  @Test
  @Order(3)
  void aKilledMasterIsRecoveredInTheSimulatorsState() {
    assertEquals("OK", orcha.get("enable-global-recoveries").get("Code").asText());
    SimServer dead = byHost.get("127.77.20.1");
    List<SimServer> replicas = byHost.values().stream()
        .filter(s -> masterOf.get(s.host).equals(dead.host)).toList();
    java.time.Instant killedAt = java.time.Instant.now();
    sim.kill(dead);
    SimServer promoted = Eventually.await("a replica promoted", Duration.ofSeconds(60),
        () -> replicas.stream().filter(s -> sim.fleet.masterOf(s).isEmpty()
            && !sim.fleet.readOnly(s)).findFirst().orElse(null), p -> p != null);
    Eventually.await("the siblings replicate from " + promoted.key(), Duration.ofSeconds(30),
        () -> replicas.stream().filter(s -> s != promoted)
            .allMatch(s -> sim.fleet.masterOf(s).equals(promoted.key())
                && sim.fleet.threadsRunning(s)), ok -> ok);
    Eventually.await("orcha sees the new topology", Duration.ofSeconds(30), this::instances,
        all -> replicas.stream().filter(s -> s != promoted).allMatch(s ->
            all.get(s.host).get("MasterKey").get("Hostname").asText().equals(promoted.host)));
    actors.recovery.RecoveryLog.Recovery r = Eventually.await("orcha's recovery of " + dead.key(),
        Duration.ofSeconds(30), () -> orcha.recoveryLog().recoveries().stream()
            .filter(x -> x.start().failedKey().hostname().equals(dead.host) && x.ended())
            .findFirst().orElse(null), x -> x != null);
    assertEquals("DeadMaster", r.start().analysisCode(), r.toString());
    assertTrue(r.resolution().successful(), r.toString());
    assertEquals(promoted.host, r.resolution().successor().hostname(), r.toString());
    long took = java.time.Duration.between(r.startedAt(), r.endedAt()).toMillis();
    System.out.println("fleet: DeadMaster recovery started "
        + java.time.Duration.between(killedAt, r.startedAt()).toMillis() + " ms after the kill, took "
        + took + " ms; unmodelled statements: "
        + sim.unknownStatements());
  }
}
