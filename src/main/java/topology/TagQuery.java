package topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code tagged?tag=} expression (orchestrator-api.md §4.1): comma-separated conditions
 * ({@code name}, {@code name=value}, {@code ~name}, {@code !name}, {@code ~name=value}), all of
 * which a server must satisfy. Pure.
 */
public final class TagQuery {

  private final List<InstanceTag> conditions;

  private TagQuery(List<InstanceTag> conditions) {
    this.conditions = List.copyOf(conditions);
  }

  /**
   * Parses an expression.
   *
   * @throws IllegalArgumentException naming the part that is not a tag (an empty expression
   *     included: orchestrator answers {@code Unable to parse tag: } for it too)
   */
  public static TagQuery parse(String expression) {
    List<InstanceTag> c = new ArrayList<>();
    for (String part : (expression == null ? "" : expression).split(",", -1)) {
      c.add(InstanceTag.parse(part));
    }
    return new TagQuery(c);
  }

  public List<InstanceTag> conditions() {
    return conditions;
  }

  /**
   * The servers satisfying every condition, sorted. A negated condition ({@code ~name}) is
   * judged over every server orcha knows ({@code known}) or that has a tag; orchestrator only
   * looks at servers with some tag, so an untagged server would never show there.
   *
   * @param tags each server's tags, name to value
   */
  public List<InstanceKey> select(Map<InstanceKey, Map<String, String>> tags,
      Collection<InstanceKey> known) {
    TreeSet<InstanceKey> candidates = new TreeSet<>(known);
    candidates.addAll(tags.keySet());
    List<InstanceKey> out = new ArrayList<>();
    for (InstanceKey k : candidates) {
      Map<String, String> t = tags.getOrDefault(k, Map.of());
      if (conditions.stream().allMatch(c -> c.matches(t))) {
        out.add(k);
      }
    }
    return out;
  }
}
