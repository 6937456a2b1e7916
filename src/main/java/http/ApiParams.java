package http;

import topology.InstanceKey;
import topology.ReplicationCluster;
import topology.TopologySnapshot;

/**
 * Parses and resolves path parameters; every bad input becomes an {@link ApiException} whose
 * message names it (orchestrator's texts where the contract quotes them).
 */
public final class ApiParams {

  private ApiParams() {}

  /** {@code :host/:port} as given (no resolution): {@code Invalid port: <p>} etc. */
  public static InstanceKey instanceKey(ApiRequest req) {
    return instanceKey(req.param("host"), req.param("port"));
  }

  public static InstanceKey instanceKey(String host, String port) {
    try {
      return InstanceKey.of(host, port);
    } catch (IllegalArgumentException e) {
      throw new ApiException(e.getMessage());
    }
  }

  /**
   * A cluster hint resolved to a cluster name: name, alias, {@code host[:port]}, fuzzy host.
   */
  public static String clusterName(TopologySnapshot snapshot, String hint, int defaultPort) {
    String h = hint == null ? "" : hint.trim();
    if (h.isEmpty()) {
      throw new ApiException("Unable to determine cluster name by empty hint");
    }
    return snapshot.resolveClusterHint(h, defaultPort).orElseThrow(
        () -> new ApiException("Unable to determine cluster name. clusterHint=" + h));
  }

  /** A cluster by its alias (or its exact name, as upstream's alias lookup also accepts). */
  public static ReplicationCluster clusterByAlias(TopologySnapshot snapshot, String alias) {
    String a = alias == null ? "" : alias.trim();
    return snapshot.clusterByAlias(a)
        .or(() -> java.util.Optional.ofNullable(snapshot.clusters().get(a)))
        .orElseThrow(() -> new ApiException("No cluster found for alias " + a));
  }

  private static final java.util.regex.Pattern SIMPLE_TIME =
      java.util.regex.Pattern.compile("^([0-9]+)([smhdw])$");

  /**
   * orchestrator's simple time ({@code 10s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 1w}): a
   * missing or zero value means the default; anything else (a bare number, a negative value,
   * another unit) is refused with {@code Cannot parse simple time: <text>}.
   */
  public static java.time.Duration simpleTime(String text, java.time.Duration whenMissing) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty()) {
      return whenMissing;
    }
    java.util.regex.Matcher m = SIMPLE_TIME.matcher(t);
    if (!m.matches()) {
      throw new ApiException("Cannot parse simple time: " + t);
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new ApiException("Cannot parse simple time: " + t);
    }
    if (n == 0) {
      return whenMissing;
    }
    java.time.Duration unit = switch (m.group(2)) {
      case "s" -> java.time.Duration.ofSeconds(1);
      case "m" -> java.time.Duration.ofMinutes(1);
      case "h" -> java.time.Duration.ofHours(1);
      case "d" -> java.time.Duration.ofDays(1);
      default -> java.time.Duration.ofDays(7);
    };
    if (n > 36500L * 86400 / unit.toSeconds()) {
      throw new ApiException("Cannot parse simple time: " + t + " (more than 100 years)");
    }
    return unit.multipliedBy(n);
  }

  private static final java.time.format.DateTimeFormatter ORCHESTRATOR_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd[ ]['T']HH:mm:ss[.SSS]")
          .withZone(java.time.ZoneOffset.UTC);

  /**
   * A point in time given as RFC 3339 ({@code 2026-03-01T03:12:00Z}, {@code ...+02:00}),
   * {@code YYYY-MM-DD hh:mm:ss} in UTC (orchestrator's timestamps), epoch seconds, or a simple
   * time before {@code now} ({@code 90m}: an hour and a half ago). Anything else is refused
   * naming {@code name}.
   */
  public static java.time.Instant time(String name, String text, java.time.Instant now) {
    String t = text == null ? "" : text.trim();
    String why = "Invalid " + name + ": " + t + " (expected an RFC 3339 time such as "
        + "2026-03-01T03:12:00Z, YYYY-MM-DD hh:mm:ss in UTC, epoch seconds, or a time ago such as"
        + " 90m or 2h)";
    if (t.isEmpty()) {
      throw new ApiException(why);
    }
    if (t.chars().allMatch(Character::isDigit)) {
      try {
        return java.time.Instant.ofEpochSecond(Long.parseLong(t));
      } catch (RuntimeException e) {
        throw new ApiException(why);
      }
    }
    if (SIMPLE_TIME.matcher(t).matches()) {
      try {
        return now.minus(simpleTime(t, java.time.Duration.ZERO));
      } catch (ApiException e) {
        throw new ApiException(why);
      }
    }
    // a '+' of an offset arrives as a space when the caller did not encode it
    String offset = t.matches(".*T.* [0-9]{2}:[0-9]{2}$") ? t.substring(0, t.lastIndexOf(' '))
        + "+" + t.substring(t.lastIndexOf(' ') + 1) : t;
    try {
      return java.time.OffsetDateTime.parse(offset).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      // next form
    }
    try {
      return java.time.Instant.from(ORCHESTRATOR_TIME.parse(t));
    } catch (java.time.format.DateTimeParseException e) {
      throw new ApiException(why);
    }
  }

  /** A required free-text parameter (owner, reason): trimmed, not blank. */
  public static String required(ApiRequest req, String name, String what) {
    String v = req.param(name);
    if (v == null || v.isBlank()) {
      throw new ApiException(what + " required");
    }
    return v.trim();
  }
}
