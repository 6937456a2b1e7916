package http;

/**
 * orchestrator's ListenAddress: {@code :3000} (all interfaces), {@code host:3000} or
 * {@code [::1]:3000}. Port 0 asks for a free port (tests).
 */
public record ListenAddress(String host, int port) {

  public static final String ALL_INTERFACES = "0.0.0.0";

  /**
   * @throws IllegalArgumentException naming the address when it cannot be parsed
   */
  public static ListenAddress parse(String text) {
    String t = text == null ? "" : text.trim();
    int colon = t.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "Invalid ListenAddress '" + t + "': expected [host]:port, e.g. :3000");
    }
    String host = t.substring(0, colon).trim();
    String portText = t.substring(colon + 1).trim();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "Invalid ListenAddress '" + t + "': write an IPv6 host in brackets, e.g. [::1]:3000");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid ListenAddress '" + t + "': bad port '" + portText + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Invalid ListenAddress '" + t + "': port out of range");
    }
    return new ListenAddress(host.isEmpty() ? ALL_INTERFACES : host, port);
  }
}
