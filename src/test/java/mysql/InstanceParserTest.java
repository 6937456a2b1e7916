package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mysql.ServerAnswers.CustomAnswer;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import topology.BinlogCoordinates;
import topology.Flavor;
import topology.GtidState;
import topology.Instance;
import topology.InstanceKey;
import topology.InstanceLabels;
import topology.ReplicationStatus;
import topology.SemiSync;
import topology.ThreadState;

/** Answers (fixtures written from the manuals, or captured from the sandbox) → Instance. */
class InstanceParserTest {

  static final ProberSettings NO_QUERIES = ProberSettings.builder("orcha", "orcha").build();

  static final String U1 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  static final String U2 = "5a2f8c1e-71ca-11e1-9e33-c80aa9429562";
  static final String U84 = "8a8a8a8a-0000-11ef-9e33-c80aa9429562";

  /** The expected facts of one fixture. */
  record Expected(String fixture, InstanceKey key, long serverId, String serverUuid, String version,
      Flavor flavor, String reportedHostname, boolean readOnly, boolean superReadOnly,
      boolean logBin, boolean logReplicationUpdates, String binlogRowImage,
      BinlogCoordinates self, long uptime, GtidState gtid, ReplicationStatus replication,
      List<InstanceKey> replicas, SemiSync semiSync) {}

  static Stream<Arguments> fixtures() {
    return Stream.of(
        named("MySQL 5.7 replica: Master_*/Slave_* columns, GTID auto-position", new Expected(
            "mysql-5.7-replica.txt", key("db2.example.com", 3306), 2,
            "7a1b2c3d-71ca-11e1-9e33-c80aa9429562", "5.7.44-log", Flavor.MYSQL, "db2.example.com",
            true, true, true, true, "FULL", BinlogCoordinates.binary("mysql-bin.000007", 194),
            86400,
            new GtidState("ON", U1 + ":1-5," + U2 + ":1-1234", U1 + ":1-2", true, "", "", "", 0,
                false),
            new ReplicationStatus(key("db1.example.com", 3306), U1, "repl", ThreadState.RUNNING,
                ThreadState.RUNNING, 0, "", 0, "", 3L, 0,
                BinlogCoordinates.binary("mysql-bin.000012", 4711),
                BinlogCoordinates.binary("mysql-bin.000012", 4500),
                BinlogCoordinates.relay("db2-relay-bin.000003", 1088), true, "", U1 + ":3-5",
                U1 + ":1-5," + U2 + ":1-1234", false, false),
            List.of(),
            new SemiSync(true, false, true, 10000, 1, false, 0, true))),
        named("MySQL 5.7 master: SHOW SLAVE HOSTS, semi-sync master plugin only", new Expected(
            "mysql-5.7-master.txt", key("db1.example.com", 3306), 1, U1, "5.7.44-log",
            Flavor.MYSQL, "db1", false, false, true, true, "FULL",
            BinlogCoordinates.binary("mysql-bin.000012", 4711), 172800,
            new GtidState("ON", U1 + ":1-5", "", true, "", "", "", 0, false),
            ReplicationStatus.NONE,
            List.of(key("db2.example.com", 3306), key("db3.example.com", 3306)),
            new SemiSync(false, true, false, 1000, 2, true, 2, false))),
        named("MySQL 8.0 replica: Source_*/Replica_* columns, source/replica semi-sync", new Expected(
            "mysql-8.0-replica.txt", key("db5", 3306), 5, "5c5c5c5c-71ca-11e1-9e33-c80aa9429562",
            "8.0.36", Flavor.MYSQL, "db5", true, true, true, true, "FULL",
            BinlogCoordinates.binary("binlog.000002", 1203), 3600,
            new GtidState("ON", U1 + ":1-77", "", true, "", "", "", 0, false),
            new ReplicationStatus(key("db1.example.com", 3306), U1, "repl", ThreadState.OTHER,
                ThreadState.RUNNING, 2003,
                "error connecting to master 'repl@db1.example.com:3306' - retry-time: 60 retries: 3"
                    + " message: Can't connect to MySQL server on 'db1.example.com:3306' (111)",
                0, "", null, 0, BinlogCoordinates.binary("binlog.000004", 157),
                BinlogCoordinates.binary("binlog.000004", 157),
                BinlogCoordinates.relay("db5-relay-bin.000002", 367), true, "", U1 + ":70-77",
                U1 + ":1-77", false, false),
            List.of(),
            new SemiSync(true, false, true, 5000, 1, false, 0, false))),
        named("MySQL 8.4 master: SHOW BINARY LOG STATUS, SHOW REPLICAS, no semi-sync", new Expected(
            "mysql-8.4-master.txt", key("db10.example.com", 3306), 10, U84, "8.4.3", Flavor.MYSQL,
            "db10.example.com", false, false, true, true, "MINIMAL",
            BinlogCoordinates.binary("binlog.000031", 9876543210L), 42,
            new GtidState("ON", U84 + ":1-1000", U84 + ":1-10", true, "", "", "", 0, false),
            ReplicationStatus.NONE, List.of(key("db11.example.com", 3307)), SemiSync.NONE)),
        named("MySQL 8.4 replica: delayed, filtered, TLS, applier error, no binlog", new Expected(
            "mysql-8.4-replica.txt", key("db11.example.com", 3307), 11,
            "8b8b8b8b-0000-11ef-9e33-c80aa9429562", "8.4.3", Flavor.MYSQL, "db11.example.com",
            true, true, false, false, "FULL", BinlogCoordinates.EMPTY, 40,
            new GtidState("OFF", "", "", true, "", "", "", 0, false),
            new ReplicationStatus(key("db10.example.com", 3306), U84, "repl", ThreadState.RUNNING,
                ThreadState.STOPPED, 0, "", 1062,
                "Could not execute Write_rows event on table app.t; Duplicate entry '1' for key"
                    + " 't.PRIMARY'",
                null, 3600, BinlogCoordinates.binary("binlog.000031", 9876543210L),
                BinlogCoordinates.binary("binlog.000030", 120),
                BinlogCoordinates.relay("db11-relay-bin.000009", 4), false, "", "", "", true, true),
            List.of(), SemiSync.NONE)),
        named("MariaDB 10.11 master (captured)", new Expected(
            "mariadb-10.11-master.txt", key("127.0.0.1", 10211), 10211, "",
            "10.11.19-MariaDB-0+deb12u1-log", Flavor.MARIADB, "127.0.0.1", false, false, true, true,
            "FULL", BinlogCoordinates.binary("mysql-bin.000001", 1477), 1,
            new GtidState("ON", "", "", false, "0-10211-2", "0-10211-2", "", 0, true),
            ReplicationStatus.NONE,
            List.of(key("127.0.0.1", 10212), key("127.0.0.1", 10213), key("127.0.0.1", 10214)),
            new SemiSync(true, false, false, 10000, 1, false, 0, false))),
        named("MariaDB 10.11 replica (captured)", new Expected(
            "mariadb-10.11-replica.txt", key("127.0.0.1", 10212), 10212, "",
            "10.11.19-MariaDB-0+deb12u1-log", Flavor.MARIADB, "127.0.0.1", true, false, true, true,
            "FULL", BinlogCoordinates.binary("mysql-bin.000001", 1477), 1,
            new GtidState("ON", "", "", false, "0-10211-2", "0-10211-2", "0-10211-2", 0, true),
            new ReplicationStatus(key("127.0.0.1", 10211), "", "repl", ThreadState.RUNNING,
                ThreadState.RUNNING, 0, "", 0, "", 0L, 0,
                BinlogCoordinates.binary("mysql-bin.000001", 1477),
                BinlogCoordinates.binary("mysql-bin.000001", 1477),
                BinlogCoordinates.relay("relay-bin.000002", 1776), false, "Slave_Pos", "0-10211-2",
                "0-10211-2", false, false),
            List.of(), new SemiSync(true, false, false, 10000, 1, false, 0, false))));
  }

  private static Arguments named(String name, Expected e) {
    return Arguments.of(Named.of(name, e));
  }

  static InstanceKey key(String host, int port) {
    return new InstanceKey(host, port);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void parsesFixture(Expected e) {
    Instance i = InstanceParser.toInstance(e.key(), Fixtures.load(e.fixture()), NO_QUERIES);
    assertEquals(e.key(), i.key());
    assertEquals(e.serverId(), i.serverId());
    assertEquals(e.serverUuid(), i.serverUuid());
    assertEquals(e.version(), i.version());
    assertEquals(e.flavor(), i.flavor());
    assertEquals(e.reportedHostname(), i.reportedHostname());
    assertEquals(e.readOnly(), i.readOnly());
    assertEquals(e.superReadOnly(), i.superReadOnly());
    assertEquals(e.logBin(), i.logBinEnabled());
    assertEquals(e.logReplicationUpdates(), i.logReplicationUpdatesEnabled());
    assertEquals("ROW", i.binlogFormat());
    assertEquals(e.binlogRowImage(), i.binlogRowImage());
    assertEquals(e.self(), i.selfCoordinates());
    assertEquals(e.uptime(), i.uptimeSeconds());
    assertEquals(e.gtid(), i.gtid());
    assertEquals(e.replication(), i.replication());
    assertEquals(e.replicas(), i.replicas());
    assertEquals(e.semiSync(), i.semiSync());
    assertEquals(InstanceLabels.NONE, i.labels());
    assertEquals(List.of(), i.warnings());
  }

  // ---------------------------------------------------------------------------------------------
  // variants of the fixtures, one changed answer each

  static ServerAnswers replicaColumn(String fixture, String column, String value) {
    ServerAnswers a = Fixtures.load(fixture);
    List<Map<String, String>> rows = new ArrayList<>();
    for (Map<String, String> r : a.replicaStatus()) {
      Map<String, String> m = new LinkedHashMap<>(r);
      m.put(column, value);
      rows.add(m);
    }
    return new ServerAnswers(a.variables(), a.status(), rows, a.binlogStatus(), a.replicaHosts(),
        a.binlogDumpHosts(), a.custom(), a.warnings());
  }

  static ServerAnswers variables(String fixture, UnaryOperator<Map<String, String>> change) {
    ServerAnswers a = Fixtures.load(fixture);
    return new ServerAnswers(change.apply(new LinkedHashMap<>(a.variables())), a.status(),
        a.replicaStatus(), a.binlogStatus(), a.replicaHosts(), a.binlogDumpHosts(), a.custom(),
        a.warnings());
  }

  static ReplicationStatus replication(ServerAnswers a) {
    return InstanceParser.replication(a.replicaStatus(), a.variables());
  }

  @Test
  void negativeLagIsZeroAndNullIsNull() {
    assertEquals(0L, replication(replicaColumn("mysql-5.7-replica.txt", "Seconds_Behind_Master", "-5"))
        .secondsBehindMaster());
    assertEquals(0L, replication(replicaColumn("mysql-8.0-replica.txt", "Seconds_Behind_Source", "-1"))
        .secondsBehindMaster());
    assertNull(replication(replicaColumn("mariadb-10.11-replica.txt", "Seconds_Behind_Master", null))
        .secondsBehindMaster());
    assertEquals(7L, replication(replicaColumn("mariadb-10.11-replica.txt", "Seconds_Behind_Master", "7"))
        .secondsBehindMaster());
  }

  @Test
  void threadStates() {
    for (var c : List.of(Map.entry("Yes", ThreadState.RUNNING), Map.entry("No", ThreadState.STOPPED),
        Map.entry("Connecting", ThreadState.OTHER), Map.entry("Preparing", ThreadState.OTHER))) {
      ReplicationStatus r = replication(
          replicaColumn("mariadb-10.11-replica.txt", "Slave_IO_Running", c.getKey()));
      assertEquals(c.getValue(), r.ioThread(), c.getKey());
      ReplicationStatus s = replication(
          replicaColumn("mysql-8.0-replica.txt", "Replica_SQL_Running", c.getKey()));
      assertEquals(c.getValue(), s.sqlThread(), c.getKey());
    }
  }

  @Test
  void mariaDbGtidSlavePosColumnWinsOverTheVariable() {
    // SHOW ALL SLAVES STATUS has the column; SHOW SLAVE STATUS leaves it to the variable
    ReplicationStatus r = replication(
        replicaColumn("mariadb-10.11-replica.txt", "Gtid_Slave_Pos", "0-10211-9"));
    assertEquals("0-10211-9", r.executedGtidSet());
  }

  @Test
  void missingVariablesBlankNothingElse() {
    // a MariaDB without the strict-mode and semi-sync variables: everything else still parsed
    ServerAnswers a = variables("mariadb-10.11-replica.txt", v -> {
      v.remove("gtid_strict_mode");
      v.keySet().removeIf(k -> k.startsWith("rpl_semi_sync"));
      return v;
    });
    Instance i = InstanceParser.toInstance(key("127.0.0.1", 10212), a, NO_QUERIES);
    assertEquals(SemiSync.NONE, i.semiSync());
    assertFalse(i.gtid().mariaDbStrictMode());
    assertEquals("0-10211-2", i.gtid().mariaDbBinlogPos());
    assertEquals(10212, i.serverId());
    assertTrue(i.readOnly());
    assertEquals(key("127.0.0.1", 10211), i.masterKey());
  }

  @Test
  void mysqlWithoutGtidModeDoesNotSupportOracleGtid() {
    ServerAnswers a = variables("mysql-5.7-master.txt", v -> {
      v.remove("gtid_mode");
      return v;
    });
    GtidState g = InstanceParser.gtid(Flavor.MYSQL, a.variables());
    assertFalse(g.supportsOracleGtid());
    assertEquals("", g.gtidMode());
  }

  @Test
  void defaultChannelIsChosenAmongSeveral() {
    ServerAnswers a = Fixtures.load("mysql-8.0-replica.txt");
    Map<String, String> other = new LinkedHashMap<>(a.replicaStatus().get(0));
    other.put("Channel_Name", "analytics");
    other.put("Source_Host", "analytics.example.com");
    List<Map<String, String>> rows = List.of(other, a.replicaStatus().get(0));
    assertEquals(key("db1.example.com", 3306),
        InstanceParser.replication(rows, a.variables()).masterKey());
  }

  @Test
  void replicasFromTheProcesslistUseTheServersOwnPort() {
    assertEquals(List.of(key("10.0.0.5", 3307), key("10.0.0.6", 3307)),
        InstanceParser.replicas(List.of(), List.of("10.0.0.6", "10.0.0.5", "10.0.0.5", ""), 3307));
    // SHOW SLAVE HOSTS listing only hosts without report_host: the processlist decides
    assertEquals(List.of(key("10.0.0.5", 3306)), InstanceParser.replicas(
        List.of(Map.of("Server_id", "4", "Host", "", "Port", "3306")), List.of("10.0.0.5"), 3306));
    // SHOW SLAVE HOSTS wins when it lists somebody
    assertEquals(List.of(key("db2", 3306)), InstanceParser.replicas(
        List.of(Map.of("Host", "db2", "Port", "3306")), List.of("10.0.0.5"), 3306));
  }

  @Test
  void aServerIsNeverItsOwnReplica() {
    ServerAnswers base = Fixtures.load("mariadb-10.11-replica.txt");
    ServerAnswers a = new ServerAnswers(base.variables(), base.status(), base.replicaStatus(),
        base.binlogStatus(), List.of(), List.of("127.0.0.1", "10.0.0.9"), Map.of(), List.of());
    assertEquals(List.of(key("10.0.0.9", 10212)),
        InstanceParser.toInstance(key("127.0.0.1", 10212), a, NO_QUERIES).replicas());
  }

  @Test
  void mysql8SemiSyncWithTheOldPluginNames() {
    // MySQL 8.0.26+ still accepts the old semisync_master/slave plugins: old names, 8.0 server
    Map<String, String> v = Map.of("version", "8.0.36", "rpl_semi_sync_master_enabled", "ON",
        "rpl_semi_sync_slave_enabled", "OFF", "rpl_semi_sync_master_timeout", "2000",
        "rpl_semi_sync_master_wait_for_slave_count", "3");
    Map<String, String> s = Map.of("rpl_semi_sync_master_status", "ON",
        "rpl_semi_sync_master_clients", "3");
    assertEquals(new SemiSync(true, true, false, 2000, 3, true, 3, false),
        InstanceParser.semiSync(v, s));
  }

  @Test
  void replicaWithOnlyTheReplicaPlugin() {
    Map<String, String> v = Map.of("rpl_semi_sync_replica_enabled", "ON");
    Map<String, String> s = Map.of("rpl_semi_sync_replica_status", "ON");
    assertEquals(new SemiSync(false, false, true, 0, 0, false, 0, true),
        InstanceParser.semiSync(v, s));
  }

  @Test
  void answersWarningsAreKept() {
    ServerAnswers a = Fixtures.load("mariadb-10.11-master.txt")
        .withWarnings(List.of("SHOW GLOBAL STATUS failed: error 1227"));
    Instance i = InstanceParser.toInstance(key("127.0.0.1", 10211), a, NO_QUERIES);
    assertEquals(List.of("SHOW GLOBAL STATUS failed: error 1227"), i.warnings());
  }

  // ---------------------------------------------------------------------------------------------
  // labels: custom queries and host-name patterns

  /** One labels case: answers and patterns in, labels and warnings out. */
  record LabelCase(String host, Map<CustomQuery, CustomAnswer> answers,
      Map<CustomQuery, Pattern> patterns, InstanceLabels expected, List<String> warnings) {}

  static Stream<Arguments> labelCases() {
    Pattern dc = Pattern.compile("^db\\d+\\.([a-z0-9-]+)\\.example\\.com$");
    Pattern env = Pattern.compile("-(prod|stage)-");
    return Stream.of(
        label("nothing configured", new LabelCase("db1", Map.of(), Map.of(), InstanceLabels.NONE,
            List.of())),
        label("all queries answer", new LabelCase("db1", answers(
            CustomQuery.INSTANCE_ALIAS, CustomAnswer.value("db-one"),
            CustomQuery.CLUSTER_ALIAS, CustomAnswer.value(" sandbox "),
            CustomQuery.CLUSTER_DOMAIN, CustomAnswer.value("sandbox.local"),
            CustomQuery.DATA_CENTER, CustomAnswer.value("dc1"),
            CustomQuery.REGION, CustomAnswer.value("eu"),
            CustomQuery.PHYSICAL_ENVIRONMENT, CustomAnswer.value("prod"),
            CustomQuery.PROMOTION_RULE, CustomAnswer.value(" Prefer "),
            CustomQuery.SEMI_SYNC_ENFORCED, CustomAnswer.value("2"),
            CustomQuery.REPLICATION_LAG, CustomAnswer.value("7")), Map.of(),
            new InstanceLabels("db-one", "sandbox", "sandbox.local", "dc1", "eu", "prod", "prefer",
                2, 7L), List.of())),
        label("pattern when no query", new LabelCase("db7.fra-1.example.com", Map.of(),
            Map.of(CustomQuery.DATA_CENTER, dc, CustomQuery.PHYSICAL_ENVIRONMENT, env),
            new InstanceLabels("", "", "", "fra-1", "", "", "", 0, null), List.of())),
        label("query wins over pattern", new LabelCase("db7.fra-1.example.com",
            answers(CustomQuery.DATA_CENTER, CustomAnswer.value("ams")),
            Map.of(CustomQuery.DATA_CENTER, dc),
            new InstanceLabels("", "", "", "ams", "", "", "", 0, null), List.of())),
        label("failed query: warning, pattern stands in", new LabelCase("db7.fra-1.example.com",
            answers(CustomQuery.DATA_CENTER, CustomAnswer.failed("error 1054 (42S22): Unknown column 'dc'")),
            Map.of(CustomQuery.DATA_CENTER, dc),
            new InstanceLabels("", "", "", "fra-1", "", "", "", 0, null),
            List.of("DetectDataCenterQuery failed: error 1054 (42S22): Unknown column 'dc'"))),
        label("no row: warning", new LabelCase("db1",
            answers(CustomQuery.CLUSTER_ALIAS, CustomAnswer.noRow()), Map.of(), InstanceLabels.NONE,
            List.of("DetectClusterAliasQuery returned no row"))),
        label("NULL value is empty", new LabelCase("db1",
            answers(CustomQuery.REGION, CustomAnswer.value(null)), Map.of(), InstanceLabels.NONE,
            List.of())),
        label("negative lag is 0, decimals truncated", new LabelCase("db1",
            answers(CustomQuery.REPLICATION_LAG, CustomAnswer.value("-3")), Map.of(),
            new InstanceLabels("", "", "", "", "", "", "", 0, 0L), List.of())),
        label("decimal lag", new LabelCase("db1",
            answers(CustomQuery.REPLICATION_LAG, CustomAnswer.value("1.9")), Map.of(),
            new InstanceLabels("", "", "", "", "", "", "", 0, 1L), List.of())),
        label("lag not a number: null and a warning", new LabelCase("db1",
            answers(CustomQuery.REPLICATION_LAG, CustomAnswer.value("soon")), Map.of(),
            InstanceLabels.NONE,
            List.of("ReplicationLagQuery returned 'soon', not a number of seconds"))),
        label("failed lag query: null (SBM is used)", new LabelCase("db1",
            answers(CustomQuery.REPLICATION_LAG, CustomAnswer.failed("no answer within 3s")),
            Map.of(), InstanceLabels.NONE,
            List.of("ReplicationLagQuery failed: no answer within 3s"))),
        label("unknown promotion rule", new LabelCase("db1",
            answers(CustomQuery.PROMOTION_RULE, CustomAnswer.value("always")), Map.of(),
            InstanceLabels.NONE, List.of("DetectPromotionRuleQuery returned 'always', not one of"
                + " must, prefer, neutral, prefer_not, must_not"))),
        label("semi-sync priority not a number", new LabelCase("db1",
            answers(CustomQuery.SEMI_SYNC_ENFORCED, CustomAnswer.value("yes")), Map.of(),
            InstanceLabels.NONE, List.of("DetectSemiSyncEnforcedQuery returned 'yes', not a"
                + " non-negative integer"))),
        label("pattern without a match", new LabelCase("localhost", Map.of(),
            Map.of(CustomQuery.DATA_CENTER, dc), InstanceLabels.NONE, List.of())));
  }

  private static Arguments label(String name, LabelCase c) {
    return Arguments.of(Named.of(name, c));
  }

  private static Map<CustomQuery, CustomAnswer> answers(Object... kv) {
    Map<CustomQuery, CustomAnswer> m = new EnumMap<>(CustomQuery.class);
    for (int i = 0; i < kv.length; i += 2) {
      m.put((CustomQuery) kv[i], (CustomAnswer) kv[i + 1]);
    }
    return m;
  }

  @ParameterizedTest
  @MethodSource("labelCases")
  void labels(LabelCase c) {
    List<String> warnings = new ArrayList<>();
    assertEquals(c.expected(), InstanceParser.labels(c.host(), c.answers(), c.patterns(), warnings));
    assertEquals(c.warnings(), warnings);
  }

  @Test
  void labelWarningsReachTheInstance() {
    ServerAnswers base = Fixtures.load("mariadb-10.11-replica.txt");
    ServerAnswers a = new ServerAnswers(base.variables(), base.status(), base.replicaStatus(),
        base.binlogStatus(), base.replicaHosts(), base.binlogDumpHosts(),
        answers(CustomQuery.CLUSTER_ALIAS, CustomAnswer.failed("error 1146 (42S02): Table 'meta.x' doesn't exist")),
        List.of());
    Instance i = InstanceParser.toInstance(key("127.0.0.1", 10212), a, NO_QUERIES);
    assertEquals(List.of("DetectClusterAliasQuery failed: error 1146 (42S02): Table 'meta.x' doesn't exist"),
        i.warnings());
    assertEquals("", i.labels().suggestedClusterAlias());
  }
}
