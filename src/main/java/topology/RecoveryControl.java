package topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The control state recovery policy reads, as one value: the global switch, the recoveries known
 * (running and recent) and the emergency operations of the last seconds. The leader builds it
 * from the replicated control state; {@link RecoveryPolicy} only reads it.
 *
 * @param recoveriesDisabled {@code disable-global-recoveries} is in force
 * @param recoveries running and recently ended recoveries (older ones may be left out: only
 *     those within their active period matter)
 * @param emergencyOperations when the last emergency operation (re-probe, replication restart)
 *     ran on a server
 */
public record RecoveryControl(
    boolean recoveriesDisabled,
    List<RecoveryRecord> recoveries,
    Map<InstanceKey, Instant> emergencyOperations) {

  /** Recoveries enabled, none known. */
  public static final RecoveryControl NONE = new RecoveryControl(false, List.of(), Map.of());

  public RecoveryControl {
    recoveries = recoveries == null ? List.of() : List.copyOf(recoveries);
    emergencyOperations = emergencyOperations == null ? Map.of()
        : Collections.unmodifiableMap(new TreeMap<>(emergencyOperations));
  }

  public RecoveryControl withRecoveriesDisabled(boolean disabled) {
    return new RecoveryControl(disabled, recoveries, emergencyOperations);
  }

  public RecoveryControl withRecovery(RecoveryRecord r) {
    List<RecoveryRecord> all = new ArrayList<>(recoveries);
    all.add(r);
    return new RecoveryControl(recoveriesDisabled, all, emergencyOperations);
  }

  public RecoveryControl withEmergencyOperation(InstanceKey key, Instant at) {
    Map<InstanceKey, Instant> all = new TreeMap<>(emergencyOperations);
    all.put(key, at);
    return new RecoveryControl(recoveriesDisabled, recoveries, all);
  }

  /** A recovery still running on the cluster of the entry (one at a time per cluster). */
  public Optional<RecoveryRecord> runningOn(String clusterName, String clusterAlias,
      InstanceKey key) {
    return recoveries.stream()
        .filter(RecoveryRecord::running)
        .filter(r -> r.sameClusterAs(clusterName, clusterAlias, key) || r.successor().equals(key))
        .findFirst();
  }
}
