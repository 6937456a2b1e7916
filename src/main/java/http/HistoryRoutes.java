package http;

import actors.detection.DetectionLog;
import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import topology.InstanceKey;
import topology.ReplicationCluster;
import topology.TopologyChange;
import topology.TopologySnapshot;

/**
 * orcha's own reads beyond orchestrator (README "Topology history"), answered from this node's
 * store and logs, never forwarded:
 *
 * <ul>
 *   <li>{@code history/instance/:host/:port}, {@code history/cluster/:clusterHint}: what
 *       changed when — the server's (or the cluster's servers') changes, the failure detections
 *       and the recovery decisions (ran or skipped, and why) and recovery ends, merged in one
 *       timeline; newest first ({@code ?order=asc}: oldest first), {@code ?since=&until=}
 *       bound it, {@code ?limit=} (default 100, at most 1000) keeps the newest (or oldest).</li>
 *   <li>{@code decisions/cluster/:clusterHint}, {@code decisions/instance/:host/:port}: "why
 *       did orcha (not) fail over at 03:12?" — around {@code ?at=} (default now) within
 *       {@code ?window=} (default 15m) either side: the detections with their evidence and
 *       analysis entry, every recovery decision with its steps and outcome, the skips still
 *       standing from before, the changes of the servers; oldest first, with a summary.</li>
 * </ul>
 *
 * <p>A cluster is followed through failovers: its history includes the names it had before
 * (a recovery of cluster A whose successor now names cluster B makes A's entries B's), its
 * alias, and its current servers.
 */
final class HistoryRoutes {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
  /** Changes listed by a decisions answer at most. */
  static final int DECISION_CHANGES = 200;

  private final NodeApi api;
  private final Clock clock;

  HistoryRoutes(NodeApi api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  void register(RouteTable t) {
    t.add("history/instance/:host/:port", r -> history(r, instanceScope(r)));
    t.add("history/cluster/:clusterHint", r -> history(r, clusterScope(r)));
    t.add("decisions/instance/:host/:port", r -> decisions(r, instanceScope(r)));
    t.add("decisions/cluster/:clusterHint", r -> decisions(r, clusterScope(r)));
  }

  // ---- whose history --------------------------------------------------------------------------

  /**
   * One server ({@code key}), or a cluster: the names it had, its aliases and its servers.
   */
  record Scope(InstanceKey key, String clusterName, String clusterAlias, Set<String> names,
      Set<String> aliases, Set<InstanceKey> members) {

    boolean cluster() {
      return key == null;
    }

    boolean matches(String name, String alias, InstanceKey k) {
      if (key != null) {
        return key.equals(k);
      }
      return names.contains(name) || (alias != null && !alias.isEmpty() && aliases.contains(alias))
          || members.contains(k);
    }

    boolean matches(RecoveryLog.Recovery r) {
      RecoveryLog.Start s = r.start();
      if (key != null) {
        return key.equals(s.failedKey())
            || (r.resolution() != null && key.equals(r.resolution().successor()));
      }
      return matches(s.clusterName(), s.clusterAlias(), s.failedKey());
    }

    TopologyChange.Query query(Instant since, Instant until, int limit, boolean oldestFirst) {
      return new TopologyChange.Query(key, names, aliases, members, since, until, limit,
          oldestFirst);
    }
  }

  private CompletionStage<Scope> instanceScope(ApiRequest r) {
    InstanceKey key = ApiParams.instanceKey(r);
    return CompletableFuture.completedFuture(new Scope(key, "", "", Set.of(), Set.of(), Set.of()));
  }

  private CompletionStage<Scope> clusterScope(ApiRequest r) {
    String hint = r.param("clusterHint");
    if (hint.isEmpty()) {
      throw new ApiException("Unable to determine cluster name by empty hint");
    }
    return api.snapshot().thenCombine(api.recoveries(), (s, log) -> scope(s, log, hint,
        api.settings().defaultInstancePort()));
  }

  /**
   * The cluster a hint names now (or, when it names none, the hint itself as a name and alias:
   * the history of a cluster no longer seen), with the names it had before its failovers.
   */
  static Scope scope(TopologySnapshot s, RecoveryLog.State log, String hint, int defaultPort) {
    String name = s.resolveClusterHint(hint, defaultPort).orElse(hint);
    ReplicationCluster c = s.clusters().get(name);
    String alias = c == null ? hint : c.alias();
    Set<String> names = new LinkedHashSet<>(List.of(name));
    Set<String> aliases = new LinkedHashSet<>(List.of(alias));
    boolean grew = true;
    while (grew) {
      grew = false;
      for (RecoveryLog.Recovery r : log.recoveries()) {
        RecoveryLog.Resolution res = r.resolution();
        if (res != null && res.successor().isValid()
            && names.contains(res.successor().displayString())) {
          grew |= names.add(r.start().clusterName());
          if (!r.start().clusterAlias().isEmpty()) {
            aliases.add(r.start().clusterAlias());
          }
        }
      }
    }
    Set<InstanceKey> members = c == null ? Set.of() : Set.copyOf(c.members());
    return new Scope(null, name, alias, Set.copyOf(names), Set.copyOf(aliases), members);
  }

  // ---- history --------------------------------------------------------------------------------

  private CompletionStage<ApiReply> history(ApiRequest r, CompletionStage<Scope> scoped) {
    Instant now = clock.instant();
    Instant since = r.query("since").map(t -> ApiParams.time("since", t, now)).orElse(null);
    Instant until = r.query("until").map(t -> ApiParams.time("until", t, now)).orElse(null);
    if (since != null && until != null && until.isBefore(since)) {
      throw new ApiException("Invalid until: " + r.query("until").get() + " is before since "
          + r.query("since").get());
    }
    int limit = limit(r);
    boolean oldestFirst = order(r);
    return scoped.thenCompose(scope -> api.history(scope.query(since, until, limit, oldestFirst))
        .thenCombine(api.failureDetections(), (changes, detections) -> {
          List<HistoryJson.Entry> entries = new ArrayList<>();
          changes.forEach(c -> entries.add(HistoryJson.change(c)));
          detections.stream().filter(d -> matches(scope, d) && within(d.detectedAt(), since, until))
              .forEach(d -> entries.add(HistoryJson.detection(d, false)));
          return entries;
        })
        .thenCombine(api.recoveries(), (entries, log) -> {
          for (RecoveryLog.Recovery rec : log.recoveries()) {
            if (!scope.matches(rec)) {
              continue;
            }
            if (within(rec.startedAt(), since, until)) {
              entries.add(HistoryJson.ran(rec, false));
            }
            HistoryJson.Entry end = HistoryJson.ended(rec);
            if (end != null && within(end.at(), since, until)) {
              entries.add(end);
            }
          }
          for (RecoveryLog.Skip skip : log.skips()) {
            if (scope.matches(skip.clusterName(), "", skip.key())
                && within(skip.at(), since, until)) {
              entries.add(HistoryJson.skipped(skip, log, false));
            }
          }
          return ApiReply.json(HistoryJson.timeline(entries, oldestFirst, limit));
        }));
  }

  private static boolean matches(Scope scope, DetectionLog.Detection d) {
    DetectionLog.Candidate c = d.candidate();
    return scope.matches(c.clusterName(), c.clusterAlias(), c.key());
  }

  private static boolean within(Instant at, Instant since, Instant until) {
    return at != null && (since == null || !at.isBefore(since))
        && (until == null || !at.isAfter(until));
  }

  static int limit(ApiRequest r) {
    String raw = r.query("limit").orElse("");
    if (raw.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(raw);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new ApiException("Invalid limit: " + raw + " (a number from 1 to " + MAX_LIMIT
        + " is expected)");
  }

  /** Whether oldest first: {@code order=asc}; newest first by default ({@code desc}). */
  static boolean order(ApiRequest r) {
    String raw = r.query("order").orElse("desc");
    return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
      case "asc" -> true;
      case "desc" -> false;
      default -> throw new ApiException("Invalid order: " + raw + " (asc or desc is expected)");
    };
  }

  // ---- decisions ------------------------------------------------------------------------------

  private CompletionStage<ApiReply> decisions(ApiRequest r, CompletionStage<Scope> scoped) {
    Instant now = clock.instant();
    Instant at = r.query("at").map(t -> ApiParams.time("at", t, now)).orElse(now);
    Duration window = ApiParams.simpleTime(r.query("window").orElse(""), DEFAULT_WINDOW);
    Instant from = at.minus(window);
    Instant to = at.plus(window);
    return scoped.thenCompose(scope -> api.history(
            scope.query(from, to, DECISION_CHANGES, true))
        .thenCombine(api.failureDetections(), Read::new)
        .thenCombine(api.recoveries(), (read, log) -> ApiReply.json(
            decisions(scope, from, to, at, read.changes(), read.detections(), log))));
  }

  private record Read(List<TopologyChange> changes, List<DetectionLog.Detection> detections) {}

  /** The decisions answer (see the class comment); pure. */
  static ObjectNode decisions(Scope scope, Instant from, Instant to, Instant at,
      List<TopologyChange> changes, List<DetectionLog.Detection> detections,
      RecoveryLog.State log) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    if (scope.cluster()) {
      n.put("ClusterName", scope.clusterName());
      n.put("ClusterAlias", scope.clusterAlias());
      n.set("ClusterNames", ApiJson.strings(scope.names()));
    } else {
      n.set("Key", ApiJson.key(scope.key()));
    }
    n.put("At", HistoryJson.time(at));
    n.put("From", HistoryJson.time(from));
    n.put("To", HistoryJson.time(to));

    List<DetectionLog.Detection> seen = detections.stream()
        .filter(d -> matches(scope, d) && within(d.detectedAt(), from, to)).toList();
    List<RecoveryLog.Recovery> ran = log.recoveries().stream()
        .filter(scope::matches)
        .filter(rec -> !rec.startedAt().isAfter(to)
            && (rec.endedAt() == null || !rec.endedAt().isBefore(from)))
        .toList();
    List<RecoveryLog.Skip> skipped = log.skips().stream()
        .filter(s -> scope.matches(s.clusterName(), "", s.key()) && within(s.at(), from, to))
        .toList();
    List<RecoveryLog.Skip> standing = standing(scope, log, from);

    List<HistoryJson.Entry> decided = new ArrayList<>();
    standing.forEach(s -> decided.add(HistoryJson.skipped(s, log, true)));
    skipped.forEach(s -> decided.add(HistoryJson.skipped(s, log, false)));
    ran.forEach(rec -> decided.add(HistoryJson.ran(rec, true)));

    ArrayNode summary = n.putArray("Summary");
    summary(seen, ran, skipped, standing, from, to).forEach(summary::add);
    n.set("Detections", HistoryJson.timeline(seen.stream()
        .map(d -> HistoryJson.detection(d, true)).toList(), true, Integer.MAX_VALUE));
    n.set("Decisions", HistoryJson.timeline(decided, true, Integer.MAX_VALUE));
    n.set("Changes", HistoryJson.timeline(changes.stream().map(HistoryJson::change).toList(),
        true, Integer.MAX_VALUE));
    return n;
  }

  /**
   * The newest skip before the window of each server and analysis, unless a recovery of that
   * server started after it and before the window: a skip repeated with the same reason is recorded once, so it may
   * still have been the decision during the window.
   */
  static List<RecoveryLog.Skip> standing(Scope scope, RecoveryLog.State log, Instant from) {
    Map<String, RecoveryLog.Skip> last = new HashMap<>();
    for (RecoveryLog.Skip s : log.skips()) {
      if (s.at().isBefore(from) && scope.matches(s.clusterName(), "", s.key())) {
        last.merge(s.key() + "/" + s.analysisCode(), s, (a, b) -> b.at().isAfter(a.at()) ? b : a);
      }
    }
    Set<String> inWindow = new HashSet<>();
    for (RecoveryLog.Skip s : log.skips()) {
      if (!s.at().isBefore(from)) {
        inWindow.add(s.key() + "/" + s.analysisCode());
      }
    }
    return last.entrySet().stream()
        .filter(e -> !inWindow.contains(e.getKey()))
        .map(Map.Entry::getValue)
        .filter(s -> log.recoveries().stream().noneMatch(rec ->
            rec.start().failedKey().equals(s.key()) && rec.startedAt().isAfter(s.at())
                && rec.startedAt().isBefore(from)))
        .sorted(java.util.Comparator.comparing(RecoveryLog.Skip::at))
        .toList();
  }

  /** One sentence per decision or undecided detection; one saying so when there was none. */
  static List<String> summary(List<DetectionLog.Detection> seen, List<RecoveryLog.Recovery> ran,
      List<RecoveryLog.Skip> skipped, List<RecoveryLog.Skip> standing, Instant from, Instant to) {
    List<String> out = new ArrayList<>();
    Set<InstanceKey> decided = new HashSet<>();
    for (RecoveryLog.Skip s : standing) {
      decided.add(s.key());
      out.add(HistoryJson.time(s.at()) + " (before the window, not repeated since): "
          + s.analysisCode() + " on " + s.key() + " not recovered: " + HistoryJson.why(s));
    }
    for (RecoveryLog.Skip s : skipped) {
      decided.add(s.key());
      out.add(HistoryJson.time(s.at()) + ": " + s.analysisCode() + " on " + s.key()
          + " not recovered: " + HistoryJson.why(s));
    }
    for (RecoveryLog.Recovery r : ran) {
      decided.add(r.start().failedKey());
      RecoveryLog.Resolution res = r.resolution();
      String outcome = !r.ended() ? "still running"
          : res != null && res.successful() ? "successful, successor " + res.successor()
          : res != null && res.refused() ? "refused before any change"
          : "unsuccessful";
      out.add(HistoryJson.time(r.startedAt()) + ": recovery " + r.id() + " (" + r.start().type()
          + ") of " + r.start().analysisCode() + " on " + r.start().failedKey() + ": " + outcome);
    }
    for (DetectionLog.Detection d : seen) {
      if (!decided.contains(d.candidate().key())) {
        out.add(HistoryJson.time(d.detectedAt()) + ": " + d.candidate().analysisCode() + " on "
            + d.candidate().key() + " detected; no recovery decision recorded"
            + (d.candidate().actionable() ? "" : " (detection only: not actionable)"));
      }
    }
    if (out.isEmpty()) {
      out.add("no failure detected and no recovery decided between " + HistoryJson.time(from)
          + " and " + HistoryJson.time(to));
    }
    return out;
  }
}
