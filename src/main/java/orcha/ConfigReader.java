package orcha;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads typed values from the resolved configuration and turns every bad value into an
 * {@link IllegalArgumentException} whose message names the key, where it came from (an
 * orchestrator JSON key is named in the origin) and what was wrong.
 */
final class ConfigReader {

  private final Config config;

  ConfigReader(Config config) {
    this.config = config;
  }

  /** "orcha.x.y (InstancePollSeconds in /etc/orcha.json)" or just the path. */
  String describe(String path) {
    if (!config.hasPathOrNull(path)) {
      return path;
    }
    ConfigValue v = config.getValue(path);
    String origin = v.origin() == null ? null : v.origin().description();
    if (origin != null && origin.startsWith(OrchestratorConfigImport.ORIGIN_PREFIX)) {
      return path + " (" + origin.substring(OrchestratorConfigImport.ORIGIN_PREFIX.length()) + ")";
    }
    return path;
  }

  private IllegalArgumentException bad(String path, String problem) {
    return new IllegalArgumentException(describe(path) + " " + problem);
  }

  private <T> T read(String path, java.util.function.Function<String, T> getter, String type) {
    try {
      return getter.apply(path);
    } catch (ConfigException.Missing e) {
      throw new IllegalArgumentException(path + " is missing");
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw bad(path, "must be " + type + ", got: " + raw(path));
    }
  }

  String raw(String path) {
    try {
      return String.valueOf(config.getValue(path).unwrapped());
    } catch (ConfigException e) {
      return "?";
    }
  }

  String string(String path) {
    return read(path, config::getString, "a string").trim();
  }

  boolean bool(String path) {
    return read(path, config::getBoolean, "true or false");
  }

  int intBetween(String path, int min, int max) {
    int v = read(path, config::getInt, "an integer");
    if (v < min || v > max) {
      throw bad(path, "must be between " + min + " and " + max + ", got: " + v);
    }
    return v;
  }

  Duration duration(String path, Duration min) {
    Duration d = read(path, config::getDuration, "a duration (e.g. 5s, 10m)");
    if (d.compareTo(min) < 0) {
      throw bad(path, "must be at least " + human(min) + ", got: " + raw(path));
    }
    return d;
  }

  Duration positiveDuration(String path) {
    Duration d = read(path, config::getDuration, "a duration (e.g. 5s, 10m)");
    if (d.isZero() || d.isNegative()) {
      throw bad(path, "must be > 0, got: " + raw(path));
    }
    return d;
  }

  List<String> strings(String path) {
    List<String> raw = read(path, config::getStringList, "a list of strings");
    List<String> out = new ArrayList<>();
    for (String s : raw) {
      if (s != null && !s.trim().isEmpty()) {
        out.add(s.trim());
      }
    }
    return List.copyOf(out);
  }

  /** A regex, compiled; empty string gives null. */
  Pattern regex(String path) {
    String s = string(path);
    if (s.isEmpty()) {
      return null;
    }
    return compile(path, s);
  }

  Pattern compile(String path, String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw bad(path, "is not a valid regular expression: " + regex + " (" + e.getDescription() + ")");
    }
  }

  List<Pattern> regexes(String path) {
    return strings(path).stream().map(s -> compile(path, s)).toList();
  }

  Map<String, String> stringMap(String path) {
    Config sub = read(path, config::getConfig, "an object of strings");
    Map<String, String> out = new LinkedHashMap<>();
    // keys are regexes and may contain dots: read them unsplit
    for (var e : sub.root().entrySet()) {
      Object v = e.getValue().unwrapped();
      if (!(v instanceof String)) {
        throw bad(path, "must map strings to strings; " + e.getKey() + " maps to " + v);
      }
      out.put(e.getKey(), (String) v);
    }
    return out;
  }

  static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
