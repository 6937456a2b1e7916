package http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import topology.InstanceKey;
import topology.ReplicationCluster;
import topology.TopologySnapshot;

/**
 * Cluster reads (§4.1) and the ASCII topologies (§8.2). Cluster hints resolve as orchestrator
 * does: name, alias, {@code host[:port]}, fuzzy host name.
 */
final class ClusterRoutes {

  private final NodeApi api;

  ClusterRoutes(NodeApi api) {
    this.api = api;
  }

  void register(RouteTable t) {
    t.add("cluster/:clusterHint", this::cluster);
    t.add("cluster/alias/:clusterAlias", this::clusterByAlias);
    t.add("cluster/instance/:host/:port", this::clusterByInstance);
    t.add("clusters", this::clusters);
    t.add("clusters-info", this::clustersInfo);
    t.add("cluster-info/:clusterHint", this::clusterInfo);
    t.add("cluster-info/alias/:clusterAlias", this::clusterInfoByAlias);
    t.add("masters", this::masters);
    t.add("master/:clusterHint", this::master);
    t.add("topology/:clusterHint", req -> topology(req, TopologyText.Format.PLAIN));
    t.add("topology-tabulated/:clusterHint", req -> topology(req, TopologyText.Format.TABULATED));
    t.add("topology-tags/:clusterHint", req -> topology(req, TopologyText.Format.TAGS));
    t.add("topology/:host/:port", req -> topology(req, TopologyText.Format.PLAIN));
    t.add("topology-tabulated/:host/:port", req -> topology(req, TopologyText.Format.TABULATED));
    t.add("topology-tags/:host/:port", req -> topology(req, TopologyText.Format.TAGS));
    t.add("cluster-osc-replicas/:clusterHint", this::oscReplicas);
    t.add("snapshot-topologies", this::snapshotTopologies);
  }

  /** The cluster named by {@code :clusterHint}, or the one {@code :host/:port} belongs to. */
  private String resolve(TopologySnapshot s, ApiRequest req) {
    if (!req.param("host").isEmpty()) {
      InstanceKey key = ApiParams.instanceKey(req);
      return s.instance(key).orElseThrow(() -> new ApiException("Cannot read instance: " + key))
          .clusterName();
    }
    return ApiParams.clusterName(s, req.param("clusterHint"), api.settings().defaultInstancePort());
  }

  /** Bare array: the replicas fit to control an online schema change (§4.1). */
  private CompletionStage<ApiReply> oscReplicas(ApiRequest req) {
    return api.snapshot().thenApply(s -> InstanceRoutes.list(
        topology.ClusterHeuristics.oscReplicas(s, resolve(s, req)), s));
  }

  /**
   * orchestrator copies its instance table into a history table here. orcha's picture is
   * persisted as it changes, so there is nothing more to write: this takes the current picture
   * and says how long that took, in orchestrator's {@code Took <duration>}.
   */
  private CompletionStage<ApiReply> snapshotTopologies(ApiRequest req) {
    long t0 = System.nanoTime();
    return api.snapshot().thenApply(s -> ApiReply.ok("Topology snapshot of "
        + s.instances().size() + " instances: orcha persists its picture as it changes, nothing"
        + " more to write", ApiJson.text("Took " + hooks.GoDuration.format(
            java.time.Duration.ofNanos(System.nanoTime() - t0)))));
  }

  private CompletionStage<ApiReply> cluster(ApiRequest req) {
    return api.snapshot().thenApply(s -> InstanceRoutes.list(s.clusterInstances(resolve(s, req)), s));
  }

  private CompletionStage<ApiReply> clusterByAlias(ApiRequest req) {
    return api.snapshot().thenApply(s -> {
      ReplicationCluster c = ApiParams.clusterByAlias(s, req.param("clusterAlias"));
      return InstanceRoutes.list(s.clusterInstances(c.name()), s);
    });
  }

  private CompletionStage<ApiReply> clusterByInstance(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    return api.snapshot().thenApply(s -> {
      String name = s.instance(key)
          .orElseThrow(() -> new ApiException("Cannot read instance: " + key)).clusterName();
      return InstanceRoutes.list(s.clusterInstances(name), s);
    });
  }

  private static List<ReplicationCluster> sorted(TopologySnapshot s) {
    return s.clusters().values().stream()
        .sorted(Comparator.comparing(ReplicationCluster::name)).toList();
  }

  private CompletionStage<ApiReply> clusters(ApiRequest req) {
    return api.snapshot().thenApply(s -> {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      sorted(s).forEach(c -> a.add(c.name()));
      return ApiReply.json(a);
    });
  }

  private CompletionStage<ApiReply> clustersInfo(ApiRequest req) {
    return api.snapshot().thenApply(s -> {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      sorted(s).forEach(c -> a.add(info(c)));
      return ApiReply.json(a);
    });
  }

  private CompletionStage<ApiReply> clusterInfo(ApiRequest req) {
    return api.snapshot().thenApply(s ->
        ApiReply.json(info(s.clusters().get(resolve(s, req)))));
  }

  private CompletionStage<ApiReply> clusterInfoByAlias(ApiRequest req) {
    return api.snapshot().thenApply(s ->
        ApiReply.json(info(ApiParams.clusterByAlias(s, req.param("clusterAlias")))));
  }

  /** ClusterInfo with the recovery flags the configured cluster filters give it. */
  private com.fasterxml.jackson.databind.node.ObjectNode info(topology.ReplicationCluster c) {
    var n = ApiJson.clusterInfo(c);
    var filters = api.recoveryFilters();
    n.put("HasAutomatedMasterRecovery",
        topology.ClusterFilters.matches(filters.get(0), c.name(), c.alias()));
    n.put("HasAutomatedIntermediateMasterRecovery",
        topology.ClusterFilters.matches(filters.get(1), c.name(), c.alias()));
    return n;
  }

  private CompletionStage<ApiReply> masters(ApiRequest req) {
    return api.snapshot().thenApply(s -> InstanceRoutes.list(s.masters(), s));
  }

  private CompletionStage<ApiReply> master(ApiRequest req) {
    return api.snapshot().thenApply(s -> {
      String name = resolve(s, req);
      return s.master(name)
          .map(v -> ApiReply.json(ApiJson.instance(v, s)))
          .orElseThrow(() -> new ApiException("No masters found for " + name));
    });
  }

  private CompletionStage<ApiReply> topology(ApiRequest req, TopologyText.Format format) {
    ApiSettings settings = api.settings();
    return api.snapshot().thenCompose(s -> tags(format).thenApply(tags -> {
      String name = resolve(s, req);
      String text = TopologyText.render(s.clusterInstances(name), format, settings.thresholds(),
          key -> tags.getOrDefault(key, java.util.Map.of()).entrySet().stream()
              .sorted(java.util.Map.Entry.comparingByKey())
              .map(e -> e.getKey() + "=" + e.getValue()).toList());
      return ApiReply.ok("Topology for cluster " + name, ApiJson.text(text));
    }));
  }

  /** The servers' tags, read only for topology-tags. */
  private CompletionStage<java.util.Map<InstanceKey, java.util.Map<String, String>>> tags(
      TopologyText.Format format) {
    if (format != TopologyText.Format.TAGS) {
      return java.util.concurrent.CompletableFuture.completedFuture(java.util.Map.of());
    }
    return api.controlState().thenApply(c -> c.tags());
  }
}
