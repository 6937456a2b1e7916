package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** locate-gtid-errant: the binary logs whose transactions include errant ones. */
class ErrantBinlogsTest {

  static final String M = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  static final String R = "bbbbbbbb-71ca-11e1-9e33-c80aa9429562";

  static ErrantBinlogs.Binlog log(int n, String state) {
    return new ErrantBinlogs.Binlog(String.format("mysql-bin.%06d", n), state);
  }

  record MySql(String name, List<ErrantBinlogs.Binlog> logs, String now, String errant,
      List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<MySql> mysql() {
    List<ErrantBinlogs.Binlog> three = List.of(log(1, ""), log(2, M + ":1-50"),
        log(3, M + ":1-100,\n" + R + ":1-2"));
    return Stream.of(
        new MySql("errant in the middle log and in the last", three,
            M + ":1-100," + R + ":1-3", R + ":1-3", List.of("mysql-bin.000002", "mysql-bin.000003")),
        new MySql("only the last log's transaction", three, M + ":1-100," + R + ":1-3", R + ":3",
            List.of("mysql-bin.000003")),
        new MySql("errant purged from the logs: none found", List.of(log(7, M + ":1-100," + R
            + ":1-3")), M + ":1-120," + R + ":1-3", R + ":1-3", List.of()),
        new MySql("a single log holding everything", List.of(log(1, "")), M + ":1-9," + R + ":1",
            R + ":1", List.of("mysql-bin.000001")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mysql")
  void mysqlLogs(MySql c) {
    assertEquals(c.expected(), ErrantBinlogs.mysql(c.logs(), c.now(), GtidSet.parse(c.errant())));
  }

  record Maria(String name, List<ErrantBinlogs.Binlog> logs, String now,
      List<ErrantBinlogs.MariaDbErrant> errant, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Maria> mariaDb() {
    // replica 11032 of master 11031; the master is at 0-11031-5
    List<ErrantBinlogs.Binlog> logs = List.of(log(1, "[]"), log(2, "[0-11031-1]"),
        log(3, "[0-11031-1,0-11032-2]"), log(4, "[0-11031-5,0-11032-2]"));
    return Stream.of(
        new Maria("the log where the replica's own write went", logs, "0-11031-5,0-11032-2",
            List.of(new ErrantBinlogs.MariaDbErrant(0, 11032, 1)), List.of("mysql-bin.000002")),
        new Maria("a write the master's sequence already passed is not errant", logs,
            "0-11031-5,0-11032-2", List.of(new ErrantBinlogs.MariaDbErrant(0, 11032, 5)), List.of()),
        new Maria("written into the current log", List.of(log(1, "[0-11031-3]")),
            "0-11031-3,0-11032-4", List.of(new ErrantBinlogs.MariaDbErrant(0, 11032, 3)),
            List.of("mysql-bin.000001")),
        new Maria("another domain's writes do not count", List.of(log(1, "[]")), "1-11032-9",
            List.of(new ErrantBinlogs.MariaDbErrant(0, 11032, 0)), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mariaDb")
  void mariaDbLogs(Maria c) {
    assertEquals(c.expected(), ErrantBinlogs.mariaDb(c.logs(), c.now(), c.errant()));
  }

  @Test
  void errantRangesStartAtTheMastersSequence() {
    assertEquals(List.of(new ErrantBinlogs.MariaDbErrant(0, 11032, 5),
            new ErrantBinlogs.MariaDbErrant(1, 11032, 0)),
        ErrantBinlogs.mariaDbErrant(MariaDbGtidPosition.parse("0-11032-7,1-11032-2"),
            MariaDbGtidPosition.parse("0-11031-5")));
  }

  @Test
  void anUnreadableStateNamesItsLog() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ErrantBinlogs.mariaDb(List.of(log(3, "[garbage]")), "",
            List.of(new ErrantBinlogs.MariaDbErrant(0, 1, 0))));
    assertEquals("mysql-bin.000003: Invalid MariaDB GTID position 'garbage': bad entry garbage",
        e.getMessage());
  }
}
