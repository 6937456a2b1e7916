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
  }

  private String resolve(TopologySnapshot s, ApiRequest req) {
    return ApiParams.clusterName(s, req.param("clusterHint"), api.settings().defaultInstancePort());
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
    return api.snapshot().thenApply(s -> {
      String name = resolve(s, req);
      // orcha has no instance tags yet: topology-tags prints an empty tag list per line
      String text = TopologyText.render(s.clusterInstances(name), format, settings.thresholds(),
          key -> List.of());
      return ApiReply.ok("Topology for cluster " + name, ApiJson.text(text));
    });
  }
}
