package http;

import actors.detection.DetectionLog;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import topology.InstanceKey;
import topology.ReplicationAnalysis;
import topology.ReplicationCluster;

/**
 * Failure detection (§4.4): the replication analysis, whole or per cluster or instance
 * (ENVELOPE, Details an array, Message {@code Analysis}), and the record of registered
 * detections ({@code audit-failure-detection}: bare arrays of TopologyRecovery-shaped records,
 * newest first, 20 per page).
 */
final class AnalysisRoutes {

  static final int PAGE_SIZE = 20;

  private final NodeApi api;
  private final Clock clock;

  AnalysisRoutes(NodeApi api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  void register(RouteTable t) {
    t.add("replication-analysis", r -> analysis(a -> true));
    t.add("replication-analysis/:clusterName", this::clusterAnalysis);
    t.add("replication-analysis/instance/:host/:port", r -> {
      InstanceKey key = ApiParams.instanceKey(r);
      return analysis(a -> a.analyzedInstanceKey().equals(key));
    });
    // acknowledgements end the block of failure detections (and, with recovery, of recoveries)
    t.add("ack-all-recoveries", r -> acknowledge(r, null, null).thenApply(n ->
        ApiReply.ok("Acknowledged all recoveries", JsonNodeFactory.instance.textNode(comment(r)))));
    t.add("ack-recovery/instance/:host/:port", r -> {
      InstanceKey key = ApiParams.instanceKey(r);
      return acknowledge(r, key, null).thenApply(n ->
          ApiReply.ok("Acknowledged instance recoveries", ApiJson.key(key)));
    });
    t.add("ack-recovery/cluster/:clusterHint", r -> api.snapshot().thenCompose(s -> {
      String name = ApiParams.clusterName(s, r.param("clusterHint"), api.settings().defaultInstancePort());
      return acknowledge(r, null, name).thenApply(n ->
          ApiReply.ok("Acknowledged cluster recoveries", JsonNodeFactory.instance.textNode(name)));
    }));
    t.add("ack-recovery/cluster/alias/:clusterAlias", r -> api.snapshot().thenCompose(s -> {
      String name = ApiParams.clusterByAlias(s, r.param("clusterAlias")).name();
      return acknowledge(r, null, name).thenApply(n ->
          ApiReply.ok("Acknowledged cluster recoveries", JsonNodeFactory.instance.textNode(name)));
    }));
    t.add("audit-failure-detection", r -> detections(r, d -> true, 0));
    t.add("audit-failure-detection/:page", r -> detections(r, d -> true, page(r.param("page"))));
    t.add("audit-failure-detection/id/:id", this::detectionById);
    t.add("audit-failure-detection/alias/:clusterAlias", r -> detections(r,
        d -> d.candidate().clusterAlias().equals(r.param("clusterAlias")), 0));
    t.add("audit-failure-detection/alias/:clusterAlias/:page", r -> detections(r,
        d -> d.candidate().clusterAlias().equals(r.param("clusterAlias")), page(r.param("page"))));
  }

  /** The {@code comment} of an acknowledgement: trimmed, required. */
  static String comment(ApiRequest r) {
    String c = r.query("comment").orElse("");
    if (c.isBlank()) {
      throw new ApiException("No acknowledge comment given");
    }
    return c;
  }

  private CompletionStage<Integer> acknowledge(ApiRequest r, InstanceKey key, String cluster) {
    String comment = comment(r);
    // the authenticated user; "" (the node's name) without authentication
    return api.acknowledge(key, cluster, r.user(), comment);
  }

  private CompletionStage<ApiReply> analysis(Predicate<ReplicationAnalysis> which) {
    return api.analysis().thenApply(result -> ApiReply.ok("Analysis",
        AnalysisJson.analyses(result.analyses().stream().filter(which).toList())));
  }

  /** By cluster name or alias; an unknown one is an error, as orchestrator's. */
  private CompletionStage<ApiReply> clusterAnalysis(ApiRequest req) {
    String hint = req.param("clusterName");
    return api.analysis().thenApply(result -> {
      Optional<ReplicationCluster> cluster = Optional.ofNullable(result.snapshot().clusters().get(hint))
          .or(() -> result.snapshot().clusterByAlias(hint));
      if (cluster.isEmpty()) {
        throw new ApiException("Cannot get cluster name: " + hint);
      }
      String name = cluster.get().name();
      return ApiReply.ok("Analysis", AnalysisJson.analyses(result.analyses().stream()
          .filter(a -> a.clusterDetails().name().equals(name)).toList()));
    });
  }

  /** A {@code :page} parameter: a number from 0. */
  static int page(String raw) {
    try {
      int p = Integer.parseInt(raw);
      if (p < 0) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new ApiException("Invalid page: " + raw);
    }
  }

  private CompletionStage<ApiReply> detections(ApiRequest req,
      Predicate<DetectionLog.Detection> which, int page) {
    return api.failureDetections().thenApply(all -> {
      List<DetectionLog.Detection> newest = new ArrayList<>(all.stream().filter(which).toList());
      newest.sort(Comparator.comparingLong(DetectionLog.Detection::id).reversed());
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      Instant now = clock.instant();
      newest.stream().skip((long) page * PAGE_SIZE).limit(PAGE_SIZE)
          .forEach(d -> a.add(detection(d, now)));
      return ApiReply.json(a);
    });
  }

  private CompletionStage<ApiReply> detectionById(ApiRequest req) {
    String raw = req.param("id");
    long id;
    try {
      id = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new ApiException("Invalid id: " + raw);
    }
    return api.failureDetections().thenApply(all -> {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      Instant now = clock.instant();
      all.stream().filter(d -> d.id() == id).forEach(d -> a.add(detection(d, now)));
      return ApiReply.json(a);
    });
  }

  /**
   * A detection in TopologyRecovery's shape (§7.4), as orchestrator's audit-failure-detection
   * answers; orcha adds {@code Evidence} (how each involved server looked) and {@code HookLog}.
   */
  static ObjectNode detection(DetectionLog.Detection d, Instant now) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("Id", d.id());
    n.put("UID", d.uid());
    n.set("AnalysisEntry", AnalysisJson.analysis(d.candidate().analysis()));
    n.putNull("SuccessorKey");
    n.put("SuccessorAlias", "");
    n.putNull("SuccessorBinlogCoordinates");
    n.put("IsActive", d.activeAt(now));
    n.put("IsSuccessful", false);
    n.set("LostReplicas", JsonNodeFactory.instance.arrayNode());
    n.set("ParticipatingInstanceKeys", JsonNodeFactory.instance.arrayNode());
    n.set("AllErrors", JsonNodeFactory.instance.arrayNode());
    n.put("RecoveryStartTimestamp", ApiJson.timestamp(d.detectedAt()));
    n.put("RecoveryEndTimestamp", "");
    n.put("ProcessingNodeHostname", d.candidate().analysis().processing().processingNodeHostname());
    n.put("ProcessingNodeToken", d.candidate().analysis().processing().processingNodeToken());
    n.put("Acknowledged", d.acknowledged());
    n.put("AcknowledgedAt", d.acknowledgedAt() == null ? "" : ApiJson.timestamp(d.acknowledgedAt()));
    n.put("AcknowledgedBy", d.acknowledgedBy());
    n.put("AcknowledgedComment", d.acknowledgedComment());
    n.put("LastDetectionId", d.id());
    n.put("RelatedRecoveryId", 0);
    n.put("Type", "");
    n.put("RecoveryType", "");
    n.set("Evidence", evidence(d.candidate().evidence()));
    n.set("HookLog", ApiJson.strings(d.hookLog()));
    n.put("HooksFailed", d.hooksFailed());
    return n;
  }

  /** How each server involved looked to this node when the failure was seen. */
  static ArrayNode evidence(java.util.List<DetectionLog.Evidence> all) {
    ArrayNode evidence = JsonNodeFactory.instance.arrayNode();
    for (DetectionLog.Evidence e : all) {
      ObjectNode o = evidence.addObject();
      o.set("Key", ApiJson.key(e.key()));
      o.put("Role", e.role());
      o.put("Reachable", e.reachable());
      o.put("LastSeen", e.lastSeen());
      o.put("LastError", e.lastError());
      o.put("IOThread", e.ioThread());
      o.put("SQLThread", e.sqlThread());
      o.put("LastIOError", e.lastIoError());
      o.set("LagSeconds", ApiJson.nullInt(e.lagSeconds()));
    }
    return evidence;
  }
}
