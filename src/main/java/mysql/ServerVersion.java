package mysql;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's version number as {@code @@version} (or the handshake) tells it. Comparisons are only
 * meaningful within one flavour: MariaDB "10.11" is not "newer" than MySQL "8.0", and
 * {@link Dialect} never compares across flavours.
 *
 * @param text the version text as the server gave it, e.g. {@code 10.11.19-MariaDB-0+deb12u1-log}
 */
public record ServerVersion(int major, int minor, int patch, String text) {

  public static final ServerVersion UNKNOWN = new ServerVersion(0, 0, 0, "");

  private static final Pattern NUMBERS = Pattern.compile("^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");
  // MariaDB prefixes its handshake version with "5.5.5-" for old replication clients
  private static final String MARIADB_HANDSHAKE_PREFIX = "5.5.5-";

  public ServerVersion {
    text = text == null ? "" : text;
  }

  /** Parses {@code 8.0.36}, {@code 5.7.44-log}, {@code 10.11.19-MariaDB-...}, {@code 5.5.5-10.6.1-MariaDB}. */
  public static ServerVersion parse(String text) {
    String t = text == null ? "" : text.trim();
    String numbers = t;
    if (numbers.startsWith(MARIADB_HANDSHAKE_PREFIX) && numbers.toLowerCase().contains("mariadb")) {
      numbers = numbers.substring(MARIADB_HANDSHAKE_PREFIX.length());
    }
    Matcher m = NUMBERS.matcher(numbers);
    if (!m.find()) {
      return new ServerVersion(0, 0, 0, t);
    }
    return new ServerVersion(num(m.group(1)), num(m.group(2)), num(m.group(3)), t);
  }

  private static int num(String s) {
    if (s == null) {
      return 0;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0; // absurdly long digit runs: treat as unknown rather than fail a probe
    }
  }

  public boolean isKnown() {
    return major > 0;
  }

  /** This version is {@code major.minor.patch} or newer (same flavour assumed). */
  public boolean atLeast(int major, int minor, int patch) {
    if (this.major != major) {
      return this.major > major;
    }
    if (this.minor != minor) {
      return this.minor > minor;
    }
    return this.patch >= patch;
  }

  public String numbers() {
    return major + "." + minor + "." + patch;
  }
}
