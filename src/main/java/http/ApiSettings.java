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
 * @param auth who may call the API and change things (none when null)
 * @param tls TLS for the API and for calls to other nodes' APIs; null: plain HTTP
 */
public record ApiSettings(
    String urlPrefix,
    String statusEndpoint,
    int defaultInstancePort,
    Thresholds thresholds,
    String nodeHostname,
    Duration recoveryPeriodBlock,
    ApiAuth auth,
    ApiTls tls) {

  /** orchestrator's default RecoveryPeriodBlockSeconds (3600). */
  public static final Duration DEFAULT_RECOVERY_PERIOD_BLOCK = Duration.ofHours(1);

  public ApiSettings {
    recoveryPeriodBlock = recoveryPeriodBlock == null
        ? DEFAULT_RECOVERY_PERIOD_BLOCK : recoveryPeriodBlock;
    auth = auth == null ? ApiAuth.NONE : auth;
  }

  /** Plain HTTP. */
  public ApiSettings(String urlPrefix, String statusEndpoint, int defaultInstancePort,
      Thresholds thresholds, String nodeHostname, Duration recoveryPeriodBlock, ApiAuth auth) {
    this(urlPrefix, statusEndpoint, defaultInstancePort, thresholds, nodeHostname,
        recoveryPeriodBlock, auth, null);
  }

  /** Without authentication. */
  public ApiSettings(String urlPrefix, String statusEndpoint, int defaultInstancePort,
      Thresholds thresholds, String nodeHostname, Duration recoveryPeriodBlock) {
    this(urlPrefix, statusEndpoint, defaultInstancePort, thresholds, nodeHostname,
        recoveryPeriodBlock, null);
  }

  /** The same settings with another authentication. */
  public ApiSettings withAuth(ApiAuth a) {
    return new ApiSettings(urlPrefix, statusEndpoint, defaultInstancePort, thresholds,
        nodeHostname, recoveryPeriodBlock, a, tls);
  }

  /** The same settings with another TLS (null: plain HTTP). */
  public ApiSettings withTls(ApiTls t) {
    return new ApiSettings(urlPrefix, statusEndpoint, defaultInstancePort, thresholds,
        nodeHostname, recoveryPeriodBlock, auth, t);
  }

  /** "https" with TLS, else "http". */
  public String scheme() {
    return tls == null ? "http" : "https";
  }

  /** With the default recovery period block. */
  public ApiSettings(String urlPrefix, String statusEndpoint, int defaultInstancePort,
      Thresholds thresholds, String nodeHostname) {
    this(urlPrefix, statusEndpoint, defaultInstancePort, thresholds, nodeHostname, null, null, null);
  }
}
