package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static topology.Fixtures.key;
import static topology.Topo.Kind.MARIADB;
import static topology.Topo.Kind.MYSQL_FILE;
import static topology.Topo.Kind.MYSQL_GTID;
import static topology.Topo.master;
import static topology.Topo.replica;
import static topology.Topo.view;
import static topology.Topo.with;
import static topology.Topo.withChannel;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReplicationRulesTest {

  static final String R = "127.0.0.1:10112 cannot replicate from 127.0.0.1:10113: ";

  /** A replica, its candidate master, and the expected reason ("" = allowed). */
  record Case(String name, InstanceView replica, InstanceView master, MoveSettings settings,
      String reason) {
    Case(String name, Instance replica, Instance master, String reason) {
      this(name, view(replica), view(master), MoveSettings.DEFAULTS, reason);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Instance r12(Topo.Kind k) {
    return replica(k, 10112, 10111);
  }

  static Instance r13(Topo.Kind k) {
    return replica(k, 10113, 10111);
  }

  static Stream<Case> canReplicateFrom() {
    return Stream.of(
        // ---- allowed ----------------------------------------------------------------------------
        new Case("MariaDB siblings", r12(MARIADB), r13(MARIADB), ""),
        new Case("MySQL siblings", r12(MYSQL_GTID), r13(MYSQL_GTID), ""),
        new Case("a master without log_slave_updates may take replicas",
            replica(MARIADB, 10112, 10113),
            with(master(MARIADB, 10113), b -> b.logReplicationUpdatesEnabled(false)), ""),
        new Case("newer major version below older",
            with(r12(MYSQL_GTID), b -> b.version("8.4.2")), r13(MYSQL_GTID), ""),
        new Case("MariaDB 11.4 below MariaDB 10.11",
            with(r12(MARIADB), b -> b.version("11.4.3-MariaDB")), r13(MARIADB), ""),
        new Case("MariaDB below MySQL (MariaDB reads MySQL binary logs)",
            r12(MARIADB), r13(MYSQL_FILE), ""),
        new Case("ROW replica below STATEMENT master",
            r12(MARIADB), with(r13(MARIADB), b -> b.binlogFormat("STATEMENT")), ""),
        new Case("STATEMENT replica without log_slave_updates below ROW (nothing to relay)",
            with(r12(MARIADB), b -> b.binlogFormat("STATEMENT")
                .logReplicationUpdatesEnabled(false)), r13(MARIADB), ""),
        new Case("both with replication filters",
            withChannel(r12(MARIADB), Topo::filters), withChannel(r13(MARIADB), Topo::filters),
            ""),
        new Case("filters not verified when switched off",
            view(r12(MARIADB)), view(withChannel(r13(MARIADB), Topo::filters)),
            MoveSettings.DEFAULTS.withVerifyReplicationFilters(false), ""),
        new Case("MariaDB servers have no server_uuid", r12(MARIADB), r13(MARIADB), ""),

        // ---- refused, one case per reason -------------------------------------------------------
        new Case("onto itself", r12(MARIADB), r12(MARIADB),
            "127.0.0.1:10112 cannot replicate from 127.0.0.1:10112: a server cannot replicate"
                + " from itself"),
        new Case("unreachable master", view(r12(MARIADB)), view(r13(MARIADB), false, false),
            MoveSettings.DEFAULTS, R + "127.0.0.1:10113 is not reachable (last check invalid)"),
        new Case("master not recently checked", view(r12(MARIADB)),
            view(r13(MARIADB), true, false), MoveSettings.DEFAULTS,
            R + "127.0.0.1:10113 was not recently checked"),
        new Case("no log_bin on the master", r12(MARIADB),
            with(r13(MARIADB), b -> b.logBinEnabled(false)),
            R + "127.0.0.1:10113 has no binary log (log_bin=OFF)"),
        new Case("no log_slave_updates on an intermediate master", r12(MARIADB),
            with(r13(MARIADB), b -> b.logReplicationUpdatesEnabled(false)),
            R + "127.0.0.1:10113 is itself a replica and does not log what it replicates"
                + " (log_slave_updates=OFF)"),
        new Case("unknown version", r12(MARIADB),
            with(r13(MARIADB), b -> b.version("").flavor(Flavor.UNKNOWN)),
            R + "the version of 127.0.0.1:10113 is unknown"),
        new Case("MySQL below MariaDB (mixed flavours)", r12(MYSQL_GTID), r13(MARIADB),
            R + "MySQL cannot replicate from MariaDB (127.0.0.1:10112 is MySQL 8.0,"
                + " 127.0.0.1:10113 is MariaDB 10.11)"),
        new Case("smaller major version (MySQL 5.7 below 8.0)",
            with(r12(MYSQL_GTID), b -> b.version("5.7.26-log")), r13(MYSQL_GTID),
            R + "127.0.0.1:10112 has version 5.7.26-log, which is lower than 8.0.36 on"
                + " 127.0.0.1:10113"),
        new Case("smaller major version (MariaDB 10.6 below 10.11, not compared as 10.6 > 10.11)",
            with(r12(MARIADB), b -> b.version("10.6.18-MariaDB")), r13(MARIADB),
            R + "127.0.0.1:10112 has version 10.6.18-MariaDB, which is lower than"
                + " 10.11.19-MariaDB-0+deb12u1-log on 127.0.0.1:10113"),
        new Case("STATEMENT replica below ROW master",
            with(r12(MARIADB), b -> b.binlogFormat("STATEMENT")), r13(MARIADB),
            R + "cannot replicate from ROW binlog format on 127.0.0.1:10113 to STATEMENT on"
                + " 127.0.0.1:10112"),
        new Case("STATEMENT replica below MIXED master",
            with(r12(MARIADB), b -> b.binlogFormat("STATEMENT")),
            with(r13(MARIADB), b -> b.binlogFormat("MIXED")),
            R + "cannot replicate from MIXED binlog format on 127.0.0.1:10113 to STATEMENT on"
                + " 127.0.0.1:10112"),
        new Case("MIXED replica below ROW master",
            with(r12(MARIADB), b -> b.binlogFormat("MIXED")), r13(MARIADB),
            R + "cannot replicate from ROW binlog format on 127.0.0.1:10113 to MIXED on"
                + " 127.0.0.1:10112"),
        new Case("replication filters on the master only", r12(MARIADB),
            withChannel(r13(MARIADB), Topo::filters),
            R + "127.0.0.1:10113 has replication filters and 127.0.0.1:10112 has none"),
        new Case("same server_id", r12(MARIADB), with(r13(MARIADB), b -> b.serverId(10112)),
            R + "identical server id: 127.0.0.1:10113, 127.0.0.1:10112 both have 10112"),
        new Case("same server_uuid (MySQL)", r12(MYSQL_GTID),
            with(r13(MYSQL_GTID), b -> b.serverUuid(Topo.uuid(10112))),
            R + "identical server UUID: 127.0.0.1:10113, 127.0.0.1:10112 both have "
                + Topo.uuid(10112)),
        new Case("master delayed more than the replica", r12(MARIADB),
            withChannel(r13(MARIADB), c -> Topo.threads(c, ThreadState.RUNNING,
                ThreadState.RUNNING, 3600L, 3600)),
            R + "127.0.0.1:10113 has higher SQL_Delay (3600 seconds) than 127.0.0.1:10112 does"
                + " (0 seconds)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("canReplicateFrom")
  void canReplicateFrom(Case c) {
    Verdict v = ReplicationRules.canReplicateFrom(c.replica(), c.master(), c.settings());
    assertEquals(c.reason(), v.reason(), c.name());
    assertEquals(c.reason().isEmpty(), v.allowed(), c.name());
    assertFalse(v.reason().contains("\"") || v.reason().contains("\\"), "scripts grep it");
  }

  record Move(String name, InstanceView view, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Move> canMove() {
    Instance r = r12(MARIADB);
    return Stream.of(
        new Move("running, no lag", view(r), ""),
        new Move("delayed replica as far behind as it is delayed", view(withChannel(r,
            c -> Topo.threads(c, ThreadState.RUNNING, ThreadState.RUNNING, 3600L, 3600))), ""),
        new Move("last check invalid", view(r, false, false),
            "127.0.0.1:10112: last check invalid"),
        new Move("not recently checked", view(r, true, false),
            "127.0.0.1:10112: not recently checked"),
        new Move("SQL thread stopped", view(withChannel(r, c -> Topo.threads(c,
            ThreadState.RUNNING, ThreadState.STOPPED, 0L, 0))),
            "127.0.0.1:10112: instance is not replicating"),
        new Move("IO thread connecting", view(withChannel(r, c -> Topo.threads(c,
            ThreadState.OTHER, ThreadState.RUNNING, 0L, 0))),
            "127.0.0.1:10112: instance is not replicating"),
        new Move("lag unknown", view(withChannel(r, c -> Topo.threads(c, ThreadState.RUNNING,
            ThreadState.RUNNING, null, 0))), "127.0.0.1:10112: cannot determine slave lag"),
        new Move("lags too much", view(withChannel(r, c -> Topo.threads(c, ThreadState.RUNNING,
            ThreadState.RUNNING, 21L, 0))), "127.0.0.1:10112: lags too much"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("canMove")
  void canMoveByBinlogCoordinates(Move m) {
    assertEquals(m.reason(), ReplicationRules.canMove(m.view(), MoveSettings.DEFAULTS).reason());
  }

  record Structure(String name, TopologySnapshot snapshot, int replica, int target,
      String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Structure> structure() {
    TopologySnapshot chain = Topo.chain(MARIADB);
    TopologySnapshot co = Topo.coMasters(MARIADB);
    return Stream.of(
        new Structure("onto itself", chain, 10112, 10112,
            "cannot move 127.0.0.1:10112 below itself"),
        new Structure("below its own replica (cycle)", chain, 10112, 10113,
            "cannot move 127.0.0.1:10112 below 127.0.0.1:10113: 127.0.0.1:10113 is a"
                + " descendant of 127.0.0.1:10112 (that would make a cycle; take-master on"
                + " 127.0.0.1:10113 swaps them)"),
        new Structure("the top master below a grandchild (cycle)", chain, 10111, 10113,
            "cannot move 127.0.0.1:10111 below 127.0.0.1:10113: 127.0.0.1:10113 is a"
                + " descendant of 127.0.0.1:10111 (that would make a cycle)"),
        new Structure("below its uncle", chain, 10113, 10114, ""),
        new Structure("below its master's master", chain, 10113, 10111, ""),
        new Structure("a co-master below its own co-master (already its master)", co, 10112,
            10111, ""),
        new Structure("a co-master below the other co-master's replica (cycle)", co, 10112,
            10113, "cannot move 127.0.0.1:10112 below 127.0.0.1:10113: 127.0.0.1:10113 is a"
                + " descendant of 127.0.0.1:10112 (that would make a cycle)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structure")
  void structureRules(Structure c) {
    assertEquals(c.reason(),
        ReplicationRules.canMoveBelow(c.snapshot(), key(c.replica()), key(c.target())).reason());
  }

  @Test
  void descendants() {
    TopologySnapshot chain = Topo.chain(MARIADB);
    assertTrue(ReplicationRules.isDescendant(chain, key(10113), key(10111)));
    assertTrue(ReplicationRules.isDescendant(chain, key(10113), key(10112)));
    assertFalse(ReplicationRules.isDescendant(chain, key(10111), key(10113)));
    assertFalse(ReplicationRules.isDescendant(chain, key(10114), key(10112)), "a cousin");
    assertFalse(ReplicationRules.isDescendant(chain, key(10112), key(10112)), "not itself");
    assertFalse(ReplicationRules.isDescendant(chain, key(10119), key(10111)), "unknown");
    TopologySnapshot co = Topo.coMasters(MARIADB);
    assertTrue(ReplicationRules.isDescendant(co, key(10111), key(10112)), "ring");
    assertTrue(ReplicationRules.isDescendant(co, key(10112), key(10111)), "ring");
    assertTrue(ReplicationRules.isDescendant(co, key(10114), key(10111)), "through the ring");
    assertFalse(ReplicationRules.isDescendant(co, key(10111), key(10111)), "ring, not itself");
  }

  @Test
  void versionsAndFormats() {
    assertTrue(ReplicationRules.compareMajorVersions("10.11", "10.6") > 0, "numeric, not text");
    assertTrue(ReplicationRules.compareMajorVersions("5.7", "8.0") < 0);
    assertEquals(0, ReplicationRules.compareMajorVersions("8.0", "8.0"));
    assertTrue(ReplicationRules.isSmallerBinlogFormat("STATEMENT", "ROW"));
    assertTrue(ReplicationRules.isSmallerBinlogFormat("statement", "mixed"));
    assertFalse(ReplicationRules.isSmallerBinlogFormat("ROW", "STATEMENT"));
    assertFalse(ReplicationRules.isSmallerBinlogFormat("ROW", "ROW"));
  }

  @Test
  void gtidKinds() {
    StringBuilder why = new StringBuilder();
    assertEquals(ReplicationRules.GtidKind.MARIADB,
        ReplicationRules.gtidKind(r12(MARIADB), r13(MARIADB), why).orElseThrow());
    assertEquals(ReplicationRules.GtidKind.MYSQL,
        ReplicationRules.gtidKind(r12(MYSQL_GTID), r13(MYSQL_GTID), why).orElseThrow());
    assertFalse(ReplicationRules.gtidKind(r12(MYSQL_GTID), r13(MYSQL_FILE), why).isPresent());
    assertEquals("no GTID on 127.0.0.1:10113 (gtid_mode=OFF)", why.toString());
    why.setLength(0);
    assertFalse(ReplicationRules.gtidKind(r12(MARIADB), r13(MYSQL_GTID), why).isPresent());
    assertEquals("GTID cannot be used between MariaDB 127.0.0.1:10112 and MySQL"
        + " 127.0.0.1:10113", why.toString());
    why.setLength(0);
    Instance purged = with(r13(MYSQL_GTID), b -> b.gtid(new GtidState("ON",
        Topo.uuid(10111) + ":1-200", Topo.uuid(10111) + ":1-150", true, "", "", "", 0, false)));
    assertFalse(ReplicationRules.gtidKind(r12(MYSQL_GTID), purged, why).isPresent());
    assertEquals("Instance 127.0.0.1:10113 has purged GTID entries not found on 127.0.0.1:10112",
        why.toString());
  }
}
