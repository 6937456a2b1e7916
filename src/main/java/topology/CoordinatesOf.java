package topology;

/**
 * Binlog coordinates a plan refers to by whose they are, not by value: the executor reads them
 * from {@code server} when the step runs (after the plan stopped that server's replication), as
 * orchestrator re-reads an instance after STOP SLAVE. {@code observed} is the snapshot's value at
 * planning time, for the audit text and a sanity check (the fresh value is never smaller).
 */
public record CoordinatesOf(InstanceKey server, Which which, BinlogCoordinates observed) {

  public enum Which {
    /** The server's own binary log position (SHOW MASTER STATUS): SelfBinlogCoordinates. */
    SELF,
    /** Where its SQL thread is in its master's binary log: Relay_Master_Log_File:Exec_Master_Log_Pos. */
    EXEC
  }

  public CoordinatesOf {
    if (server == null || which == null) {
      throw new IllegalArgumentException("server and which are required");
    }
    observed = observed == null ? BinlogCoordinates.EMPTY : observed;
  }

  public static CoordinatesOf self(Instance i) {
    return new CoordinatesOf(i.key(), Which.SELF, i.selfCoordinates());
  }

  public static CoordinatesOf exec(Instance i) {
    return new CoordinatesOf(i.key(), Which.EXEC, i.replication().execCoordinates());
  }

  @Override
  public String toString() {
    return (which == Which.SELF ? "own binlog position of " : "exec position of ") + server
        + " (observed " + observed.displayString() + ")";
  }
}
