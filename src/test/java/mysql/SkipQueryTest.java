package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import topology.BinlogCoordinates;
import topology.InstanceKey;
import topology.ReplicationStatus;
import topology.ThreadState;

/** How skip-query skips, decided from the channel and the GTID variables. */
class SkipQueryTest {

  static final Dialect MARIADB = Dialect.of("10.11.19-MariaDB-0+deb12u1-log", "Debian 12");
  static final Dialect MYSQL_57 = Dialect.of("5.7.44-log", "MySQL Community Server (GPL)");
  static final Dialect MYSQL_80 = Dialect.of("8.0.36", "MySQL Community Server - GPL");
  static final Dialect MYSQL_84 = Dialect.of("8.4.3", "MySQL Community Server - GPL");
  static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  static final String OTHER_UUID = "bbbbbbbb-71ca-11e1-9e33-c80aa9429562";
  static final String DUP = "Could not execute Write_rows_v1 event on table app.t; Duplicate entry"
      + " '1' for key 'PRIMARY', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY; the"
      + " event's master log mysql-bin.000001, end_log_pos 1018, Gtid 0-11031-7, Internal MariaDB"
      + " error code: 1062";

  static ReplicationStatus channel(ThreadState sql, int errno, String error, String masterUuid,
      String retrieved, String executed, String usingGtid) {
    return new ReplicationStatus(new InstanceKey("127.0.0.1", 11031), masterUuid, "repl",
        ThreadState.RUNNING, sql, 0, "", errno, error, null, 0,
        BinlogCoordinates.binary("mysql-bin.000001", 1018),
        BinlogCoordinates.binary("mysql-bin.000001", 900),
        BinlogCoordinates.relay("relay-bin.000002", 4), !usingGtid.isEmpty() && !masterUuid.isEmpty(),
        masterUuid.isEmpty() ? usingGtid : "", retrieved, executed, false, false);
  }

  static ReplicationStatus broken(String masterUuid, String retrieved, String executed) {
    return channel(ThreadState.STOPPED, 1062, DUP, masterUuid, retrieved, executed, "Slave_Pos");
  }

  record Case(String name, Dialect dialect, ReplicationStatus channel, String gtidMode,
      String gtidSlavePos, SkipQuery.Plan expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static SkipQuery.Skip gtid(String g) {
    return new SkipQuery.Skip(List.of("SET GTID_NEXT = '" + g + "'", "BEGIN", "COMMIT"),
        "SET GTID_NEXT = 'AUTOMATIC'", "committed GTID " + g + " empty");
  }

  static Stream<Case> cases() {
    SkipQuery.Skip counter = new SkipQuery.Skip(List.of("SET GLOBAL sql_slave_skip_counter = 1"),
        null, "skipped one event group");
    return Stream.of(
        new Case("MariaDB GTID, one domain: skip counter", MARIADB, broken("", "", ""), "",
            "0-11031-6", counter),
        new Case("MariaDB by file and position: skip counter", MARIADB,
            channel(ThreadState.STOPPED, 1062, DUP, "", "", "", "No"), "", "0-11031-6,1-9-3",
            counter),
        new Case("MariaDB GTID, two domains: gtid_slave_pos past the failing GTID", MARIADB,
            broken("", "", ""), "", "0-11031-6,1-11040-3",
            new SkipQuery.Skip(List.of("SET GLOBAL gtid_slave_pos = '0-11031-7,1-11040-3'"), null,
                "set gtid_slave_pos past 0-11031-7 (0-11031-7,1-11040-3)")),
        new Case("MariaDB GTID, two domains, no GTID in the error: refused", MARIADB,
            channel(ThreadState.STOPPED, 1062, "Duplicate entry '1'", "", "", "", "Slave_Pos"), "",
            "0-11031-6,1-11040-3", new SkipQuery.Refused("MariaDB refuses sql_slave_skip_counter"
                + " with GTID replication of several domains (gtid_slave_pos 0-11031-6,1-11040-3),"
                + " and the SQL error names no GTID: set gtid_slave_pos past the failing"
                + " transaction by hand")),
        new Case("MySQL GTID: the first received, not executed GTID of the master", MYSQL_80,
            broken(UUID, UUID + ":1-12," + OTHER_UUID + ":1-3", UUID + ":1-9," + OTHER_UUID
                + ":1-3"), "ON", "", gtid(UUID + ":10")),
        new Case("MySQL GTID, nothing pending: the one after the last executed", MYSQL_84,
            broken(UUID, "", UUID + ":1-9:11"), "ON", "", gtid(UUID + ":12")),
        new Case("MySQL GTID without Master_UUID: refused", MYSQL_80, broken("", "", UUID + ":1-9"),
            "ON", "", new SkipQuery.Refused("cannot tell the GTID of the failing transaction"
                + " (Master_UUID unknown, Retrieved_Gtid_Set , Executed_Gtid_Set " + UUID
                + ":1-9)")),
        new Case("MySQL 5.7 without GTID: skip counter", MYSQL_57,
            broken(UUID, "", ""), "OFF", "", counter),
        new Case("MySQL 8.0.36 without GTID: the replica counter", MYSQL_80, broken(UUID, "", ""),
            "OFF", "", new SkipQuery.Skip(List.of("SET GLOBAL sql_replica_skip_counter = 1"), null,
                "skipped one event group")),
        new Case("not a replica: refused", MARIADB, ReplicationStatus.NONE, "", "",
            new SkipQuery.Refused("not a replica: nothing to skip")),
        new Case("SQL thread running: refused", MARIADB,
            channel(ThreadState.RUNNING, 0, "", "", "", "", "Slave_Pos"), "", "",
            new SkipQuery.Refused("the replication SQL thread is running: nothing to skip")),
        new Case("stopped without an error: refused", MARIADB,
            channel(ThreadState.STOPPED, 0, "", "", "", "", "Slave_Pos"), "", "",
            new SkipQuery.Refused("no SQL error: nothing to skip")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(Case c) {
    assertEquals(c.expected(), SkipQuery.plan(c.dialect(), c.channel(), c.gtidMode(),
        c.gtidSlavePos()));
  }
}
