package telemetry;

import java.time.Duration;
import java.time.Instant;
import topology.BinlogCoordinates;
import topology.Flavor;
import topology.Instance;
import topology.InstanceKey;
import topology.Liveness;
import topology.ObservedInstance;
import topology.ProbeFailure;
import topology.ReplicationStatus;
import topology.ThreadState;

/** Hand-made servers for the metrics tests: masters, replicas with a lag, their liveness. */
final class Servers {

  private Servers() {}

  static InstanceKey key(int i) {
    return new InstanceKey("db-" + i + ".example", 3306);
  }

  static Instance master(int i) {
    return base(i).readOnly(false).build();
  }

  /** A replica of server {@code master}, {@code lag} seconds behind (null: SQL thread stopped). */
  static Instance replica(int i, int master, Long lag) {
    return base(i).replication(new ReplicationStatus(key(master), "", "repl", ThreadState.RUNNING,
        lag == null ? ThreadState.STOPPED : ThreadState.RUNNING, 0, "", 0, "", lag, 0,
        BinlogCoordinates.binary("mysql-bin.000001", 4),
        BinlogCoordinates.binary("mysql-bin.000001", 4),
        BinlogCoordinates.relay("relay-bin.000002", 4), false, "Slave_Pos", "", "", false, false))
        .build();
  }

  private static Instance.Builder base(int i) {
    return Instance.builder(key(i)).serverId(i + 1).version("10.11.19-MariaDB-log")
        .flavor(Flavor.MARIADB).logBinEnabled(true).binlogFormat("ROW").readOnly(true);
  }

  /** Reached {@code ago} before {@code now}. */
  static ObservedInstance seen(Instance i, Instant now, Duration ago) {
    return new ObservedInstance(i.key(), i,
        Liveness.never().afterSuccess(now.minus(ago), Duration.ofMillis(3)));
  }

  /** Last reached {@code seenAgo} before {@code now}, failing since. */
  static ObservedInstance failing(Instance i, Instant now, Duration seenAgo) {
    Liveness l = Liveness.never().afterSuccess(now.minus(seenAgo), Duration.ofMillis(3))
        .afterFailure(now.minusMillis(100),
            new ProbeFailure(ProbeFailure.Reason.CONNECTION_REFUSED, "refused"), false,
            Duration.ofMillis(1));
    return new ObservedInstance(i.key(), i, l);
  }

  /** Never reached, probed and failed. */
  static ObservedInstance neverReached(InstanceKey k, Instant now) {
    return new ObservedInstance(k, null, Liveness.never().afterFailure(now,
        new ProbeFailure(ProbeFailure.Reason.TIMEOUT, "timeout"), false, Duration.ofSeconds(1)));
  }

  /** Restored from the journal, not probed since the node started. */
  static ObservedInstance unchecked(Instance i, Instant seenAt) {
    return new ObservedInstance(i.key(), i, Liveness.restored(seenAt));
  }
}
