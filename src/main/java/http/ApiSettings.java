package http;

import java.time.Duration;
import topology.Thresholds;

/**
 * The settings the HTTP layer reads.
 *
 * @param urlPrefix URLPrefix, normalised: empty or starting with "/" and no trailing "/"
 * @param statusEndpoint StatusEndpoint, an absolute path (default /api/status)
 * @param defaultInstancePort DefaultInstancePort, for cluster hints without a port
 * @param recoveryPeriodBlock RecoveryPeriodBlockSeconds: how long an ended recovery stays
 *     active (TopologyRecovery's {@code IsActive}, the recently-active routes)
 */
public record ApiSettings(
    String urlPrefix,
    String statusEndpoint,
    int defaultInstancePort,
    Thresholds thresholds,
    String nodeHostname,
    Duration recoveryPeriodBlock) {

  /** orchestrator's default RecoveryPeriodBlockSeconds (3600). */
  public static final Duration DEFAULT_RECOVERY_PERIOD_BLOCK = Duration.ofHours(1);

  public ApiSettings {
    recoveryPeriodBlock = recoveryPeriodBlock == null
        ? DEFAULT_RECOVERY_PERIOD_BLOCK : recoveryPeriodBlock;
  }

  /** With the default recovery period block. */
  public ApiSettings(String urlPrefix, String statusEndpoint, int defaultInstancePort,
      Thresholds thresholds, String nodeHostname) {
    this(urlPrefix, statusEndpoint, defaultInstancePort, thresholds, nodeHostname, null);
  }
}
