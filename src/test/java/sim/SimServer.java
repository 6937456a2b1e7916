package sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One simulated MariaDB server's state: identity, read_only, its replication channel and GTID
 * position. All fields are guarded by the {@link Fleet}'s lock, because a replica's answers read
 * its master's state (the position it has reached, whether it is up).
 *
 * <p>GTIDs: a writable server with no channel (a master) commits {@link Fleet#TRX_PER_SECOND};
 * its position is computed from the time, never stored per transaction. A replica whose threads
 * run and whose master is up is at its master's position of {@code lag} seconds ago. Whenever a
 * change could stop that (STOP SLAVE, a kill, a broken SQL thread, CHANGE MASTER), the position
 * is first frozen, so positions never go backwards.
 */
public final class SimServer {

  final Fleet fleet;
  public final String host;
  public final int port;
  public final long serverId;
  final long startedMillis;

  boolean readOnly;
  /** a channel is configured (SHOW SLAVE STATUS has a row) */
  boolean channel;
  String masterHost = "";
  int masterPort;
  String useGtid = "Slave_Pos";
  boolean ioRunning;
  boolean sqlRunning;
  int sqlErrno;
  String sqlError = "";
  /** the IO thread stopped with this error (the master refused what it asked for); 0 = none */
  int ioErrno;
  String ioError = "";
  long lagSeconds;
  boolean dead;
  Fault fault = Fault.NONE;
  long slowMillis = 3000;
  /** COM_QUERY packets received */
  long queries;
  /** size of each row of a {@link Fault#HUGE_RESULT} answer */
  int hugeRowBytes = 100;

  /** the GTID this server had when its position last stopped following the clock */
  long frozenOrigin;
  long frozenSeq;
  /** while writable with no channel: commits since this time, counted from {@link #frozenSeq} */
  long writerSince = -1;

  SimServer(Fleet fleet, String host, int port, long serverId, long now) {
    this.fleet = fleet;
    this.host = host;
    this.port = port;
    this.serverId = serverId;
    this.startedMillis = now;
    this.frozenOrigin = serverId;
  }

  public String key() {
    return host + ":" + port;
  }

  /** This server's master in the fleet, or null (none configured, or not a simulated server). */
  SimServer master() {
    return channel ? fleet.find(masterHost, masterPort) : null;
  }

  boolean up() {
    return !dead && fault != Fault.REFUSE;
  }

  boolean ioConnected() {
    SimServer m = master();
    return channel && ioRunning && ioErrno == 0 && m != null && m.up();
  }

  boolean replicating() {
    return ioConnected() && sqlRunning && sqlErrno == 0;
  }

  /** [origin server_id, sequence] of the last transaction this server has at {@code at}. */
  long[] gtid(long at) {
    return gtid(at, 0);
  }

  private long[] gtid(long at, int depth) {
    if (!dead && depth < 64) {
      if (replicating()) {
        long[] m = master().gtid(at - lagSeconds * 1000, depth + 1);
        if (m[1] >= frozenSeq) {
          return m;
        }
      } else if (writerSince >= 0) {
        long n = Math.max(0, at - writerSince) * Fleet.TRX_PER_SECOND / 1000;
        return new long[] {serverId, frozenSeq + n};
      }
    }
    return new long[] {frozenOrigin, frozenSeq};
  }

  String gtidText(long at) {
    long[] g = gtid(at);
    return "0-" + g[0] + "-" + g[1];
  }

  /** Freezes the current position, then lets the position follow the new state. */
  void changing(long now, Runnable change) {
    long[] g = gtid(now);
    frozenOrigin = g[0];
    frozenSeq = g[1];
    writerSince = -1;
    change.run();
    if (!channel && !readOnly && !dead) {
      writerSince = now;
    }
  }

  Map<String, String> variables(long now) {
    Map<String, String> v = new LinkedHashMap<>(Fleet.VARIABLES_TEMPLATE);
    String gtid = gtidText(now);
    v.put("server_id", Long.toString(serverId));
    v.put("hostname", host);
    v.put("report_host", host);
    v.put("port", Integer.toString(port));
    v.put("read_only", readOnly ? "ON" : "OFF");
    v.put("gtid_binlog_pos", gtid);
    v.put("gtid_current_pos", gtid);
    v.put("gtid_slave_pos", channel ? gtid : "");
    v.put("version", Fleet.VERSION);
    return v;
  }

  Map<String, String> status(long now) {
    Map<String, String> s = new LinkedHashMap<>(Fleet.STATUS_TEMPLATE);
    s.put("Uptime", Long.toString(Math.max(1, (now - startedMillis) / 1000)));
    return s;
  }

  /** The SHOW SLAVE STATUS row, with MariaDB 10.11's columns; null when no channel. */
  Map<String, String> replicaStatus(long now) {
    if (!channel) {
      return null;
    }
    Map<String, String> r = new LinkedHashMap<>(Fleet.REPLICA_STATUS_TEMPLATE);
    SimServer m = master();
    boolean connected = ioConnected();
    long[] g = gtid(now);
    String pos = Long.toString(1000 + 100 * g[1]);
    r.put("Slave_IO_State", connected ? "Waiting for master to send event"
        : ioRunning ? "Reconnecting after a failed master event read" : "");
    r.put("Master_Host", masterHost);
    r.put("Master_Port", Integer.toString(masterPort));
    r.put("Slave_IO_Running", !ioRunning || ioErrno != 0 ? "No" : connected ? "Yes" : "Connecting");
    r.put("Slave_SQL_Running", sqlRunning && sqlErrno == 0 ? "Yes" : "No");
    r.put("Read_Master_Log_Pos", pos);
    r.put("Exec_Master_Log_Pos", pos);
    r.put("Last_Errno", Integer.toString(sqlErrno));
    r.put("Last_Error", sqlError);
    r.put("Last_SQL_Errno", Integer.toString(sqlErrno));
    r.put("Last_SQL_Error", sqlError);
    boolean ioError = ioRunning && !connected && ioErrno == 0;
    r.put("Last_IO_Errno", ioErrno != 0 ? Integer.toString(ioErrno) : ioError ? "2003" : "0");
    r.put("Last_IO_Error", ioErrno != 0 ? this.ioError : ioError ? "error reconnecting to master 'repl@" + masterHost + ":"
        + masterPort + "' - retry-time: 1  maximum-retries: 100000  message: Can't connect to"
        + " MySQL server on '" + masterHost + "' (111 \"Connection refused\")" : "");
    r.put("Seconds_Behind_Master", sqlRunning && sqlErrno == 0 && connected
        ? Long.toString(lagSeconds) : sqlRunning && sqlErrno == 0 && ioErrno == 0 ? "0" : null);
    r.put("Master_Server_Id", m == null ? "0" : Long.toString(m.serverId));
    r.put("Using_Gtid", useGtid);
    r.put("Gtid_IO_Pos", gtidText(now));
    r.put("SQL_Remaining_Delay", null);
    return r;
  }
}
