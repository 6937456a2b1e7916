package http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import topology.KvPairs;

/**
 * Recovery switches and publishing (§4.4, §4.2, §8.3): global recoveries, cluster alias,
 * automated-recovery filters, submit-masters-to-kv-stores.
 */
final class RecoveryRoutes {

  private final NodeApi api;

  RecoveryRoutes(NodeApi api) {
    this.api = api;
  }

  void register(RouteTable t) {
    t.add("disable-global-recoveries", r -> api.setGlobalRecoveries(false).thenApply(v ->
        ApiReply.ok("Globally disabled recoveries", JsonNodeFactory.instance.textNode("disabled"))));
    t.add("enable-global-recoveries", r -> api.setGlobalRecoveries(true).thenApply(v ->
        ApiReply.ok("Globally enabled recoveries", JsonNodeFactory.instance.textNode("enabled"))));
    t.add("check-global-recoveries", r -> api.controlState().thenApply(c -> c.globalRecoveriesDisabled()
        ? ApiReply.ok("Global recoveries disabled", JsonNodeFactory.instance.textNode("disabled"))
        : ApiReply.ok("Global recoveries enabled", JsonNodeFactory.instance.textNode("enabled"))));
    t.add("automated-recovery-filters", r -> {
      var f = api.recoveryFilters();
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      n.set("RecoverMasterClusterFilters", ApiJson.strings(f.get(0)));
      n.set("RecoverIntermediateMasterClusterFilters", ApiJson.strings(f.get(1)));
      n.set("RecoveryIgnoreHostnameFilters", ApiJson.strings(f.get(2)));
      return java.util.concurrent.CompletableFuture.completedFuture(ApiReply.ok("Automated recovery configuration", n));
    });
    t.add("set-cluster-alias/:clusterName", this::setClusterAlias);
    t.add("submit-masters-to-kv-stores", r -> submit(null));
    t.add("submit-masters-to-kv-stores/:clusterHint", r -> submit(r.param("clusterHint")));
  }

  private CompletionStage<ApiReply> setClusterAlias(ApiRequest r) {
    String alias = r.query("alias").orElse("");
    return api.snapshot().thenCompose(s -> {
      String name = ApiParams.clusterName(s, r.param("clusterName"), api.settings().defaultInstancePort());
      return api.setClusterAlias(name, alias).thenApply(v ->
          ApiReply.ok("Cluster alias set: " + name + " → " + alias, null));
    });
  }

  /**
   * Pairs for every cluster's (or the hinted cluster's) writeable master, with their addresses,
   * internal KV always.
   */
  private CompletionStage<ApiReply> submit(String hint) {
    return api.snapshot().thenCompose(s -> {
      Map<String, String> pairs;
      if (hint == null || hint.isBlank()) {
        pairs = KvPairs.forAll(s, api.kvPrefix());
      } else {
        String name = ApiParams.clusterName(s, hint, api.settings().defaultInstancePort());
        pairs = KvPairs.forCluster(s, name, api.kvPrefix());
      }
      // with each master's /ipv4 and /ipv6 (§8.3), resolved off the dispatcher
      return MasterAddresses.withAddresses(pairs).thenCompose(all -> api.putKv(all).thenApply(n -> {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        all.forEach((k, v) -> {
          ObjectNode o = a.addObject();
          o.put("Key", k);
          o.put("Value", v);
        });
        return ApiReply.ok("Submitted " + n + " masters", a);
      }));
    });
  }
}
