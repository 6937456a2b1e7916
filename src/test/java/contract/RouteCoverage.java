package contract;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Which routes the contract run covers. Every pattern of the router must be reached by a case
 * of {@link ContractPlan} or be listed in {@link #EXCLUDED} with its reason; every contract route
 * orcha does not serve is listed in {@link #NOT_SERVED} (and must then answer 404 with a JSON
 * error). A route added later without a case fails RouteCoverageTest.
 */
final class RouteCoverage {

  private RouteCoverage() {}

  /**
   * Router patterns deliberately without a contract case, and why. Empty today: every served
   * route has a case. Keep every entry commented.
   */
  static final Map<String, String> EXCLUDED = Map.of();

  /** Contract routes (§4, §6.2) orcha does not serve, and who or what is missing. */
  static final Map<String, String> NOT_SERVED = notServed();

  private static Map<String, String> notServed() {
    Map<String, String> m = new LinkedHashMap<>();
    String parallel = "added by the parallel branch (tags, pools, skip-query, ...)";
    // §4.1
    m.put("tags/:host/:port", parallel);
    m.put("tag-value/:host/:port", parallel);
    m.put("tagged", parallel);
    m.put("cluster-osc-replicas/:clusterHint", parallel);
    m.put("bulk-instances", "orcha has no bulk listings");
    m.put("bulk-promotion-rules", "orcha has no bulk listings");
    // §4.2
    m.put("tag/:host/:port", parallel);
    m.put("untag/:host/:port", parallel);
    m.put("untag-all", parallel);
    m.put("submit-pool-instances/:pool", parallel);
    m.put("cluster-pool-instances/:clusterName", parallel);
    m.put("heuristic-cluster-pool-instances/:clusterHint", parallel);
    m.put("heuristic-cluster-pool-lag/:clusterHint", parallel);
    m.put("register-hostname-unresolve/:host/:port/:virtualname", parallel);
    m.put("deregister-hostname-unresolve/:host/:port", parallel);
    m.put("snapshot-topologies", parallel);
    m.put("resolve/:host/:port", "no TCP-connect test route");
    // §4.3
    m.put("skip-query/:host/:port", parallel);
    m.put("restart-replica-statements/:host/:port", parallel);
    m.put("last-pseudo-gtid/:host/:port", parallel);
    m.put("locate-gtid-errant/:host/:port", parallel);
    m.put("move-equivalent/:host/:port/:belowHost/:belowPort", "no Pseudo-GTID equivalence in orcha");
    m.put("match-replicas/:host/:port/:belowHost/:belowPort", "Pseudo-GTID family, not served");
    m.put("regroup-replicas-gtid/:host/:port", "regroup-replicas covers GTID; no separate route");
    m.put("regroup-replicas-bls/:host/:port", "no binlog servers in orcha");
    m.put("regroup-replicas-pgtid/:host/:port", "no Pseudo-GTID in orcha");
    m.put("make-master/:host/:port", "legacy, not served");
    m.put("make-local-master/:host/:port", "legacy, not served");
    m.put("enable-gtid/:host/:port", "not served");
    m.put("disable-gtid/:host/:port", "not served");
    m.put("master-equivalent/:host/:port/:logFile/:logPos", "no Pseudo-GTID in orcha");
    // §4.4
    m.put("replication-analysis-changelog", "orcha keeps no analysis changelog");
    // §4.5
    m.put("grab-election", "leadership is the Pekko cluster's (raft-yield moves it)");
    m.put("reelect", "leadership is the Pekko cluster's (raft-yield moves it)");
    m.put("hostname-resolve-cache", "orcha keeps no resolve cache");
    m.put("reset-hostname-resolve-cache", "orcha keeps no resolve cache");
    for (String metric : List.of("discovery-metrics-raw", "discovery-metrics-aggregated",
        "discovery-queue-metrics-raw", "discovery-queue-metrics-aggregated",
        "backend-query-metrics-raw", "backend-query-metrics-aggregated",
        "write-buffer-metrics-raw", "write-buffer-metrics-aggregated")) {
      m.put(metric + "/:seconds", "orcha publishes no orchestrator metrics");
    }
    // §6.2
    m.put("raft-add-peer/:addr", "peers are Pekko cluster members, not raft peers");
    m.put("raft-remove-peer/:addr", "peers are Pekko cluster members, not raft peers");
    m.put("raft-snapshot", "no raft log to snapshot");
    m.put("raft-follower-health-report/:authenticationToken/:raftBind/:raftAdvertise",
        "followers report through the Pekko cluster");
    return m;
  }

  /** The router's patterns, as the router lists them (no node needed). */
  static List<String> routerPatterns() {
    return http.ApiRouter.servedPatterns();
  }

  /** A route table with the router's patterns, to tell which pattern a path reaches. */
  static http.RouteTable table(List<String> patterns) {
    http.RouteTable t = new http.RouteTable();
    patterns.forEach(p -> t.add(p, r -> CompletableFuture.completedFuture(null)));
    return t;
  }

  /** The pattern a case path (its template, every {var} a value) reaches, if any. */
  static Optional<String> patternOf(http.RouteTable table, String template) {
    String path = template.replaceAll("\\{[A-Za-z0-9_]+}", "x");
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    List<String> segments = new ArrayList<>(Arrays.stream(path.split("/", -1))
        .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList());
    return table.match(segments).map(http.RouteTable.Match::pattern);
  }
}
