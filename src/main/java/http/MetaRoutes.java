package http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpHeader;

/**
 * Node meta endpoints (§4.5, §6.2, §6.3): health, leadership, raft-compatible state, load
 * balancer checks, configuration reload, request headers.
 */
final class MetaRoutes {

  /**
   * Headers Pekko adds itself, Host, which Go keeps out of its header map, and Authorization
   * (the caller's password is never echoed).
   */
  private static final Set<String> HIDDEN_HEADERS = Set.of("timeout-access", "host",
      "raw-request-uri", "remote-address", "x-remote-address", "tls-session-info",
      "authorization");

  private final NodeApi api;
  private final Clock clock;

  MetaRoutes(NodeApi api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  void register(RouteTable t) {
    t.add("health", this::health);
    t.add("status", this::health); // the default StatusEndpoint; ApiRouter serves custom ones
    t.add("leader-check", this::leaderCheck);
    t.add("leader-check/:errorStatusCode", this::leaderCheck);
    t.add("routed-leader-check", this::leaderCheck);
    t.add("raft-health", this::raftHealth);
    t.add("raft-state", this::raftState);
    t.add("raft-leader", r -> done(ApiReply.string(api.raftView().leader())));
    t.add("raft-peers", r -> done(ApiReply.json(ApiJson.strings(api.raftView().peers()))));
    t.add("raft-status", this::raftStatus);
    // the leader asks the chosen node to claim a newer fence; every node follows the newest
    // holder (actors.node.Leadership), so leadership moves within a fraction of a second
    t.add("raft-yield/:node", r -> api.yieldLeadership(r.param("node"), false)
        .thenApply(n -> ApiReply.ok("Asynchronously yielded", ApiJson.text(n))));
    t.add("raft-yield-hint/:hint", r -> api.yieldLeadership(r.param("hint"), true)
        .thenApply(n -> ApiReply.ok("Asynchronously yielded by hint " + r.param("hint"),
            ApiJson.text(r.param("hint")))));
    t.add("lb-check", this::ok);
    t.add("_ping", this::ok);
    t.add("reload-configuration", this::reloadConfiguration);
    // orchestrator keeps the route and always refuses it (§4.5); without it a script got
    // "Unknown API path" and could not tell a retired call from a typo
    t.add("reload-cluster-alias", r -> done(ApiReply.error("This API call has been retired")));
    t.add("headers", this::headers);
    // orcha's own (orchestrator renders this into its pages): the web UI hides its actions
    // from a caller who may only read
    t.add("whoami", this::whoami);
    // orcha takes host names as given (HostnameResolveMethod none/default): no cache to show
    t.add("hostname-resolve-cache", r -> done(ApiReply.ok("Cache retrieved",
        JsonNodeFactory.instance.objectNode())));
    t.add("reset-hostname-resolve-cache", r -> done(ApiReply.ok("Hostname cache cleared", null)));
  }

  /**
   * The caller as {@link Authentication} sees them: {@code {"User", "CanWrite",
   * "AuthenticationMethod", "ReadOnly"}}. Only an authenticated caller gets here (the router
   * challenges the others first).
   */
  private CompletionStage<ApiReply> whoami(ApiRequest req) {
    ApiAuth auth = api.settings().auth();
    boolean canWrite = Authentication.identify(auth, req.http())
        .map(Authentication.Caller::mayChangeState).orElse(false);
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("User", req.user());
    o.put("CanWrite", canWrite);
    o.put("AuthenticationMethod", auth.method() == ApiAuth.Method.NONE
        ? "" : auth.method().name().toLowerCase(java.util.Locale.ROOT));
    o.put("ReadOnly", auth.readOnly());
    return done(ApiReply.json(o));
  }

  CompletionStage<ApiReply> health(ApiRequest req) {
    return api.health().thenApply(h -> {
      ObjectNode status = ApiJson.healthStatus(h, clock.instant());
      return h.healthy()
          ? ApiReply.ok("Application node is healthy", status)
          : ApiReply.error("Application node is unhealthy " + h.error(), status);
    });
  }

  /** 200 "OK" on the leader; otherwise 404 "Not leader" or the given status (100-599). */
  private CompletionStage<ApiReply> leaderCheck(ApiRequest req) {
    if (api.leaderCheck()) {
      return done(ApiReply.string("OK"));
    }
    int status = 404;
    try {
      int asked = Integer.parseInt(req.param("errorStatusCode"));
      if (asked >= 100 && asked <= 599) {
        status = asked;
      }
    } catch (NumberFormatException e) {
      // absent or not a number: 404
    }
    return done(new ApiReply(status, ApiJson.text("Not leader")));
  }

  /** Healthy while the node is Up in a majority of the orcha cluster (Leader or Follower). */
  private CompletionStage<ApiReply> raftHealth(ApiRequest req) {
    return done(api.raftView().partOfQuorum() ? ApiReply.string("healthy")
        : ApiReply.error("unhealthy"));
  }

  private CompletionStage<ApiReply> raftState(ApiRequest req) {
    return done(ApiReply.string(api.raftView().state()));
  }

  private CompletionStage<ApiReply> raftStatus(ApiRequest req) {
    RaftView v = api.raftView();
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("RaftBind", v.self());
    n.put("RaftAdvertise", v.self());
    n.put("State", v.state());
    n.put("Healthy", v.partOfQuorum());
    n.put("IsPartOfQuorum", v.partOfQuorum());
    n.put("Leader", v.leader());
    n.put("LeaderURI", "");
    n.set("Peers", ApiJson.strings(v.peers()));
    return done(ApiReply.json(n));
  }

  private CompletionStage<ApiReply> ok(ApiRequest req) {
    return done(ApiReply.string("OK"));
  }

  private CompletionStage<ApiReply> reloadConfiguration(ApiRequest req) {
    String config = req.query("config").orElse("");
    Optional<String> extra = config.isEmpty() ? Optional.empty() : Optional.of(config);
    return api.reloadConfiguration(extra).thenApply(v ->
        ApiReply.ok("Config reloaded", ApiJson.text(config)));
  }

  /** The request headers as Go's map of canonical names to value lists. */
  private CompletionStage<ApiReply> headers(ApiRequest req) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    for (HttpHeader h : req.headers()) {
      if (HIDDEN_HEADERS.contains(h.lowercaseName())) {
        continue;
      }
      String name = canonicalName(h.name());
      ArrayNode values = n.has(name) ? (ArrayNode) n.get(name) : n.putArray(name);
      values.add(h.value());
    }
    return done(ApiReply.json(n));
  }

  /** Go's CanonicalMIMEHeaderKey: {@code x-forwarded-user} → {@code X-Forwarded-User}. */
  static String canonicalName(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    boolean upper = true;
    for (char c : name.toCharArray()) {
      sb.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return sb.toString();
  }

  private static CompletionStage<ApiReply> done(ApiReply r) {
    return CompletableFuture.completedFuture(r);
  }
}
