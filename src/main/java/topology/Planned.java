package topology;

import java.util.Objects;

/**
 * A planner's answer: a plan, or a refusal saying why there is none. Exactly one of the two:
 * {@code plan} is null exactly when {@code verdict} refuses.
 */
public record Planned<P>(P plan, Verdict verdict) {

  public Planned {
    Objects.requireNonNull(verdict, "verdict");
    if (verdict.allowed() != (plan != null)) {
      throw new IllegalArgumentException("a plan goes with an allowing verdict, a refusal without");
    }
  }

  public static <P> Planned<P> ready(P plan) {
    return new Planned<>(Objects.requireNonNull(plan, "plan"), Verdict.ALLOWED);
  }

  public static <P> Planned<P> refused(String reason) {
    return new Planned<>(null, Verdict.refused(reason));
  }

  public static <P> Planned<P> refused(Verdict verdict) {
    return new Planned<>(null, verdict);
  }

  public boolean isReady() {
    return plan != null;
  }

  /** The refusal's reason; {@code ""} for a plan. */
  public String reason() {
    return verdict.reason();
  }

  /** The plan, or an {@link IllegalStateException} carrying the refusal's reason. */
  public P orElseThrow() {
    if (plan == null) {
      throw new IllegalStateException(verdict.reason());
    }
    return plan;
  }

  /** The same refusal for another plan type (only for refusals). */
  <Q> Planned<Q> refusal() {
    if (plan != null) {
      throw new IllegalStateException("not a refusal");
    }
    return new Planned<>(null, verdict);
  }
}
