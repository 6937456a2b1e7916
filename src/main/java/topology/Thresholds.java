package topology;

import java.time.Duration;

/**
 * The time and lag limits that turn raw observations into judgements (valid, recently checked,
 * lagging). Built from Settings; passed into the pure functions that need them.
 *
 * @param pollInterval InstancePollSeconds
 * @param reasonableCheck ReasonableInstanceCheckSeconds, added to the poll interval for validity
 * @param reasonableReplicationLagSeconds ReasonableReplicationLagSeconds
 * @param reasonableMaintenanceLagSeconds ReasonableMaintenanceReplicationLagSeconds
 */
public record Thresholds(
    Duration pollInterval,
    Duration reasonableCheck,
    long reasonableReplicationLagSeconds,
    long reasonableMaintenanceLagSeconds) {

  public static final Thresholds DEFAULTS =
      new Thresholds(Duration.ofSeconds(5), Duration.ofSeconds(1), 10, 20);

  /** A successful probe older than this no longer counts as a valid last check. */
  public Duration validityWindow() {
    return pollInterval.plus(reasonableCheck);
  }

  /** orchestrator's IsRecentlyChecked window: 5 x InstancePollSeconds. */
  public Duration recentlyCheckedWindow() {
    return pollInterval.multipliedBy(5);
  }
}
