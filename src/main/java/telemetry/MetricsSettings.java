package telemetry;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * {@code orcha.metrics}: whether {@code {url-prefix}/metrics} is served, and whether it asks for
 * the API's credentials. Read once when the node starts (a reload-configuration does not change
 * it).
 *
 * @param enabled serve the endpoint (off: 404, as any unknown path)
 * @param authenticate ask for the API's credentials (orcha.http.auth) like any API read; off by
 *     default, since Prometheus scrapers usually have none and the metrics name no server
 */
public record MetricsSettings(boolean enabled, boolean authenticate) {

  public static final MetricsSettings DEFAULT = new MetricsSettings(true, false);

  /** Reads {@code orcha.metrics.*}; a bad value is an error naming the key. */
  public static MetricsSettings from(Config config) {
    return new MetricsSettings(bool(config, "orcha.metrics.enabled", DEFAULT.enabled()),
        bool(config, "orcha.metrics.authenticate", DEFAULT.authenticate()));
  }

  private static boolean bool(Config config, String path, boolean fallback) {
    if (!config.hasPath(path)) {
      return fallback;
    }
    try {
      return config.getBoolean(path);
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(path + " must be true or false, got: "
          + config.getValue(path).render(), e);
    }
  }
}
