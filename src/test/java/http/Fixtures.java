package http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import topology.AliasRules;
import topology.BinlogCoordinates;
import topology.Flavor;
import topology.GtidState;
import topology.Instance;
import topology.InstanceKey;
import topology.InstanceLabels;
import topology.Liveness;
import topology.ObservedInstance;
import topology.ProbeFailure;
import topology.ReplicationStatus;
import topology.ThreadState;
import topology.Thresholds;
import topology.TopologyAssembler;
import topology.TopologySnapshot;

/** Hand-built servers and snapshots for the HTTP tests (a MySQL 8.0 GTID sandbox on loopback). */
final class Fixtures {

  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final Instant SEEN = NOW.minusSeconds(1);
  static final Duration LATENCY = Duration.ofMillis(7);
  static final String VERSION = "8.0.36";

  private Fixtures() {}

  static InstanceKey key(int port) {
    return new InstanceKey("127.0.0.1", port);
  }

  static String uuid(int port) {
    return "00000000-0000-0000-0000-0000000" + port;
  }

  static Instance.Builder server(int port) {
    return Instance.builder(key(port))
        .serverId(port)
        .serverUuid(uuid(port))
        .version(VERSION)
        .versionComment("MySQL Community Server - GPL")
        .flavor(Flavor.MYSQL)
        .logBinEnabled(true)
        .logReplicationUpdatesEnabled(true)
        .binlogFormat("ROW")
        .binlogRowImage("FULL")
        .selfCoordinates(BinlogCoordinates.binary("mysql-bin.000003", 1234))
        .uptimeSeconds(3600)
        .gtid(new GtidState("ON", uuid(10111) + ":1-100", uuid(10111) + ":1-10", true,
            "", "", "", 0, false));
  }

  /** A writable master reporting the given replicas. */
  static Instance master(int port, int... replicaPorts) {
    return server(port).readOnly(false).replicas(keys(replicaPorts)).build();
  }

  /** A read-only replica whose threads run with the given lag. */
  static Instance replica(int port, int masterPort, Long secondsBehind, int... replicaPorts) {
    return server(port).readOnly(true).replication(replicating(masterPort, ThreadState.RUNNING,
        ThreadState.RUNNING, secondsBehind, "")).replicas(keys(replicaPorts)).build();
  }

  static Instance replica(int port, int masterPort, int... replicaPorts) {
    return replica(port, masterPort, 0L, replicaPorts);
  }

  /** A replica whose threads are stopped, with an SQL error. */
  static Instance stoppedReplica(int port, int masterPort) {
    return server(port).readOnly(true).replication(replicating(masterPort, ThreadState.STOPPED,
        ThreadState.STOPPED, null, "Error 1062: Duplicate entry")).build();
  }

  /** A replica whose IO thread keeps trying to reach a dead master. */
  static Instance connectingReplica(int port, int masterPort) {
    return server(port).readOnly(true).replication(new ReplicationStatus(key(masterPort),
        uuid(masterPort), "repl", ThreadState.OTHER, ThreadState.RUNNING, 2003,
        "error connecting to master 'repl@127.0.0.1:" + masterPort + "'", 0, "", null, 0,
        BinlogCoordinates.binary("mysql-bin.000003", 1234),
        BinlogCoordinates.binary("mysql-bin.000003", 1234),
        BinlogCoordinates.relay("relay-bin.000002", 456), true, "", "", "", false, false)).build();
  }

  static ReplicationStatus replicating(int masterPort, ThreadState io, ThreadState sql,
      Long secondsBehind, String sqlError) {
    return new ReplicationStatus(key(masterPort), uuid(masterPort), "repl", io, sql, 0, "",
        sqlError.isEmpty() ? 0 : 1062, sqlError, secondsBehind, 0,
        BinlogCoordinates.binary("mysql-bin.000003", 1234),
        BinlogCoordinates.binary("mysql-bin.000003", 1200),
        BinlogCoordinates.relay("relay-bin.000002", 456), true, "", "", "", false, false);
  }

  static InstanceLabels labels(String instanceAlias, String clusterAlias, String promotionRule) {
    return new InstanceLabels(instanceAlias, clusterAlias, "", "dc-east-1", "rgn-east", "prod",
        promotionRule, 0, null);
  }

  static List<InstanceKey> keys(int... ports) {
    List<InstanceKey> out = new ArrayList<>();
    for (int p : ports) {
      out.add(key(p));
    }
    return out;
  }

  static ObservedInstance reached(Instance i) {
    return new ObservedInstance(i.key(), i, Liveness.never().afterSuccess(SEEN, LATENCY));
  }

  /** Seen a minute ago; the last probe (a second ago) was refused. */
  static ObservedInstance unreachable(Instance i) {
    Liveness l = Liveness.never().afterSuccess(NOW.minusSeconds(60), LATENCY)
        .afterFailure(SEEN, new ProbeFailure(ProbeFailure.Reason.CONNECTION_REFUSED,
            "connection refused"), false, LATENCY);
    return new ObservedInstance(i.key(), i, l);
  }

  static TopologySnapshot snapshot(Collection<ObservedInstance> observed) {
    return TopologyAssembler.assemble(observed, Set.of(), AliasRules.NONE, Thresholds.DEFAULTS,
        NOW);
  }

  static TopologySnapshot snapshotOf(Instance... instances) {
    return snapshot(java.util.Arrays.stream(instances).map(Fixtures::reached).toList());
  }

  /** CI star: 10111 with replicas 10112, 10113, 10114; cluster alias "ci". */
  static List<Instance> star() {
    return List.of(
        master(10111, 10112, 10113, 10114).toBuilder().labels(labels("", "ci", "")).build(),
        replica(10112, 10111), replica(10113, 10111), replica(10114, 10111));
  }

  /** CI chain: 10111 → 10112 → 10113 → 10114. */
  static List<Instance> chain() {
    return List.of(master(10111, 10112), replica(10112, 10111, 10113),
        replica(10113, 10112, 10114), replica(10114, 10113));
  }

  /** CI co-masters: 10111 ⇄ 10113, with 10112 and 10114 below 10111. */
  static List<Instance> coMasters() {
    return List.of(
        replica(10111, 10113, 10112, 10113, 10114).toBuilder().readOnly(false).build(),
        replica(10112, 10111), replica(10113, 10111, 10111), replica(10114, 10111));
  }

}
