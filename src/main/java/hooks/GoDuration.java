package hooks;

import java.time.Duration;

/** Formats a duration the way Go's {@code time.Duration.String()} does, as orchestrator audits. */
public final class GoDuration {

  private GoDuration() {}

  public static String format(Duration d) {
    long ns = d.toNanos();
    if (ns == 0) {
      return "0s";
    }
    String sign = ns < 0 ? "-" : "";
    long v = Math.abs(ns);
    if (v < 1_000L) {
      return sign + v + "ns";
    }
    if (v < 1_000_000L) {
      return sign + fraction(v, 3) + "µs";
    }
    if (v < 1_000_000_000L) {
      return sign + fraction(v, 6) + "ms";
    }
    long secs = v / 1_000_000_000L;
    long h = secs / 3600;
    long m = (secs % 3600) / 60;
    StringBuilder b = new StringBuilder(sign);
    if (h > 0) {
      b.append(h).append('h').append(m).append('m');
    } else if (m > 0) {
      b.append(m).append('m');
    }
    return b.append(fraction(v % 60_000_000_000L, 9)).append('s').toString();
  }

  /** {@code v / 10^digits} with the remainder as a fraction, trailing zeros trimmed. */
  private static String fraction(long v, int digits) {
    long scale = (long) Math.pow(10, digits);
    String frac = String.format("%0" + digits + "d", v % scale).replaceFirst("0+$", "");
    return frac.isEmpty() ? Long.toString(v / scale) : (v / scale) + "." + frac;
  }
}
