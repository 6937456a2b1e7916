package mysql;

import testkit.Sandbox;

import static mysql.TestSupport.await;
import static mysql.TestSupport.eventuallyGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import topology.Flavor;
import topology.Instance;
import topology.InstanceKey;
import topology.ProbeFailure.Reason;
import topology.ProbeResult;
import topology.ThreadState;

/**
 * {@link Prober} against real MariaDB servers: a star of 4 from the sandbox script (master 10211,
 * replicas 10212-10214). Tagged "sandbox": exclude with
 * {@code -Dorcha.test.excludedGroups=sandbox} where no MariaDB can run.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProberSandboxTest {

  static final InstanceKey MASTER = new InstanceKey("127.0.0.1", 10211);
  static final InstanceKey R1 = new InstanceKey("127.0.0.1", 10212);
  static final InstanceKey R2 = new InstanceKey("127.0.0.1", 10213);
  static final InstanceKey R3 = new InstanceKey("127.0.0.1", 10214);
  static final Duration MAX = Duration.ofSeconds(10);

  private final Sandbox sandbox = new Sandbox(Path.of("/tmp/orcha-sb-mysqltest"));
  private Prober prober;

  static ProberSettings.Builder settings(String user, String password) {
    return ProberSettings.builder(user, password)
        .connectTimeout(Duration.ofSeconds(2))
        .queryTimeout(Duration.ofSeconds(2))
        .probeTimeout(Duration.ofSeconds(5));
  }

  @BeforeAll
  void up() {
    TestSupport.quietLogging();
    sandbox.up("10211-10214", "star");
    // distinct data centers per server, so that the query demonstrably reads this server's row
    sandbox.sql(10211, "UPDATE meta.instance SET data_center = CONCAT('dc-', port)");
    // a monitoring account without REPLICATION MASTER ADMIN, which SHOW SLAVE HOSTS needs on
    // MariaDB 10.5+ (replicates to every server)
    sandbox.sql(10211, "CREATE USER IF NOT EXISTS monitor@'%' IDENTIFIED BY 'monitor'");
    sandbox.sql(10211, "GRANT SLAVE MONITOR, BINLOG MONITOR, PROCESS ON *.* TO monitor@'%'");
    prober = new Prober(settings("orcha", "orcha")
        .query(CustomQuery.CLUSTER_ALIAS, "select cluster_name from meta.cluster where anchor=1")
        .query(CustomQuery.CLUSTER_DOMAIN, "select cluster_domain from meta.cluster where anchor=1;")
        .query(CustomQuery.DATA_CENTER, "select data_center from meta.instance where port=@@port")
        .query(CustomQuery.PROMOTION_RULE, "select promotion_rule from meta.instance where port=@@port")
        .query(CustomQuery.REGION, "select no_such_column from meta.instance")
        .hostPattern(CustomQuery.REGION, "^(127)\\.")
        .build());
  }

  @AfterAll
  void down() {
    if (prober != null) {
      prober.close();
    }
    sandbox.down();
  }

  private Instance reached(Prober p, InstanceKey key) {
    ProbeResult r = await(p.probe(key), MAX);
    if (r instanceof ProbeResult.Failed f) {
      throw new AssertionError("probe of " + key + " failed: " + f.failure());
    }
    return ((ProbeResult.Reached) r).instance();
  }

  @Test
  void masterFacts() {
    Instance m = reached(prober, MASTER);
    assertEquals(10211, m.serverId());
    assertEquals(Flavor.MARIADB, m.flavor());
    assertTrue(m.version().contains("MariaDB"), m.version());
    assertEquals("", m.serverUuid(), "MariaDB has no server_uuid");
    assertFalse(m.readOnly());
    assertFalse(m.superReadOnly());
    assertTrue(m.logBinEnabled());
    assertTrue(m.logReplicationUpdatesEnabled());
    assertEquals("ROW", m.binlogFormat());
    assertEquals("ON", m.gtid().gtidMode());
    assertFalse(m.gtid().supportsOracleGtid());
    assertFalse(m.gtid().mariaDbBinlogPos().isEmpty());
    assertTrue(m.gtid().mariaDbStrictMode());
    assertTrue(m.selfCoordinates().logFile().startsWith("mysql-bin."), m.selfCoordinates().toString());
    assertTrue(m.selfCoordinates().logPos() > 0);
    assertTrue(m.uptimeSeconds() >= 0);
    assertFalse(m.isReplica());
    assertEquals(InstanceKey.NONE, m.masterKey());
    assertEquals(List.of(R1, R2, R3), m.replicas());
    // semi-sync is built into MariaDB: variables present, no wait-count variable -> 1
    assertTrue(m.semiSync().available());
    assertFalse(m.semiSync().masterEnabled());
    assertEquals(1, m.semiSync().masterWaitForReplicaCount());
    assertEquals(10000, m.semiSync().masterTimeoutMillis());
    // custom queries; the broken one is a warning and the pattern stands in for it
    assertEquals("sandbox", m.labels().suggestedClusterAlias());
    assertEquals("sandbox.local", m.labels().clusterDomain());
    assertEquals("dc-10211", m.labels().dataCenter());
    assertEquals("neutral", m.labels().promotionRule());
    assertEquals("127", m.labels().region());
    assertEquals(1, m.warnings().size(), m.warnings().toString());
    assertTrue(m.warnings().get(0).startsWith("DetectRegionQuery failed: error 1054"),
        m.warnings().get(0));
  }

  @Test
  void replicaFacts() {
    Instance r = reached(prober, R1);
    assertEquals(10212, r.serverId());
    assertTrue(r.readOnly());
    assertTrue(r.isReplica());
    assertEquals(MASTER, r.masterKey());
    assertEquals(ThreadState.RUNNING, r.replication().ioThread());
    assertEquals(ThreadState.RUNNING, r.replication().sqlThread());
    assertEquals("Slave_Pos", r.replication().usingMariaDbGtid());
    assertTrue(r.replication().usingMariaDbGtidReplication());
    assertFalse(r.replication().autoPosition(), "MariaDB has no Auto_Position");
    assertEquals("", r.replication().masterUuid());
    assertEquals("repl", r.replication().masterUser());
    assertNotNull(r.replication().secondsBehindMaster());
    assertFalse(r.replication().retrievedGtidSet().isEmpty(), "Gtid_IO_Pos");
    assertEquals(r.gtid().mariaDbSlavePos(), r.replication().executedGtidSet());
    assertFalse(r.replication().readCoordinates().isEmpty());
    assertEquals(r.replication().readCoordinates(), r.replication().execCoordinates());
    assertEquals(List.of(), r.replicas(), "a leaf has no replicas (processlist fallback too)");
    assertEquals("dc-10212", r.labels().dataCenter());
  }

  @Test
  void gtidPositionsAreEqualAfterAWrite() {
    sandbox.sql(10211, "CREATE DATABASE IF NOT EXISTS probe_test");
    sandbox.sql(10211, "CREATE TABLE IF NOT EXISTS probe_test.t (id INT PRIMARY KEY)");
    sandbox.sql(10211, "REPLACE INTO probe_test.t VALUES (1)");
    String masterPos = reached(prober, MASTER).gtid().mariaDbBinlogPos();
    assertFalse(masterPos.isEmpty());
    for (InstanceKey k : List.of(R1, R2, R3)) {
      Instance r = eventuallyGet(MAX, k + " caught up with " + masterPos,
          () -> reached(prober, k), i -> masterPos.equals(i.gtid().mariaDbCurrentPos()));
      assertEquals(masterPos, r.gtid().mariaDbSlavePos());
      assertEquals(masterPos, r.gtid().mariaDbBinlogPos(), "log_slave_updates");
      assertEquals(masterPos, r.replication().retrievedGtidSet());
    }
  }

  @Test
  void stoppedSqlThread() {
    sandbox.sql(10213, "STOP SLAVE SQL_THREAD");
    try {
      Instance r = eventuallyGet(MAX, "SQL thread stopped", () -> reached(prober, R2),
          i -> i.replication().sqlThread() == ThreadState.STOPPED);
      assertEquals(ThreadState.RUNNING, r.replication().ioThread());
      assertNull(r.replication().secondsBehindMaster(), "NULL while the SQL thread is stopped");
      assertFalse(r.replication().isRunning());
    } finally {
      sandbox.sql(10213, "START SLAVE SQL_THREAD");
    }
    eventuallyGet(MAX, "SQL thread running again", () -> reached(prober, R2),
        i -> i.replication().sqlThread() == ThreadState.RUNNING);
  }

  @Test
  void connectionIsReusedAndAProbeIsOneRoundTrip() {
    Prober p = new Prober(settings("orcha", "orcha")
        .query(CustomQuery.CLUSTER_ALIAS, "select cluster_name from meta.cluster where anchor=1")
        .query(CustomQuery.DATA_CENTER, "select data_center from meta.instance where port=@@port")
        .build());
    try {
      reached(p, R3); // connects, and learns that SHOW SLAVE HOSTS lists nobody here
      assertEquals(1, p.connectionsOpened());
      assertEquals(2, p.roundTrips(), "the processlist fallback came after the batch");
      for (int i = 0; i < 10; i++) {
        Instance r = reached(p, R3);
        assertEquals("dc-10214", r.labels().dataCenter());
      }
      assertEquals(1, p.connectionsOpened(), "no new connection");
      assertEquals(2 + 10, p.roundTrips(), "then one request per probe, fallback included");
      reached(p, MASTER);
      reached(p, MASTER);
      assertEquals(2 + 10 + 2, p.roundTrips(), "a master's SHOW SLAVE HOSTS needs no fallback");
      assertEquals(2, p.openConnections());
    } finally {
      p.close();
    }
  }

  @Test
  void aFailingCustomQueryCostsOneMoreRoundTrip() {
    reached(prober, R3);
    long trips = prober.roundTrips();
    reached(prober, R3);
    assertEquals(trips + 2, prober.roundTrips(),
        "the statements after the broken DetectRegionQuery are sent again");
  }

  @Test
  void forgetClosesTheConnection() {
    Prober p = new Prober(settings("orcha", "orcha").build());
    try {
      reached(p, R1);
      assertEquals(1, p.openConnections());
      p.forget(R1).toCompletableFuture().join();
      assertEquals(0, p.openConnections());
      reached(p, R1);
      assertEquals(2, p.connectionsOpened(), "a forgotten server gets a new connection");
    } finally {
      p.close();
    }
  }

  @Test
  void latency() {
    Prober p = new Prober(settings("orcha", "orcha").build());
    try {
      for (int i = 0; i < 20; i++) {
        reached(p, MASTER); // warm up the JIT
      }
      int fdsBefore = TestSupport.openFds();
      List<Long> reused = new ArrayList<>();
      List<Long> fresh = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        reused.add(((ProbeResult.Reached) await(p.probe(MASTER), MAX)).latency().toNanos());
      }
      for (int i = 0; i < 100; i++) {
        p.forget(MASTER).toCompletableFuture().join();
        fresh.add(((ProbeResult.Reached) await(p.probe(MASTER), MAX)).latency().toNanos());
      }
      long reusedMedian = median(reused);
      long freshMedian = median(fresh);
      System.out.printf("probe latency on the sandbox master: reused connection median %.2f ms"
          + " (p90 %.2f ms), new connection median %.2f ms (p90 %.2f ms)%n",
          reusedMedian / 1e6, pct(reused, 90) / 1e6, freshMedian / 1e6, pct(fresh, 90) / 1e6);
      assertTrue(reusedMedian < freshMedian, "reusing a connection is cheaper");
      List<Long> replica = new ArrayList<>();
      reached(p, R1);
      long trips = p.roundTrips();
      for (int i = 0; i < 100; i++) {
        replica.add(((ProbeResult.Reached) await(p.probe(R1), MAX)).latency().toNanos());
      }
      assertEquals(trips + 100, p.roundTrips());
      System.out.printf("probe latency on a sandbox replica: reused connection median %.2f ms"
          + " (p90 %.2f ms)%n", median(replica) / 1e6, pct(replica, 90) / 1e6);
      p.forget(MASTER).toCompletableFuture().join();
      TestSupport.eventually(Duration.ofSeconds(5), "100 new connections leave no open socket",
          () -> TestSupport.openFds() - fdsBefore < 5);
    } finally {
      p.close();
    }
  }

  @Test
  void wrongPasswordIsAccessDenied() {
    Prober p = new Prober(settings("orcha", "wrong-secret-pw").build());
    try {
      ProbeResult r = await(p.probe(MASTER), MAX);
      ProbeResult.Failed f = assertInstanceOf(ProbeResult.Failed.class, r);
      assertEquals(Reason.ACCESS_DENIED, f.failure().reason(), f.failure().message());
      String m = f.failure().message();
      assertTrue(m.startsWith("127.0.0.1:10211: access denied for user orcha"
          + " (check MySQLTopologyUser/MySQLTopologyPassword)"), m);
      assertFalse(m.contains("wrong-secret-pw"), "no password in messages: " + m);
      assertTrue(f.partial(), "the server answered the handshake");
      assertEquals(0, p.openConnections());
    } finally {
      p.close();
    }
  }

  @Test
  void userWithoutPrivilegesIsMissingPrivilege() {
    Prober p = new Prober(settings("noprivs", "noprivs").build());
    try {
      ProbeResult.Failed f = assertInstanceOf(ProbeResult.Failed.class, await(p.probe(R1), MAX));
      assertEquals(Reason.MISSING_PRIVILEGE, f.failure().reason(), f.failure().message());
      assertTrue(f.failure().message().startsWith(
          "127.0.0.1:10212: user noprivs lacks a privilege for SHOW SLAVE STATUS: "),
          f.failure().message());
      assertTrue(f.partial());
      // the connection itself is healthy: a server error does not discard it... but a failed
      // probe does, so that the next one starts clean
      assertEquals(0, p.openConnections());
    } finally {
      p.close();
    }
  }

  @Test
  void aStatementThatIsNotEssentialDegradesToAWarning() {
    Prober p = new Prober(settings("monitor", "monitor").build());
    try {
      Instance m = reached(p, MASTER);
      assertEquals(1, m.warnings().size(), m.warnings().toString());
      assertTrue(m.warnings().get(0).startsWith("SHOW SLAVE HOSTS failed (replicas looked up in the"
          + " processlist): error 1227 (42000): Access denied; you need (at least one of) the"
          + " REPLICATION MASTER ADMIN privilege(s)"), m.warnings().get(0));
      // the processlist knows the replicas' addresses but not their ports: orchestrator's rule
      // assumes the master's own port, which on one host names the master itself: dropped
      assertEquals(List.of(), m.replicas());
      assertFalse(m.selfCoordinates().isEmpty());
      Instance r = reached(p, R1);
      assertEquals(MASTER, r.masterKey());
      assertEquals(List.of(), r.replicas());
    } finally {
      p.close();
    }
  }

  @Test
  void capturedMariaDbFixturesHaveTheLiveColumns() {
    for (var c : List.of(Map.entry(MASTER, "mariadb-10.11-master.txt"),
        Map.entry(R1, "mariadb-10.11-replica.txt"))) {
      ServerAnswers live = prober.readAnswers(c.getKey()).toCompletableFuture()
          .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
      String captureDir = System.getProperty("orcha.mysql.captureDir");
      if (captureDir != null) {
        Fixtures.write(Path.of(captureDir, c.getValue()), live,
            "captured from the sandbox (deploy/sandbox/sandbox, star 10211-10214) by\n"
                + "ProberSandboxTest with -Dorcha.mysql.captureDir; " + live.variables().get("version"));
      }
      ServerAnswers fixture = Fixtures.load(c.getValue());
      assertEquals(new TreeSet<>(live.variables().keySet()),
          new TreeSet<>(fixture.variables().keySet()), c.getValue() + " variables");
      assertEquals(new TreeSet<>(live.status().keySet()),
          new TreeSet<>(fixture.status().keySet()), c.getValue() + " status");
      assertEquals(columns(live.replicaStatus()), columns(fixture.replicaStatus()),
          c.getValue() + " replica status columns");
      assertEquals(columns(live.binlogStatus()), columns(fixture.binlogStatus()),
          c.getValue() + " binlog status columns");
      assertEquals(live.replicaHosts().size(), fixture.replicaHosts().size());
    }
  }

  private static Set<String> columns(List<Map<String, String>> rows) {
    return rows.isEmpty() ? Set.of() : new TreeSet<>(rows.get(0).keySet());
  }

  static long median(List<Long> xs) {
    return pct(xs, 50);
  }

  static long pct(List<Long> xs, int p) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
  }
}
