package backend;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code orcha.history}: whether the topology history is recorded, and how much of it the
 * backend keeps (the newest {@code maxRows} entries, none older than {@code maxAge}). Read once
 * when the node starts.
 */
public record HistorySettings(boolean enabled, long maxRows, Duration maxAge) {

  public static final HistorySettings DEFAULT =
      new HistorySettings(true, 100_000, Duration.ofDays(30));

  public HistorySettings {
    if (maxRows < 100) {
      throw new IllegalArgumentException("orcha.history.max-rows must be at least 100, got: "
          + maxRows);
    }
    if (maxAge == null || maxAge.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException("orcha.history.max-age must be at least 1m, got: "
          + maxAge);
    }
  }

  /** Reads {@code orcha.history.*}; a bad value is an error naming the key. */
  public static HistorySettings from(Config config) {
    try {
      return new HistorySettings(
          config.hasPath("orcha.history.enabled") ? config.getBoolean("orcha.history.enabled")
              : DEFAULT.enabled(),
          config.hasPath("orcha.history.max-rows") ? config.getLong("orcha.history.max-rows")
              : DEFAULT.maxRows(),
          config.hasPath("orcha.history.max-age") ? config.getDuration("orcha.history.max-age")
              : DEFAULT.maxAge());
    } catch (ConfigException e) {
      throw new IllegalArgumentException("orcha.history: " + e.getMessage(), e);
    }
  }
}
