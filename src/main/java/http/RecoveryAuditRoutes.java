package http;

import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import topology.InstanceKey;
import topology.TopologySnapshot;

/**
 * The record of recoveries (§4.4): acknowledging one recovery by id or uid (ENVELOPE), and the
 * listings, bare arrays newest first: {@code audit-recovery} (TopologyRecovery, 20 per page,
 * {@code ?unacknowledged=true}), {@code audit-recovery-steps}, the active and recently active
 * recoveries, and {@code blocked-recoveries} (automated recoveries that were not run, with
 * orcha's {@code Reason}).
 *
 * <p>Cluster names resolve leniently: a name under which recoveries were recorded is taken as
 * is (a failover renames the cluster, and its old name must still find its recoveries); any
 * other hint resolves as a cluster hint, and one that does not resolve matches nothing.
 */
final class RecoveryAuditRoutes {

  private final NodeApi api;
  private final Clock clock;

  RecoveryAuditRoutes(NodeApi api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  void register(RouteTable t) {
    t.add("ack-recovery/:recoveryId", this::ackById);
    t.add("ack-recovery/uid/:uid", this::ackByUid);

    t.add("audit-recovery", r -> audit(r, all(), 0));
    t.add("audit-recovery/:page", r -> audit(r, all(), AnalysisRoutes.page(r.param("page"))));
    t.add("audit-recovery/id/:id", r -> {
      long id = number(r, "id");
      return audit(r, all(), 0, rec -> rec.id() == id);
    });
    t.add("audit-recovery/uid/:uid", r ->
        audit(r, all(), 0, rec -> rec.start().uid().equals(r.param("uid"))));
    t.add("audit-recovery/cluster/:clusterName", r -> audit(r, cluster(r), 0));
    t.add("audit-recovery/cluster/:clusterName/:page", r ->
        audit(r, cluster(r), AnalysisRoutes.page(r.param("page"))));
    t.add("audit-recovery/alias/:clusterAlias", r -> audit(r, alias(r), 0));
    t.add("audit-recovery/alias/:clusterAlias/:page", r ->
        audit(r, alias(r), AnalysisRoutes.page(r.param("page"))));
    t.add("audit-recovery-steps/:uid", this::steps);

    t.add("active-cluster-recovery/:clusterName", r -> cluster(r).thenCompose(ofCluster ->
        listing(ofCluster.and(rec -> !rec.ended()))));
    t.add("recently-active-cluster-recovery/:clusterName", r -> cluster(r).thenCompose(ofCluster ->
        listing(ofCluster.and(recentlyActive()))));
    t.add("recently-active-instance-recovery/:host/:port", r -> {
      InstanceKey key = ApiParams.instanceKey(r);
      return listing(recentlyActive().and(rec -> rec.start().failedKey().equals(key)));
    });

    t.add("blocked-recoveries", r -> blocked(null));
    t.add("blocked-recoveries/cluster/:clusterName", r -> blocked(r.param("clusterName")));
  }

  // ---- acknowledgements ----------------------------------------------------------------------

  private CompletionStage<ApiReply> ackById(ApiRequest r) {
    long id = number(r, "recoveryId");
    String comment = AnalysisRoutes.comment(r);
    // the authenticated user; "" (the node's name) without authentication
    return api.acknowledgeRecoveries(null, id, null, null, r.user(), comment).thenApply(n ->
        ApiReply.ok("Acknowledged recovery", ApiJson.text(r.param("recoveryId"))));
  }

  private CompletionStage<ApiReply> ackByUid(ApiRequest r) {
    String uid = r.param("uid");
    String comment = AnalysisRoutes.comment(r);
    return api.acknowledgeRecoveries(uid, null, null, null, r.user(), comment).thenApply(n ->
        ApiReply.ok("Acknowledged recovery", ApiJson.text(uid)));
  }

  private static long number(ApiRequest r, String param) {
    String raw = r.param(param);
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new ApiException("Invalid " + param + ": " + raw + " (a number is expected)");
    }
  }

  // ---- which recoveries ----------------------------------------------------------------------

  private static CompletionStage<Predicate<RecoveryLog.Recovery>> all() {
    return java.util.concurrent.CompletableFuture.completedFuture(rec -> true);
  }

  /** Recoveries of the cluster {@code :clusterName} names (see the class comment). */
  private CompletionStage<Predicate<RecoveryLog.Recovery>> cluster(ApiRequest r) {
    String hint = r.param("clusterName");
    return api.recoveries().thenCombine(api.snapshot(), (log, s) -> {
      Set<String> recorded = log.recoveries().stream().map(rec -> rec.start().clusterName())
          .collect(Collectors.toSet());
      String name = clusterName(s, recorded, hint);
      return rec -> rec.start().clusterName().equals(name);
    });
  }

  /** Recoveries recorded under the alias (an alias follows its cluster through failovers). */
  private static CompletionStage<Predicate<RecoveryLog.Recovery>> alias(ApiRequest r) {
    String alias = r.param("clusterAlias");
    return java.util.concurrent.CompletableFuture.completedFuture(
        rec -> rec.start().clusterAlias().equals(alias));
  }

  private String clusterName(TopologySnapshot s, Set<String> recorded, String hint) {
    String h = hint == null ? "" : hint.trim();
    if (h.isEmpty()) {
      throw new ApiException("Unable to determine cluster name by empty hint");
    }
    if (recorded.contains(h)) {
      return h;
    }
    return s.resolveClusterHint(h, api.settings().defaultInstancePort()).orElse(h);
  }

  /** Running, or ended within RecoveryPeriodBlockSeconds (acknowledged or not). */
  private Predicate<RecoveryLog.Recovery> recentlyActive() {
    Instant now = clock.instant();
    Duration block = api.settings().recoveryPeriodBlock();
    return rec -> !rec.ended() || now.isBefore(rec.endedAt().plus(block));
  }

  private static Stream<RecoveryLog.Recovery> newestFirst(RecoveryLog.State log) {
    return log.recoveries().stream()
        .sorted(Comparator.comparingLong(RecoveryLog.Recovery::id).reversed());
  }

  // ---- listings ------------------------------------------------------------------------------

  private CompletionStage<ApiReply> audit(ApiRequest r,
      CompletionStage<Predicate<RecoveryLog.Recovery>> which, int page) {
    return audit(r, which, page, rec -> true);
  }

  private CompletionStage<ApiReply> audit(ApiRequest r,
      CompletionStage<Predicate<RecoveryLog.Recovery>> which, int page,
      Predicate<RecoveryLog.Recovery> also) {
    boolean unacknowledged = r.query("unacknowledged").map("true"::equals).orElse(false);
    return which.thenCompose(w -> api.recoveries().thenApply(log -> {
      List<RecoveryLog.Recovery> rows = newestFirst(log)
          .filter(w.and(also))
          .filter(rec -> !unacknowledged || !rec.acknowledged())
          .skip((long) page * AnalysisRoutes.PAGE_SIZE).limit(AnalysisRoutes.PAGE_SIZE)
          .toList();
      return json(rows);
    }));
  }

  private CompletionStage<ApiReply> listing(Predicate<RecoveryLog.Recovery> which) {
    return api.recoveries().thenApply(log -> json(newestFirst(log).filter(which).toList()));
  }

  private ApiReply json(List<RecoveryLog.Recovery> rows) {
    return ApiReply.json(RecoveryJson.topologyRecoveries(rows, clock.instant(),
        api.settings().recoveryPeriodBlock()));
  }

  /** The steps of one recovery, oldest first; an unknown uid has none. */
  private CompletionStage<ApiReply> steps(ApiRequest r) {
    String uid = r.param("uid");
    return api.recoveries().thenApply(log -> ApiReply.json(log.byUid(uid)
        .map(RecoveryJson::steps)
        .orElseGet(JsonNodeFactory.instance::arrayNode)));
  }

  /** Skipped automated recoveries, newest first; of one cluster when a name is given. */
  private CompletionStage<ApiReply> blocked(String clusterHint) {
    CompletionStage<Predicate<RecoveryLog.Skip>> which = clusterHint == null
        ? java.util.concurrent.CompletableFuture.completedFuture(skip -> true)
        : api.recoveries().thenCombine(api.snapshot(), (log, s) -> {
          Set<String> recorded = log.skips().stream().map(RecoveryLog.Skip::clusterName)
              .collect(Collectors.toSet());
          String name = clusterName(s, recorded, clusterHint);
          return skip -> name.equals(skip.clusterName());
        });
    return which.thenCompose(w -> api.recoveries().thenApply(log -> {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      List<RecoveryLog.Skip> skips = log.skips();
      for (int i = skips.size() - 1; i >= 0; i--) {
        RecoveryLog.Skip skip = skips.get(i);
        if (w.test(skip)) {
          long blockingId = skip.blockingUid() == null || skip.blockingUid().isEmpty() ? 0
              : log.byUid(skip.blockingUid()).map(RecoveryLog.Recovery::id).orElse(0L);
          a.add(RecoveryJson.blocked(skip, blockingId));
        }
      }
      return ApiReply.json(a);
    }));
  }
}
