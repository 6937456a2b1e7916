package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static topology.ThreadState.NONE;
import static topology.ThreadState.OTHER;
import static topology.ThreadState.RUNNING;
import static topology.ThreadState.STOPPED;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import topology.ThreadState;

/** restart-replica-statements: threads stopped around the query and restored, per dialect. */
class RestartStatementsTest {

  static final Dialect MARIADB = Dialect.of("10.11.19-MariaDB-0+deb12u1-log", "Debian 12");
  static final Dialect MYSQL_57 = Dialect.of("5.7.44-log", "MySQL Community Server (GPL)");
  static final Dialect MYSQL_84 = Dialect.of("8.4.3", "MySQL Community Server - GPL");
  static final String Q = "set global rpl_semi_sync_slave_enabled=1";

  record Case(String name, Dialect dialect, ThreadState io, ThreadState sql, String query,
      List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("running: both stopped, IO first; both started, IO last", MARIADB, RUNNING,
            RUNNING, Q, List.of("STOP SLAVE IO_THREAD;", "STOP SLAVE SQL_THREAD;", Q + ";",
                "START SLAVE SQL_THREAD;", "START SLAVE IO_THREAD;")),
        new Case("MySQL 8.4 says REPLICA", MYSQL_84, RUNNING, RUNNING, Q,
            List.of("STOP REPLICA IO_THREAD;", "STOP REPLICA SQL_THREAD;", Q + ";",
                "START REPLICA SQL_THREAD;", "START REPLICA IO_THREAD;")),
        new Case("IO connecting counts as running", MYSQL_57, OTHER, RUNNING, Q,
            List.of("STOP SLAVE IO_THREAD;", "STOP SLAVE SQL_THREAD;", Q + ";",
                "START SLAVE SQL_THREAD;", "START SLAVE IO_THREAD;")),
        new Case("only the SQL thread runs: only it is stopped and started", MARIADB, STOPPED,
            RUNNING, Q, List.of("STOP SLAVE SQL_THREAD;", Q + ";", "START SLAVE SQL_THREAD;")),
        new Case("replication stopped: the query alone", MARIADB, STOPPED, STOPPED, Q,
            List.of(Q + ";")),
        new Case("not a replica: the query alone", MARIADB, NONE, NONE, Q, List.of(Q + ";")),
        new Case("trailing semicolons and blanks become one semicolon", MARIADB, STOPPED,
            STOPPED, "  select 1 ;; \n", List.of("select 1;")),
        new Case("no query: the stop/start pairs only", MARIADB, RUNNING, STOPPED, " ",
            List.of("STOP SLAVE IO_THREAD;", "START SLAVE IO_THREAD;")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void wrapsTheQuery(Case c) {
    assertEquals(c.expected(), RestartStatements.around(c.dialect(), c.io(), c.sql(), c.query()));
  }
}
