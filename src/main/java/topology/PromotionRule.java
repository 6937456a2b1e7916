package topology;

import java.util.Locale;
import java.util.Optional;

/** Candidate promotion rules, in orchestrator's order of preference. */
public enum PromotionRule {
  MUST("must"),
  PREFER("prefer"),
  NEUTRAL("neutral"),
  PREFER_NOT("prefer_not"),
  MUST_NOT("must_not");

  private final String apiName;

  PromotionRule(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  public static Optional<PromotionRule> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (PromotionRule r : values()) {
      if (r.apiName.equals(t)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
