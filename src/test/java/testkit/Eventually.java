package testkit;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition with a deadline: tests never sleep a fixed time to wait for something. */
public final class Eventually {

  private Eventually() {}

  /** Returns the first value that satisfies {@code ok}; fails with the last value seen. */
  public static <T> T await(String what, Duration deadline, Supplier<T> probe,
      java.util.function.Predicate<T> ok) {
    long end = System.nanoTime() + deadline.toNanos();
    T last = null;
    Throwable lastError = null;
    while (System.nanoTime() < end) {
      try {
        last = probe.get();
        if (ok.test(last)) {
          return last;
        }
        lastError = null;
      } catch (RuntimeException | AssertionError e) {
        lastError = e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
    AssertionError err = new AssertionError("timed out after " + deadline + " waiting for "
        + what + "; last value: " + last);
    if (lastError != null) {
      err.initCause(lastError);
    }
    throw err;
  }

  public static void await(String what, Duration deadline, java.util.function.BooleanSupplier ok) {
    await(what, deadline, ok::getAsBoolean, b -> b);
  }

  /**
   * Checks that {@code ok} holds on every sample for the whole {@code duration}: for what must
   * NOT happen (a duplicate, a flap), which no deadline can show.
   */
  public static <T> void consistently(String what, Duration duration, Supplier<T> probe,
      java.util.function.Predicate<T> ok) {
    long end = System.nanoTime() + duration.toNanos();
    do {
      T v = probe.get();
      if (!ok.test(v)) {
        throw new AssertionError("not consistently " + what + "; saw: " + v);
      }
      try {
        Thread.sleep(100); // sampling cadence
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while checking " + what);
      }
    } while (System.nanoTime() < end);
  }
}
