package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import mysql.Dialect.ChangeSource;
import mysql.Dialect.Family;
import mysql.Dialect.Positioning;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import topology.BinlogCoordinates;
import topology.Flavor;

class DialectTest {

  /** What one server version must be probed and operated with. */
  record Case(String version, String comment, Family family, Flavor flavor, String replicaStatus,
      String binlogStatus, String replicaHosts, String startReplica, String resetReplicaAll,
      String changeHead, boolean superReadOnly) {}

  static Stream<Arguments> versions() {
    return Stream.of(
        c("MySQL 5.6", new Case("5.6.51-log", "MySQL Community Server (GPL)", Family.MYSQL_57,
            Flavor.MYSQL, "SHOW SLAVE STATUS", "SHOW MASTER STATUS", "SHOW SLAVE HOSTS",
            "START SLAVE", "RESET SLAVE ALL", "CHANGE MASTER TO MASTER_HOST=", false)),
        c("MySQL 5.7", new Case("5.7.44-log", "MySQL Community Server (GPL)", Family.MYSQL_57,
            Flavor.MYSQL, "SHOW SLAVE STATUS", "SHOW MASTER STATUS", "SHOW SLAVE HOSTS",
            "START SLAVE", "RESET SLAVE ALL", "CHANGE MASTER TO MASTER_HOST=", true)),
        c("MySQL 8.0.21: still SLAVE", new Case("8.0.21", "MySQL Community Server - GPL",
            Family.MYSQL_80, Flavor.MYSQL, "SHOW SLAVE STATUS", "SHOW MASTER STATUS",
            "SHOW SLAVE HOSTS", "START SLAVE", "RESET SLAVE ALL", "CHANGE MASTER TO MASTER_HOST=",
            true)),
        c("MySQL 8.0.22: REPLICA statements, CHANGE MASTER still", new Case("8.0.22", "",
            Family.MYSQL_80, Flavor.MYSQL, "SHOW REPLICA STATUS", "SHOW MASTER STATUS",
            "SHOW REPLICAS", "START REPLICA", "RESET REPLICA ALL", "CHANGE MASTER TO MASTER_HOST=",
            true)),
        c("MySQL 8.0.23: CHANGE REPLICATION SOURCE", new Case("8.0.23", "", Family.MYSQL_80,
            Flavor.MYSQL, "SHOW REPLICA STATUS", "SHOW MASTER STATUS", "SHOW REPLICAS",
            "START REPLICA", "RESET REPLICA ALL", "CHANGE REPLICATION SOURCE TO SOURCE_HOST=", true)),
        c("MySQL 8.0.36", new Case("8.0.36", "MySQL Community Server - GPL", Family.MYSQL_80,
            Flavor.MYSQL, "SHOW REPLICA STATUS", "SHOW MASTER STATUS", "SHOW REPLICAS",
            "START REPLICA", "RESET REPLICA ALL", "CHANGE REPLICATION SOURCE TO SOURCE_HOST=", true)),
        c("MySQL 8.2: SHOW BINARY LOG STATUS", new Case("8.2.0", "", Family.MYSQL_80, Flavor.MYSQL,
            "SHOW REPLICA STATUS", "SHOW BINARY LOG STATUS", "SHOW REPLICAS", "START REPLICA",
            "RESET REPLICA ALL", "CHANGE REPLICATION SOURCE TO SOURCE_HOST=", true)),
        c("MySQL 8.4: no SLAVE/MASTER statements", new Case("8.4.3", "MySQL Community Server - GPL",
            Family.MYSQL_84, Flavor.MYSQL, "SHOW REPLICA STATUS", "SHOW BINARY LOG STATUS",
            "SHOW REPLICAS", "START REPLICA", "RESET REPLICA ALL",
            "CHANGE REPLICATION SOURCE TO SOURCE_HOST=", true)),
        c("MySQL 9.1", new Case("9.1.0", "", Family.MYSQL_84, Flavor.MYSQL, "SHOW REPLICA STATUS",
            "SHOW BINARY LOG STATUS", "SHOW REPLICAS", "START REPLICA", "RESET REPLICA ALL",
            "CHANGE REPLICATION SOURCE TO SOURCE_HOST=", true)),
        c("Percona 8.0", new Case("8.0.36-28", "Percona Server (GPL), Release 28", Family.MYSQL_80,
            Flavor.PERCONA, "SHOW REPLICA STATUS", "SHOW MASTER STATUS", "SHOW REPLICAS",
            "START REPLICA", "RESET REPLICA ALL", "CHANGE REPLICATION SOURCE TO SOURCE_HOST=", true)),
        c("MariaDB 10.11 is not 'newer than 8.4'", new Case("10.11.19-MariaDB-0+deb12u1-log",
            "Debian 12", Family.MARIADB, Flavor.MARIADB, "SHOW SLAVE STATUS", "SHOW MASTER STATUS",
            "SHOW SLAVE HOSTS", "START SLAVE", "RESET SLAVE ALL", "CHANGE MASTER TO MASTER_HOST=",
            false)),
        c("MariaDB handshake version", new Case("5.5.5-10.6.12-MariaDB-log", "", Family.MARIADB,
            Flavor.MARIADB, "SHOW SLAVE STATUS", "SHOW MASTER STATUS", "SHOW SLAVE HOSTS",
            "START SLAVE", "RESET SLAVE ALL", "CHANGE MASTER TO MASTER_HOST=", false)),
        c("MariaDB 11.4", new Case("11.4.2-MariaDB", "mariadb.org binary distribution",
            Family.MARIADB, Flavor.MARIADB, "SHOW SLAVE STATUS", "SHOW MASTER STATUS",
            "SHOW SLAVE HOSTS", "START SLAVE", "RESET SLAVE ALL", "CHANGE MASTER TO MASTER_HOST=",
            false)),
        c("unknown version: oldest syntax", new Case("", "", Family.MYSQL_57, Flavor.MYSQL,
            "SHOW SLAVE STATUS", "SHOW MASTER STATUS", "SHOW SLAVE HOSTS", "START SLAVE",
            "RESET SLAVE ALL", "CHANGE MASTER TO MASTER_HOST=", false)));
  }

  private static Arguments c(String name, Case c) {
    return Arguments.of(Named.of(name, c));
  }

  @ParameterizedTest
  @MethodSource("versions")
  void statementsPerVersion(Case c) {
    Dialect d = Dialect.of(c.version(), c.comment());
    assertEquals(c.family(), d.family());
    assertEquals(c.flavor(), d.flavor());
    assertEquals(c.replicaStatus(), d.replicaStatusQuery());
    assertEquals(c.binlogStatus(), d.binlogStatusQuery());
    assertEquals(c.replicaHosts(), d.replicaHostsQuery());
    assertEquals(c.startReplica(), d.startReplica());
    assertEquals(c.resetReplicaAll(), d.resetReplicaAll());
    assertTrue(d.changeSource(ChangeSource.to("db1", 3306, Positioning.GTID))
        .startsWith(c.changeHead()), d.changeSource(ChangeSource.to("db1", 3306, Positioning.GTID)));
    assertEquals(c.superReadOnly(), d.supportsSuperReadOnly());
  }

  @Test
  void versionNumbers() {
    assertEquals(new ServerVersion(10, 11, 19, "10.11.19-MariaDB-0+deb12u1-log"),
        ServerVersion.parse("10.11.19-MariaDB-0+deb12u1-log"));
    assertEquals("10.6.12", ServerVersion.parse("5.5.5-10.6.12-MariaDB-log").numbers());
    assertEquals("5.5.5", ServerVersion.parse("5.5.5-log").numbers(), "MySQL 5.5.5 stays 5.5.5");
    assertEquals("8.0.0", ServerVersion.parse("8.0").numbers());
    assertFalse(ServerVersion.parse("garbage").isKnown());
    assertTrue(ServerVersion.parse("8.0.22").atLeast(8, 0, 22));
    assertFalse(ServerVersion.parse("8.0.21").atLeast(8, 0, 22));
    assertTrue(ServerVersion.parse("8.1.0").atLeast(8, 0, 22));
    assertFalse(ServerVersion.parse("5.7.44").atLeast(8, 0, 0));
  }

  @Test
  void threadStatements() {
    Dialect maria = Dialect.of("10.11.19-MariaDB", "");
    Dialect mysql84 = Dialect.of("8.4.3", "");
    assertEquals("STOP SLAVE", maria.stopReplica());
    assertEquals("STOP SLAVE SQL_THREAD", maria.stopReplicaSqlThread());
    assertEquals("START SLAVE IO_THREAD", maria.startReplicaIoThread());
    assertEquals("STOP REPLICA IO_THREAD", mysql84.stopReplicaIoThread());
    assertEquals("START REPLICA SQL_THREAD", mysql84.startReplicaSqlThread());
    assertEquals("STOP REPLICA", mysql84.stopReplica());
  }

  @Test
  void readOnly() {
    Dialect maria = Dialect.of("10.11.19-MariaDB", "");
    Dialect mysql = Dialect.of("8.0.36", "");
    assertEquals("SET GLOBAL read_only = ON", maria.setReadOnly(true));
    assertEquals("SET GLOBAL read_only = OFF", mysql.setReadOnly(false));
    assertEquals("SET GLOBAL super_read_only = ON", mysql.setSuperReadOnly(true));
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> maria.setSuperReadOnly(true));
    assertTrue(e.getMessage().contains("has no super_read_only"), e.getMessage());
  }

  record Change(Dialect dialect, ChangeSource source, String expected) {}

  static Stream<Arguments> changes() {
    Dialect maria = Dialect.of("10.11.19-MariaDB-0+deb12u1-log", "Debian 12");
    Dialect mysql57 = Dialect.of("5.7.44-log", "");
    Dialect mysql84 = Dialect.of("8.4.3", "");
    return Stream.of(
        Arguments.of(Named.of("MariaDB GTID slave_pos with credentials and retry", new Change(maria,
            ChangeSource.to("127.0.0.1", 10211, Positioning.GTID).withCredentials("repl", "repl")
                .withRetry(1, 1.0),
            "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=10211, MASTER_USER='repl',"
                + " MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1,"
                + " MASTER_HEARTBEAT_PERIOD=1"))),
        Arguments.of(Named.of("MariaDB GTID current_pos", new Change(maria,
            ChangeSource.to("db1", 3306, new Positioning.Gtid(true)),
            "CHANGE MASTER TO MASTER_HOST='db1', MASTER_PORT=3306, MASTER_USE_GTID=current_pos"))),
        Arguments.of(Named.of("MariaDB file/position", new Change(maria,
            ChangeSource.to("db1", 3306, new Positioning.File(
                BinlogCoordinates.binary("mysql-bin.000003", 4))),
            "CHANGE MASTER TO MASTER_HOST='db1', MASTER_PORT=3306, MASTER_USE_GTID=no,"
                + " MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=4"))),
        Arguments.of(Named.of("MySQL 8.4 auto-position, quoted password", new Change(mysql84,
            ChangeSource.to("db1", 3306, Positioning.GTID).withCredentials("repl", "s3cr'et\\")
                .withRetry(null, 0.5),
            "CHANGE REPLICATION SOURCE TO SOURCE_HOST='db1', SOURCE_PORT=3306, SOURCE_USER='repl',"
                + " SOURCE_PASSWORD='s3cr''et\\\\', SOURCE_AUTO_POSITION=1,"
                + " SOURCE_HEARTBEAT_PERIOD=0.5"))),
        Arguments.of(Named.of("MySQL 5.7 file/position", new Change(mysql57,
            ChangeSource.to("db1", 3306, new Positioning.File(
                BinlogCoordinates.binary("mysql-bin.000012", 4711))),
            "CHANGE MASTER TO MASTER_HOST='db1', MASTER_PORT=3306, MASTER_AUTO_POSITION=0,"
                + " MASTER_LOG_FILE='mysql-bin.000012', MASTER_LOG_POS=4711"))),
        Arguments.of(Named.of("only the host", new Change(mysql57,
            ChangeSource.to("db2", 3307, Positioning.UNCHANGED),
            "CHANGE MASTER TO MASTER_HOST='db2', MASTER_PORT=3307"))));
  }

  @ParameterizedTest
  @MethodSource("changes")
  void changeSource(Change c) {
    assertEquals(c.expected(), c.dialect().changeSource(c.source()));
  }

  @Test
  void passwordsStayOutOfLogTexts() {
    ChangeSource s = ChangeSource.to("db1", 3306, Positioning.GTID).withCredentials("repl", "hunter2");
    Dialect d = Dialect.of("8.0.36", "");
    assertTrue(d.changeSource(s).contains("'hunter2'"));
    assertFalse(d.changeSourceForLog(s).contains("hunter2"), d.changeSourceForLog(s));
    assertTrue(d.changeSourceForLog(s).contains("SOURCE_PASSWORD='*****'"));
    assertFalse(s.toString().contains("hunter2"), s.toString());
  }

  @Test
  void invalidSources() {
    assertThrows(IllegalArgumentException.class, () -> ChangeSource.to("", 3306, Positioning.GTID));
    assertThrows(IllegalArgumentException.class, () -> ChangeSource.to("db", 0, Positioning.GTID));
    assertThrows(IllegalArgumentException.class, () -> new Positioning.File(BinlogCoordinates.EMPTY));
    assertThrows(IllegalArgumentException.class,
        () -> ChangeSource.to("db", 3306, Positioning.GTID).withRetry(0, null));
  }

  @Test
  void quoting() {
    assertEquals("'plain'", Dialect.quote("plain"));
    assertEquals("'it''s'", Dialect.quote("it's"));
    assertEquals("'a\\\\b'", Dialect.quote("a\\b"));
    assertEquals("NULL", Dialect.quote(null));
  }

  @Test
  void probeQueriesNameTheVariablesOfEveryFlavour() {
    String v = Dialect.variablesQuery();
    assertTrue(v.startsWith("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('version', "), v);
    for (String name : List.of("gtid_mode", "server_uuid", "super_read_only", "gtid_binlog_pos",
        "gtid_current_pos", "gtid_slave_pos", "gtid_domain_id", "gtid_strict_mode",
        "rpl_semi_sync_master_wait_for_slave_count", "rpl_semi_sync_source_wait_for_replica_count",
        "log_replica_updates", "log_slave_updates")) {
      assertTrue(v.contains("'" + name + "'"), name);
    }
    String s = Dialect.statusQuery();
    assertTrue(s.startsWith("SHOW GLOBAL STATUS WHERE Variable_name IN ('Uptime', "), s);
    assertTrue(s.contains("'Rpl_semi_sync_source_clients'") && s.contains("'Rpl_semi_sync_master_clients'"));
    assertTrue(Dialect.binlogDumpHostsQuery().contains("'Binlog Dump', 'Binlog Dump GTID'"));
  }
}
