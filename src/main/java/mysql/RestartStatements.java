package mysql;

import java.util.ArrayList;
import java.util.List;
import topology.ThreadState;

/**
 * {@code restart-replica-statements} (orchestrator's GetReplicationRestartPreserveStatements):
 * the statements that run a query with replication stopped and leave the replication threads
 * as they were — a thread that runs (or tries to: {@code Connecting}) is stopped before and
 * started after; a stopped one is left alone. The IO thread stops first and starts last, so
 * the SQL thread never waits on a half-stopped channel. Texts only; nothing runs here.
 */
public final class RestartStatements {

  private RestartStatements() {}

  /**
   * @param query the statement to run while replication is stopped (e.g.
   *     {@code set global rpl_semi_sync_slave_enabled=1}); blank: only the stop/start pairs
   */
  public static List<String> around(Dialect dialect, ThreadState io, ThreadState sql,
      String query) {
    boolean ioActive = active(io);
    boolean sqlActive = active(sql);
    List<String> out = new ArrayList<>();
    if (ioActive) {
      out.add(terminated(dialect.stopReplicaIoThread()));
    }
    if (sqlActive) {
      out.add(terminated(dialect.stopReplicaSqlThread()));
    }
    if (query != null && !terminated(query).equals(";")) {
      out.add(terminated(query));
    }
    if (sqlActive) {
      out.add(terminated(dialect.startReplicaSqlThread()));
    }
    if (ioActive) {
      out.add(terminated(dialect.startReplicaIoThread()));
    }
    return out;
  }

  private static boolean active(ThreadState t) {
    return t == ThreadState.RUNNING || t == ThreadState.OTHER;
  }

  /** orchestrator's SemicolonTerminated: trimmed, trailing semicolons replaced by one. */
  static String terminated(String statement) {
    String s = statement.trim();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).trim();
    }
    return s + ";";
  }
}
