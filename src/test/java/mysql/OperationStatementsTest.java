package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.Stream;
import mysql.Dialect.ChangeSource;
import mysql.Dialect.Positioning;
import mysql.Dialect.SourceTls;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import topology.BinlogCoordinates;
import topology.InstanceKey;

/** The statement texts {@link Operations} sends, per server version (no server needed). */
class OperationStatementsTest {

  /** One version's expected texts. */
  record Texts(String version, String comment, String until, String delay, String resetBinlogs,
      String waitGtid, String tlsHead, String changeName) {}

  static Stream<Arguments> versions() {
    String uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5";
    return Stream.of(
        a("MySQL 5.7", new Texts("5.7.44-log", "MySQL Community Server (GPL)",
            "START SLAVE UNTIL MASTER_LOG_FILE='mysql-bin.000012', MASTER_LOG_POS=4711",
            "CHANGE MASTER TO MASTER_DELAY=3600", "RESET MASTER",
            "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + uuid + "', 2)", "CHANGE MASTER TO MASTER_SSL=1",
            "CHANGE MASTER")),
        a("MySQL 8.0.21", new Texts("8.0.21", "", 
            "START SLAVE UNTIL MASTER_LOG_FILE='mysql-bin.000012', MASTER_LOG_POS=4711",
            "CHANGE MASTER TO MASTER_DELAY=3600", "RESET MASTER",
            "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + uuid + "', 2)", "CHANGE MASTER TO MASTER_SSL=1",
            "CHANGE MASTER")),
        a("MySQL 8.0.22: START REPLICA, still MASTER_ options", new Texts("8.0.22", "",
            "START REPLICA UNTIL MASTER_LOG_FILE='mysql-bin.000012', MASTER_LOG_POS=4711",
            "CHANGE MASTER TO MASTER_DELAY=3600", "RESET MASTER",
            "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + uuid + "', 2)", "CHANGE MASTER TO MASTER_SSL=1",
            "CHANGE MASTER")),
        a("MySQL 8.0.23: SOURCE_ options", new Texts("8.0.23", "",
            "START REPLICA UNTIL SOURCE_LOG_FILE='mysql-bin.000012', SOURCE_LOG_POS=4711",
            "CHANGE REPLICATION SOURCE TO SOURCE_DELAY=3600", "RESET MASTER",
            "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + uuid + "', 2)",
            "CHANGE REPLICATION SOURCE TO SOURCE_SSL=1", "CHANGE REPLICATION SOURCE")),
        a("MySQL 8.2: RESET BINARY LOGS AND GTIDS", new Texts("8.2.0", "",
            "START REPLICA UNTIL SOURCE_LOG_FILE='mysql-bin.000012', SOURCE_LOG_POS=4711",
            "CHANGE REPLICATION SOURCE TO SOURCE_DELAY=3600", "RESET BINARY LOGS AND GTIDS",
            "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + uuid + "', 2)",
            "CHANGE REPLICATION SOURCE TO SOURCE_SSL=1", "CHANGE REPLICATION SOURCE")),
        a("MySQL 8.4", new Texts("8.4.3", "MySQL Community Server - GPL",
            "START REPLICA UNTIL SOURCE_LOG_FILE='mysql-bin.000012', SOURCE_LOG_POS=4711",
            "CHANGE REPLICATION SOURCE TO SOURCE_DELAY=3600", "RESET BINARY LOGS AND GTIDS",
            "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + uuid + "', 2)",
            "CHANGE REPLICATION SOURCE TO SOURCE_SSL=1", "CHANGE REPLICATION SOURCE")),
        a("MariaDB 10.11", new Texts("10.11.19-MariaDB-0+deb12u1-log", "Debian 12",
            "START SLAVE UNTIL MASTER_LOG_FILE='mysql-bin.000012', MASTER_LOG_POS=4711",
            "CHANGE MASTER TO MASTER_DELAY=3600", "RESET MASTER",
            "SELECT MASTER_GTID_WAIT('0-10111-42', 1.5)", "CHANGE MASTER TO MASTER_SSL=1",
            "CHANGE MASTER")),
        a("MariaDB 11.4", new Texts("11.4.2-MariaDB", "mariadb.org binary distribution",
            "START SLAVE UNTIL MASTER_LOG_FILE='mysql-bin.000012', MASTER_LOG_POS=4711",
            "CHANGE MASTER TO MASTER_DELAY=3600", "RESET MASTER",
            "SELECT MASTER_GTID_WAIT('0-10111-42', 1.5)", "CHANGE MASTER TO MASTER_SSL=1",
            "CHANGE MASTER")));
  }

  private static Arguments a(String name, Texts t) {
    return Arguments.of(Named.of(name, t));
  }

  @ParameterizedTest
  @MethodSource("versions")
  void operationTexts(Texts t) {
    Dialect d = Dialect.of(t.version(), t.comment());
    assertEquals(t.until(), d.startReplicaUntil(BinlogCoordinates.binary("mysql-bin.000012", 4711)));
    assertEquals(t.delay(), d.changeSourceDelay(3600));
    assertEquals(t.resetBinlogs(), d.resetBinaryLogs());
    String position = d.isMariaDb() ? "0-10111-42" : "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5";
    assertEquals(t.waitGtid(), d.waitForGtid(position, Duration.ofMillis(1500)));
    assertTrue(d.changeSourceTls(SourceTls.NONE).startsWith(t.tlsHead().replace("SSL=1", "SSL=0")));
    assertEquals(t.changeName(), d.changeSourceName());
    assertEquals(t.changeName(), OperationRunner.label(d.changeSourceForLog(
        ChangeSource.to("h", 1, Positioning.GTID).withCredentials("u", "p"))));
    assertEquals("FLUSH BINARY LOGS", d.flushBinaryLogs());
    assertEquals("SHOW BINARY LOGS", d.binaryLogsQuery());
    assertEquals("PURGE BINARY LOGS TO 'mysql-bin.000012'", d.purgeBinaryLogsTo("mysql-bin.000012"));
    assertEquals("KILL QUERY 42", d.killQuery(42));
    assertEquals("KILL CONNECTION 42", d.killConnection(42));
  }

  @ParameterizedTest
  @MethodSource("versions")
  void gtidStatementsExistOnlyWhereTheServerHasThem(Texts t) {
    Dialect d = Dialect.of(t.version(), t.comment());
    if (d.isMariaDb()) {
      assertEquals("SET GLOBAL gtid_slave_pos = '0-10111-42'", d.setGtidSlavePos("0-10111-42"));
      assertEquals("SET SESSION gtid_domain_id = 1, SESSION server_id = 10113, SESSION"
          + " gtid_seq_no = 77", d.setSessionGtid(1, 10113, 77));
      assertEquals("SET SESSION gtid_domain_id = 0, SESSION server_id = 10111",
          d.setSessionGtidOrigin(0, 10111));
      assertEquals("DROP TABLE IF EXISTS `_orcha_empty_transaction`.`_orcha_empty_transaction`",
          d.mariaDbEmptyTransaction());
      assertThrows(UnsupportedOperationException.class, () -> d.setGtidNext("AUTOMATIC"));
      assertThrows(UnsupportedOperationException.class, () -> d.setGtidPurged(""));
    } else {
      assertEquals("SET GTID_NEXT = 'AUTOMATIC'", d.setGtidNext("AUTOMATIC"));
      assertEquals("SET GLOBAL gtid_purged = 'u:1-5'", d.setGtidPurged("u:1-5"));
      assertThrows(UnsupportedOperationException.class, () -> d.setGtidSlavePos("0-1-1"));
      assertThrows(UnsupportedOperationException.class, () -> d.setSessionGtid(0, 1, 1));
      assertThrows(UnsupportedOperationException.class, d::mariaDbEmptyTransaction);
    }
  }

  @Test
  void tlsOptionsCopyEveryField() {
    Dialect maria = Dialect.of("10.11.19-MariaDB", "");
    SourceTls tls = new SourceTls(true, "/ca.pem", "/cas", "/c.pem", "/k.pem", "AES256-SHA", true,
        "/crl.pem", "/crls");
    assertEquals("CHANGE MASTER TO MASTER_SSL=1, MASTER_SSL_CA='/ca.pem', MASTER_SSL_CAPATH='/cas',"
        + " MASTER_SSL_CERT='/c.pem', MASTER_SSL_KEY='/k.pem', MASTER_SSL_CIPHER='AES256-SHA',"
        + " MASTER_SSL_CRL='/crl.pem', MASTER_SSL_CRLPATH='/crls', MASTER_SSL_VERIFY_SERVER_CERT=1",
        maria.changeSourceTls(tls));
  }

  @Test
  void badArgumentsAreRefusedByTheBuilders() {
    Dialect d = Dialect.of("8.0.36", "");
    assertThrows(IllegalArgumentException.class, () -> d.changeSourceDelay(-1));
    assertThrows(IllegalArgumentException.class, () -> d.killQuery(0));
    assertThrows(IllegalArgumentException.class, () -> d.purgeBinaryLogsTo(" "));
    assertThrows(IllegalArgumentException.class, () -> d.startReplicaUntil(BinlogCoordinates.EMPTY));
    assertThrows(IllegalArgumentException.class, () -> d.waitForGtid("", Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class,
        () -> Dialect.setGlobalSwitch("read_only = 1; DROP TABLE x", true));
    assertEquals("SET GLOBAL rpl_semi_sync_source_enabled = ON",
        Dialect.setGlobalSwitch("rpl_semi_sync_source_enabled", true));
    // quotes in values are doubled, never closing the literal
    assertEquals("PURGE BINARY LOGS TO 'a''b'", d.purgeBinaryLogsTo("a'b"));
    assertEquals("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('read_only', 'super_read_only')",
        Dialect.variablesQuery(java.util.List.of("read_only", "super_read_only")));
  }

  @Test
  void labels() {
    assertEquals("CHANGE MASTER", OperationRunner.label("CHANGE MASTER TO MASTER_HOST='x'"));
    assertEquals("CHANGE REPLICATION SOURCE",
        OperationRunner.label("CHANGE REPLICATION SOURCE TO SOURCE_HOST='x'"));
    assertEquals("SET GLOBAL read_only", OperationRunner.label("SET GLOBAL read_only = ON"));
    assertEquals("SET SESSION gtid_domain_id", OperationRunner.label(
        "SET SESSION gtid_domain_id = 0, SESSION server_id = 1, SESSION gtid_seq_no = 2"));
    assertEquals("MASTER_GTID_WAIT", OperationRunner.label("SELECT MASTER_GTID_WAIT('0-1-2', 1)"));
    assertEquals("SHOW GLOBAL VARIABLES", OperationRunner.label(
        "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('read_only')"));
    assertEquals("STOP SLAVE", OperationRunner.label("STOP SLAVE"));
  }

  @Test
  void passwordsAreMaskedInLogTextsAndToString() {
    Dialect d = Dialect.of("10.11.19-MariaDB", "");
    ChangeSource cs = ChangeSource.to("db1", 3306, Positioning.GTID).withCredentials("repl", "pw'1");
    assertTrue(d.changeSource(cs).contains("MASTER_PASSWORD='pw''1'"));
    assertEquals("CHANGE MASTER TO MASTER_HOST='db1', MASTER_PORT=3306, MASTER_USER='repl',"
        + " MASTER_PASSWORD='*****', MASTER_USE_GTID=slave_pos", d.changeSourceForLog(cs));
    ChangeMasterRequest req = ChangeMasterRequest.gtid(new InstanceKey("db1", 3306))
        .withCredentials("repl", "pw'1");
    assertFalse(req.toString().contains("pw'1"), req.toString());
    OperationSettings s = OperationSettings.builder("orcha", "topsecret")
        .replicationCredentials("repl", "replsecret").build();
    assertFalse(s.toString().contains("topsecret"), s.toString());
    assertFalse(s.toString().contains("replsecret"), s.toString());
  }

  @Test
  void settingsAreValidatedWithTheKeyNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OperationSettings.builder("", "x").build());
    assertEquals("orcha.mysql.topology-user must not be empty", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> OperationSettings.builder("o", "x")
        .statementTimeout(Duration.ZERO).build());
    assertEquals("orcha.mysql.operation-timeout must be > 0, got PT0S", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> OperationSettings.builder("o", "x")
        .replicationCredentials("", "pw").build());
    assertEquals("orcha.mysql.replication-password is set but orcha.mysql.replication-user is"
        + " empty", e.getMessage());
    OperationSettings s = OperationSettings.builder("o", "x")
        .replicationCredentialsQuery("  SELECT u, p FROM t; ").build();
    assertEquals("SELECT u, p FROM t", s.replicationCredentialsQuery());
    assertEquals(OperationSettings.DEFAULT_STATEMENT_TIMEOUT, s.statementTimeout());
    assertFalse(s.hasReplicationUser());
  }

  @Test
  void changeMasterRequestsAreValidated() {
    assertThrows(IllegalArgumentException.class,
        () -> ChangeMasterRequest.gtid(InstanceKey.NONE));
    assertThrows(IllegalArgumentException.class, () -> ChangeMasterRequest.gtid(
        new InstanceKey("db1", 3306)).withRetry(0, null));
    assertThrows(IllegalArgumentException.class, () -> ChangeMasterRequest.gtid(
        new InstanceKey("db1", 3306)).withCredentials(" ", "x"));
    ChangeMasterRequest r = ChangeMasterRequest.gtid(new InstanceKey("db1", 3306));
    assertEquals(ChangeMasterRequest.ThreadsAfter.RESTORE, r.threadsAfter());
    assertEquals(Positioning.GTID, r.positioning());
  }
}
