package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import mysql.ChangeMasterRequest.ThreadsAfter;
import mysql.OperationResult.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import testkit.Sandbox;
import topology.BinlogCoordinates;
import topology.ErrantGtid;
import topology.InstanceKey;
import topology.MariaDbGtidPosition;
import topology.ProbeFailure.Reason;
import topology.ThreadState;

/**
 * {@link Operations} against real MariaDB servers: one star of 8 from the sandbox script, master
 * 10611 and replicas 10612-10618; each test works on its own replicas and leaves them
 * replicating. Port 10619 has nothing listening. Tagged "sandbox".
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsSandboxTest {

  static final int M = 10611;
  static final int R1 = 10612;
  static final int R2 = 10613;
  static final int R3 = 10614;
  static final int R4 = 10615;
  static final int R5 = 10616;
  static final int R6 = 10617;
  static final int R7 = 10618;
  static final int NOTHING = 10619;
  static final Duration MAX = Duration.ofSeconds(20);

  private Sandbox sandbox;
  private Operations ops;

  static InstanceKey key(int port) {
    return new InstanceKey("127.0.0.1", port);
  }

  static OperationSettings.Builder settings(String user, String password) {
    return OperationSettings.builder(user, password)
        .connectTimeout(Duration.ofSeconds(2))
        .statementTimeout(Duration.ofSeconds(5))
        .verifyTimeout(Duration.ofSeconds(8))
        .pollInterval(Duration.ofMillis(50))
        .tls(ProberSettings.Tls.DISABLED);
  }

  @BeforeAll
  void up() {
    TestSupport.quietLogging();
    sandbox = Sandbox.up("ops-a", M, 8, "star");
    ops = new Operations(settings("orcha", "orcha").build());
  }

  @AfterAll
  void down() {
    if (ops != null) {
      ops.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  static <T> OperationResult<T> await(CompletionStage<OperationResult<T>> stage) {
    try {
      return stage.toCompletableFuture().get(MAX.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the operation's stage did not complete with a result", e);
    }
  }

  static <T> OperationResult<T> ok(CompletionStage<OperationResult<T>> stage) {
    OperationResult<T> r = await(stage);
    assertEquals(Outcome.SUCCEEDED, r.outcome(), r.message());
    return r;
  }

  private String sql(int port, String statement) {
    return sandbox.sql(port, statement);
  }

  private Map<String, String> slaveStatus(int port) {
    String[] lines = sql(port, "SHOW SLAVE STATUS\\G").split("\n");
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String l : lines) {
      int c = l.indexOf(':');
      if (c > 0 && !l.startsWith("*")) {
        m.put(l.substring(0, c).trim(), l.substring(c + 1).trim());
      }
    }
    return m;
  }

  private boolean replicatingCleanly(int port, int masterPort) {
    Map<String, String> s = slaveStatus(port);
    return "Yes".equals(s.get("Slave_IO_Running")) && "Yes".equals(s.get("Slave_SQL_Running"))
        && "0".equals(s.get("Last_IO_Errno")) && "0".equals(s.get("Last_SQL_Errno"))
        && String.valueOf(masterPort).equals(s.get("Master_Port"));
  }

  /** Writes a row on the master and waits until it is on {@code port}. */
  private void rowReaches(int port) {
    String v = "row-" + port + "-" + System.nanoTime();
    sql(M, "INSERT INTO app.t(v) VALUES ('" + v + "')");
    TestSupport.eventually(MAX, "row " + v + " on " + port,
        () -> "1".equals(sql(port, "SELECT COUNT(*) FROM app.t WHERE v = '" + v + "'")));
  }

  // ---------------------------------------------------------------------------------------------
  // change master

  @Test
  void changeMasterByGtidMovesAReplicaBelowItsSibling() {
    OperationResult<ReplicationChannel> r = ok(ops.changeMaster(key(R1),
        ChangeMasterRequest.gtid(key(R2))));
    ReplicationChannel ch = r.value();
    assertEquals(key(R2), ch.master());
    assertTrue(ch.running(), ch.describe());
    assertEquals("Slave_Pos", ch.status().usingMariaDbGtid());
    assertEquals("repl", ch.user(), "the channel's credentials are kept");
    assertEquals(Integer.valueOf(1), ch.connectRetrySeconds(), "connect retry kept");
    assertEquals(List.of("STOP SLAVE",
            "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + R2 + ", MASTER_USE_GTID=slave_pos",
            "START SLAVE"), r.statements());
    assertTrue(replicatingCleanly(R1, R2));
    rowReaches(R1);
    // heartbeat kept too
    OperationResult<ReplicationChannel> read = ok(ops.readReplicationChannel(key(R1)));
    assertEquals(1.0, read.value().heartbeatPeriodSeconds());
    // and back below the master
    ok(ops.changeMaster(key(R1), ChangeMasterRequest.gtid(key(M))));
    assertTrue(replicatingCleanly(R1, M));
  }

  @Test
  void changeMasterByFileAndPosition() {
    // the coordinates in the master's binlog where R3 stands, read after stopping it
    ok(ops.stopReplica(key(R3)));
    ReplicationChannel stopped = ok(ops.readReplicationChannel(key(R3))).value();
    BinlogCoordinates at = stopped.executed();
    OperationResult<ReplicationChannel> r = ok(ops.changeMaster(key(R3),
        ChangeMasterRequest.file(key(M), at).withThreadsAfter(ThreadsAfter.START)));
    assertEquals("No", r.value().status().usingMariaDbGtid());
    assertTrue(r.value().running());
    assertEquals("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + M
        + ", MASTER_USE_GTID=no, MASTER_LOG_FILE='" + at.logFile() + "', MASTER_LOG_POS="
        + at.logPos(), r.statements().get(0));
    rowReaches(R3);
    assertTrue(replicatingCleanly(R3, M));
    // back to GTID (restores the running threads)
    OperationResult<ReplicationChannel> back = ok(ops.changeMaster(key(R3),
        ChangeMasterRequest.gtid(key(M))));
    assertEquals("Slave_Pos", back.value().status().usingMariaDbGtid());
    assertTrue(back.value().running());
  }

  @Test
  void resetReplicaThenChangeMasterNeedsConfiguredCredentials() {
    OperationResult<ReplicationChannel> reset = ok(ops.resetReplica(key(R4)));
    assertFalse(reset.value().present());
    assertEquals(List.of("STOP SLAVE", "RESET SLAVE ALL"), reset.statements());
    assertEquals("", sql(R4, "SHOW SLAVE STATUS"));

    // like a demoted master: its binlog has more than its replication position says
    sql(R4, "SET GLOBAL gtid_slave_pos = ''");
    String binlogPos = sql(R4, "SELECT @@global.gtid_binlog_pos");
    OperationResult<String> aligned = ok(ops.setGtidSlavePosFromBinlogPos(key(R4)));
    assertEquals(List.of("SET GLOBAL gtid_slave_pos = '" + binlogPos + "'"), aligned.statements());
    assertEquals(binlogPos, sql(R4, "SELECT @@global.gtid_slave_pos"));
    assertTrue(ok(ops.setGtidSlavePosFromBinlogPos(key(R4))).statements().isEmpty(), "aligned");

    // no channel, no configured credentials: refused before anything changes
    OperationResult<ReplicationChannel> refused = await(ops.changeMaster(key(R4),
        ChangeMasterRequest.gtid(key(M))));
    assertEquals(Outcome.REFUSED, refused.outcome(), refused.message());
    assertTrue(refused.message().startsWith("127.0.0.1:" + R4 + ": CHANGE MASTER to 127.0.0.1:"
        + M + " refused before any change"), refused.message());
    assertTrue(refused.message().contains("orcha.mysql.replication-user"), refused.message());
    assertTrue(refused.statements().isEmpty());
    assertEquals("", sql(R4, "SHOW SLAVE STATUS"), "the server is unchanged");

    // with configured credentials
    try (Operations withCreds = new Operations(settings("orcha", "orcha")
        .replicationCredentials("repl", "repl").build())) {
      OperationResult<ReplicationChannel> r = ok(withCreds.changeMaster(key(R4),
          ChangeMasterRequest.gtid(key(M)).withThreadsAfter(ThreadsAfter.START)
              .withRetry(1, 1.0)));
      assertTrue(r.value().running(), r.value().describe());
      assertEquals("repl", r.value().user());
      String logged = r.statements().get(0);
      assertEquals("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + M
          + ", MASTER_USER='repl', MASTER_PASSWORD='*****', MASTER_USE_GTID=slave_pos,"
          + " MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1", logged);
      assertFalse(r.message().contains("'repl'"), r.message());
    }
    rowReaches(R4);
    assertTrue(replicatingCleanly(R4, M));
  }

  // ---------------------------------------------------------------------------------------------
  // threads

  @Test
  void stopStartRestart() {
    OperationResult<ReplicationChannel> stop = ok(ops.stopReplica(key(R5)));
    assertEquals(ThreadState.STOPPED, stop.value().ioThread());
    assertEquals(ThreadState.STOPPED, stop.value().sqlThread());
    assertEquals("No", slaveStatus(R5).get("Slave_IO_Running"));
    OperationResult<ReplicationChannel> again = ok(ops.stopReplica(key(R5)));
    assertTrue(again.statements().isEmpty(), "already stopped: nothing sent");
    OperationResult<ReplicationChannel> start = ok(ops.startReplica(key(R5)));
    assertTrue(start.value().running());
    assertEquals("Replica started: 127.0.0.1:" + R5, start.message());
    OperationResult<ReplicationChannel> restart = ok(ops.restartReplica(key(R5)));
    assertEquals(List.of("STOP SLAVE", "START SLAVE"), restart.statements());
    assertTrue(replicatingCleanly(R5, M));
  }

  @Test
  void stopNicelyAndStartUntil() {
    OperationResult<ReplicationChannel> nice = ok(ops.stopReplicaNicely(key(R5),
        Duration.ofSeconds(5)));
    assertFalse(nice.value().anyThreadActive());
    assertTrue(nice.value().caughtUp(), nice.value().describe());
    assertEquals(List.of("STOP SLAVE IO_THREAD", "STOP SLAVE"), nice.statements());

    // two writes on the master; start until the first
    sql(M, "INSERT INTO app.t(v) VALUES ('until-1')");
    BinlogCoordinates first = ok(ops.currentCoordinates(key(M))).value();
    sql(M, "INSERT INTO app.t(v) VALUES ('until-2')");
    OperationResult<ReplicationChannel> until = ok(ops.startReplicaUntil(key(R5), first,
        Duration.ofSeconds(10)));
    assertEquals(first.logFile(), until.value().executed().logFile());
    assertEquals(first.logPos(), until.value().executed().logPos());
    assertFalse(until.value().anyThreadActive());
    assertEquals("1", sql(R5, "SELECT COUNT(*) FROM app.t WHERE v = 'until-1'"));
    assertEquals("0", sql(R5, "SELECT COUNT(*) FROM app.t WHERE v = 'until-2'"));
    // refused while running
    ok(ops.startReplica(key(R5)));
    OperationResult<ReplicationChannel> refused = await(ops.startReplicaUntil(key(R5), first,
        Duration.ofSeconds(1)));
    assertEquals(Outcome.REFUSED, refused.outcome());
    assertTrue(replicatingCleanly(R5, M));
  }

  @Test
  void detachAndReattachMasterHost() {
    OperationResult<ReplicationChannel> d = ok(ops.detachReplicaMasterHost(key(R5)));
    assertEquals("//127.0.0.1", d.value().master().hostname());
    assertTrue(d.value().detached());
    assertEquals("//127.0.0.1", slaveStatus(R5).get("Master_Host"));
    OperationResult<ReplicationChannel> twice = await(ops.detachReplicaMasterHost(key(R5)));
    assertEquals(Outcome.REFUSED, twice.outcome(), twice.message());
    OperationResult<ReplicationChannel> a = ok(ops.reattachReplicaMasterHost(key(R5)));
    assertEquals(key(M), a.value().master());
    assertTrue(a.value().running(), a.value().describe());
    rowReaches(R5);
    OperationResult<String> running = await(ops.setGtidSlavePosFromBinlogPos(key(R5)));
    assertEquals(Outcome.REFUSED, running.outcome(), running.message());
    OperationResult<ReplicationChannel> notDetached = await(ops.reattachReplicaMasterHost(key(R5)));
    assertEquals(Outcome.REFUSED, notDetached.outcome());
  }

  @Test
  void delayReplicationKeepsThreadState() {
    OperationResult<Long> r = ok(ops.delayReplication(key(R5), 7));
    assertEquals(7L, r.value());
    assertEquals("7", slaveStatus(R5).get("SQL_Delay"));
    assertTrue(replicatingCleanly(R5, M));
    ok(ops.delayReplication(key(R5), 0));
    assertEquals("0", slaveStatus(R5).get("SQL_Delay"));
    assertTrue(replicatingCleanly(R5, M));
    assertEquals(Outcome.REFUSED, await(ops.delayReplication(key(R5), -1)).outcome());
  }

  // ---------------------------------------------------------------------------------------------
  // read_only, semi-sync

  @Test
  void readOnlyOffAndOnVerified() {
    OperationResult<Boolean> off = ok(ops.setReadOnly(key(R2), false));
    assertEquals(List.of("SET GLOBAL read_only = OFF"), off.statements());
    assertEquals("0", sql(R2, "SELECT @@global.read_only"));
    OperationResult<Boolean> on = ok(ops.setReadOnly(key(R2), true));
    assertEquals("1", sql(R2, "SELECT @@global.read_only"));
    assertTrue(on.message().contains("SUPER"), "MariaDB caveat in the message: " + on.message());
  }

  @Test
  void readOnlyRefusedCleanlyWithoutPrivilege() {
    try (Operations app = new Operations(settings("app", "app").build())) {
      OperationResult<Boolean> r = await(app.setReadOnly(key(R2), false));
      assertEquals(Outcome.REFUSED, r.outcome(), r.message());
      assertEquals(Reason.MISSING_PRIVILEGE, r.cause());
      assertTrue(r.message().startsWith("127.0.0.1:" + R2 + ": user app lacks a privilege for"
          + " SET GLOBAL read_only"), r.message());
      assertTrue(r.message().contains("READ_ONLY ADMIN"), r.message());
      assertEquals(0, app.openConnections());
    }
    assertEquals("1", sql(R2, "SELECT @@global.read_only"));
  }

  @Test
  void semiSyncMasterAndReplicaOnAndOff() {
    OperationResult<Boolean> m = ok(ops.enableSemiSyncMaster(key(M)));
    assertEquals(List.of("SET GLOBAL rpl_semi_sync_master_enabled = ON"), m.statements());
    OperationResult<Boolean> rep = ok(ops.enableSemiSyncReplica(key(R5)));
    assertEquals(List.of("SET GLOBAL rpl_semi_sync_slave_enabled = ON", "STOP SLAVE IO_THREAD",
        "START SLAVE IO_THREAD"), rep.statements());
    assertEquals("ON", sql(R5, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
        + " WHERE VARIABLE_NAME = 'Rpl_semi_sync_slave_status'"));
    TestSupport.eventually(MAX, "the master counts one semi-sync client", () -> "1".equals(
        sql(M, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
            + " WHERE VARIABLE_NAME = 'Rpl_semi_sync_master_clients'")));
    ok(ops.disableSemiSyncReplica(key(R5)));
    ok(ops.disableSemiSyncMaster(key(M)));
    assertEquals("0", sql(M, "SELECT @@global.rpl_semi_sync_master_enabled"));
    assertEquals("0", sql(R5, "SELECT @@global.rpl_semi_sync_slave_enabled"));
    assertTrue(replicatingCleanly(R5, M));
  }

  // ---------------------------------------------------------------------------------------------
  // binary logs, kill

  @Test
  void flushAndPurgeBinaryLogs() {
    BinlogCoordinates before = ok(ops.currentCoordinates(key(R3))).value();
    OperationResult<BinlogCoordinates> f1 = ok(ops.flushBinaryLogs(key(R3)));
    assertEquals(before.fileNumber() + 1, f1.value().fileNumber());
    OperationResult<BinlogCoordinates> f2 = ok(ops.flushBinaryLogs(key(R3)));
    assertEquals(before.fileNumber() + 2, f2.value().fileNumber());
    OperationResult<String> p = ok(ops.purgeBinaryLogs(key(R3), f2.value().logFile()));
    assertEquals(f2.value().logFile(), p.value());
    assertEquals(f2.value().logFile(), sql(R3, "SHOW BINARY LOGS").split("\t")[0]);
    OperationResult<String> none = await(ops.purgeBinaryLogs(key(R3), "mysql-bin.999999"));
    assertEquals(Outcome.REFUSED, none.outcome(), none.message());
  }

  @Test
  void killQueryEndsASleepingSelect() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + M
        + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true", "app", "app")) {
      long id;
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
        rs.next();
        id = rs.getLong(1);
      }
      // MariaDB answers a killed SLEEP with error 1317 "Query execution was interrupted"
      // (MySQL returns 1)
      CompletableFuture<String> sleeping = CompletableFuture.supplyAsync(() -> {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SLEEP(30)")) {
          rs.next();
          return "returned " + rs.getLong(1);
        } catch (java.sql.SQLException e) {
          return "error " + e.getErrorCode() + ": " + e.getMessage();
        }
      });
      TestSupport.eventually(MAX, "the SLEEP runs", () -> sql(M,
          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + id
              + " AND INFO LIKE 'SELECT SLEEP%'").equals("1"));
      OperationResult<Long> r = ok(ops.killQuery(key(M), id));
      assertEquals(List.of("KILL QUERY " + id), r.statements());
      String ended = sleeping.get(5, TimeUnit.SECONDS);
      assertTrue(ended.equals("returned 1")
          || ended.equals("error 1317: Query execution was interrupted"), ended);
      OperationResult<Long> idle = await(ops.killQuery(key(M), id));
      assertEquals(Outcome.REFUSED, idle.outcome(), "nothing runs on it any more");
    }
    OperationResult<Long> unknown = await(ops.killQuery(key(M), 99_999_999));
    assertEquals(Outcome.REFUSED, unknown.outcome(), unknown.message());
  }

  // ---------------------------------------------------------------------------------------------
  // GTID

  @Test
  void waitForGtidReachedAndTimedOut() {
    sql(M, "INSERT INTO app.t(v) VALUES ('wait')");
    String pos = sql(M, "SELECT @@global.gtid_binlog_pos");
    OperationResult<String> r = ok(ops.waitForGtid(key(R2), pos, Duration.ofSeconds(5)));
    assertTrue(MariaDbGtidPosition.parse(r.value()).entries().containsAll(
        MariaDbGtidPosition.parse(pos).entries()), r.value());
    long start = System.nanoTime();
    OperationResult<String> late = await(ops.waitForGtid(key(R2), "0-" + M + "-99999999",
        Duration.ofSeconds(1)));
    assertEquals(Outcome.TIMED_OUT, late.outcome(), late.message());
    assertEquals(Reason.TIMEOUT, late.cause());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(4)) < 0);
    assertTrue(late.message().contains("did not reach GTID position 0-" + M + "-99999999 within 1s"),
        late.message());
    assertEquals(Outcome.REFUSED, await(ops.waitForGtid(key(R2), "junk", Duration.ofSeconds(1)))
        .outcome());
  }

  /** The replica's errant entries, as orcha's analysis computes them. */
  private MariaDbGtidPosition errantOn(int replica) {
    MariaDbGtidPosition master = MariaDbGtidPosition.parse(sql(M, "SELECT @@global.gtid_binlog_pos"))
        .plus(MariaDbGtidPosition.parse(sql(M, "SELECT @@global.gtid_current_pos")))
        .plus(MariaDbGtidPosition.parse(sql(M, "SELECT @@global.gtid_slave_pos")));
    return ErrantGtid.mariaDb(MariaDbGtidPosition.parse(sql(replica,
        "SELECT @@global.gtid_binlog_pos")), replica, master, Set.of((long) M), false);
  }

  @Test
  void injectEmptyTransactionOnTheMasterFixesARealErrantGtid() {
    TestSupport.eventually(MAX, "R6 caught up", () -> replicatingCleanly(R6, M)
        && sql(R6, "SELECT @@global.gtid_slave_pos").equals(sql(M, "SELECT @@global.gtid_binlog_pos")));
    // root has SUPER: writes through read_only, binlogged under R6's server_id
    sql(R6, "INSERT INTO meta.heartbeat VALUES (" + R6 + ", NOW(6))");
    MariaDbGtidPosition errant = errantOn(R6);
    assertEquals(1, errant.entries().size(), errant.toString());
    assertEquals(R6, errant.entries().get(0).serverId());

    OperationResult<List<String>> r = ok(ops.injectEmptyTransaction(key(M), errant.toString()));
    assertEquals(List.of(errant.toString()), r.value());
    assertTrue(r.message().startsWith("Have injected 1 transactions on 127.0.0.1:" + M), r.message());
    MariaDbGtidPosition.Gtid g = errant.entries().get(0);
    assertEquals(List.of("SET SESSION gtid_domain_id = " + g.domainId() + ", SESSION server_id = "
            + g.serverId() + ", SESSION gtid_seq_no = " + g.sequence(),
        "DROP TABLE IF EXISTS `_orcha_empty_transaction`.`_orcha_empty_transaction`",
        "SET SESSION gtid_domain_id = 0, SESSION server_id = " + M), r.statements());
    assertTrue(errantOn(R6).isEmpty(), "no errant GTID left: " + errantOn(R6));
    rowReaches(R6);
    assertTrue(replicatingCleanly(R6, M));
    // the same again: already there, nothing written
    OperationResult<List<String>> again = ok(ops.injectEmptyTransaction(key(M), errant.toString()));
    assertTrue(again.value().isEmpty());
    assertTrue(again.statements().isEmpty());
  }

  @Test
  void injectRefusedWhenStrictModeWouldRejectTheSequence() {
    OperationResult<List<String>> r = await(ops.injectEmptyTransaction(key(M), "0-" + R7 + "-1"));
    assertEquals(Outcome.REFUSED, r.outcome(), r.message());
    assertTrue(r.message().contains("gtid_strict_mode"), r.message());
    assertTrue(r.statements().isEmpty());
  }

  @Test
  void resetMasterOnAnErrantReplica() {
    TestSupport.eventually(MAX, "R7 caught up", () -> replicatingCleanly(R7, M));
    sql(R7, "INSERT INTO meta.heartbeat VALUES (" + R7 + ", NOW(6))");
    MariaDbGtidPosition errant = errantOn(R7);
    assertEquals(1, errant.entries().size(), errant.toString());
    String slavePos = sql(R7, "SELECT @@global.gtid_slave_pos");

    OperationResult<String> r = ok(ops.resetMasterOnErrantReplica(key(R7), errant.toString()));
    assertEquals(List.of("STOP SLAVE", "RESET MASTER", "SET GLOBAL gtid_slave_pos = '" + slavePos
        + "'", "START SLAVE"), r.statements());
    assertTrue(errantOn(R7).isEmpty(), "errant GTID gone: " + errantOn(R7));
    rowReaches(R7);
    assertTrue(replicatingCleanly(R7, M));
    // refused on the master: not a replica, and it has replicas
    OperationResult<String> onMaster = await(ops.resetMasterOnErrantReplica(key(M), "0-1-1"));
    assertEquals(Outcome.REFUSED, onMaster.outcome(), onMaster.message());
  }

  // ---------------------------------------------------------------------------------------------
  // failures as values

  @Test
  void unreachableServerIsACleanFailure() {
    OperationResult<ReplicationChannel> r = await(ops.startReplica(key(NOTHING)));
    assertEquals(Outcome.REFUSED, r.outcome());
    assertEquals(Reason.CONNECTION_REFUSED, r.cause());
    assertEquals("127.0.0.1:" + NOTHING + ": connection refused; start-replica not attempted,"
        + " nothing changed", r.message());
    assertNull(r.value());
    assertEquals(0, ops.openConnections());
  }

  @Test
  void aBlockedStatementTimesOutAndIsKilledOnTheServer() throws Exception {
    ok(ops.setReadOnly(key(R2), false));
    try (Operations quick = new Operations(settings("orcha", "orcha")
        .statementTimeout(Duration.ofSeconds(1)).build());
        Connection blocker = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + R2
            + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true", "orcha", "orcha")) {
      try (Statement st = blocker.createStatement()) {
        // SET GLOBAL read_only=1 waits for the global read lock, which a table lock holds off
        st.execute("LOCK TABLES app.t WRITE");
        long start = System.nanoTime();
        OperationResult<Boolean> r = await(quick.setReadOnly(key(R2), true));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(Outcome.TIMED_OUT, r.outcome(), r.message());
        assertEquals(Reason.TIMEOUT, r.cause());
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
        assertTrue(r.message().startsWith("127.0.0.1:" + R2
            + ": no answer to SET GLOBAL read_only within 1s (statement: SET GLOBAL read_only = ON)"),
            r.message());
        assertTrue(r.message().contains("killed on the server")
            || r.message().contains("already ended on the server"), r.message());
        assertEquals(0, quick.openConnections());
        TestSupport.eventually(MAX, "no SET GLOBAL read_only left on the server", () -> "0".equals(
            sql(R2, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SET GLOBAL read_only%'")));
        st.execute("UNLOCK TABLES");
      }
    }
    assertEquals("0", sql(R2, "SELECT @@global.read_only"), "the timed-out statement never applied");
    ok(ops.setReadOnly(key(R2), true));
    assertNotNull(ops.settings());
  }
}
