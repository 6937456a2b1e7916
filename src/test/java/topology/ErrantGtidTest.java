package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static topology.Fixtures.NOW;
import static topology.Fixtures.key;
import static topology.Fixtures.replicating;
import static topology.Fixtures.seen;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ErrantGtidTest {

  static String uuid(int port) {
    return String.format("00000000-0000-0000-0000-%012d", port);
  }

  /** A MySQL 8.0 server with GTIDs, replicating from {@code masterPort} (0 = none). */
  static Instance mysql(int port, int masterPort, String executed) {
    Instance.Builder b = Instance.builder(key(port)).serverId(port).serverUuid(uuid(port))
        .version("8.0.36").flavor(Flavor.MYSQL).logBinEnabled(true)
        .logReplicationUpdatesEnabled(true)
        .gtid(new GtidState("ON", executed, "", true, "", "", "", 0, false));
    if (masterPort != 0) {
      ReplicationStatus r = replicating(masterPort);
      b.replication(new ReplicationStatus(r.masterKey(), uuid(masterPort), "repl", r.ioThread(),
          r.sqlThread(), 0, "", 0, "", 0L, 0, r.readCoordinates(), r.execCoordinates(),
          r.relayCoordinates(), true, "", "", executed, false, false));
    }
    return b.build();
  }

  /** A MariaDB 10.11 server, replicating from {@code masterPort} (0 = none). */
  static Instance mariaDb(int port, int masterPort, String binlogPos) {
    Instance.Builder b = Fixtures.server(port)
        .gtid(new GtidState("ON", "", "", false, binlogPos, binlogPos, "", 0, false));
    if (masterPort != 0) {
      b.replication(replicating(masterPort));
    }
    return b.build();
  }

  static Map<InstanceKey, Instance> reached(Instance... is) {
    Map<InstanceKey, Instance> m = new HashMap<>();
    for (Instance i : is) {
      m.put(i.key(), i);
    }
    return m;
  }

  record Case(String name, List<Instance> servers, int port, boolean coMaster, String errant) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String M = uuid(10111);
  static final String IM = uuid(10112);
  static final String R = uuid(10113);
  static final String X = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

  static Stream<Case> cases() {
    return Stream.of(
        // ---- MySQL ------------------------------------------------------------------------------
        new Case("MySQL: replica equal to its master",
            List.of(mysql(10111, 0, M + ":1-100"), mysql(10112, 10111, M + ":1-100")),
            10112, false, ""),
        new Case("MySQL: replica behind its master",
            List.of(mysql(10111, 0, M + ":1-100"), mysql(10112, 10111, M + ":1-90")),
            10112, false, ""),
        new Case("MySQL: replica ahead of a stale master probe (master's UUID ignored)",
            List.of(mysql(10111, 0, M + ":1-90"), mysql(10112, 10111, M + ":1-100")),
            10112, false, ""),
        new Case("MySQL: local writes under the replica's own UUID",
            List.of(mysql(10111, 0, M + ":1-100"),
                mysql(10112, 10111, M + ":1-100," + IM + ":1-2")),
            10112, false, IM + ":1-2"),
        new Case("MySQL: several UUIDs and intervals, ancestry ignored",
            List.of(mysql(10111, 0, M + ":1-100"),
                mysql(10112, 10111, M + ":1-90," + IM + ":1-3," + X + ":1-4"),
                mysql(10113, 10112, M + ":1-100," + IM + ":1-3:5," + X + ":1-10:20-25,"
                    + R + ":1-2:7")),
            10113, false, R + ":1-2:7," + X + ":5-10:20-25"),
        new Case("MySQL: co-master's own UUID is ignored",
            List.of(mysql(10111, 10112, M + ":1-100," + IM + ":1-5"),
                mysql(10112, 10111, M + ":1-100," + IM + ":1-9")),
            10112, true, ""),
        new Case("MySQL: master never reached",
            List.of(mysql(10112, 10111, M + ":1-100," + IM + ":1-2")), 10112, false, ""),
        new Case("MySQL: a master has no errant GTIDs",
            List.of(mysql(10111, 0, M + ":1-100," + X + ":1")), 10111, false, ""),
        new Case("MySQL: unreadable GTID text is no errant set",
            List.of(mysql(10111, 0, M + ":1-100"), mysql(10112, 10111, "garbage")),
            10112, false, ""),

        // ---- MariaDB ----------------------------------------------------------------------------
        new Case("MariaDB: own-server_id local write on a fresh sandbox",
            List.of(mariaDb(10111, 0, ""), mariaDb(10112, 10111, "0-10112-1")),
            10112, false, "0-10112-1"),
        new Case("MariaDB: own-server_id local write after replicating",
            List.of(mariaDb(10111, 0, "0-10111-5"), mariaDb(10112, 10111, "0-10112-6")),
            10112, false, "0-10112-6"),
        new Case("MariaDB: replica merely behind the master",
            List.of(mariaDb(10111, 0, "0-10111-9"), mariaDb(10112, 10111, "0-10111-5")),
            10112, false, ""),
        new Case("MariaDB: replica ahead of a stale master probe under the master's server_id",
            List.of(mariaDb(10111, 0, "0-10111-5"), mariaDb(10112, 10111, "0-10111-7")),
            10112, false, ""),
        new Case("MariaDB: multi-domain, own writes beyond the master and in a domain it lacks",
            List.of(mariaDb(10111, 0, "0-10111-9,1-10113-4"),
                mariaDb(10112, 10111, "0-10111-9,1-10112-5,2-10112-1")),
            10112, false, "1-10112-5,2-10112-1"),
        new Case("MariaDB: multi-domain, behind in every domain",
            List.of(mariaDb(10111, 0, "0-10111-9,1-10113-4"),
                mariaDb(10112, 10111, "0-10111-8,1-10113-3")),
            10112, false, ""),
        new Case("MariaDB: server_id absent from the master's history, beyond it",
            List.of(mariaDb(10111, 0, "0-10111-9"), mariaDb(10112, 10111, "0-999-12")),
            10112, false, "0-999-12"),
        new Case("MariaDB: server_id absent from the master's history, behind it",
            List.of(mariaDb(10111, 0, "0-10111-9"), mariaDb(10112, 10111, "0-999-3")),
            10112, false, ""),
        new Case("MariaDB: an ancestor's server_id is not errant",
            List.of(mariaDb(10111, 0, "0-10111-12"), mariaDb(10112, 10111, "0-10112-11"),
                mariaDb(10113, 10112, "0-10111-12")),
            10113, false, ""),
        new Case("MariaDB: co-master's own writes are not errant",
            List.of(mariaDb(10111, 10112, "0-10111-5"), mariaDb(10112, 10111, "0-10112-6")),
            10112, true, ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void errantGtid(Case c) {
    Map<InstanceKey, Instance> reached = reached(c.servers().toArray(Instance[]::new));
    assertEquals(c.errant(), ErrantGtid.of(reached.get(key(c.port())), reached, c.coMaster()));
  }

  @Test
  void mysqlRuleDirectly() {
    GtidSet errant = ErrantGtid.mysql(GtidSet.parse(M + ":1-10," + IM + ":1-3," + R + ":4"),
        GtidSet.parse(M + ":1-5," + IM + ":1-2"), List.of(M));
    assertEquals(IM + ":3," + R + ":4", errant.toString());
  }

  @Test
  void mariaDbRuleDirectly() {
    MariaDbGtidPosition errant = ErrantGtid.mariaDb(
        MariaDbGtidPosition.parse("0-10111-9,1-10112-5"), 10112,
        MariaDbGtidPosition.parse("0-10111-9,1-10111-2"), Set.of(10111L), false);
    assertEquals("1-10112-5", errant.toString());
  }

  @Test
  void assemblerFillsGtidErrantAndTheProblem() {
    Instance master = mariaDb(10111, 0, "0-10111-5").toBuilder().readOnly(false)
        .replicas(List.of(key(10112), key(10113))).build();
    TopologySnapshot s = TopologyAssembler.assemble(List.of(seen(master),
            seen(mariaDb(10112, 10111, "0-10112-6")), seen(mariaDb(10113, 10111, "0-10111-5"))),
        Set.of(), AliasRules.NONE, Thresholds.DEFAULTS, NOW);
    InstanceView bad = s.instance(key(10112)).orElseThrow();
    assertEquals("0-10112-6", bad.gtidErrant());
    assertTrue(bad.problems().contains("errant_gtid"));
    assertEquals("", s.instance(key(10113)).orElseThrow().gtidErrant());
    assertEquals("", s.instance(key(10111)).orElseThrow().gtidErrant());
  }
}
