package http;

import java.util.List;
import java.util.concurrent.CompletionStage;
import topology.InstanceKey;
import topology.InstanceView;
import topology.TopologySnapshot;

/** Instance reads (orchestrator-api.md §4.1): bare JSON, ERROR envelope on failure. */
final class InstanceRoutes {

  private final NodeApi api;

  InstanceRoutes(NodeApi api) {
    this.api = api;
  }

  void register(RouteTable t) {
    t.add("instance/:host/:port", this::instance);
    t.add("instance-replicas/:host/:port", this::instanceReplicas);
    t.add("all-instances", this::allInstances);
    t.add("search/:searchString", this::search);
    t.add("search", this::search);
    t.add("problems", this::problems);
    t.add("problems/:clusterName", this::problems);
    t.add("bulk-instances", r -> api.snapshot().thenApply(s ->
        ApiReply.json(ApiJson.keyList(s.instances().keySet()))));
  }

  private CompletionStage<ApiReply> instance(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    return api.snapshot().thenApply(s -> s.instance(key)
        .map(v -> ApiReply.json(ApiJson.instance(v, s)))
        .orElseThrow(() -> new ApiException("Cannot read instance: " + key)));
  }

  private CompletionStage<ApiReply> instanceReplicas(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    return api.snapshot().thenApply(s -> list(s.replicasOf(key), s));
  }

  private CompletionStage<ApiReply> allInstances(ApiRequest req) {
    return api.snapshot().thenApply(s -> list(s.allInstances(), s));
  }

  private CompletionStage<ApiReply> search(ApiRequest req) {
    String text = req.param("searchString");
    String s = text.isEmpty() ? req.query("s").orElse("") : text;
    return api.snapshot().thenApply(snap -> list(snap.search(s), snap));
  }

  /**
   * Instances with problems (non-downtimed), by host and port; for one cluster when given (a
   * name, or anything that resolves as a cluster hint; an unknown name lists nothing).
   */
  private CompletionStage<ApiReply> problems(ApiRequest req) {
    String cluster = req.param("clusterName");
    int defaultPort = api.settings().defaultInstancePort();
    return api.snapshot().thenApply(s -> {
      String name = cluster.isEmpty() ? "" : s.resolveClusterHint(cluster, defaultPort).orElse(cluster);
      List<InstanceView> found = s.instances().values().stream()
          .filter(v -> !v.problems().isEmpty())
          .filter(v -> name.isEmpty() || v.clusterName().equals(name))
          .sorted(java.util.Comparator.comparing(InstanceView::key))
          .toList();
      return list(found, s);
    });
  }

  static ApiReply list(List<InstanceView> views, TopologySnapshot s) {
    return ApiReply.json(ApiJson.instances(views, s));
  }
}
