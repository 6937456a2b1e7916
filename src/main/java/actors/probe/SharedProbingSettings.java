package actors.probe;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code orcha.discovery.shared-probing}: whether each server is probed regularly by
 * {@code observers} orcha nodes (chosen by topology.ProbeAssignment over the live nodes) instead
 * of by every node, and how often each node sends what its probes observed to the others. Read
 * once when the node starts.
 */
public record SharedProbingSettings(boolean enabled, int observers, Duration shareEvery) {

  static final String PATH = "orcha.discovery.shared-probing";

  public static final SharedProbingSettings OFF =
      new SharedProbingSettings(false, 1, Duration.ofMillis(500));

  public SharedProbingSettings {
    if (observers < 1) {
      throw new IllegalArgumentException(PATH + ".observers must be at least 1, got: "
          + observers);
    }
    if (shareEvery == null || shareEvery.compareTo(Duration.ofMillis(10)) < 0
        || shareEvery.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException(PATH + ".share-every must be between 10ms and 60s, got: "
          + shareEvery);
    }
  }

  /** Reads {@code orcha.discovery.shared-probing.*}; a bad value is an error naming the key. */
  public static SharedProbingSettings from(Config config) {
    if (!config.hasPath(PATH)) {
      return OFF;
    }
    Config c = config.getConfig(PATH);
    return new SharedProbingSettings(
        read(c, "enabled", () -> c.getBoolean("enabled"), OFF.enabled()),
        read(c, "observers", () -> c.getInt("observers"), OFF.observers()),
        read(c, "share-every", () -> c.getDuration("share-every"), OFF.shareEvery()));
  }

  private static <T> T read(Config c, String key, java.util.function.Supplier<T> value, T dflt) {
    if (!c.hasPath(key)) {
      return dflt;
    }
    try {
      return value.get();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(PATH + "." + key + ": " + e.getMessage(), e);
    }
  }
}
