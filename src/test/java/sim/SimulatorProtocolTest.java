package sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncer.r2dbc.mysql.MySqlConnectionConfiguration;
import io.asyncer.r2dbc.mysql.MySqlConnectionFactory;
import io.asyncer.r2dbc.mysql.api.MySqlConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mysql.Prober;
import mysql.ProberSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import topology.Flavor;
import topology.Instance;
import topology.InstanceKey;
import topology.ProbeFailure.Reason;
import topology.ProbeResult;
import topology.ThreadState;

/**
 * The simulator through orcha's own prober (r2dbc-mysql): a master and two replicas at their own
 * loopback addresses look like MariaDB 10.11 servers with a consistent topology, the failover
 * statements change what the next probe sees, and each wire fault makes the probe fail the way a
 * real broken server would, within the timeouts.
 */
class SimulatorProtocolTest {

  static final int PORT = 11201;
  static final Duration MAX = Duration.ofSeconds(15);

  private FleetSimulator sim;
  private Prober prober;
  private SimServer master;
  private SimServer r1;
  private SimServer r2;

  @BeforeEach
  void setUp() throws Exception {
    Fleet fleet = new Fleet();
    master = fleet.addMaster("127.77.0.1", PORT, 1);
    r1 = fleet.addReplica("127.77.0.2", PORT, 2, master);
    r2 = fleet.addReplica("127.77.0.3", PORT, 3, master);
    sim = new FleetSimulator(fleet);
    sim.listenAll();
    prober = new Prober(ProberSettings.builder("orcha", "pw")
        .connectTimeout(Duration.ofSeconds(1))
        .queryTimeout(Duration.ofSeconds(1))
        .probeTimeout(Duration.ofSeconds(4))
        .build());
  }

  @AfterEach
  void tearDown() {
    prober.close();
    sim.close();
  }

  private ProbeResult probe(SimServer s) throws Exception {
    return prober.probe(new InstanceKey(s.host, s.port)).toCompletableFuture()
        .get(MAX.toSeconds(), TimeUnit.SECONDS);
  }

  private Instance reached(SimServer s) throws Exception {
    ProbeResult r = probe(s);
    if (r instanceof ProbeResult.Failed f) {
      throw new AssertionError(s.key() + ": " + f.failure().message());
    }
    return assertInstanceOf(ProbeResult.Reached.class, r).instance();
  }

  private ProbeResult.Failed failed(SimServer s) throws Exception {
    return assertInstanceOf(ProbeResult.Failed.class, probe(s));
  }

  private static long seq(Instance i) {
    String g = i.executedGtids();
    return Long.parseLong(g.substring(g.lastIndexOf('-') + 1));
  }

  @Test
  void masterAndReplicasLookLikeMariaDbWithAConsistentTopology() throws Exception {
    Instance m = reached(master);
    assertEquals(Flavor.MARIADB, m.flavor());
    assertEquals(1, m.serverId());
    assertEquals(Fleet.VERSION, m.version());
    assertFalse(m.readOnly());
    assertFalse(m.isReplica());
    assertEquals(List.of(new InstanceKey("127.77.0.2", PORT), new InstanceKey("127.77.0.3", PORT)),
        m.replicas());

    Instance r = reached(r1);
    assertTrue(r.readOnly());
    assertEquals(new InstanceKey("127.77.0.1", PORT), r.masterKey());
    assertEquals(ThreadState.RUNNING, r.replication().ioThread());
    assertEquals(ThreadState.RUNNING, r.replication().sqlThread());
    assertEquals(0L, r.replication().secondsBehindMaster());
    assertTrue(r.executedGtids().startsWith("0-1-"), r.executedGtids());

    // the master commits: positions advance on the master and on its replicas
    long before = seq(reached(master));
    testkit.Eventually.await("master position advances", MAX, () -> {
      try {
        return seq(reached(master)) > before && seq(reached(r2)) > before;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(sim.unknownStatements().isEmpty(), "unmodelled: " + sim.unknownStatements());
  }

  @Test
  void aKilledMasterRestartsAndItsReplicasCatchUp() throws Exception {
    sim.kill(master);
    assertEquals(Reason.CONNECTION_REFUSED, failed(master).failure().reason());
    long frozen = seq(reached(r1));
    assertEquals(ThreadState.OTHER, reached(r1).replication().ioThread());
    sim.restart(master);
    Instance back = reached(r1);
    assertEquals(ThreadState.RUNNING, back.replication().ioThread());
    assertTrue(seq(back) >= frozen, "positions never go backwards");
    assertEquals(2, reached(master).replicas().size());
  }

  @Test
  void failoverStatementsChangeTheTopology() throws Exception {
    sim.kill(master);
    assertEquals(Reason.CONNECTION_REFUSED, failed(master).failure().reason());
    Instance stuck = reached(r1);
    assertEquals(ThreadState.OTHER, stuck.replication().ioThread(), "connecting to a dead master");
    assertEquals(2003, stuck.replication().lastIoErrno());

    // promote r1, point r2 at it, as a recovery does
    exec(r1, "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = 0");
    exec(r2, "STOP SLAVE", "CHANGE MASTER TO MASTER_HOST='127.77.0.2', MASTER_PORT=" + PORT
        + ", MASTER_USE_GTID=slave_pos", "START SLAVE");
    Instance promoted = reached(r1);
    assertFalse(promoted.readOnly());
    assertFalse(promoted.isReplica());
    assertEquals(List.of(new InstanceKey("127.77.0.3", PORT)), promoted.replicas());
    Instance moved = reached(r2);
    assertEquals(new InstanceKey("127.77.0.2", PORT), moved.masterKey());
    assertEquals(ThreadState.RUNNING, moved.replication().ioThread());
    long at = seq(promoted);
    testkit.Eventually.await("the new master commits with its own server_id", MAX, () -> {
      try {
        Instance i = reached(r2);
        return i.executedGtids().startsWith("0-2-") && seq(i) > at;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void changeMasterWhileReplicatingIsRefusedAsMariaDbRefusesIt() {
    Throwable e = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
        () -> exec(r1, "CHANGE MASTER TO MASTER_HOST='127.77.0.3'"));
    assertTrue(String.valueOf(e.getMessage()).contains("STOP SLAVE"), e.toString());
  }

  @Test
  void replicationFaultsShowInTheProbe() throws Exception {
    sim.fleet.breakReplication(r1, 1062, "Duplicate entry '1' for key 'PRIMARY'");
    sim.fleet.setLag(r2, 30);
    Instance broken = reached(r1);
    assertEquals(ThreadState.STOPPED, broken.replication().sqlThread());
    assertEquals(1062, broken.replication().lastSqlErrno());
    assertEquals(null, broken.replication().secondsBehindMaster());
    Instance lagging = reached(r2);
    assertEquals(30L, lagging.replication().secondsBehindMaster());
    assertTrue(seq(lagging) < seq(reached(master)) || seq(reached(master)) < 60,
        "a lagging replica is behind its master");
  }

  @Test
  void wireFaultsFailTheProbeWithinItsTimeouts() throws Exception {
    sim.setFault(r1, Fault.REFUSE);
    assertEquals(Reason.CONNECTION_REFUSED, failed(r1).failure().reason());
    sim.setFault(r1, Fault.NONE);
    reached(r1);

    sim.setFault(r2, Fault.SILENT);
    ProbeResult.Failed silent = failed(r2);
    assertEquals(Reason.TIMEOUT, silent.failure().reason(), silent.failure().message());

    sim.setSlowMillis(master, 2500);
    sim.setFault(master, Fault.SLOW);
    prober.forget(new InstanceKey(master.host, master.port)).toCompletableFuture().get();
    ProbeResult.Failed slow = failed(master);
    assertEquals(Reason.TIMEOUT, slow.failure().reason(), slow.failure().message());
    sim.setSlowMillis(master, 200);
    reached(master); // slow but within the timeouts: still probed

    for (Fault f : List.of(Fault.DROP_MID_RESULT, Fault.MALFORMED)) {
      sim.setFault(r1, f);
      long t0 = System.nanoTime();
      ProbeResult.Failed bad = failed(r1);
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(took < 5000, f + " took " + took + " ms: " + bad.failure().message());
      assertNotEquals(Reason.UNKNOWN_HOST, bad.failure().reason());
      sim.setFault(r1, Fault.NONE);
      reached(r1);
    }
  }

  /**
   * Each hostile fault fails the probe with a reason that names the server, within the
   * timeouts (1 s per statement here): faults of the login on a new connection, faults of the
   * answers on the kept one. The server is probed fine again once the fault is gone.
   */
  @Test
  void hostileServersFailTheProbeWithAReasonWithinTheTimeouts() throws Exception {
    record Case(Fault fault, boolean atLogin, Reason reason, String says) {}
    List<Case> cases = List.of(
        new Case(Fault.HANG_MID_RESULT, false, Reason.TIMEOUT, "no answer to"),
        new Case(Fault.HUGE_RESULT, false, Reason.PROTOCOL_ERROR, "more than 10000 rows"),
        new Case(Fault.BAD_LENGTH, false, Reason.PROTOCOL_ERROR, "a packet announcing 16777215"),
        new Case(Fault.HUGE_COLUMN_COUNT, false, Reason.PROTOCOL_ERROR,
            "a result set of 16777215 columns"),
        new Case(Fault.WRONG_SEQUENCE, false, Reason.PROTOCOL_ERROR, "packets out of order"),
        new Case(Fault.HANDSHAKE_GARBAGE, true, Reason.PROTOCOL_ERROR, "not a MySQL server"),
        new Case(Fault.HANDSHAKE_TRUNCATED, true, Reason.PROTOCOL_ERROR, "a truncated greeting"),
        new Case(Fault.AUTH_ERROR, true, Reason.ACCESS_DENIED, "access denied"));
    StringBuilder seen = new StringBuilder();
    InstanceKey key = new InstanceKey(master.host, master.port);
    for (Case c : cases) {
      if (c.atLogin()) {
        prober.forget(key).toCompletableFuture().get();
      } else {
        reached(master); // the connection the next probe reuses
      }
      sim.setFault(master, c.fault());
      long t0 = System.nanoTime();
      ProbeResult.Failed f = failed(master);
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      seen.append(String.format("%n  %-20s %5d ms  %s", c.fault(), took, f.failure().message()));
      assertEquals(c.reason(), f.failure().reason(), c.fault() + ": " + f.failure().message());
      assertTrue(f.failure().message().startsWith(master.key() + ": ")
          && f.failure().message().contains(c.says()), c.fault() + ": " + f.failure().message());
      assertTrue(took < 2500, c.fault() + " took " + took + " ms");
      sim.setFault(master, Fault.NONE);
      reached(master);
    }
    System.out.println("hostile servers:" + seen);
  }

  @Test
  void hugeRowsAreRefusedPastTheAnswerBound() throws Exception {
    reached(master);
    sim.setHugeRowBytes(master, 1 << 20);
    sim.setFault(master, Fault.HUGE_RESULT);
    ProbeResult.Failed f = failed(master);
    assertEquals(Reason.PROTOCOL_ERROR, f.failure().reason(), f.failure().message());
    assertTrue(f.failure().message().contains("an answer larger than 4 MiB"),
        f.failure().message());
  }

  @Test
  void aBrokenIoThreadShowsInTheProbeAndStartSlaveRepairsIt() throws Exception {
    sim.fleet.breakIoThread(r1, 1236, "Got fatal error 1236 from master when reading data from"
        + " binary log: 'Could not find GTID state requested by slave in any binlog files'");
    Instance broken = reached(r1);
    assertEquals(ThreadState.STOPPED, broken.replication().ioThread());
    assertEquals(1236, broken.replication().lastIoErrno());
    assertEquals(null, broken.replication().secondsBehindMaster());
    long frozen = seq(broken);
    exec(r1, "STOP SLAVE", "START SLAVE");
    Instance repaired = reached(r1);
    assertEquals(ThreadState.RUNNING, repaired.replication().ioThread());
    assertTrue(seq(repaired) >= frozen);
  }

  private void exec(SimServer s, String... sql) {
    MySqlConnectionConfiguration config = MySqlConnectionConfiguration.builder()
        .host(s.host).port(s.port).user("orcha").password("pw")
        .connectTimeout(Duration.ofSeconds(2)).build();
    Mono.usingWhen(MySqlConnectionFactory.from(config).create(),
            (MySqlConnection c) -> Flux.fromArray(sql)
                .concatMap(q -> Flux.from(c.createStatement(q).execute())
                    .concatMap(res -> res.getRowsUpdated()))
                .then(),
            MySqlConnection::close)
        .block(Duration.ofSeconds(10));
  }
}
