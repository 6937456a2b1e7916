package topology;

import static topology.Fixtures.NOW;
import static topology.Fixtures.key;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Hand-made topologies for the move rules: servers of one kind (MariaDB GTID, MySQL GTID, MySQL
 * without GTID) with distinct, predictable binlog coordinates. Server {@code P}'s own binary log
 * is {@code bin-P.000001:(1000+P)}; a replica {@code P} of {@code M} has executed up to
 * {@code bin-M.000001:(500+P)} of its master's log.
 */
final class Topo {

  enum Kind { MARIADB, MYSQL_GTID, MYSQL_FILE }

  private Topo() {}

  static String uuid(int port) {
    return String.format("00000000-0000-0000-0000-%012d", port);
  }

  static BinlogCoordinates self(int port) {
    return BinlogCoordinates.binary("bin-" + port + ".000001", 1000 + port);
  }

  static BinlogCoordinates exec(int port, int masterPort) {
    return BinlogCoordinates.binary("bin-" + masterPort + ".000001", 500 + port);
  }

  static ReplicationStatus channel(Kind k, int port, int masterPort) {
    return new ReplicationStatus(key(masterPort), k == Kind.MARIADB ? "" : uuid(masterPort),
        "repl", ThreadState.RUNNING, ThreadState.RUNNING, 0, "", 0, "", 0L, 0,
        exec(port, masterPort), exec(port, masterPort),
        BinlogCoordinates.relay("relay-" + port + ".000002", 4), k == Kind.MYSQL_GTID,
        k == Kind.MARIADB ? "Slave_Pos" : "", "", "", false, false);
  }

  /** A read-only server with binary logs and log_slave_updates, replicating from nobody. */
  static Instance.Builder server(Kind k, int port) {
    Instance.Builder b = Instance.builder(key(port)).serverId(port).readOnly(true)
        .logBinEnabled(true).logReplicationUpdatesEnabled(true).binlogFormat("ROW")
        .selfCoordinates(self(port));
    return switch (k) {
      case MARIADB -> b.version("10.11.19-MariaDB-0+deb12u1-log").flavor(Flavor.MARIADB)
          .gtid(new GtidState("ON", "", "", false, "0-10111-" + (100 + port % 100),
              "0-10111-" + (100 + port % 100), "0-10111-" + (100 + port % 100), 0, false));
      case MYSQL_GTID -> b.version("8.0.36").flavor(Flavor.MYSQL).serverUuid(uuid(port))
          .gtid(new GtidState("ON", uuid(10111) + ":1-" + (100 + port % 100), "", true,
              "", "", "", 0, false));
      case MYSQL_FILE -> b.version("8.0.36").flavor(Flavor.MYSQL).serverUuid(uuid(port))
          .gtid(new GtidState("OFF", "", "", true, "", "", "", 0, false));
    };
  }

  /** A writable master. */
  static Instance master(Kind k, int port) {
    return server(k, port).readOnly(false).build();
  }

  /** A running read-only replica of {@code masterPort}. */
  static Instance replica(Kind k, int port, int masterPort) {
    return server(k, port).replication(channel(k, port, masterPort)).build();
  }

  static Instance with(Instance i, UnaryOperator<Instance.Builder> change) {
    return change.apply(i.toBuilder()).build();
  }

  static Instance withChannel(Instance i, UnaryOperator<ReplicationStatus> change) {
    return i.toBuilder().replication(change.apply(i.replication())).build();
  }

  static ReplicationStatus threads(ReplicationStatus r, ThreadState io, ThreadState sql,
      Long lag, long delay) {
    return new ReplicationStatus(r.masterKey(), r.masterUuid(), r.masterUser(), io, sql,
        r.lastIoErrno(), r.lastIoError(), r.lastSqlErrno(), r.lastSqlError(), lag, delay,
        r.readCoordinates(), r.execCoordinates(), r.relayCoordinates(), r.autoPosition(),
        r.usingMariaDbGtid(), r.retrievedGtidSet(), r.executedGtidSet(), r.sslAllowed(),
        r.hasReplicationFilters());
  }

  static ReplicationStatus filters(ReplicationStatus r) {
    return new ReplicationStatus(r.masterKey(), r.masterUuid(), r.masterUser(), r.ioThread(),
        r.sqlThread(), r.lastIoErrno(), r.lastIoError(), r.lastSqlErrno(), r.lastSqlError(),
        r.secondsBehindMaster(), r.sqlDelay(), r.readCoordinates(), r.execCoordinates(),
        r.relayCoordinates(), r.autoPosition(), r.usingMariaDbGtid(), r.retrievedGtidSet(),
        r.executedGtidSet(), r.sslAllowed(), true);
  }

  static ReplicationStatus masterHost(ReplicationStatus r, InstanceKey master) {
    return new ReplicationStatus(master, r.masterUuid(), r.masterUser(), r.ioThread(),
        r.sqlThread(), r.lastIoErrno(), r.lastIoError(), r.lastSqlErrno(), r.lastSqlError(),
        r.secondsBehindMaster(), r.sqlDelay(), r.readCoordinates(), r.execCoordinates(),
        r.relayCoordinates(), r.autoPosition(), r.usingMariaDbGtid(), r.retrievedGtidSet(),
        r.executedGtidSet(), r.sslAllowed(), r.hasReplicationFilters());
  }

  /** Every server reached half a second ago. */
  static TopologySnapshot snapshot(Instance... servers) {
    List<ObservedInstance> observed = new ArrayList<>();
    for (Instance i : servers) {
      observed.add(Fixtures.seen(i));
    }
    return assemble(observed);
  }

  /** {@code reached} reached half a second ago, {@code unreachable} refused its last probe. */
  static TopologySnapshot snapshot(List<Instance> reached, List<Instance> unreachable) {
    List<ObservedInstance> observed = new ArrayList<>();
    reached.forEach(i -> observed.add(Fixtures.seen(i)));
    unreachable.forEach(i -> observed.add(Fixtures.unreachable(i)));
    return assemble(observed);
  }

  private static TopologySnapshot assemble(List<ObservedInstance> observed) {
    return TopologyAssembler.assemble(observed, Set.of(), AliasRules.NONE, Thresholds.DEFAULTS,
        NOW);
  }

  /** 10111 with replicas 10112, 10113, 10114. */
  static TopologySnapshot star(Kind k) {
    return snapshot(master(k, 10111), replica(k, 10112, 10111), replica(k, 10113, 10111),
        replica(k, 10114, 10111));
  }

  /** 10111 &lt;- 10112 &lt;- 10113, and 10114 below 10111. */
  static TopologySnapshot chain(Kind k) {
    return snapshot(master(k, 10111), replica(k, 10112, 10111), replica(k, 10113, 10112),
        replica(k, 10114, 10111));
  }

  /**
   * Co-masters 10111 (writable) and 10112 (read-only), 10113 below 10111, 10114 below 10112.
   */
  static TopologySnapshot coMasters(Kind k) {
    Instance m1 = server(k, 10111).readOnly(false).replication(channel(k, 10111, 10112)).build();
    return snapshot(m1, replica(k, 10112, 10111), replica(k, 10113, 10111),
        replica(k, 10114, 10112));
  }

  /** A view judged valid and recent (or not), for rules that read one pair of servers. */
  static InstanceView view(Instance i, boolean valid, boolean recent) {
    return new InstanceView(i, Liveness.never().afterSuccess(NOW, Duration.ZERO), "c", 0, false,
        valid, valid, recent, 0L, "", List.of(), null, null);
  }

  static InstanceView view(Instance i) {
    return view(i, true, true);
  }
}
