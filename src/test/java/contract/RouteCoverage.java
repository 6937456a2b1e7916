package contract;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Which routes the contract run covers. Every pattern of the router must be reached by a case
 * of {@link ContractPlan} or be listed in {@link #EXCLUDED} with its reason; every contract route
 * orcha refuses on purpose ({@link http.UnsupportedRoutes}) is listed in {@link #REFUSED} and
 * must answer HTTP 500, ENVELOPE ERROR {@code <command>: <reason>}. A route added later without
 * a case, or a command refused without one, fails RouteCoverageTest.
 */
final class RouteCoverage {

  private RouteCoverage() {}

  /**
   * Router patterns deliberately without a contract case, and why. Empty today: every served
   * route has a case. Keep every entry commented.
   */
  static final Map<String, String> EXCLUDED = Map.of();

  /**
   * The contract's routes (§4, §6.2) orcha refuses on purpose, spelled as the contract (or
   * upstream, for the agent routes §4.5 only names) spells them. Every command of
   * UnsupportedRoutes must be the command of one of these.
   */
  static final List<String> REFUSED = List.of(
      // §4.2
      "register-hostname-unresolve/:host/:port/:virtualname",
      "deregister-hostname-unresolve/:host/:port",
      // §4.3
      "last-pseudo-gtid/:host/:port",
      "regroup-replicas-bls/:host/:port",
      "regroup-replicas-pgtid/:host/:port",
      "make-master/:host/:port",
      "make-local-master/:host/:port",
      "enable-gtid/:host/:port",
      "disable-gtid/:host/:port",
      "master-equivalent/:host/:port/:logFile/:logPos",
      // §4.4
      "replication-analysis-changelog",
      // §4.5
      "grab-election",
      "reelect",
      "discovery-metrics-raw/:seconds",
      "discovery-metrics-aggregated/:seconds",
      "discovery-queue-metrics-raw/:seconds",
      "discovery-queue-metrics-aggregated/:seconds",
      "backend-query-metrics-raw/:seconds",
      "backend-query-metrics-aggregated/:seconds",
      "write-buffer-metrics-raw/:seconds",
      "write-buffer-metrics-aggregated/:seconds",
      "agents",
      "agent/:host",
      "agent-umount/:host",
      "agent-mount/:host",
      "agent-create-snapshot/:host",
      "agent-removelv/:host",
      "agent-mysql-stop/:host",
      "agent-mysql-start/:host",
      "agent-seed/:targetHost/:sourceHost",
      "agent-active-seeds/:host",
      "agent-recent-seeds/:host",
      "agent-seed-details/:seedId",
      "agent-seed-states/:seedId",
      "agent-abort-seed/:seedId",
      "agent-custom-command/:host/:command",
      "seeds",
      // §6.2
      "raft-add-peer/:addr",
      "raft-remove-peer/:addr",
      "raft-snapshot",
      "raft-follower-health-report/:authenticationToken/:raftBind/:raftAdvertise");

  /** A path's command: its first segment, a legacy {@code *-slave*} name as its new name. */
  static String command(String path) {
    String first = path.split("[/?]", 2)[0];
    return http.RouteTable.LEGACY_SYNONYMS.getOrDefault(first, first);
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
