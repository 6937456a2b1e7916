package mysql;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import topology.ProbeResult;

/** Small helpers shared by this package's tests. */
final class TestSupport {

  private TestSupport() {}

  /**
   * Keeps the driver's and Netty's DEBUG logging (logback's default without a configuration)
   * out of the test output and out of the latency measurements.
   */
  static void quietLogging() {
    for (String name : new String[] {"io.asyncer", "io.netty", "reactor"}) {
      if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
        l.setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.INFO);
    }
  }

  /** Open file descriptors of this JVM (Linux): sockets included. */
  static int openFds() {
    String[] fds = new java.io.File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  /** Waits for a probe, failing the test (not hanging) if the stage does not complete in time. */
  static ProbeResult await(java.util.concurrent.CompletionStage<ProbeResult> stage, Duration max) {
    try {
      return stage.toCompletableFuture().get(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the probe did not complete within " + max, e);
    } catch (Exception e) {
      throw new AssertionError("the probe's stage failed instead of returning a result", e);
    }
  }

  /** Polls until {@code condition} holds, failing after {@code max}. No fixed sleeps. */
  static void eventually(Duration max, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + max + ": " + what);
      }
      try {
        Thread.sleep(20); // poll interval, not a wait for something to happen
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }

  /** Probes until the result satisfies {@code ok}; returns that result. */
  static <T> T eventuallyGet(Duration max, String what, Supplier<T> get,
      java.util.function.Predicate<T> ok) {
    long deadline = System.nanoTime() + max.toNanos();
    T last = get.get();
    while (!ok.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + max + ": " + what + "; last: " + last);
      }
      try {
        Thread.sleep(20); // poll interval
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
      last = get.get();
    }
    return last;
  }
}
