package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static topology.Fleet.mariaDb;
import static topology.Fleet.mysql;
import static topology.Fleet.snapshot;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReplicaProgressTest {

  static final String U = Fleet.uuid(10111);

  /** Two replicas of 10111: how the first's reception compares with the second's. */
  record Case(String name, Fleet.Server a, Fleet.Server b, ReplicaProgress.Order order,
      String missing, boolean aCaughtUp) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Fleet.Server maria(int port, String received, String executed) {
    return mariaDb(port).replicaOf(10111).gtid(received, executed);
  }

  static Fleet.Server my(int port, String received, String executed) {
    return mysql(port).replicaOf(10111).gtid(received, executed);
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("MariaDB: Gtid_IO_Pos ahead", maria(10112, "0-10111-57", "0-10111-50"),
            maria(10113, "0-10111-55", "0-10111-55"), ReplicaProgress.Order.AHEAD, "", false),
        new Case("MariaDB: behind by two, named", maria(10112, "0-10111-55", "0-10111-55"),
            maria(10113, "0-10111-57", "0-10111-57"), ReplicaProgress.Order.BEHIND,
            "2 transactions (0-10111-56..57)", true),
        new Case("MariaDB: equal", maria(10112, "0-10111-57", "0-10111-57"),
            maria(10113, "0-10111-57", "0-10111-56"), ReplicaProgress.Order.EQUAL, "", true),
        new Case("MariaDB: domains disagree", maria(10112, "0-10111-57,1-10111-2", ""),
            maria(10113, "0-10111-56,1-10111-3", ""), ReplicaProgress.Order.INCOMPARABLE,
            "1 transaction (1-10111-3)", false),
        new Case("MariaDB: a domain only one has", maria(10112, "0-10111-57", "0-10111-57"),
            maria(10113, "0-10111-57,2-10111-1", "0-10111-57,2-10111-1"),
            ReplicaProgress.Order.BEHIND, "1 transaction (2-10111-1)", true),
        new Case("MySQL: Retrieved_Gtid_Set counts", my(10112, U + ":1-57", U + ":1-50"),
            my(10113, U + ":1-56", U + ":1-56"), ReplicaProgress.Order.AHEAD, "", false),
        new Case("MySQL: a gap is missing", my(10112, U + ":1-54:56-57", U + ":1-54:56-57"),
            my(10113, U + ":1-56", U + ":1-56"), ReplicaProgress.Order.INCOMPARABLE,
            "1 transaction (" + U + ":55)", true),
        new Case("coordinates: read position", mysql(10112).replicaOf(10111).noGtid()
            .coords("mysql-bin.000002:100", "mysql-bin.000001:900"),
            mysql(10113).replicaOf(10111).noGtid().coords("mysql-bin.000001:5000"),
            ReplicaProgress.Order.AHEAD, "", false),
        new Case("coordinates: behind, the stretch named", mysql(10112).replicaOf(10111)
            .noGtid().coords("mysql-bin.000001:4000"),
            mysql(10113).replicaOf(10111).noGtid().coords("mysql-bin.000001:5000"),
            ReplicaProgress.Order.BEHIND,
            "the master's binary log from mysql-bin.000001:4000 to mysql-bin.000001:5000", true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compares(Case c) {
    Fleet.Server master = c.a().flavor.isMariaDb() ? mariaDb(10111) : mysql(10111);
    TopologySnapshot s = snapshot(master.writable(), c.a(), c.b());
    ReplicaProgress a = ReplicaProgress.of(s.instance(c.a().key()).orElseThrow());
    ReplicaProgress b = ReplicaProgress.of(s.instance(c.b().key()).orElseThrow());
    assertEquals(c.order(), a.compareReceived(b));
    assertEquals(c.missing(), a.missing(b));
    assertEquals(c.aCaughtUp(), a.sqlThreadCaughtUp());
  }
}
