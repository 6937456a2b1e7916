package topology;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An operator's tag on a server, or a condition on tags (orchestrator's {@code Tag}): written
 * {@code name}, {@code name=value}, and as a condition also {@code ~name} / {@code !name} (the
 * server lacks the tag) and {@code ~name=value} (it has the tag with another value).
 *
 * @param hasValue whether a value was written ({@code name=} has the empty value)
 * @param negate a condition that a server does not have this tag (or this value)
 */
public record InstanceTag(String name, String value, boolean hasValue, boolean negate) {

  private static final Pattern NAME_VALUE = Pattern.compile("^([^=]+)=(.*)$", Pattern.DOTALL);
  private static final Pattern NAME = Pattern.compile("^([^=]+)$", Pattern.DOTALL);

  public InstanceTag {
    name = name == null ? "" : name.trim();
    value = value == null ? "" : value.trim();
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty tag name");
    }
  }

  /**
   * Parses a tag or condition. orchestrator replaces every {@code !} with {@code ~}; here only
   * a leading one negates, so that values may contain {@code !}.
   *
   * @throws IllegalArgumentException {@code Unable to parse tag: <text>}
   */
  public static InstanceTag parse(String text) {
    String t = text == null ? "" : text.trim();
    boolean negate = t.startsWith("~") || t.startsWith("!");
    String body = negate ? t.substring(1).trim() : t;
    Matcher m = NAME_VALUE.matcher(body);
    if (m.matches() && !m.group(1).isBlank()) {
      return new InstanceTag(m.group(1), m.group(2), true, negate);
    }
    m = NAME.matcher(body);
    if (m.matches() && !m.group(1).isBlank()) {
      return new InstanceTag(m.group(1), "", false, negate);
    }
    throw new IllegalArgumentException("Unable to parse tag: " + t);
  }

  /** orchestrator's {@code Tag.String()}: {@code name=value} (also for a tag without value). */
  public String display() {
    return name + "=" + value;
  }

  /** Whether a server with these tags (name to value) satisfies this condition. */
  public boolean matches(Map<String, String> tags) {
    String v = tags.get(name);
    boolean present = v != null && (!hasValue || v.equals(value));
    if (!negate) {
      return present;
    }
    // orchestrator: "~name=value" means the tag is there with another value
    return hasValue ? v != null && !v.equals(value) : v == null;
  }
}
