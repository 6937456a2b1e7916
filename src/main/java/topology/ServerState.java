package topology;

/**
 * What the topology history follows of one server: reachability and the few facts whose change
 * is worth an entry (master, read_only, replication threads and their errors, version, whether
 * the lag is above the reasonable lag). Built from every observation — a handful of references,
 * compared with the last one by {@link ChangeDetector} — so that the history is written only
 * when one of them changes.
 *
 * @param known facts were observed at least once (false: discovered, never reached)
 * @param failure why the last probe failed ("" while reachable)
 * @param master {@link InstanceKey#NONE} when the server replicates from nobody
 * @param lagSeconds the lag the last probe read, minus SQL_Delay (null: unknown, or not a replica)
 * @param lagAboveThreshold null while unknown (not a replica, never read since a restart)
 */
public record ServerState(boolean known, boolean reachable, String failure, InstanceKey master,
    boolean readOnly, ThreadState ioThread, ThreadState sqlThread, int ioErrno, String ioError,
    int sqlErrno, String sqlError, String version, Long lagSeconds, Boolean lagAboveThreshold) {

  public ServerState {
    failure = failure == null ? "" : failure;
    master = master == null ? InstanceKey.NONE : master;
    ioThread = ioThread == null ? ThreadState.NONE : ioThread;
    sqlThread = sqlThread == null ? ThreadState.NONE : sqlThread;
    ioError = ioError == null ? "" : ioError;
    sqlError = sqlError == null ? "" : sqlError;
    version = version == null ? "" : version;
  }

  /** A server discovered but never reached. */
  public static ServerState neverReached(String failure) {
    return new ServerState(false, false, failure, InstanceKey.NONE, false, ThreadState.NONE,
        ThreadState.NONE, 0, "", 0, "", "", null, null);
  }

  /**
   * A server as a successful probe found it. Lag above the reasonable lag
   * ({@code thresholdSeconds}) is judged with hysteresis: once above, it is back under only at
   * half of it, so that a lag hovering around the threshold does not write an entry per probe.
   * An unknown lag (SQL thread stopped) keeps the previous judgement.
   */
  public static ServerState reached(Instance i, ServerState previous, long thresholdSeconds) {
    ReplicationStatus r = i.replication();
    boolean replica = i.isReplica();
    Long lag = null;
    Boolean above = null;
    if (replica) {
      Long raw = i.replicationLagSeconds();
      lag = raw == null ? null : Math.abs(raw - r.sqlDelay());
      Boolean was = previous == null ? null : previous.lagAboveThreshold();
      if (lag == null) {
        above = was;
      } else if (Boolean.TRUE.equals(was)) {
        above = lag > thresholdSeconds / 2;
      } else {
        above = lag > thresholdSeconds;
      }
    }
    return new ServerState(true, true, "", replica ? i.masterKey() : InstanceKey.NONE,
        i.readOnly(), replica ? r.ioThread() : ThreadState.NONE,
        replica ? r.sqlThread() : ThreadState.NONE, replica ? r.lastIoErrno() : 0,
        replica ? r.lastIoError() : "", replica ? r.lastSqlErrno() : 0,
        replica ? r.lastSqlError() : "", i.version(), lag, above);
  }

  /** The same server after a failed probe: its facts stay as last seen. */
  public ServerState unreachable(String why) {
    return new ServerState(known, false, why, master, readOnly, ioThread, sqlThread, ioErrno,
        ioError, sqlErrno, sqlError, version, lagSeconds, lagAboveThreshold);
  }

  /** A restarted node's starting point: the last persisted facts, lag not known yet. */
  public static ServerState restored(Instance i, boolean reachable) {
    ServerState s = reached(i, null, Long.MAX_VALUE);
    return new ServerState(true, reachable, "", s.master(), s.readOnly(), s.ioThread(),
        s.sqlThread(), s.ioErrno(), s.ioError(), s.sqlErrno(), s.sqlError(), s.version(), null,
        null);
  }

  public boolean replica() {
    return master.isValid();
  }

  public boolean replicating() {
    return ioThread == ThreadState.RUNNING && sqlThread == ThreadState.RUNNING;
  }
}
