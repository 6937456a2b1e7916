package topology;

import java.util.function.Supplier;

/**
 * Whether something may be done and, when not, why: a sentence naming the servers as
 * {@code host:port} (contract §7.9: no {@code "} or {@code \} in it, scripts grep it).
 */
public record Verdict(boolean allowed, String reason) {

  public static final Verdict ALLOWED = new Verdict(true, "");

  public Verdict {
    reason = reason == null ? "" : reason;
    if (!allowed && reason.isEmpty()) {
      throw new IllegalArgumentException("a refusal needs a reason");
    }
  }

  public static Verdict refused(String reason) {
    return new Verdict(false, reason);
  }

  public boolean refused() {
    return !allowed;
  }

  /** This verdict when it refuses, else the next one (evaluated only then). */
  public Verdict and(Supplier<Verdict> next) {
    return allowed ? next.get() : this;
  }

  @Override
  public String toString() {
    return allowed ? "allowed" : "refused: " + reason;
  }
}
