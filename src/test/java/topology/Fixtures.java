package topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Small builders for hand-made observations in topology tests. */
final class Fixtures {

  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  private Fixtures() {}

  static InstanceKey key(int port) {
    return new InstanceKey("127.0.0.1", port);
  }

  static Instance.Builder server(int port) {
    return Instance.builder(key(port)).serverId(port).version("10.11.19-MariaDB-0+deb12u1-log")
        .flavor(Flavor.MARIADB).logBinEnabled(true).logReplicationUpdatesEnabled(true)
        .binlogFormat("ROW").readOnly(true);
  }

  static ReplicationStatus replicating(int masterPort) {
    return new ReplicationStatus(key(masterPort), "", "repl", ThreadState.RUNNING,
        ThreadState.RUNNING, 0, "", 0, "", 0L, 0, BinlogCoordinates.binary("mysql-bin.000001", 4),
        BinlogCoordinates.binary("mysql-bin.000001", 4), BinlogCoordinates.relay("relay-bin.000002", 4),
        false, "Slave_Pos", "", "", false, false);
  }

  static Instance master(int port, int... replicas) {
    List<InstanceKey> keys = new ArrayList<>();
    for (int r : replicas) {
      keys.add(key(r));
    }
    return server(port).readOnly(false).replicas(keys).build();
  }

  static Instance replica(int port, int masterPort, int... replicas) {
    List<InstanceKey> keys = new ArrayList<>();
    for (int r : replicas) {
      keys.add(key(r));
    }
    return server(port).replication(replicating(masterPort)).replicas(keys).build();
  }

  static ObservedInstance seen(Instance i) {
    return new ObservedInstance(i.key(), i,
        Liveness.never().afterSuccess(NOW.minusMillis(500), Duration.ofMillis(3)));
  }

  static ObservedInstance unreachable(Instance i) {
    Liveness l = Liveness.never().afterSuccess(NOW.minusSeconds(60), Duration.ofMillis(3))
        .afterFailure(NOW.minusMillis(500),
            new ProbeFailure(ProbeFailure.Reason.CONNECTION_REFUSED, "refused"), false,
            Duration.ofMillis(1));
    return new ObservedInstance(i.key(), i, l);
  }
}
