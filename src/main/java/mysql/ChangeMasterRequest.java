package mysql;

import mysql.Dialect.Positioning;
import mysql.Dialect.SourceTls;
import topology.BinlogCoordinates;
import topology.InstanceKey;

/**
 * Where {@link Operations#changeMaster} points a server, and how.
 *
 * @param master the new master (host as the replica should connect to it)
 * @param positioning GTID (MariaDB {@code MASTER_USE_GTID=slave_pos}, or current_pos when asked;
 *     MySQL auto-position), file/position of the new master's binlog, or unchanged
 * @param threadsAfter what the replication threads do afterwards
 * @param credentials replication account to set; null keeps the channel's own (a server without a
 *     channel then takes them from {@link OperationSettings})
 * @param connectRetrySeconds MASTER_CONNECT_RETRY; null keeps the server's value
 * @param heartbeatPeriodSeconds MASTER_HEARTBEAT_PERIOD; null keeps the server's value
 * @param tls TLS options to set on the channel (e.g. copied from a sibling's
 *     {@link ReplicationChannel#tls()}); null keeps the channel's own
 */
public record ChangeMasterRequest(
    InstanceKey master,
    Positioning positioning,
    ThreadsAfter threadsAfter,
    Credentials credentials,
    Integer connectRetrySeconds,
    Double heartbeatPeriodSeconds,
    SourceTls tls) {

  /** The replication threads after the change (CHANGE MASTER needs them stopped). */
  public enum ThreadsAfter {
    /** each thread as it was before: a running replica runs again, a stopped one stays stopped */
    RESTORE,
    /** start both threads and wait until both run */
    START,
    /** leave replication stopped */
    LEAVE_STOPPED
  }

  /** A replication account. {@link #toString()} masks the password. */
  public record Credentials(String user, String password) {
    public Credentials {
      if (user == null || user.isBlank()) {
        throw new IllegalArgumentException("replication user must not be empty");
      }
      password = password == null ? "" : password;
    }

    @Override
    public String toString() {
      return "Credentials[user=" + user + ", password=*****]";
    }
  }

  public ChangeMasterRequest {
    if (master == null || !master.isValid()) {
      throw new IllegalArgumentException("master must be a host and a port, got " + master);
    }
    positioning = positioning == null ? Positioning.UNCHANGED : positioning;
    threadsAfter = threadsAfter == null ? ThreadsAfter.RESTORE : threadsAfter;
    // validated the same way as the statement's own options
    new Dialect.ChangeSource(master.hostname(), master.port(), null, null, positioning,
        connectRetrySeconds, heartbeatPeriodSeconds);
  }

  /** GTID positioning (MariaDB slave_pos), threads restored. */
  public static ChangeMasterRequest gtid(InstanceKey master) {
    return new ChangeMasterRequest(master, Positioning.GTID, ThreadsAfter.RESTORE, null, null,
        null, null);
  }

  /** File/position positioning at {@code coordinates} of the new master, threads restored. */
  public static ChangeMasterRequest file(InstanceKey master, BinlogCoordinates coordinates) {
    return new ChangeMasterRequest(master, new Positioning.File(coordinates), ThreadsAfter.RESTORE,
        null, null, null, null);
  }

  public ChangeMasterRequest withPositioning(Positioning p) {
    return new ChangeMasterRequest(master, p, threadsAfter, credentials, connectRetrySeconds,
        heartbeatPeriodSeconds, tls);
  }

  public ChangeMasterRequest withThreadsAfter(ThreadsAfter t) {
    return new ChangeMasterRequest(master, positioning, t, credentials, connectRetrySeconds,
        heartbeatPeriodSeconds, tls);
  }

  public ChangeMasterRequest withCredentials(String user, String password) {
    return new ChangeMasterRequest(master, positioning, threadsAfter,
        new Credentials(user, password), connectRetrySeconds, heartbeatPeriodSeconds, tls);
  }

  public ChangeMasterRequest withRetry(Integer connectRetrySeconds, Double heartbeatPeriodSeconds) {
    return new ChangeMasterRequest(master, positioning, threadsAfter, credentials,
        connectRetrySeconds, heartbeatPeriodSeconds, tls);
  }

  public ChangeMasterRequest withTls(SourceTls tls) {
    return new ChangeMasterRequest(master, positioning, threadsAfter, credentials,
        connectRetrySeconds, heartbeatPeriodSeconds, tls);
  }
}
