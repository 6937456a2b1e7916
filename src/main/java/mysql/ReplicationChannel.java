package mysql;

import java.util.List;
import java.util.Map;
import mysql.Dialect.Positioning;
import mysql.Dialect.SourceTls;
import topology.BinlogCoordinates;
import topology.InstanceKey;
import topology.ReplicationStatus;
import topology.ThreadState;

/**
 * What a server says about its (default) replication channel: {@code SHOW SLAVE STATUS} /
 * {@code SHOW REPLICA STATUS}, plus the heartbeat period where the server tells it. For callers
 * that copy a channel to another server: master, user, TLS options, positioning, retry.
 *
 * <p>The replication password is never readable on MariaDB (it lives in master.info), so it is
 * not here; a copy needs the configured replication credentials.
 *
 * @param present the server has a channel (a row in SHOW SLAVE STATUS); false after RESET SLAVE
 *     ALL or on a server that never replicated
 * @param status the channel's state as the prober parses it (master, user, threads, errors,
 *     coordinates, Using_Gtid / Auto_Position, SQL_Delay)
 * @param tls the channel's TLS options
 * @param connectRetrySeconds {@code Connect_Retry}
 * @param heartbeatPeriodSeconds MariaDB status {@code Slave_heartbeat_period}, MySQL
 *     performance_schema {@code HEARTBEAT_INTERVAL}; null when the server did not tell
 */
public record ReplicationChannel(boolean present, ReplicationStatus status, SourceTls tls,
    Integer connectRetrySeconds, Double heartbeatPeriodSeconds) {

  public static final ReplicationChannel NONE =
      new ReplicationChannel(false, ReplicationStatus.NONE, SourceTls.NONE, null, null);

  public ReplicationChannel {
    status = status == null ? ReplicationStatus.NONE : status;
    tls = tls == null ? SourceTls.NONE : tls;
  }

  /** From the rows of SHOW SLAVE/REPLICA STATUS (the default channel, else the first). */
  static ReplicationChannel fromRows(List<Map<String, String>> rows) {
    if (rows.isEmpty()) {
      return NONE;
    }
    Map<String, String> r = ServerAnswers.caseInsensitive(rows.get(0));
    for (Map<String, String> row : rows) {
      Map<String, String> ci = ServerAnswers.caseInsensitive(row);
      String name = ci.get("Channel_Name");
      if (name == null || name.isEmpty()) {
        r = ci;
        break;
      }
    }
    ReplicationStatus status = InstanceParser.replication(List.of(r), Map.of());
    SourceTls tls = new SourceTls(
        InstanceParser.on(col(r, "SSL_Allowed")),
        col(r, "SSL_CA_File"), col(r, "SSL_CA_Path"), col(r, "SSL_Cert"), col(r, "SSL_Key"),
        col(r, "SSL_Cipher"), InstanceParser.on(col(r, "SSL_Verify_Server_Cert")),
        col(r, "SSL_Crl"), col(r, "SSL_Crlpath"));
    Long retry = InstanceParser.parseNullableLong(r.get("Connect_Retry"));
    return new ReplicationChannel(true, status, tls, retry == null ? null : retry.intValue(), null);
  }

  /** {@code Source_<suffix>} or {@code Master_<suffix>}, "" when absent. */
  private static String col(Map<String, String> r, String suffix) {
    String v = InstanceParser.first(r, "Source_" + suffix, "Master_" + suffix);
    return v == null ? "" : v;
  }

  ReplicationChannel withHeartbeat(Double seconds) {
    return new ReplicationChannel(present, status, tls, connectRetrySeconds, seconds);
  }

  public InstanceKey master() {
    return status.masterKey();
  }

  public String user() {
    return status.masterUser();
  }

  public ThreadState ioThread() {
    return status.ioThread();
  }

  public ThreadState sqlThread() {
    return status.sqlThread();
  }

  /** Both threads {@code Yes}. */
  public boolean running() {
    return status.isRunning();
  }

  /** The IO thread runs or tries to ({@code Yes}, {@code Connecting}, {@code Preparing}). */
  public boolean ioActive() {
    return status.ioThread() == ThreadState.RUNNING || status.ioThread() == ThreadState.OTHER;
  }

  public boolean sqlActive() {
    return status.sqlThread() == ThreadState.RUNNING || status.sqlThread() == ThreadState.OTHER;
  }

  /** Either thread runs or tries to. */
  public boolean anyThreadActive() {
    return ioActive() || sqlActive();
  }

  /** The master host was rewritten to {@code //host} by detach-replica-master-host. */
  public boolean detached() {
    return status.masterKey().isDetached();
  }

  /** Replicates by GTID: MariaDB Using_Gtid Slave_Pos/Current_Pos, MySQL Auto_Position=1. */
  public boolean usingGtid() {
    return status.autoPosition() || status.usingMariaDbGtidReplication();
  }

  /** Where the SQL thread is in the master's binary log (Relay_Master_Log_File, Exec_Master_Log_Pos). */
  public BinlogCoordinates executed() {
    return status.execCoordinates();
  }

  /** Where the IO thread is in the master's binary log (Master_Log_File, Read_Master_Log_Pos). */
  public BinlogCoordinates received() {
    return status.readCoordinates();
  }

  /** The SQL thread executed everything the IO thread received. */
  public boolean caughtUp() {
    return !executed().isEmpty() && executed().equals(received());
  }

  /**
   * The positioning this channel uses, to copy it: GTID (MariaDB current_pos kept), or the
   * executed coordinates of the master's binlog.
   */
  public Positioning positioning() {
    if (status.usingMariaDbGtidReplication()) {
      return new Positioning.Gtid("current_pos".equalsIgnoreCase(status.usingMariaDbGtid()));
    }
    if (status.autoPosition()) {
      return Positioning.GTID;
    }
    return executed().isEmpty() ? Positioning.UNCHANGED : new Positioning.File(executed());
  }

  /** One line for messages: master, threads, positioning, errors. */
  public String describe() {
    if (!present) {
      return "no replication channel";
    }
    StringBuilder sb = new StringBuilder();
    sb.append("master ").append(master().displayString())
        .append(", IO ").append(threadText(status.ioThread()))
        .append(", SQL ").append(threadText(status.sqlThread()));
    if (status.usingMariaDbGtidReplication()) {
      sb.append(", Using_Gtid ").append(status.usingMariaDbGtid());
    } else if (status.autoPosition()) {
      sb.append(", auto-position");
    } else {
      sb.append(", at ").append(executed().displayString());
    }
    if (status.lastIoErrno() != 0) {
      sb.append(", IO error ").append(status.lastIoErrno()).append(": ").append(status.lastIoError());
    }
    if (status.lastSqlErrno() != 0) {
      sb.append(", SQL error ").append(status.lastSqlErrno()).append(": ").append(status.lastSqlError());
    }
    return sb.toString();
  }

  private static String threadText(ThreadState s) {
    return switch (s) {
      case RUNNING -> "Yes";
      case STOPPED -> "No";
      case OTHER -> "Connecting";
      case NONE -> "-";
    };
  }
}
