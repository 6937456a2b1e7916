package http;

import actors.control.ControlState;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import topology.ClusterHeuristics;
import topology.InstanceKey;
import topology.InstanceView;
import topology.TopologySnapshot;

/**
 * Pools (orchestrator-api.md §4.2): named lists of servers an operator submits (e.g. the
 * replicas behind a load balancer), kept in the replicated control state until they expire
 * (InstancePoolExpiryMinutes), and read per cluster.
 */
final class PoolRoutes {

  private final NodeApi api;
  private final Clock clock;

  PoolRoutes(NodeApi api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  void register(RouteTable t) {
    t.add("submit-pool-instances/:pool", this::submit);
    t.add("cluster-pool-instances/:clusterName", this::clusterPoolInstances);
    t.add("cluster-pool-instances/:clusterName/:pool", this::clusterPoolInstances);
    t.add("heuristic-cluster-pool-instances/:clusterHint", this::heuristicInstances);
    t.add("heuristic-cluster-pool-instances/:clusterHint/:pool", this::heuristicInstances);
    t.add("heuristic-cluster-pool-lag/:clusterName", this::heuristicLag);
    t.add("heuristic-cluster-pool-lag/:clusterName/:pool", this::heuristicLag);
  }

  /**
   * {@code ?instances=host:port,host2[:port]} replaces the pool's servers (none: empties it);
   * Details = the pool name, as orchestrator answers.
   */
  private CompletionStage<ApiReply> submit(ApiRequest r) {
    String pool = ApiParams.required(r, "pool", "Pool name");
    int defaultPort = api.settings().defaultInstancePort();
    List<InstanceKey> keys = new ArrayList<>();
    String list = r.query("instances").orElse("");
    for (String part : list.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        keys.add(InstanceKey.parse(part, defaultPort));
      } catch (IllegalArgumentException e) {
        throw new ApiException("Invalid instance " + part.trim() + " in pool " + pool + ": "
            + e.getMessage());
      }
    }
    List<InstanceKey> distinct = keys.stream().distinct().toList();
    return api.submitPool(pool, distinct).thenApply(v ->
        ApiReply.ok("Applied " + pool + " pool instances", ApiJson.text(pool)));
  }

  /** The pooled servers: of pool {@code pool}, or of every pool when it is empty. */
  private Set<InstanceKey> pooled(ControlState.Snapshot c, String pool) {
    Set<InstanceKey> keys = new HashSet<>();
    c.activePools(clock.instant()).forEach((name, p) -> {
      if (pool.isEmpty() || name.equals(pool)) {
        keys.addAll(p.instances());
      }
    });
    return keys;
  }

  /** A cluster by name, alias or any hint; an unknown name stays as given (nothing matches). */
  private String cluster(TopologySnapshot s, String nameOrHint) {
    if (nameOrHint.isBlank()) {
      throw new ApiException("Unable to determine cluster name by empty hint");
    }
    return s.resolveClusterHint(nameOrHint, api.settings().defaultInstancePort())
        .orElse(nameOrHint);
  }

  /** ENVELOPE: Details = {pool: [KEY...]} of the cluster's pooled servers. */
  private CompletionStage<ApiReply> clusterPoolInstances(ApiRequest r) {
    String pool = r.param("pool");
    return api.snapshot().thenCompose(s -> api.controlState().thenApply(c -> {
      String cluster = cluster(s, r.param("clusterName"));
      Set<InstanceKey> inCluster = new HashSet<>();
      s.clusterInstances(cluster).forEach(v -> inCluster.add(v.key()));
      ObjectNode details = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, ControlState.Pool> e : c.activePools(clock.instant()).entrySet()) {
        if (!pool.isEmpty() && !e.getKey().equals(pool)) {
          continue;
        }
        List<InstanceKey> members = e.getValue().instances().stream()
            .filter(inCluster::contains).toList();
        if (!members.isEmpty()) {
          details.set(e.getKey(), ApiJson.keyList(members));
        }
      }
      return ApiReply.ok("Read pool instances for cluster " + cluster, details);
    }));
  }

  private CompletionStage<List<InstanceView>> heuristic(String cluster, String pool,
      TopologySnapshot s) {
    return api.controlState().thenApply(c ->
        ClusterHeuristics.poolInstances(s, cluster, pooled(c, pool)));
  }

  /** ENVELOPE: Details = the Instances of the cluster in the pool(s) whose last check is valid. */
  private CompletionStage<ApiReply> heuristicInstances(ApiRequest r) {
    return api.snapshot().thenCompose(s -> {
      String cluster = ApiParams.clusterName(s, r.param("clusterHint"),
          api.settings().defaultInstancePort());
      return heuristic(cluster, r.param("pool"), s).thenApply(l ->
          ApiReply.ok("Heuristic pool instances for cluster " + cluster,
              ApiJson.instances(l, s)));
    });
  }

  /** ENVELOPE: Details = the largest lag (seconds) among those servers. */
  private CompletionStage<ApiReply> heuristicLag(ApiRequest r) {
    return api.snapshot().thenCompose(s -> {
      String cluster = cluster(s, r.param("clusterName"));
      return heuristic(cluster, r.param("pool"), s).thenApply(l -> {
        long lag;
        try {
          lag = ClusterHeuristics.maxLag(l);
        } catch (IllegalArgumentException e) {
          throw new ApiException(e.getMessage());
        }
        return ApiReply.ok("Heuristic pool lag for cluster " + cluster,
            JsonNodeFactory.instance.numberNode(lag));
      });
    });
  }
}
