package http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API routes written as in the contract ({@code instance/:host/:port},
 * {@code cluster/alias/:clusterAlias}) and matched against the decoded path segments after
 * {@code {URLPrefix}/api/}.
 *
 * <ul>
 *   <li>A trailing slash is accepted on every route; a trailing empty segment may also fill a
 *       route's last parameter (so {@code topology/} reaches {@code topology/:clusterHint} with
 *       an empty hint and gets a JSON error naming the empty hint).
 *   <li>Other parameters match one non-empty segment. Values are trimmed: orchestrator-client
 *       appends an encoded newline to every value it encodes.
 *   <li>Legacy {@code *-slave*} first segments are served as their {@code *-replica*} routes.
 *   <li>When several routes match, the one with a literal segment where another has a
 *       parameter wins, left to right.
 * </ul>
 */
public final class RouteTable {

  /** Legacy first segments (orchestrator-api.md §4) and the routes that serve them. */
  public static final Map<String, String> LEGACY_SYNONYMS = Map.ofEntries(
      Map.entry("relocate-slaves", "relocate-replicas"),
      Map.entry("regroup-slaves", "regroup-replicas"),
      Map.entry("move-up-slaves", "move-up-replicas"),
      Map.entry("repoint-slaves", "repoint-replicas"),
      Map.entry("enslave-siblings", "take-siblings"),
      Map.entry("enslave-master", "take-master"),
      Map.entry("regroup-slaves-bls", "regroup-replicas-bls"),
      Map.entry("move-slaves-gtid", "move-replicas-gtid"),
      Map.entry("regroup-slaves-gtid", "regroup-replicas-gtid"),
      Map.entry("match-slaves", "match-replicas"),
      Map.entry("match-up-slaves", "match-up-replicas"),
      Map.entry("regroup-slaves-pgtid", "regroup-replicas-pgtid"),
      Map.entry("detach-slave", "detach-replica"),
      Map.entry("reattach-slave", "reattach-replica"),
      Map.entry("detach-slave-master-host", "detach-replica-master-host"),
      Map.entry("reattach-slave-master-host", "reattach-replica-master-host"),
      Map.entry("cluster-osc-slaves", "cluster-osc-replicas"),
      Map.entry("start-slave", "start-replica"),
      Map.entry("restart-slave", "restart-replica"),
      Map.entry("stop-slave", "stop-replica"),
      Map.entry("stop-slave-nice", "stop-replica-nice"),
      Map.entry("reset-slave", "reset-replica"),
      Map.entry("restart-slave-statements", "restart-replica-statements"));

  /** A route that matched, with its parameters. */
  public record Match(String pattern, Map<String, String> params, ApiHandler handler) {}

  private record Entry(String pattern, List<String> segments, ApiHandler handler) {

    boolean literalAt(int i) {
      return !segments.get(i).startsWith(":");
    }
  }

  private final List<Entry> entries = new ArrayList<>();

  /**
   * Adds a route.
   *
   * @throws IllegalArgumentException for a malformed pattern or one already present
   */
  public RouteTable add(String pattern, ApiHandler handler) {
    List<String> segs = Arrays.asList(pattern.split("/", -1));
    if (pattern.isEmpty() || pattern.startsWith("/") || pattern.endsWith("/")
        || segs.stream().anyMatch(s -> s.isEmpty() || s.equals(":"))) {
      throw new IllegalArgumentException("malformed route pattern: " + pattern);
    }
    String shape = shape(segs);
    if (entries.stream().anyMatch(e -> shape(e.segments()).equals(shape))) {
      throw new IllegalArgumentException("route already present: " + pattern);
    }
    entries.add(new Entry(pattern, List.copyOf(segs), handler));
    return this;
  }

  public List<String> patterns() {
    return entries.stream().map(Entry::pattern).toList();
  }

  /** Matches decoded path segments (after {@code api/}); a trailing "" is a trailing slash. */
  public Optional<Match> match(List<String> segments) {
    if (segments.isEmpty()) {
      return Optional.empty();
    }
    List<String> segs = new ArrayList<>(segments);
    segs.set(0, LEGACY_SYNONYMS.getOrDefault(segs.get(0), segs.get(0)));
    boolean trailingSlash = segs.size() > 1 && segs.get(segs.size() - 1).isEmpty();
    if (trailingSlash) {
      Optional<Match> m = best(segs.subList(0, segs.size() - 1));
      if (m.isPresent()) {
        return m;
      }
    }
    return best(segs);
  }

  private Optional<Match> best(List<String> segs) {
    Entry best = null;
    for (Entry e : entries) {
      if (matches(e, segs) && (best == null || moreSpecific(e, best))) {
        best = e;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < segs.size(); i++) {
      if (!best.literalAt(i)) {
        params.put(best.segments().get(i).substring(1), segs.get(i).trim());
      }
    }
    return Optional.of(new Match(best.pattern(), params, best.handler()));
  }

  private static boolean matches(Entry e, List<String> segs) {
    if (e.segments().size() != segs.size()) {
      return false;
    }
    int last = segs.size() - 1;
    for (int i = 0; i < segs.size(); i++) {
      String s = segs.get(i);
      if (e.literalAt(i)) {
        if (!e.segments().get(i).equals(s)) {
          return false;
        }
      } else if (s.isEmpty() && i != last) {
        return false;
      }
    }
    return true;
  }

  private static boolean moreSpecific(Entry a, Entry b) {
    for (int i = 0; i < a.segments().size(); i++) {
      if (a.literalAt(i) != b.literalAt(i)) {
        return a.literalAt(i);
      }
    }
    return false;
  }

  private static String shape(List<String> segs) {
    return String.join("/", segs.stream().map(s -> s.startsWith(":") ? ":" : s).toList());
  }
}
