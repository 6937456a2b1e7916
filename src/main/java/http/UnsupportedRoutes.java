package http;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The API paths of orchestrator (orchestrator-api.md §4) that orcha deliberately does not
 * serve, each with the reason: any path whose first segment is one of these commands answers
 * an ERROR envelope (HTTP 500) saying why, instead of "Unknown API path". The one list a test
 * walks and README's "Not served, on purpose" repeats.
 */
public final class UnsupportedRoutes {

  private static final String PSEUDO_GTID = "Pseudo-GTID is not supported by orcha (use GTID)";
  private static final String AGENTS = "orchestrator-agent is not supported by orcha";
  private static final String NO_UNRESOLVE = "orcha takes host names as given"
      + " (HostnameResolveMethod none/default), so there is no resolved name to map back";
  private static final String NO_METRICS = "orcha serves its metrics in Prometheus format at"
      + " /metrics (probe latency, errors, backend writes; each instance's LastDiscoveryLatency"
      + " tells how long its last probe took)";
  private static final String MEMBERSHIP = "orcha's nodes are the members of its Pekko cluster"
      + " (orcha.cluster.nodes): change the configuration and restart a node, not the API";

  /** Command (first path segment, legacy names already mapped) to the reason. */
  private static final Map<String, String> REASONS = build();

  private UnsupportedRoutes() {}

  private static Map<String, String> build() {
    Map<String, String> m = new TreeMap<>();
    m.put("last-pseudo-gtid", PSEUDO_GTID);
    m.put("regroup-replicas-pgtid", PSEUDO_GTID + ": regroup-replicas regroups by GTID");
    m.put("master-equivalent", "equivalent binlog coordinates need Pseudo-GTID, which orcha"
        + " does not support (use GTID)");
    m.put("regroup-replicas-bls", "binlog servers are not supported by orcha");
    m.put("register-hostname-unresolve", NO_UNRESOLVE);
    m.put("deregister-hostname-unresolve", NO_UNRESOLVE);
    m.put("make-master", "a legacy orchestrator command orcha does not serve (use take-siblings"
        + " and detach-replica, or graceful-master-takeover)");
    m.put("make-local-master", "a legacy orchestrator command orcha does not serve (use"
        + " take-master or take-siblings)");
    m.put("enable-gtid", "orcha does not switch a replica's positioning on request: it"
        + " replicates by GTID whenever both servers have it, and moves replicas that way");
    m.put("disable-gtid", "orcha does not switch a replica's positioning on request: it"
        + " replicates by GTID whenever both servers have it, and moves replicas that way");
    m.put("grab-election", "orcha has no backend election: the leader is the node holding the"
        + " newest fence; use raft-yield or raft-yield-hint to move leadership");
    m.put("reelect", "orcha has no backend election: the leader is the node holding the newest"
        + " fence; use raft-yield or raft-yield-hint to move leadership");
    m.put("raft-add-peer", MEMBERSHIP);
    m.put("raft-remove-peer", MEMBERSHIP);
    m.put("raft-snapshot", "orcha has no raft log to compact: its state is persisted on every"
        + " change");
    m.put("raft-follower-health-report", "orcha's nodes watch each other through the Pekko"
        + " cluster, not through this call");
    m.put("replication-analysis-changelog", "orcha records failure detections, not every"
        + " analysis change: see audit-failure-detection");
    for (String metric : new String[] {"discovery-metrics-raw", "discovery-metrics-aggregated",
        "discovery-queue-metrics-raw", "discovery-queue-metrics-aggregated",
        "backend-query-metrics-raw", "backend-query-metrics-aggregated",
        "write-buffer-metrics-raw", "write-buffer-metrics-aggregated"}) {
      m.put(metric, NO_METRICS);
    }
    for (String agent : new String[] {"agents", "agent", "agent-umount", "agent-mount",
        "agent-create-snapshot", "agent-removelv", "agent-mysql-stop", "agent-mysql-start",
        "agent-seed", "agent-active-seeds", "agent-recent-seeds", "agent-seed-details",
        "agent-seed-states", "agent-abort-seed", "agent-custom-command", "seeds"}) {
      m.put(agent, AGENTS);
    }
    return Collections.unmodifiableMap(m);
  }

  /** Every command refused, with its reason, sorted by command. */
  public static Map<String, String> reasons() {
    return REASONS;
  }

  /** The commands refused, sorted. */
  public static java.util.Set<String> commands() {
    return REASONS.keySet();
  }

  /** The ERROR message for a refused command: {@code <command>: <reason>}. */
  public static Optional<String> message(String command) {
    String c = RouteTable.LEGACY_SYNONYMS.getOrDefault(command, command);
    String reason = REASONS.get(c);
    return reason == null ? Optional.empty() : Optional.of(c + ": " + reason);
  }

  /** The answer to {@code command}, when orcha refuses it on purpose. */
  static Optional<ApiReply> refusal(String command) {
    return message(command).map(ApiReply::error);
  }
}
