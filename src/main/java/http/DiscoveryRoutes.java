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
    t.add("resolve/:host/:port", this::resolve);
  }

  /** How long resolve waits for the TCP handshake (orchestrator dials without a bound). */
  static final java.time.Duration RESOLVE_TIMEOUT = java.time.Duration.ofSeconds(2);

  /**
   * orchestrator's resolve: a TCP connect to the server (no MySQL handshake), answered with its
   * KEY, or the connect error naming the server.
   */
  private CompletionStage<ApiReply> resolve(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    java.util.concurrent.CompletableFuture<ApiReply> done = new java.util.concurrent.CompletableFuture<>();
    java.nio.channels.AsynchronousSocketChannel ch;
    try {
      ch = java.nio.channels.AsynchronousSocketChannel.open();
    } catch (java.io.IOException e) {
      throw new ApiException(key + ": " + e.getMessage());
    }
    java.net.InetSocketAddress address = new java.net.InetSocketAddress(key.hostname(), key.port());
    if (address.isUnresolved()) {
      close(ch);
      throw new ApiException(key + ": unknown host " + key.hostname());
    }
    ch.connect(address, null, new java.nio.channels.CompletionHandler<Void, Void>() {
      @Override
      public void completed(Void v, Void a) {
        close(ch);
        done.complete(ApiReply.ok("Instance resolved", ApiJson.key(key)));
      }

      @Override
      public void failed(Throwable e, Void a) {
        close(ch);
        done.completeExceptionally(new ApiException(key + ": " + (e.getMessage() == null
            ? e.getClass().getSimpleName() : e.getMessage())));
      }
    });
    return done.orTimeout(RESOLVE_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .exceptionally(e -> {
          close(ch);
          Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
              ? e.getCause() : e;
          if (t instanceof java.util.concurrent.TimeoutException) {
            throw new ApiException(key + ": no TCP answer within " + RESOLVE_TIMEOUT.toSeconds() + "s");
          }
          throw t instanceof ApiException a ? a : new ApiException(key + ": " + t.getMessage());
        });
  }

  private static void close(java.nio.channels.AsynchronousSocketChannel ch) {
    try {
      ch.close();
    } catch (java.io.IOException e) {
      // nothing to give back beyond the socket itself
    }
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
