package http;

import java.util.concurrent.CompletionStage;
import topology.InstanceKey;

/** Discovery and lifecycle (§4.2): ENVELOPE answers. */
final class DiscoveryRoutes {

  private final NodeApi api;

  DiscoveryRoutes(NodeApi api) {
    this.api = api;
  }

  void register(RouteTable t) {
    t.add("discover/:host/:port", this::discover);
    t.add("async-discover/:host/:port", this::asyncDiscover);
    t.add("refresh/:host/:port", this::refresh);
    t.add("forget/:host/:port", this::forget);
    t.add("forget-cluster/:clusterHint", this::forgetCluster);
  }

  private CompletionStage<ApiReply> discover(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    return api.discover(key).thenCompose(view -> api.snapshot().thenApply(s ->
        ApiReply.ok("Instance discovered: " + view.key(), ApiJson.instance(view, s))));
  }

  private CompletionStage<ApiReply> asyncDiscover(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    return api.discoverAsync(key).thenApply(v ->
        ApiReply.ok("Asynchronous discovery initiated for Instance: " + key, null));
  }

  private CompletionStage<ApiReply> refresh(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    return api.refresh(key).thenApply(view ->
        ApiReply.ok("Instance refreshed: " + view.key(), ApiJson.key(view.key())));
  }

  /** The key is used as given (orchestrator does not resolve it here). */
  private CompletionStage<ApiReply> forget(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    return api.forget(key).thenApply(v ->
        ApiReply.ok("Instance forgotten: " + key, ApiJson.key(key)));
  }

  private CompletionStage<ApiReply> forgetCluster(ApiRequest req) {
    int defaultPort = api.settings().defaultInstancePort();
    return api.snapshot().thenCompose(s -> {
      String name = ApiParams.clusterName(s, req.param("clusterHint"), defaultPort);
      return api.forgetCluster(name).thenApply(v -> ApiReply.ok("Cluster forgotten: " + name, null));
    });
  }
}
