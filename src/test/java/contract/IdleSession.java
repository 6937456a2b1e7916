package contract;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client session on the master running {@code SELECT SLEEP(60)}, for kill-query to aim at
 * (orcha refuses to "kill" the query of an idle session): the kill ends the sleep early.
 */
final class IdleSession {

  private static Connection open;
  private static CompletableFuture<Void> sleeping;

  private IdleSession() {}

  /** Opens the session, starts the sleep and returns the session's process id. */
  static long openSleeping(LiveApi api) throws SQLException {
    close();
    open = DriverManager.getConnection("jdbc:mysql://" + api.var("H") + ":" + api.var("M")
        + "/?connectTimeout=2000&socketTimeout=90000", "orcha", "orcha");
    long id;
    try (Statement st = open.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
      rs.next();
      id = rs.getLong(1);
    }
    Connection c = open;
    sleeping = CompletableFuture.runAsync(() -> {
      try (Statement st = c.createStatement()) {
        st.execute("SELECT SLEEP(60)");
      } catch (SQLException e) {
        // "Query execution was interrupted": what the kill is for
      }
    });
    testkit.Eventually.await("SELECT SLEEP running in session " + id, java.time.Duration.ofSeconds(10),
        () -> running(api, id), r -> r);
    return id;
  }

  private static boolean running(LiveApi api, long id) {
    return api.sandbox.sql(api.port("M"), "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
        + " WHERE ID = " + id + " AND INFO LIKE 'SELECT SLEEP%'").equals("1");
  }

  /** The sleep ended (the kill reached it) well before its 60 s. */
  static boolean sleepEnded() throws Exception {
    sleeping.get(20, TimeUnit.SECONDS);
    return true;
  }

  static void close() throws SQLException {
    if (open != null) {
      open.close();
      open = null;
    }
  }
}
