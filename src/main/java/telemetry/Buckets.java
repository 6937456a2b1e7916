package telemetry;

import java.time.Duration;

/** Histogram bucket boundaries, fixed so that every histogram has a known, small number of series. */
final class Buckets {

  private Buckets() {}

  /** A probe: a few milliseconds on a healthy network, up to the connect/query timeouts. */
  static final Duration[] PROBE = millis(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
      10000);

  /** A step of a recovery: fence holds take milliseconds, hooks and catch-up waits minutes. */
  static final Duration[] PHASE = millis(10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
      60000, 120000, 300000);

  /** A write to the backend or to a majority of the orcha nodes (fence). */
  static final Duration[] WRITE = millis(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000);

  /** One message of a hot actor: microseconds normally, a full analysis at 10,000 servers more. */
  static final Duration[] MESSAGE = millis(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 50, 100, 500, 1000);

  /** Replication lag, in seconds. */
  static final double[] LAG = {1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};

  private static Duration[] millis(double... ms) {
    Duration[] d = new Duration[ms.length];
    for (int i = 0; i < ms.length; i++) {
      d[i] = Duration.ofNanos(Math.round(ms[i] * 1_000_000));
    }
    return d;
  }
}
