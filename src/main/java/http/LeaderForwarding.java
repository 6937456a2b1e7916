package http;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * State-changing API calls run on the leader only: a follower forwards them (the same path and
 * query, the caller's authentication headers) to the leader's API and answers with the leader's
 * answer; reads are answered from the follower's own picture. A forwarded request is marked, so
 * that nodes whose views of the leader disagree for a moment never bounce it around: a node that
 * receives a forwarded write while not the leader refuses it (orchestrator's "Unauthorized").
 */
final class LeaderForwarding {

  /** Marks a request forwarded by a follower; its value is the forwarding node. */
  static final String HEADER = "X-Orcha-Forwarded-By";

  /**
   * Headers passed on to the leader (authentication and the acting user; the configured
   * AuthUserHeader too), so that the leader checks a forwarded write as it would a direct one.
   */
  private static final Set<String> PASSED = Set.of("authorization", "x-forwarded-user",
      "x-forwarded-for");

  /** A forwarded recovery may take minutes (hooks, catch-up waits). */
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  /**
   * The commands (first path segment) that change something: servers, the probe set, the
   * control state, leadership (orchestrator-api.md §4.2–§4.4 and §6, the W column). Reads,
   * health, the other raft-* and reload-configuration (each node reloads its own files) are
   * served locally.
   */
  static final Set<String> WRITES = Set.of(
      "discover", "async-discover", "refresh", "forget", "forget-cluster",
      "begin-maintenance", "end-maintenance", "begin-downtime", "end-downtime",
      "register-candidate", "register-hostname-unresolve", "deregister-hostname-unresolve",
      "set-cluster-alias", "submit-pool-instances", "submit-masters-to-kv-stores",
      "tag", "untag", "untag-all",
      "recover", "recover-lite", "graceful-master-takeover", "graceful-master-takeover-auto",
      "force-master-failover", "force-master-takeover", "ack-recovery", "ack-all-recoveries",
      "disable-global-recoveries", "enable-global-recoveries",
      "relocate", "relocate-below", "relocate-replicas", "move-up", "move-up-replicas",
      "move-below", "move-equivalent", "repoint", "repoint-replicas", "take-siblings",
      "take-master", "make-co-master", "move-below-gtid", "move-gtid", "move-replicas-gtid",
      "match", "match-below", "match-up", "match-replicas", "match-up-replicas",
      "regroup-replicas", "regroup-replicas-gtid", "regroup-replicas-bls", "regroup-replicas-pgtid",
      "make-master", "make-local-master", "enable-gtid", "disable-gtid", "skip-query",
      "start-replica", "restart-replica", "stop-replica", "stop-replica-nice", "reset-replica",
      "detach-replica", "detach-replica-master-host", "reattach-replica",
      "reattach-replica-master-host", "flush-binary-logs", "purge-binary-logs",
      "enable-semi-sync-master", "disable-semi-sync-master", "enable-semi-sync-replica",
      "disable-semi-sync-replica", "delay-replication", "set-read-only", "set-writeable",
      "kill-query", "gtid-errant-reset-master", "gtid-errant-inject-empty",
      "raft-yield", "raft-yield-hint");

  private final NodeApi api;
  /** Made on the first forwarded call: the router is built before settings may be read. */
  private volatile HttpClient client;

  LeaderForwarding(NodeApi api) {
    this.api = api;
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        if (client == null) {
          client = client(api.settings().tls());
        }
        c = client;
      }
    }
    return c;
  }

  /**
   * The client for the leader's API. With TLS (leaders advertise https URLs then) it trusts
   * the CAs {@link ApiTls#clientContext()} names and presents this node's certificate when the
   * leader asks for one (mutual TLS); the leader's certificate must name the host it
   * advertises. TLS cannot change without a restart, so one client serves the node's life.
   */
  static HttpClient client(ApiTls tls) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (tls != null) {
      b.sslContext(tls.clientContext()).sslParameters(tls.clientParameters());
    }
    return b.build();
  }

  /** Whether this request must be answered by the leader rather than here. */
  boolean leaderOnly(String command) {
    return WRITES.contains(RouteTable.LEGACY_SYNONYMS.getOrDefault(command, command))
        && !api.isLeader();
  }

  /**
   * The leader's answer to the same request, or a refusal saying why it cannot be had. While
   * no leader is known (a node just started, a leader just changed) it waits a little for one:
   * when this node turns out to be the leader, {@code local} answers.
   */
  CompletionStage<ApiReply> forward(ApiRequest req, String apiPath,
      java.util.function.Supplier<CompletionStage<ApiReply>> local) {
    return forward(req, apiPath, local, System.nanoTime() + WAIT_FOR_LEADER.toNanos());
  }

  /** How long a write waits for a leader to be known before it is refused. */
  static final Duration WAIT_FOR_LEADER = Duration.ofSeconds(5);

  private CompletionStage<ApiReply> forward(ApiRequest req, String apiPath,
      java.util.function.Supplier<CompletionStage<ApiReply>> local, long deadline) {
    if (api.isLeader()) {
      return local.get();
    }
    RaftView view = api.raftView();
    if (req.http().getHeader(HEADER).isPresent()) {
      return CompletableFuture.completedFuture(ApiReply.error("Unauthorized: forwarded to "
          + view.self() + ", which is not the leader (" + view.state() + "); try again"));
    }
    return api.leaderUrl().thenCompose(url -> {
      if (url.isEmpty()) {
        if (System.nanoTime() < deadline) {
          return CompletableFuture.supplyAsync(() -> null,
                  CompletableFuture.delayedExecutor(100, java.util.concurrent.TimeUnit.MILLISECONDS))
              .thenCompose(x -> forward(req, apiPath, local, deadline));
        }
        return CompletableFuture.completedFuture(ApiReply.error("Unauthorized: " + view.self()
            + " is not the leader and knows no leader (" + view.state() + ")"));
      }
      String query = req.http().getUri().rawQueryString().map(q -> "?" + q).orElse("");
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.get() + "/" + apiPath + query))
          .timeout(TIMEOUT).GET().header(HEADER, view.self());
      String userHeader = api.settings().auth().userHeader().toLowerCase(java.util.Locale.ROOT);
      for (var h : req.headers()) {
        if (PASSED.contains(h.lowercaseName()) || h.lowercaseName().equals(userHeader)) {
          b.header(h.name(), h.value());
        }
      }
      return client().sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
          .thenApply(r -> new ApiReply(r.statusCode(), parse(r.body())))
          .exceptionally(e -> ApiReply.error("the leader " + view.leader() + " did not answer: "
              + (e.getCause() != null ? e.getCause() : e)));
    });
  }

  private static JsonNode parse(String body) {
    try {
      return ApiJson.MAPPER.readTree(body);
    } catch (Exception e) {
      return ApiJson.text(body);
    }
  }
}
