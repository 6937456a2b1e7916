package sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
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
 * One orcha node (1 s polling, the default 2 s connect and 3 s query timeouts) against 200
 * simulated servers, 31 of them hostile or broken at once — every {@link Fault} on two replicas
 * (four for {@link Fault#HUGE_RESULT}: endless small rows, endless 1 MB rows), plus broken SQL
 * and IO threads and lag. The other servers keep being probed within the poll interval + 1 s;
 * each faulty server is reported as failing, with a reason that names it and says what was
 * wrong; the heap stays bounded while the huge answers are read again and again; the node stays
 * healthy; and once the faults are gone every server is valid again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetFaultsTest {

  static final int PORT = 11341;
  static final int CLUSTERS = 20;
  static final int PER_CLUSTER = 10;
  static final Duration POLL = Duration.ofSeconds(1);
  /** heap growth (used after a full GC) allowed while the faults are on */
  static final long HEAP_GROWTH_BOUND = 128L << 20;

  /** what the reason of each wire fault says, after "host:port: " */
  static final Map<Fault, String> SAYS = new LinkedHashMap<>();

  static {
    SAYS.put(Fault.REFUSE, "connection refused");
    SAYS.put(Fault.SILENT, "no answer");
    SAYS.put(Fault.SLOW, "(no answer|did not complete)");
    SAYS.put(Fault.DROP_MID_RESULT, "connection closed by the server");
    SAYS.put(Fault.MALFORMED, "");
    SAYS.put(Fault.HANG_MID_RESULT, "no answer to .* within 3s");
    SAYS.put(Fault.HUGE_RESULT, "refused, connection closed: (more than 10000 rows"
        + "|an answer larger than 4 MiB)");
    SAYS.put(Fault.BAD_LENGTH, "refused, connection closed: a packet announcing 16777215 bytes");
    SAYS.put(Fault.HUGE_COLUMN_COUNT, "refused, connection closed: a result set of 16777215"
        + " columns");
    SAYS.put(Fault.WRONG_SEQUENCE, "refused, connection closed: packets out of order");
    SAYS.put(Fault.HANDSHAKE_GARBAGE, "not a MySQL server");
    SAYS.put(Fault.HANDSHAKE_TRUNCATED, "a truncated greeting");
    SAYS.put(Fault.AUTH_ERROR, "access denied for user orcha");
  }

  @TempDir
  static Path tmp;
  private FleetSimulator sim;
  private OrchaFixture orcha;
  private final Map<String, SimServer> byHost = new LinkedHashMap<>();
  private final Map<String, Fault> faulty = new LinkedHashMap<>();
  private SimServer sqlBroken;
  private SimServer ioBroken;
  private SimServer lagging;
  private long baselineHeap;
  private long maxHeap;

  @BeforeAll
  void up() throws Exception {
    Fleet fleet = new Fleet();
    for (int c = 1; c <= CLUSTERS; c++) {
      SimServer m = fleet.addMaster("127.78." + c + ".1", PORT, c * 100L + 1);
      byHost.put(m.host, m);
      for (int r = 2; r <= PER_CLUSTER; r++) {
        SimServer s = fleet.addReplica("127.78." + c + "." + r, PORT, c * 100L + r, m);
        byHost.put(s.host, s);
      }
    }
    sim = new FleetSimulator(fleet);
    sim.listenAll();
    // the base config's custom queries read a meta schema the simulator does not have
    String hocon = OrchaFixture.baseHocon(tmp.resolve("faults.db")).lines()
        .filter(l -> !l.contains("orcha.queries."))
        .collect(Collectors.joining("\n"));
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

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  @Order(1)
  void discoversTheFleet() {
    for (int c = 1; c <= CLUSTERS; c++) {
      assertEquals("OK", orcha.get("discover/127.78." + c + ".1/" + PORT).get("Code").asText());
    }
    Eventually.await("200 servers valid", Duration.ofSeconds(60), this::instances,
        all -> all.size() == byHost.size()
            && all.values().stream().allMatch(i -> i.get("IsLastCheckValid").asBoolean()));
    baselineHeap = usedHeapAfterGc();
  }

  @Test
  @Order(2)
  void hostileServersFailWithAReasonWhileTheOthersAreProbedOnTime() {
    int c = 1;
    for (Fault f : SAYS.keySet()) {
      for (int r = 9; r <= PER_CLUSTER; r++) {
        faulty.put("127.78." + c + "." + r, f);
      }
      c++;
    }
    faulty.put("127.78." + c + ".9", Fault.HUGE_RESULT);
    faulty.put("127.78." + c + ".10", Fault.HUGE_RESULT);
    sim.setHugeRowBytes(byHost.get("127.78." + c + ".10"), 1 << 20);
    sim.setHugeRowBytes(byHost.get("127.78." + (c - 1) + ".10"), 1 << 20);
    c++;
    sqlBroken = byHost.get("127.78." + c + ".9");
    ioBroken = byHost.get("127.78." + c + ".10");
    lagging = byHost.get("127.78." + (c + 1) + ".9");

    long t0 = System.nanoTime();
    faulty.forEach((h, f) -> {
      sim.setSlowMillis(byHost.get(h), 10_000);
      sim.setFault(byHost.get(h), f);
    });
    sim.fleet.breakReplication(sqlBroken, 1062, "Duplicate entry '7' for key 'PRIMARY'");
    sim.fleet.breakIoThread(ioBroken, 1236, "Got fatal error 1236 from master when reading data"
        + " from binary log: 'Could not find GTID state requested by slave in any binlog files'");
    sim.fleet.setLag(lagging, 45);

    Map<String, Long> invalidAfter = new HashMap<>();
    Eventually.await("faulty servers seen as failing", Duration.ofSeconds(30), () -> {
      Map<String, JsonNode> all = instances();
      List<String> wrong = new ArrayList<>();
      faulty.forEach((h, f) -> {
        if (all.get(h).get("IsLastCheckValid").asBoolean()) {
          wrong.add(h + " " + f + " still valid");
        } else {
          invalidAfter.putIfAbsent(h, (System.nanoTime() - t0) / 1_000_000);
        }
      });
      JsonNode sql = all.get(sqlBroken.host);
      if (!sql.get("LastSQLError").asText().contains("Duplicate entry")
          || sql.get("Slave_SQL_Running").asBoolean()) {
        wrong.add("SQL thread: " + sql.get("LastSQLError"));
      }
      JsonNode io = all.get(ioBroken.host);
      if (!io.get("LastIOError").asText().contains("error 1236")
          || io.get("Slave_IO_Running").asBoolean()) {
        wrong.add("IO thread: " + io.get("LastIOError"));
      }
      if (all.get(lagging.host).get("SecondsBehindMaster").get("Int64").asLong() != 45) {
        wrong.add("lagging: " + all.get(lagging.host).get("SecondsBehindMaster"));
      }
      return wrong;
    }, List::isEmpty);
    for (String h : List.of(sqlBroken.host, ioBroken.host, lagging.host)) {
      assertTrue(instances().get(h).get("IsLastCheckValid").asBoolean(),
          h + ": broken replication is not a failed probe");
    }

    // each faulty server's reason, as orcha's history of it tells
    Map<String, Long> reasonAfter = new HashMap<>();
    faulty.forEach((h, f) -> {
      Eventually.await(h + " " + f + " failure reason", Duration.ofSeconds(15),
          () -> orcha.raw("history/instance/" + h + "/" + PORT).body(),
          body -> body.matches("(?s).*" + java.util.regex.Pattern.quote(h + ":" + PORT + ": ")
              + "[^\"]*" + SAYS.get(f) + ".*"));
      reasonAfter.put(h, (System.nanoTime() - t0) / 1_000_000);
    });

    // the healthy servers are probed again within the poll interval + 1 s, round after round,
    // while the huge answers are read (and refused) again and again
    long hugeQueriesBefore = hugeQueries();
    Duration within = POLL.plusSeconds(1);
    long worst = 0;
    for (int round = 0; round < 6; round++) {
      Map<String, String> seen = new HashMap<>();
      instances().forEach((h, i) -> seen.put(h, i.get("LastSeenTimestamp").asText()));
      long r0 = System.nanoTime();
      int n = round;
      Eventually.await("healthy servers probed again within " + within + " (round " + n + ")",
          within, this::instances, all -> all.entrySet().stream()
              .filter(e -> !faulty.containsKey(e.getKey()))
              .allMatch(e -> !e.getValue().get("LastSeenTimestamp").asText()
                  .equals(seen.get(e.getKey()))));
      worst = Math.max(worst, (System.nanoTime() - r0) / 1_000_000);
      maxHeap = Math.max(maxHeap, usedHeapAfterGc());
    }
    long hugeQueries = hugeQueries() - hugeQueriesBefore;
    assertTrue(hugeQueries >= 4, "the huge answers were asked for again: " + hugeQueries);
    assertTrue(maxHeap - baselineHeap < HEAP_GROWTH_BOUND, String.format(
        "heap after GC grew from %d MB to %d MB", baselineHeap >> 20, maxHeap >> 20));
    assertEquals(200, orcha.raw("health").statusCode(), "orcha stays healthy");

    System.out.printf("fleet faults: %d faulty servers invalid within %d ms of the faults;"
            + " HANG_MID_RESULT timed out (reason recorded) within %s ms; healthy servers all"
            + " re-probed within %d ms at worst; heap after GC %d MB before, %d MB at most"
            + " during (%d huge answers refused)%n",
        faulty.size(), invalidAfter.values().stream().mapToLong(Long::longValue).max().orElse(0),
        faulty.entrySet().stream().filter(e -> e.getValue() == Fault.HANG_MID_RESULT)
            .map(e -> reasonAfter.get(e.getKey())).toList(),
        worst, baselineHeap >> 20, maxHeap >> 20, hugeQueries);
  }

  private long hugeQueries() {
    return faulty.entrySet().stream().filter(e -> e.getValue() == Fault.HUGE_RESULT)
        .mapToLong(e -> sim.queries(byHost.get(e.getKey()))).sum();
  }

  @Test
  @Order(3)
  void everythingIsValidAgainOnceTheFaultsAreGone() {
    faulty.keySet().forEach(h -> sim.setFault(byHost.get(h), Fault.NONE));
    for (SimServer s : List.of(sqlBroken, ioBroken, lagging)) {
      sim.fleet.repairReplication(s);
    }
    Eventually.await("every server valid and replicating", Duration.ofSeconds(30), () -> {
      Map<String, JsonNode> all = instances();
      List<String> wrong = new ArrayList<>();
      byHost.keySet().stream().filter(h -> !all.containsKey(h)).forEach(h -> wrong.add(h + " gone"));
      all.forEach((h, i) -> {
        boolean replica = !i.get("MasterKey").get("Hostname").asText().isEmpty();
        if (!i.get("IsLastCheckValid").asBoolean()) {
          wrong.add(h + " not valid");
        } else if (replica && !(i.get("Slave_IO_Running").asBoolean()
            && i.get("Slave_SQL_Running").asBoolean()
            && i.get("SecondsBehindMaster").get("Int64").asLong() == 0)) {
          wrong.add(h + " not replicating");
        }
      });
      return wrong;
    }, List::isEmpty);
    assertEquals(200, orcha.raw("health").statusCode(), "orcha healthy afterwards");
    long after = usedHeapAfterGc();
    System.out.printf("fleet faults: all valid again; heap after GC %d MB%n", after >> 20);
  }
}
