package topology;

import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * Identity of a MySQL/MariaDB server: host and port, as orcha reaches it. Rendered as
 * {@code host:port} everywhere in human text (messages, cluster names, hooks).
 */
public record InstanceKey(String hostname, int port) implements Comparable<InstanceKey> {

  /** The "no master" key of orchestrator's JSON: {@code {"Hostname":"","Port":0}}. */
  public static final InstanceKey NONE = new InstanceKey("", 0);

  // Host names, IPv4 and bracket-less IPv6 literals; no whitespace, no path or query characters.
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.:%\\-]+");
  private static final Comparator<InstanceKey> ORDER =
      Comparator.comparing(InstanceKey::hostname).thenComparingInt(InstanceKey::port);

  public InstanceKey {
    if (hostname == null) {
      throw new IllegalArgumentException("hostname must not be null");
    }
  }

  /**
   * Validates user-supplied host and port text (an HTTP path, a config seed).
   *
   * @throws IllegalArgumentException with a message naming the bad part
   */
  public static InstanceKey of(String host, String port) {
    String h = host == null ? "" : host.trim();
    if (h.isEmpty()) {
      throw new IllegalArgumentException("Invalid hostname: empty");
    }
    if (h.length() > 255 || !HOST.matcher(h).matches()) {
      throw new IllegalArgumentException("Invalid hostname: " + h);
    }
    return new InstanceKey(h, parsePort(port));
  }

  public static int parsePort(String port) {
    String p = port == null ? "" : port.trim();
    int value;
    try {
      value = Integer.parseInt(p);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid port: " + p);
    }
    if (value < 1 || value > 65535) {
      throw new IllegalArgumentException("Invalid port: " + p);
    }
    return value;
  }

  /** Parses {@code host:port}, or a bare {@code host} with the given default port. */
  public static InstanceKey parse(String text, int defaultPort) {
    String t = text == null ? "" : text.trim();
    int colon = t.lastIndexOf(':');
    // a bare IPv6 literal has several colons and no port
    if (colon < 0 || t.indexOf(':') != colon) {
      return of(t, String.valueOf(defaultPort));
    }
    return of(t.substring(0, colon), t.substring(colon + 1));
  }

  public boolean isValid() {
    return !hostname.isEmpty() && port > 0;
  }

  /** Detached master hosts are rewritten to {@code //host} by detach-replica-master-host. */
  public boolean isDetached() {
    return hostname.startsWith("//");
  }

  /**
   * The key written by {@link #toString()} ({@code host:port}; the port after the last colon,
   * so IPv6 hosts work too). Serializers use it for keys of maps.
   */
  public static InstanceKey valueOf(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("not host:port: " + hostPort);
    }
    return new InstanceKey(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1)));
  }

  public String displayString() {
    return hostname + ":" + port;
  }

  @Override
  public String toString() {
    return displayString();
  }

  @Override
  public int compareTo(InstanceKey other) {
    return ORDER.compare(this, other);
  }
}
