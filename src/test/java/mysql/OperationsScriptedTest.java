package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mysql.ChangeMasterRequest.ThreadsAfter;
import mysql.Dialect.Positioning;
import mysql.Dialect.SourceTls;
import mysql.OperationResult.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import topology.BinlogCoordinates;
import topology.InstanceKey;
import topology.ProbeFailure.Reason;

/**
 * {@link Operations}' statement sequences per dialect — MySQL 5.7, 8.0, 8.4 and MariaDB — run
 * through the real operation code against {@link ScriptedServer}, which refuses statements a
 * version does not have. MariaDB is also tested against real servers
 * ({@link OperationsSandboxTest}); MySQL only here.
 */
class OperationsScriptedTest {

  static final InstanceKey KEY = new InstanceKey("db11.example.com", 3307);
  static final InstanceKey NEW_MASTER = new InstanceKey("db9.example.com", 3306);
  static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  static final String ERRANT_UUID = "bbbbbbbb-71ca-11e1-9e33-c80aa9429562";
  static final String PASSWORD = "s3cr'et-Pw9";

  /** What one flavour's statements look like. */
  record Flavour(String fixture, String stop, String start, String p, String changeHead,
      String gtidOption, String resetAll) {

    String stopIo() {
      return stop + " IO_THREAD";
    }

    String startIo() {
      return start + " IO_THREAD";
    }
  }

  static final Flavour MYSQL_57 = new Flavour("mysql-5.7-replica.txt", "STOP SLAVE", "START SLAVE",
      "MASTER_", "CHANGE MASTER TO ", "MASTER_AUTO_POSITION=1", "RESET SLAVE ALL");
  static final Flavour MYSQL_80 = new Flavour("mysql-8.0-replica.txt", "STOP REPLICA",
      "START REPLICA", "SOURCE_", "CHANGE REPLICATION SOURCE TO ", "SOURCE_AUTO_POSITION=1",
      "RESET REPLICA ALL");
  static final Flavour MYSQL_84 = new Flavour("mysql-8.4-replica.txt", "STOP REPLICA",
      "START REPLICA", "SOURCE_", "CHANGE REPLICATION SOURCE TO ", "SOURCE_AUTO_POSITION=1",
      "RESET REPLICA ALL");
  static final Flavour MARIADB = new Flavour("mariadb-10.11-replica.txt", "STOP SLAVE",
      "START SLAVE", "MASTER_", "CHANGE MASTER TO ", "MASTER_USE_GTID=slave_pos",
      "RESET SLAVE ALL");

  static Stream<Arguments> flavours() {
    return Stream.of(Arguments.of(Named.of("MySQL 5.7", MYSQL_57)),
        Arguments.of(Named.of("MySQL 8.0", MYSQL_80)),
        Arguments.of(Named.of("MySQL 8.4", MYSQL_84)),
        Arguments.of(Named.of("MariaDB 10.11", MARIADB)));
  }

  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void captureLogs() {
    TestSupport.quietLogging();
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(Operations.class)).addAppender(logs);
  }

  @AfterEach
  void noPasswordLogged() {
    ((Logger) LoggerFactory.getLogger(Operations.class)).detachAppender(logs);
    for (ILoggingEvent e : logs.list) {
      assertFalse(e.getFormattedMessage().contains(PASSWORD), e.getFormattedMessage());
      assertFalse(e.getFormattedMessage().contains("s3cr''et"), e.getFormattedMessage());
    }
  }

  static OperationSettings.Builder quick() {
    return OperationSettings.builder("orcha", "orcha")
        .connectTimeout(Duration.ofMillis(500))
        .statementTimeout(Duration.ofSeconds(1))
        .verifyTimeout(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(10));
  }

  static <T> OperationResult<T> await(CompletionStage<OperationResult<T>> stage) {
    try {
      return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no result", e);
    }
  }

  static <T> OperationResult<T> ok(CompletionStage<OperationResult<T>> stage) {
    OperationResult<T> r = await(stage);
    assertEquals(Outcome.SUCCEEDED, r.outcome(), r.message());
    return r;
  }

  static Operations ops(ScriptedServer s) {
    return new Operations(quick().build(), s);
  }

  private static void assertNoPassword(OperationResult<?> r) {
    assertFalse(r.message().contains(PASSWORD), r.message());
    assertFalse(r.message().contains("s3cr''et"), r.message());
    r.statements().forEach(s -> assertFalse(s.contains("s3cr"), s));
  }

  // ---------------------------------------------------------------------------------------------
  // change master

  @ParameterizedTest
  @MethodSource("flavours")
  void changeMasterByGtidStopsChangesAndRestarts(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    OperationResult<ReplicationChannel> r = ok(ops(s).changeMaster(KEY,
        ChangeMasterRequest.gtid(NEW_MASTER)));
    String change = f.changeHead() + f.p() + "HOST='db9.example.com', " + f.p() + "PORT=3306, "
        + f.gtidOption();
    assertEquals(List.of(f.stop(), change, f.start()), r.statements());
    assertEquals(List.of(f.stop(), change, f.start()), s.changes());
    assertEquals(NEW_MASTER, r.value().master());
    assertTrue(r.value().running());
    assertTrue(r.value().usingGtid());
    assertEquals(0, s.open.get(), "the connection is closed");
  }

  @ParameterizedTest
  @MethodSource("flavours")
  void changeMasterByFilePositionLeavingReplicationStopped(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    BinlogCoordinates at = BinlogCoordinates.binary("binlog.000007", 4567);
    OperationResult<ReplicationChannel> r = ok(ops(s).changeMaster(KEY,
        ChangeMasterRequest.file(NEW_MASTER, at).withThreadsAfter(ThreadsAfter.LEAVE_STOPPED)));
    String noGtid = f == MARIADB ? "MASTER_USE_GTID=no" : f.p() + "AUTO_POSITION=0";
    assertEquals(List.of(f.stop(), f.changeHead() + f.p() + "HOST='db9.example.com', " + f.p()
        + "PORT=3306, " + noGtid + ", " + f.p() + "LOG_FILE='binlog.000007', " + f.p()
        + "LOG_POS=4567"), s.changes());
    assertFalse(r.value().anyThreadActive());
    assertEquals(at, r.value().received());
  }

  @ParameterizedTest
  @MethodSource("flavours")
  void noChannelAndNoCredentialsIsRefusedBeforeAnyChange(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    s.replica = null;
    OperationResult<ReplicationChannel> r = await(ops(s).changeMaster(KEY,
        ChangeMasterRequest.gtid(NEW_MASTER)));
    assertEquals(Outcome.REFUSED, r.outcome());
    assertNull(r.cause());
    assertEquals("db11.example.com:3307: " + f.changeHead().replace(" TO ", "")
        + " to db9.example.com:3306 refused before any change: it has no replication channel"
        + " (never replicated, or RESET SLAVE ALL), so there are no credentials to keep (MariaDB"
        + " cannot read them back), and no replication credentials are configured: set"
        + " orcha.mysql.replication-user and orcha.mysql.replication-password (or"
        + " orcha.mysql.replication-credentials-query)", r.message());
    assertEquals(List.of(), s.changes());
    assertEquals(List.of(), r.statements());
    assertNull(s.replica);
  }

  @ParameterizedTest
  @MethodSource("flavours")
  void noChannelTakesTheConfiguredCredentialsMasked(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    s.replica = null;
    Operations ops = new Operations(quick().replicationCredentials("repl", PASSWORD).build(), s);
    OperationResult<ReplicationChannel> r = ok(ops.changeMaster(KEY,
        ChangeMasterRequest.gtid(NEW_MASTER).withThreadsAfter(ThreadsAfter.START)));
    assertEquals(List.of(f.changeHead() + f.p() + "HOST='db9.example.com', " + f.p()
        + "PORT=3306, " + f.p() + "USER='repl', " + f.p() + "PASSWORD='*****', " + f.gtidOption(),
        f.start()), r.statements());
    assertEquals(PASSWORD, s.replicationPassword, "the server got the real password");
    assertTrue(r.message().endsWith("credentials from the configured replication account"),
        r.message());
    assertEquals("repl", r.value().user());
    assertNoPassword(r);
  }

  @Test
  void credentialsQueryWinsAndFailsOverToTheSettings() {
    ScriptedServer s = ScriptedServer.replica(MARIADB.fixture());
    s.replica = null;
    s.on(sql -> sql.startsWith("SELECT user, password FROM meta.repl"),
        sql -> Mono.just(List.of(ScriptedServer.row("user", "qrepl", "password", "q-" + PASSWORD))));
    Operations ops = new Operations(quick().replicationCredentials("repl", PASSWORD)
        .replicationCredentialsQuery("SELECT user, password FROM meta.repl;").build(), s);
    OperationResult<ReplicationChannel> r = ok(ops.changeMaster(KEY,
        ChangeMasterRequest.gtid(NEW_MASTER)));
    assertTrue(r.statements().get(0).contains("MASTER_USER='qrepl', MASTER_PASSWORD='*****'"),
        r.statements().toString());
    assertEquals("q-" + PASSWORD, s.replicationPassword);

    ScriptedServer s2 = ScriptedServer.replica(MARIADB.fixture());
    s2.replica = null;
    s2.on(sql -> sql.startsWith("SELECT user, password FROM meta.repl"),
        sql -> Mono.error(ScriptedServer.error(1146, "42S02", "Table 'meta.repl' doesn't exist")));
    Operations ops2 = new Operations(quick().replicationCredentials("repl", PASSWORD)
        .replicationCredentialsQuery("SELECT user, password FROM meta.repl").build(), s2);
    OperationResult<ReplicationChannel> r2 = ok(ops2.changeMaster(KEY,
        ChangeMasterRequest.gtid(NEW_MASTER)));
    assertTrue(r2.statements().get(0).contains("MASTER_USER='repl'"), r2.statements().toString());
    assertTrue(r2.message().contains("orcha.mysql.replication-credentials-query failed: error 1146"
        + " (42S02): Table 'meta.repl' doesn't exist"), r2.message());
  }

  @ParameterizedTest
  @MethodSource("flavours")
  void aRefusedChangeMasterPutsTheThreadsBackAndMasksTheEchoedPassword(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    // a syntax error echoes the statement, password included
    s.on(sql -> sql.startsWith("CHANGE"), sql -> Mono.error(ScriptedServer.syntax(sql)));
    OperationResult<ReplicationChannel> r = await(ops(s).changeMaster(KEY,
        ChangeMasterRequest.gtid(NEW_MASTER).withCredentials("repl", PASSWORD)));
    assertEquals(Outcome.FAILED_MIDWAY, r.outcome(), r.message());
    assertEquals(Reason.SERVER_ERROR, r.cause());
    String label = f.changeHead().replace(" TO ", "");
    assertTrue(r.message().startsWith("db11.example.com:3307: " + label + " failed: error 1064"
        + " (42000): You have an error in your SQL syntax"), r.message());
    assertTrue(r.message().contains("(statement: " + f.changeHead() + f.p()
        + "HOST='db9.example.com', " + f.p() + "PORT=3306, " + f.p() + "USER='repl', " + f.p()
        + "PASSWORD='*****', " + f.gtidOption() + ")"), r.message());
    assertTrue(r.message().endsWith("replication threads started again as they were"), r.message());
    assertNoPassword(r);
    List<String> changes = s.changes();
    assertEquals(3, changes.size(), changes.toString());
    assertEquals(f.stop(), changes.get(0));
    assertEquals(f.start(), changes.get(2));
  }

  @Test
  void changeMasterThatDoesNotShowIsAFailureMidway() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_80.fixture());
    s.on(sql -> sql.startsWith("CHANGE"), sql -> Mono.just(List.of())); // ignored by the "server"
    OperationResult<ReplicationChannel> r = await(ops(s).changeMaster(KEY,
        ChangeMasterRequest.gtid(NEW_MASTER)));
    assertEquals(Outcome.FAILED_MIDWAY, r.outcome());
    assertEquals("db11.example.com:3307: after CHANGE REPLICATION SOURCE the server shows master"
        + " db1.example.com:3306 (replication left stopped)", r.message());
  }

  @Test
  void connectionLostDuringChangeMasterMayHaveTakenEffect() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_80.fixture());
    s.on(sql -> sql.startsWith("CHANGE"), sql -> Mono.error(new ClosedChannelException()));
    OperationResult<ReplicationChannel> r = await(ops(s).changeMaster(KEY,
        ChangeMasterRequest.gtid(NEW_MASTER)));
    assertEquals(Outcome.FAILED_MIDWAY, r.outcome());
    assertTrue(r.message().contains("the statement may have taken effect"), r.message());
    assertEquals(0, s.open.get());
  }

  @Test
  void changeMasterCopiesTlsOptionsWhenAsked() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_84.fixture());
    SourceTls tls = new SourceTls(true, "/etc/ca.pem", "", "/etc/c.pem", "/etc/k.pem", "", true,
        "", "");
    OperationResult<ReplicationChannel> r = ok(ops(s).changeMaster(KEY,
        ChangeMasterRequest.gtid(NEW_MASTER).withTls(tls)));
    assertEquals("CHANGE REPLICATION SOURCE TO SOURCE_SSL=1, SOURCE_SSL_CA='/etc/ca.pem',"
        + " SOURCE_SSL_CAPATH='', SOURCE_SSL_CERT='/etc/c.pem', SOURCE_SSL_KEY='/etc/k.pem',"
        + " SOURCE_SSL_CIPHER='', SOURCE_SSL_CRL='', SOURCE_SSL_CRLPATH='',"
        + " SOURCE_SSL_VERIFY_SERVER_CERT=1", r.statements().get(2));
    assertEquals(tls, r.value().tls());
  }

  @Test
  void changeMasterToItselfIsRefused() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_80.fixture());
    OperationResult<ReplicationChannel> r = await(ops(s).changeMaster(KEY,
        ChangeMasterRequest.gtid(KEY)));
    assertEquals(Outcome.REFUSED, r.outcome());
    assertEquals("db11.example.com:3307: cannot replicate from itself", r.message());
  }

  // ---------------------------------------------------------------------------------------------
  // threads

  @ParameterizedTest
  @MethodSource("flavours")
  void stopStartRestart(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    Operations ops = ops(s);
    assertEquals(List.of(f.stop()), ok(ops.stopReplica(KEY)).statements());
    assertEquals(List.of(), ok(ops.stopReplica(KEY)).statements());
    assertEquals(List.of(f.start()), ok(ops.startReplica(KEY)).statements());
    assertEquals(List.of(f.stop(), f.start()), ok(ops.restartReplica(KEY)).statements());
    assertEquals(List.of(f.stop(), f.start(), f.stop(), f.start()), s.changes());
  }

  @ParameterizedTest
  @MethodSource("flavours")
  void startReportsTheSqlError(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    ok(ops(s).stopReplica(KEY));
    s.sqlErrorOnStart = "1062:Could not execute Write_rows event on table app.t; Duplicate entry '1'";
    OperationResult<ReplicationChannel> r = await(ops(s).startReplica(KEY));
    assertEquals(Outcome.FAILED_MIDWAY, r.outcome());
    assertEquals("db11.example.com:3307: replication did not start: SQL thread stopped with error"
        + " 1062: Could not execute Write_rows event on table app.t; Duplicate entry '1'",
        r.message());
  }

  /** The SQL thread stopped on a duplicate key; the IO thread still runs. */
  static ScriptedServer brokenReplica(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    s.vars.put("sql_slave_skip_counter", "0");
    s.vars.put("sql_replica_skip_counter", "0");
    s.set("SQL_Running", "No");
    s.replica.put("Last_SQL_Errno", "1062");
    s.replica.put("Last_SQL_Error", "Could not execute Write_rows event on table app.t;"
        + " Duplicate entry '1' for key 'PRIMARY'");
    return s;
  }

  @ParameterizedTest
  @MethodSource("flavours")
  void skipQuerySkipsTheFailingTransactionThenReplicates(Flavour f) {
    ScriptedServer s = brokenReplica(f);
    OperationResult<ReplicationChannel> r = ok(ops(s).skipQuery(KEY));
    List<String> skip = switch (f.fixture()) {
      // gtid_mode=ON: the failing GTID committed empty (Retrieved 3-5, Executed 1-5: the next)
      case "mysql-5.7-replica.txt" -> List.of("SET GTID_NEXT = '" + UUID + ":6'", "BEGIN",
          "COMMIT", "SET GTID_NEXT = 'AUTOMATIC'");
      case "mysql-8.0-replica.txt" -> List.of("SET GTID_NEXT = '" + UUID + ":78'", "BEGIN",
          "COMMIT", "SET GTID_NEXT = 'AUTOMATIC'");
      case "mysql-8.4-replica.txt" -> List.of("SET GLOBAL sql_replica_skip_counter = 1");
      default -> List.of("SET GLOBAL sql_slave_skip_counter = 1");
    };
    List<String> expected = new java.util.ArrayList<>(List.of(f.stop()));
    expected.addAll(skip);
    expected.add(f.start());
    assertEquals(expected, r.statements());
    assertTrue(r.value().running(), r.message());
    assertTrue(r.message().startsWith("Query skipped on db11.example.com:3307: "), r.message());
    if (f.fixture().startsWith("mysql-8.0")) {
      assertTrue(s.vars.get("gtid_executed").contains(UUID + ":1-78"), s.vars.toString());
    }
  }

  @Test
  void skipQueryRefusesARunningReplicaAndSaysWhenTheNextTransactionFailsToo() {
    ScriptedServer running = ScriptedServer.replica(MARIADB.fixture());
    OperationResult<ReplicationChannel> refused = await(ops(running).skipQuery(KEY));
    assertEquals(Outcome.REFUSED, refused.outcome());
    assertEquals("db11.example.com:3307: the replication SQL thread is running: nothing to skip",
        refused.message());
    assertEquals(List.of(), running.changes());

    ScriptedServer s = brokenReplica(MARIADB);
    s.sqlErrorOnStart = "1062:Duplicate entry '2' for key 'PRIMARY'";
    OperationResult<ReplicationChannel> again = await(ops(s).skipQuery(KEY));
    assertEquals(Outcome.FAILED_MIDWAY, again.outcome());
    assertEquals("db11.example.com:3307: replication did not start: SQL thread stopped with error"
        + " 1062: Duplicate entry '2' for key 'PRIMARY' (after the skip: skipped one event"
        + " group)", again.message());
  }

  @ParameterizedTest
  @MethodSource("flavours")
  void stopNicelyThenStartUntil(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    Operations ops = ops(s);
    OperationResult<ReplicationChannel> nice = ok(ops.stopReplicaNicely(KEY, Duration.ofSeconds(1)));
    assertEquals(List.of(f.stopIo(), f.stop()), nice.statements());
    BinlogCoordinates until = BinlogCoordinates.binary("binlog.000031", 500);
    OperationResult<ReplicationChannel> r = ok(ops.startReplicaUntil(KEY, until,
        Duration.ofSeconds(1)));
    assertEquals(List.of(f.start() + " UNTIL " + f.p() + "LOG_FILE='binlog.000031', " + f.p()
        + "LOG_POS=500", f.stop()), r.statements());
    assertEquals(until, r.value().executed());
  }

  @Test
  void stopNicelyTimesOutWhenTheSqlThreadLags() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_84.fixture());
    s.set("SQL_Running", "No"); // then "STOP ... IO", "START ... SQL_THREAD" ...
    s.on(sql -> sql.equals("START REPLICA SQL_THREAD"), sql -> Mono.just(List.of())); // never runs
    s.replica.put("Read_Source_Log_Pos", "900");
    s.replica.put("Exec_Source_Log_Pos", "120");
    OperationResult<ReplicationChannel> r = await(ops(s).stopReplicaNicely(KEY,
        Duration.ofMillis(200)));
    assertEquals(Outcome.TIMED_OUT, r.outcome(), r.message());
    assertEquals("db11.example.com:3307: waited 200ms in vain for the SQL thread to execute"
        + " everything received; last seen: executed binlog.000030:120 of received"
        + " binlog.000030:900; the IO thread is stopped and the SQL thread left running",
        r.message());
    assertEquals(List.of("STOP REPLICA IO_THREAD", "START REPLICA SQL_THREAD"), r.statements());
  }

  @ParameterizedTest
  @MethodSource("flavours")
  void resetReplica(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    OperationResult<ReplicationChannel> r = ok(ops(s).resetReplica(KEY));
    assertEquals(List.of(f.stop(), f.resetAll()), r.statements());
    assertFalse(r.value().present());
    assertNull(s.replica);
  }

  @Test
  void detachAndReattachKeepTheFilePosition() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_84.fixture()); // file/position replica
    Operations ops = ops(s);
    OperationResult<ReplicationChannel> d = ok(ops.detachReplicaMasterHost(KEY));
    assertEquals(List.of("STOP REPLICA", "CHANGE REPLICATION SOURCE TO"
        + " SOURCE_HOST='//db10.example.com', SOURCE_PORT=3306, SOURCE_AUTO_POSITION=0,"
        + " SOURCE_LOG_FILE='binlog.000030', SOURCE_LOG_POS=120", "START REPLICA"), d.statements());
    assertTrue(d.value().detached());
    OperationResult<ReplicationChannel> a = ok(ops.reattachReplicaMasterHost(KEY));
    assertEquals(List.of("STOP REPLICA", "CHANGE REPLICATION SOURCE TO"
        + " SOURCE_HOST='db10.example.com', SOURCE_PORT=3306, SOURCE_AUTO_POSITION=0,"
        + " SOURCE_LOG_FILE='binlog.000030', SOURCE_LOG_POS=120", "START REPLICA"), a.statements());
    assertEquals(new InstanceKey("db10.example.com", 3306), a.value().master());
  }

  @ParameterizedTest
  @MethodSource("flavours")
  void detachOfAGtidReplicaChangesOnlyTheHost(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    if (f == MYSQL_84) {
      s.replica.put("Auto_Position", "1");
    }
    OperationResult<ReplicationChannel> d = ok(ops(s).detachReplicaMasterHost(KEY));
    String host = s.replica.get(s.col("Host"));
    assertTrue(host.startsWith("//"), host);
    assertEquals(f.changeHead() + f.p() + "HOST='" + host + "', " + f.p() + "PORT="
        + d.value().master().port(), d.statements().get(1));
  }

  @ParameterizedTest
  @MethodSource("flavours")
  void delayReplication(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    OperationResult<Long> r = ok(ops(s).delayReplication(KEY, 3600));
    assertEquals(List.of(f.stop(), f.changeHead() + f.p() + "DELAY=3600", f.start()), r.statements());
    assertEquals("3600", s.replica.get("SQL_Delay"));
  }

  @Test
  void readReplicationChannelForCopying() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_84.fixture());
    ReplicationChannel c = ok(ops(s).readReplicationChannel(KEY)).value();
    assertTrue(c.present());
    assertEquals(new InstanceKey("db10.example.com", 3306), c.master());
    assertEquals("repl", c.user());
    assertTrue(c.tls().enabled());
    assertEquals("/etc/mysql/ca.pem", c.tls().ca());
    assertTrue(c.tls().verifyServerCert());
    assertEquals(Integer.valueOf(60), c.connectRetrySeconds());
    assertEquals(30.0, c.heartbeatPeriodSeconds());
    assertEquals(new Positioning.File(BinlogCoordinates.binary("binlog.000030", 120)),
        c.positioning());
    s.replica = null;
    assertFalse(ok(ops(s).readReplicationChannel(KEY)).value().present());
  }

  @Test
  void threadOperationsOnANonReplicaAreRefused() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_80.fixture());
    s.replica = null;
    Operations ops = ops(s);
    for (OperationResult<?> r : List.of(await(ops.startReplica(KEY)), await(ops.stopReplica(KEY)),
        await(ops.detachReplicaMasterHost(KEY)), await(ops.delayReplication(KEY, 1)))) {
      assertEquals(Outcome.REFUSED, r.outcome());
      assertEquals("db11.example.com:3307: not a replica: it has no replication channel",
          r.message());
    }
    assertEquals(List.of(), s.changes());
  }

  // ---------------------------------------------------------------------------------------------
  // read_only, semi-sync

  @Test
  void readOnlyWithSuperReadOnlyOnMySql() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_80.fixture());
    Operations ops = new Operations(quick().useSuperReadOnly(true).build(), s);
    OperationResult<Boolean> off = ok(ops.setReadOnly(KEY, false));
    assertEquals(List.of("SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF"),
        off.statements());
    assertEquals("db11.example.com:3307: server set as writeable", off.message());
    OperationResult<Boolean> on = ok(ops.setReadOnly(KEY, true));
    assertEquals(List.of("SET GLOBAL read_only = ON", "SET GLOBAL super_read_only = ON"),
        on.statements());
    assertEquals("ON", s.vars.get("super_read_only"));
    OperationResult<Boolean> again = ok(ops.setReadOnly(KEY, true));
    assertEquals(List.of(), again.statements());
  }

  @Test
  void readOnlyWithoutSuperReadOnly() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_57.fixture());
    OperationResult<Boolean> off = ok(ops(s).setReadOnly(KEY, false));
    assertEquals(List.of("SET GLOBAL read_only = OFF"), off.statements());
    ScriptedServer m = ScriptedServer.replica(MARIADB.fixture());
    Operations withSuper = new Operations(quick().useSuperReadOnly(true).build(), m);
    assertEquals(List.of("SET GLOBAL read_only = OFF"), ok(withSuper.setReadOnly(KEY, false))
        .statements(), "MariaDB has no super_read_only, whatever the setting");
    OperationResult<Boolean> on = ok(withSuper.setReadOnly(KEY, true));
    assertEquals(List.of("SET GLOBAL read_only = ON"), on.statements());
    assertEquals("db11.example.com:3307: server set as read-only (MariaDB: users with SUPER or"
        + " READ ONLY ADMIN still write)", on.message());
  }

  @Test
  void readOnlyWithoutPrivilegeIsRefused() {
    ScriptedServer s = ScriptedServer.replica(MARIADB.fixture());
    s.on(sql -> sql.startsWith("SET GLOBAL read_only"), sql -> Mono.error(
        new io.r2dbc.spi.R2dbcPermissionDeniedException("Access denied; you need (at least one"
            + " of) the READ_ONLY ADMIN privilege(s) for this operation", "42000", 1227)));
    OperationResult<Boolean> r = await(ops(s).setReadOnly(KEY, false));
    assertEquals(Outcome.REFUSED, r.outcome());
    assertEquals(Reason.MISSING_PRIVILEGE, r.cause());
    assertEquals("db11.example.com:3307: user orcha lacks a privilege for SET GLOBAL read_only:"
        + " Access denied; you need (at least one of) the READ_ONLY ADMIN privilege(s) for this"
        + " operation (statement: SET GLOBAL read_only = OFF)", r.message());
  }

  @Test
  void semiSyncNamesByWhatTheServerHas() {
    ScriptedServer s80 = ScriptedServer.replica(MYSQL_80.fixture());
    assertEquals(List.of("SET GLOBAL rpl_semi_sync_source_enabled = ON"),
        ok(ops(s80).enableSemiSyncMaster(KEY)).statements());
    OperationResult<Boolean> rep = ok(ops(s80).disableSemiSyncReplica(KEY));
    assertEquals("OFF", s80.status.get("rpl_semi_sync_replica_status"));
    assertEquals(List.of("SET GLOBAL rpl_semi_sync_replica_enabled = OFF",
        "STOP REPLICA IO_THREAD", "START REPLICA IO_THREAD"), rep.statements());

    ScriptedServer s57 = ScriptedServer.replica(MYSQL_57.fixture());
    assertEquals(List.of("SET GLOBAL rpl_semi_sync_master_enabled = OFF"),
        ok(ops(s57).disableSemiSyncMaster(KEY)).statements());

    ScriptedServer s84 = ScriptedServer.replica(MYSQL_84.fixture()); // no plugin loaded
    OperationResult<Boolean> none = await(ops(s84).enableSemiSyncMaster(KEY));
    assertEquals(Outcome.REFUSED, none.outcome());
    assertEquals("db11.example.com:3307: semi-sync is not available: neither"
        + " rpl_semi_sync_source_enabled nor rpl_semi_sync_master_enabled exists (the semi-sync"
        + " plugin is not loaded; MariaDB 10.3+ has it built in)", none.message());
  }

  @Test
  void semiSyncReplicaWaitsForTheStatusAfterTheIoRestart() {
    ScriptedServer s = ScriptedServer.replica(MARIADB.fixture());
    OperationResult<Boolean> r = ok(ops(s).enableSemiSyncReplica(KEY));
    assertEquals("ON", s.status.get("rpl_semi_sync_slave_status"));
    assertEquals(List.of("SET GLOBAL rpl_semi_sync_slave_enabled = ON", "STOP SLAVE IO_THREAD",
        "START SLAVE IO_THREAD"), r.statements());
    assertEquals("replica semi-sync set to true on db11.example.com:3307 (IO thread restarted)",
        r.message());
    // a status that does not follow: the wait expires
    s.semiSyncStatusFollows = false;
    OperationResult<Boolean> stuck = await(ops(s).disableSemiSyncReplica(KEY));
    assertEquals(Outcome.TIMED_OUT, stuck.outcome());
    assertTrue(stuck.message().contains("in vain for Rpl_semi_sync_slave_status to become OFF"),
        stuck.message());
  }

  // ---------------------------------------------------------------------------------------------
  // binary logs, processes

  @ParameterizedTest
  @MethodSource("flavours")
  void flushAndPurge(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    Operations ops = ops(s);
    OperationResult<BinlogCoordinates> fl = ok(ops.flushBinaryLogs(KEY));
    assertEquals("binlog.000002", fl.value().logFile());
    assertEquals(List.of("FLUSH BINARY LOGS"), fl.statements());
    ok(ops.flushBinaryLogs(KEY));
    OperationResult<String> p = ok(ops.purgeBinaryLogs(KEY, "binlog.000003"));
    assertEquals(List.of("PURGE BINARY LOGS TO 'binlog.000003'"), p.statements());
    assertEquals("binlog.000003", p.value());
    assertEquals(List.of("binlog.000003"), s.binlogs);
    OperationResult<String> missing = await(ops.purgeBinaryLogs(KEY, "binlog.000001"));
    assertEquals(Outcome.REFUSED, missing.outcome());
    assertEquals("db11.example.com:3307: has no binary log named binlog.000001 (it has"
        + " binlog.000003 .. binlog.000003)", missing.message());
    assertTrue(s.statements.contains(f == MYSQL_84 ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS"));
  }

  @Test
  void purgeRetriesWhileTheServerKeepsAFile() {
    ScriptedServer s = ScriptedServer.replica(MARIADB.fixture());
    s.binlogs.addAll(List.of("binlog.000002", "binlog.000003"));
    int[] calls = {0};
    s.on(sql -> sql.startsWith("PURGE"), sql -> {
      if (++calls[0] >= 3) {
        s.binlogs.subList(0, 2).clear();
      }
      return Mono.just(List.of());
    });
    OperationResult<String> r = ok(ops(s).purgeBinaryLogs(KEY, "binlog.000003"));
    assertEquals(3, calls[0]);
    assertEquals(List.of("PURGE BINARY LOGS TO 'binlog.000003'"), r.statements(), "listed once");
  }

  @Test
  void killQuery() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_80.fixture());
    s.processes.put(42L, new java.util.HashMap<>(Map.of("COMMAND", "Query", "TIME", "5",
        "INFO", "SELECT SLEEP(30)")));
    OperationResult<Long> r = ok(ops(s).killQuery(KEY, 42));
    assertEquals(List.of("KILL QUERY 42"), r.statements());
    assertEquals("Killed query 42 on db11.example.com:3307", r.message());
    OperationResult<Long> idle = await(ops(s).killQuery(KEY, 42));
    assertEquals(Outcome.REFUSED, idle.outcome());
    assertEquals("db11.example.com:3307: process 42 runs no query (Command Sleep)", idle.message());
    assertEquals(Outcome.REFUSED, await(ops(s).killQuery(KEY, 43)).outcome());
  }

  // ---------------------------------------------------------------------------------------------
  // GTID

  @Test
  void waitForExecutedGtidSetOnMySql() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_80.fixture());
    OperationResult<String> r = ok(ops(s).waitForGtid(KEY, UUID + ":1-50", Duration.ofMillis(1500)));
    assertTrue(s.statements.contains("SELECT WAIT_FOR_EXECUTED_GTID_SET('" + UUID + ":1-50', 2)"),
        s.statements.toString());
    assertEquals(UUID + ":1-77", r.value());
    OperationResult<String> late = await(ops(s).waitForGtid(KEY, UUID + ":1-100",
        Duration.ofSeconds(1)));
    assertEquals(Outcome.TIMED_OUT, late.outcome());
    assertEquals("db11.example.com:3307: did not reach GTID position " + UUID + ":1-100 within 1s"
        + " (gtid_executed " + UUID + ":1-77)", late.message());
    OperationResult<String> bad = await(ops(s).waitForGtid(KEY, "0-1-2", Duration.ofSeconds(1)));
    assertEquals(Outcome.REFUSED, bad.outcome(), "a MariaDB position on MySQL: " + bad.message());
  }

  @Test
  void injectEmptyTransactionsOnMySql() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_80.fixture());
    OperationResult<List<String>> r = ok(ops(s).injectEmptyTransaction(KEY, ERRANT_UUID + ":3-4"));
    assertEquals(List.of(ERRANT_UUID + ":3", ERRANT_UUID + ":4"), r.value());
    assertEquals(List.of("SET GTID_NEXT = '" + ERRANT_UUID + ":3'", "BEGIN", "COMMIT",
        "SET GTID_NEXT = '" + ERRANT_UUID + ":4'", "BEGIN", "COMMIT",
        "SET GTID_NEXT = 'AUTOMATIC'"), r.statements());
    assertEquals("Have injected 2 transactions on db11.example.com:3307: " + ERRANT_UUID + ":3-4",
        r.message());
    assertTrue(s.vars.get("gtid_executed").contains(ERRANT_UUID + ":3-4"));
    // already there: nothing written
    assertEquals(List.of(), ok(ops(s).injectEmptyTransaction(KEY, ERRANT_UUID + ":4")).statements());
  }

  @Test
  void injectPutsGtidNextBackAfterAFailure() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_84.fixture());
    s.vars.put("gtid_mode", "ON");
    s.on(sql -> sql.equals("COMMIT"), sql -> Mono.error(ScriptedServer.error(1837, "HY000",
        "When @@SESSION.GTID_NEXT is set to a GTID, you must explicitly set it to a different"
            + " value after a COMMIT or ROLLBACK")));
    OperationResult<List<String>> r = await(ops(s).injectEmptyTransaction(KEY, ERRANT_UUID + ":7"));
    assertEquals(Outcome.REFUSED, r.outcome(), r.message());
    assertEquals(List.of("SET GTID_NEXT = '" + ERRANT_UUID + ":7'", "BEGIN", "COMMIT",
        "SET GTID_NEXT = 'AUTOMATIC'"), r.statements());
    assertTrue(r.message().startsWith("db11.example.com:3307: COMMIT failed: error 1837"),
        r.message());
  }

  @Test
  void injectRefusals() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_84.fixture()); // gtid_mode OFF
    OperationResult<List<String>> off = await(ops(s).injectEmptyTransaction(KEY, ERRANT_UUID + ":1"));
    assertEquals("db11.example.com:3307: gtid_mode is OFF, not ON", off.message());
    s.vars.put("gtid_mode", "ON");
    OperationResult<List<String>> many = await(ops(s).injectEmptyTransaction(KEY,
        ERRANT_UUID + ":1-20000"));
    assertEquals(Outcome.REFUSED, many.outcome());
    assertTrue(many.message().contains("more than " + Operations.MAX_INJECTED), many.message());
    assertEquals(Outcome.REFUSED, await(ops(s).injectEmptyTransaction(KEY, "")).outcome());
    assertEquals(Outcome.REFUSED, await(ops(s).injectEmptyTransaction(KEY, "nonsense")).outcome());
    assertEquals(List.of(), s.changes());
  }

  @Test
  void injectOnScriptedMariaDbUsesSessionVariablesAndPutsThemBack() {
    ScriptedServer s = ScriptedServer.replica(MARIADB.fixture());
    s.vars.put("gtid_binlog_state", "0-10211-20");
    s.vars.put("gtid_strict_mode", "ON");
    s.vars.put("server_id", "10211");
    s.on(sql -> sql.startsWith("DROP TABLE IF EXISTS"), sql -> {
      s.vars.put("gtid_binlog_state", "0-10211-20,0-10213-21");
      return Mono.just(List.of());
    });
    OperationResult<List<String>> r = ok(ops(s).injectEmptyTransaction(KEY, "0-10213-21"));
    assertEquals(List.of("SET SESSION gtid_domain_id = 0, SESSION server_id = 10213,"
        + " SESSION gtid_seq_no = 21",
        "DROP TABLE IF EXISTS `_orcha_empty_transaction`.`_orcha_empty_transaction`",
        "SET SESSION gtid_domain_id = 0, SESSION server_id = 10211"), r.statements());
  }

  @ParameterizedTest
  @MethodSource("flavours")
  void resetMasterOnAnErrantReplica(Flavour f) {
    ScriptedServer s = ScriptedServer.replica(f.fixture());
    String errant;
    List<String> expected;
    if (f == MARIADB) {
      s.vars.put("gtid_slave_pos", "0-10211-30");
      s.vars.put("gtid_binlog_state", "0-10211-30,0-10213-31");
      s.on(sql -> sql.equals("RESET MASTER"), sql -> {
        s.vars.put("gtid_binlog_state", "");
        return Mono.just(List.of());
      });
      errant = "0-10213-31";
      expected = List.of("STOP SLAVE", "RESET MASTER", "SET GLOBAL gtid_slave_pos = '0-10211-30'",
          "START SLAVE");
    } else {
      s.vars.put("gtid_executed", UUID + ":1-77," + ERRANT_UUID + ":1-2");
      s.vars.put("gtid_purged", "");
      errant = ERRANT_UUID + ":1-2";
      expected = List.of(f.stop(), f == MYSQL_84 ? "RESET BINARY LOGS AND GTIDS" : "RESET MASTER",
          "SET GLOBAL gtid_purged = '" + UUID + ":1-77'", f.start());
    }
    OperationResult<String> r = ok(ops(s).resetMasterOnErrantReplica(KEY, errant));
    assertEquals(expected, r.statements());
    // refused when replicas are connected
    s.dumpThreads = 2;
    OperationResult<String> refused = await(ops(s).resetMasterOnErrantReplica(KEY, errant));
    assertEquals(Outcome.REFUSED, refused.outcome());
    assertEquals("db11.example.com:3307: will not reset master: it has 2 connected replicas."
        + " Expecting no replicas", refused.message());
  }

  @Test
  void gtidSlavePosFromBinlogPosOnMariaDbOnly() {
    ScriptedServer m = ScriptedServer.replica(MARIADB.fixture());
    m.vars.put("gtid_binlog_pos", "0-10211-40,1-10212-3");
    m.vars.put("gtid_slave_pos", "0-10211-38");
    OperationResult<String> running = await(ops(m).setGtidSlavePosFromBinlogPos(KEY));
    assertEquals(Outcome.REFUSED, running.outcome());
    assertEquals("db11.example.com:3307: replication is running: stop it before setting"
        + " gtid_slave_pos", running.message());
    m.replica = null; // a demoted master: no channel
    OperationResult<String> r = ok(ops(m).setGtidSlavePosFromBinlogPos(KEY));
    assertEquals(List.of("SET GLOBAL gtid_slave_pos = '0-10211-40,1-10212-3'"), r.statements());
    assertEquals("0-10211-40,1-10212-3", r.value());
    assertEquals(List.of(), ok(ops(m).setGtidSlavePosFromBinlogPos(KEY)).statements());

    ScriptedServer my = ScriptedServer.replica(MYSQL_84.fixture());
    OperationResult<String> mysql = ok(ops(my).setGtidSlavePosFromBinlogPos(KEY));
    assertEquals(List.of(), mysql.statements());
    assertTrue(mysql.message().contains("not MariaDB"), mysql.message());
  }

  // ---------------------------------------------------------------------------------------------
  // bounds and failures as values

  @Test
  void aStatementTimeoutKillsTheStatementAndClosesTheConnection() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_80.fixture());
    s.on(sql -> sql.startsWith("SET GLOBAL read_only"), sql -> Mono.never());
    Operations ops = new Operations(quick().statementTimeout(Duration.ofMillis(300)).build(), s);
    long start = System.nanoTime();
    OperationResult<Boolean> r = await(ops.setReadOnly(KEY, false));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(Outcome.TIMED_OUT, r.outcome());
    assertEquals(Reason.TIMEOUT, r.cause());
    assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "took " + took);
    assertEquals("db11.example.com:3307: no answer to SET GLOBAL read_only within 300ms (statement:"
        + " SET GLOBAL read_only = OFF); the statement was killed on the server (KILL CONNECTION"
        + " 100)", r.message());
    assertTrue(s.statements.contains("KILL CONNECTION 100"));
    assertEquals(0, s.open.get(), "both connections closed");
    assertEquals(0, ops.openConnections());
    assertEquals(2, ops.connectionsOpened());
  }

  @Test
  void aTimeoutAfterChangesSaysSo() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_57.fixture());
    s.on(sql -> sql.startsWith("CHANGE MASTER"), sql -> Mono.never());
    Operations ops = new Operations(quick().statementTimeout(Duration.ofMillis(200)).build(), s);
    OperationResult<ReplicationChannel> r = await(ops.changeMaster(KEY,
        ChangeMasterRequest.gtid(NEW_MASTER)));
    assertEquals(Outcome.TIMED_OUT, r.outcome());
    assertEquals("db11.example.com:3307: no answer to CHANGE MASTER within 200ms (statement:"
        + " CHANGE MASTER TO MASTER_HOST='db9.example.com', MASTER_PORT=3306,"
        + " MASTER_AUTO_POSITION=1); changed before: STOP SLAVE; the statement was killed on the"
        + " server (KILL CONNECTION 100)", r.message());
    assertEquals(List.of("STOP SLAVE", "CHANGE MASTER TO MASTER_HOST='db9.example.com',"
        + " MASTER_PORT=3306, MASTER_AUTO_POSITION=1"), r.statements());
  }

  @Test
  void unreachableAndSilentServersAreCleanFailures() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_80.fixture());
    s.connectError = new ConnectException("Connection refused");
    OperationResult<ReplicationChannel> refused = await(ops(s).startReplica(KEY));
    assertEquals(Outcome.REFUSED, refused.outcome());
    assertEquals(Reason.CONNECTION_REFUSED, refused.cause());
    assertEquals("db11.example.com:3307: connection refused; start-replica not attempted, nothing"
        + " changed", refused.message());

    s.connectError = null;
    s.connectHangs = true;
    long start = System.nanoTime();
    OperationResult<ReplicationChannel> silent = await(ops(s).startReplica(KEY));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(2)) < 0);
    assertEquals(Outcome.TIMED_OUT, silent.outcome());
    assertEquals(Reason.TIMEOUT, silent.cause());
    assertEquals("db11.example.com:3307: no answer within 500ms; start-replica not attempted,"
        + " nothing changed", silent.message());
  }

  @Test
  void aServerErrorOnAReadRefusesWithTheStatement() {
    ScriptedServer s = ScriptedServer.replica(MYSQL_80.fixture());
    s.on(sql -> sql.equals("SHOW REPLICA STATUS"), sql -> Mono.error(new io.r2dbc.spi
        .R2dbcPermissionDeniedException("Access denied; you need (at least one of) the SUPER,"
        + " REPLICATION CLIENT privilege(s) for this operation", "42000", 1227)));
    OperationResult<ReplicationChannel> r = await(ops(s).stopReplica(KEY));
    assertEquals(Outcome.REFUSED, r.outcome());
    assertEquals(Reason.MISSING_PRIVILEGE, r.cause());
    assertEquals("db11.example.com:3307: user orcha lacks a privilege for SHOW REPLICA STATUS:"
        + " Access denied; you need (at least one of) the SUPER, REPLICATION CLIENT privilege(s)"
        + " for this operation", r.message());
  }
}
