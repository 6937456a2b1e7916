package topology;

import static topology.Fixtures.NOW;
import static topology.Fixtures.key;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hand-made topologies for promotion tests: each server says what it received and executed
 * (MariaDB {@code 0-10111-57} positions, MySQL GTID sets, or binlog coordinates), where it lives
 * (DC, region, environment), its promotion rule, and whether it is reachable or downtimed.
 * Servers are MariaDB 10.11 with binary logs, log_slave_updates and ROW unless told otherwise.
 */
final class Fleet {

  private Fleet() {}

  static String uuid(int port) {
    return Topo.uuid(port);
  }

  static Server mariaDb(int port) {
    return new Server(port, Flavor.MARIADB);
  }

  static Server mysql(int port) {
    return new Server(port, Flavor.MYSQL);
  }

  /** A snapshot at {@link Fixtures#NOW} of the given servers. */
  static TopologySnapshot snapshot(Server... servers) {
    List<ObservedInstance> observed = new ArrayList<>();
    Map<InstanceKey, Downtime> downtimes = new LinkedHashMap<>();
    for (Server s : servers) {
      Instance i = s.build();
      observed.add(s.reachable ? Fixtures.seen(i) : Fixtures.unreachable(i));
      if (s.downtimed) {
        downtimes.put(i.key(), new Downtime(i.key(), "ops", "maintenance",
            NOW.minus(Duration.ofMinutes(10)), NOW.plus(Duration.ofMinutes(50))));
      }
    }
    return TopologyAssembler.assemble(observed, Set.of(), AliasRules.NONE, Thresholds.DEFAULTS,
        downtimes, Map.of(), NOW);
  }

  /** One server; {@link #build()} makes the Instance. */
  static final class Server {
    final int port;
    final Flavor flavor;
    String host = "127.0.0.1";
    long serverId;
    boolean gtidMode = true;
    String version;
    boolean logBin = true;
    boolean logSlaveUpdates = true;
    String format = "ROW";
    int master;
    boolean readOnly = true;
    String received = "";
    String executed = "";
    String errant = "";
    BinlogCoordinates read = BinlogCoordinates.binary("mysql-bin.000001", 1000);
    BinlogCoordinates exec = BinlogCoordinates.binary("mysql-bin.000001", 1000);
    String dc = "";
    String region = "";
    String env = "";
    String rule = "";
    Long lag = 0L;
    long sqlDelay;
    boolean reachable = true;
    boolean downtimed;
    boolean running = true;
    boolean ssl;

    Server(int port, Flavor flavor) {
      this.port = port;
      this.flavor = flavor;
      this.version = flavor.isMariaDb() ? "10.11.19-MariaDB-0+deb12u1-log" : "8.0.36";
    }

    /** Replicates from {@code masterPort}. */
    Server replicaOf(int masterPort) {
      master = masterPort;
      return this;
    }

    /** A writable server (a master, or the active co-master). */
    Server writable() {
      readOnly = false;
      return this;
    }

    /** What it received and executed are the same GTIDs. */
    Server gtid(String position) {
      return gtid(position, position);
    }

    /** MariaDB: Gtid_IO_Pos / gtid_slave_pos; MySQL: Retrieved_Gtid_Set / gtid_executed. */
    Server gtid(String receivedPos, String executedPos) {
      received = receivedPos;
      executed = executedPos;
      return this;
    }

    /** MariaDB: a local write in gtid_binlog_pos (errant). */
    Server errant(String position) {
      errant = position;
      return this;
    }

    /** Read and exec coordinates in the master's binary log ({@code file:pos}). */
    Server coords(String read, String exec) {
      this.read = parse(read);
      this.exec = parse(exec);
      return this;
    }

    Server coords(String both) {
      return coords(both, both);
    }

    private static BinlogCoordinates parse(String fileAndPos) {
      int c = fileAndPos.lastIndexOf(':');
      return BinlogCoordinates.binary(fileAndPos.substring(0, c),
          Long.parseLong(fileAndPos.substring(c + 1)));
    }

    Server dc(String v) {
      dc = v;
      return this;
    }

    Server region(String v) {
      region = v;
      return this;
    }

    Server env(String v) {
      env = v;
      return this;
    }

    /** at(dc, region). */
    Server at(String dataCenter, String reg) {
      dc = dataCenter;
      region = reg;
      return this;
    }

    Server rule(String v) {
      rule = v;
      return this;
    }

    Server noLogSlaveUpdates() {
      logSlaveUpdates = false;
      return this;
    }

    Server noBinlog() {
      logBin = false;
      return this;
    }

    Server version(String v) {
      version = v;
      return this;
    }

    Server format(String v) {
      format = v;
      return this;
    }

    Server lag(Long seconds) {
      lag = seconds;
      return this;
    }

    Server unreachable() {
      reachable = false;
      return this;
    }

    Server downtimed() {
      downtimed = true;
      return this;
    }

    /** Both replication threads stopped. */
    Server stopped() {
      running = false;
      return this;
    }

    /** Another host name (ports stay distinct): for PromotionIgnoreHostnameFilters. */
    Server host(String v) {
      host = v;
      return this;
    }

    /** MySQL with gtid_mode=OFF: binlog coordinates only. */
    Server noGtid() {
      gtidMode = false;
      return this;
    }

    InstanceKey key() {
      return new InstanceKey(host, port);
    }

    /** server_id (default: the port). */
    Server serverId(long v) {
      serverId = v;
      return this;
    }

    Server ssl() {
      ssl = true;
      return this;
    }

    Instance build() {
      Instance.Builder b = Instance.builder(key()).serverId(serverId == 0 ? port : serverId).version(version)
          .flavor(flavor).logBinEnabled(logBin).logReplicationUpdatesEnabled(logSlaveUpdates)
          .binlogFormat(format).readOnly(readOnly)
          .selfCoordinates(BinlogCoordinates.binary("bin-" + port + ".000001", 1000 + port))
          .labels(new InstanceLabels("", "", "", dc, region, env, rule, 0, null));
      boolean maria = flavor.isMariaDb();
      if (maria) {
        String binlog = errant.isEmpty() ? executed
            : executed.isEmpty() ? errant : executed + "," + errant;
        b.gtid(new GtidState("ON", "", "", false, binlog, binlog, master == 0 ? "" : executed,
            0, false));
      } else {
        b.serverUuid(uuid(port)).gtid(new GtidState(gtidMode ? "ON" : "OFF",
            gtidMode ? executed : "", "", true, "", "", "", 0, false));
      }
      if (master != 0) {
        ThreadState t = running ? ThreadState.RUNNING : ThreadState.STOPPED;
        b.replication(new ReplicationStatus(Fixtures.key(master), maria ? "" : uuid(master), "repl", t, t,
            0, "", 0, "", lag, sqlDelay, read, exec,
            BinlogCoordinates.relay("relay-" + port + ".000002", 4), !maria && gtidMode,
            maria ? "Slave_Pos" : "", received, executed, ssl, false));
      }
      return b.build();
    }
  }
}
