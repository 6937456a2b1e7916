package http;

import actors.control.ControlState;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import topology.Downtime;
import topology.InstanceKey;
import topology.InstanceView;

/** Downtime and maintenance (§4.2, §7.8): what operators tell orcha about servers. */
final class ControlRoutes {

  /** orchestrator's default for a downtime without (or with a zero) duration. */
  static final Duration DEFAULT_DOWNTIME = Duration.ofMinutes(10);
  /** orchestrator's fixed MaintenanceExpireMinutes. */
  static final Duration MAINTENANCE_EXPIRY = Duration.ofMinutes(10);

  private final NodeApi api;
  private final Clock clock;

  ControlRoutes(NodeApi api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  void register(RouteTable t) {
    t.add("begin-downtime/:host/:port/:owner/:reason", this::beginDowntime);
    t.add("begin-downtime/:host/:port/:owner/:reason/:duration", this::beginDowntime);
    t.add("end-downtime/:host/:port", this::endDowntime);
    t.add("downtimed", r -> downtimed(r, ""));
    t.add("downtimed/:clusterHint", r -> downtimed(r, r.param("clusterHint")));
    t.add("begin-maintenance/:host/:port/:owner/:reason", this::beginMaintenance);
    t.add("end-maintenance/:host/:port", this::endMaintenance);
    t.add("end-maintenance/:maintenanceKey", this::endMaintenanceById);
    t.add("in-maintenance/:host/:port", this::inMaintenance);
    t.add("maintenance", this::maintenance);
    t.add("register-candidate/:host/:port/:promotionRule", this::registerCandidate);
    t.add("bulk-promotion-rules", this::bulkPromotionRules);
    t.add("audit", r -> audit(null, "0"));
    t.add("audit/:page", r -> audit(null, r.param("page")));
    t.add("audit/instance/:host/:port", r -> audit(ApiParams.instanceKey(r), "0"));
    t.add("audit/instance/:host/:port/:page", r -> audit(ApiParams.instanceKey(r), r.param("page")));
  }

  private CompletionStage<ApiReply> beginDowntime(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    String owner = ApiParams.required(req, "owner", "Downtime owner");
    String reason = ApiParams.required(req, "reason", "Downtime reason");
    Duration duration = ApiParams.simpleTime(req.param("duration"), DEFAULT_DOWNTIME);
    return api.beginDowntime(key, owner, reason, duration).thenApply(d ->
        ApiReply.ok("Downtime begun: " + key, ApiJson.key(key)));
  }

  private CompletionStage<ApiReply> endDowntime(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    return api.endDowntime(key).thenApply(v -> ApiReply.ok("Downtime ended: " + key, ApiJson.key(key)));
  }

  /** Instances with an active downtime, ordered by cluster, then depth. */
  private CompletionStage<ApiReply> downtimed(ApiRequest req, String hint) {
    int defaultPort = api.settings().defaultInstancePort();
    return api.snapshot().thenCompose(s -> api.controlState().thenApply(c -> {
      String cluster = hint == null || hint.isBlank() ? null : ApiParams.clusterName(s, hint, defaultPort);
      Map<InstanceKey, Downtime> active = c.activeDowntimes(clock.instant());
      List<InstanceView> views = s.instances().values().stream()
          .filter(v -> active.containsKey(v.key()))
          .filter(v -> cluster == null || v.clusterName().equals(cluster))
          .sorted(Comparator.comparing(InstanceView::clusterName)
              .thenComparingInt(InstanceView::replicationDepth)
              .thenComparing(InstanceView::key))
          .toList();
      return ApiReply.json(ApiJson.instances(views, s));
    }));
  }

  private CompletionStage<ApiReply> beginMaintenance(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    String owner = ApiParams.required(req, "owner", "Maintenance owner");
    String reason = ApiParams.required(req, "reason", "Maintenance reason");
    return api.beginMaintenance(key, owner, reason, MAINTENANCE_EXPIRY).thenApply(m ->
        ApiReply.ok("Maintenance begun: " + key, ApiJson.key(key)));
  }

  private CompletionStage<ApiReply> endMaintenance(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    return api.endMaintenance(key).thenApply(id ->
        ApiReply.ok("Maintenance ended: " + key, ApiJson.key(key)));
  }

  private CompletionStage<ApiReply> endMaintenanceById(ApiRequest req) {
    String raw = req.param("maintenanceKey");
    long id;
    try {
      id = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new ApiException("Invalid maintenance key: " + raw);
    }
    return api.endMaintenanceById(id).thenApply(key ->
        ApiReply.ok("Maintenance ended: " + key, JsonNodeFactory.instance.numberNode(id)));
  }

  private CompletionStage<ApiReply> inMaintenance(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    return api.controlState().thenApply(c -> {
      ControlState.Maintenance m = c.maintenance().get(key);
      boolean active = m != null && m.activeAt(clock.instant());
      return ApiReply.ok(String.valueOf(active),
          JsonNodeFactory.instance.textNode(active ? key.displayString() : ""));
    });
  }

  /** Rules prefer, neutral, prefer_not, must_not; "must" exists in orchestrator but is refused. */
  private CompletionStage<ApiReply> registerCandidate(ApiRequest req) {
    InstanceKey key = ApiParams.instanceKey(req);
    String raw = req.param("promotionRule");
    topology.PromotionRule rule = topology.PromotionRule.parse(raw)
        .orElseThrow(() -> new ApiException("Invalid CandidatePromotionRule: " + raw));
    if (rule == topology.PromotionRule.MUST) {
      throw new ApiException("CandidatePromotionRule: must not supported yet");
    }
    return api.registerCandidate(key, rule).thenApply(v ->
        ApiReply.ok("Registered candidate", ApiJson.key(key)));
  }

  /** Registered (unexpired) promotion rules, as orchestrator's CandidateDatabaseInstance rows. */
  private CompletionStage<ApiReply> bulkPromotionRules(ApiRequest req) {
    return api.controlState().thenApply(c -> {
      Instant now = clock.instant();
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      c.candidates().values().stream().filter(cand -> cand.activeAt(now))
          .sorted(Comparator.comparing(ControlState.Candidate::key))
          .forEach(cand -> {
            ObjectNode n = a.addObject();
            n.put("Hostname", cand.key().hostname());
            n.put("Port", cand.key().port());
            n.put("PromotionRule", cand.rule().apiName());
            n.put("LastSuggestedString", ApiJson.timestamp(cand.registeredAt()));
            n.put("PromotionRuleExpiry", ApiJson.timestamp(cand.expiresAt()));
          });
      return ApiReply.json(a);
    });
  }

  /** orchestrator's audit rows (20 per page, newest first), plus the cluster and the user. */
  private CompletionStage<ApiReply> audit(InstanceKey key, String rawPage) {
    int page;
    try {
      page = Integer.parseInt(rawPage);
      if (page < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new ApiException("Invalid page: " + rawPage);
    }
    return api.audit(key, page).thenApply(rows -> {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      for (var e : rows) {
        ObjectNode n = a.addObject();
        n.put("AuditId", e.id());
        n.put("AuditTimestamp", ApiJson.timestamp(e.at()));
        n.put("AuditType", e.type());
        n.set("AuditInstanceKey", ApiJson.key(e.key()));
        n.put("Message", e.message());
        n.put("ClusterName", e.clusterName());
        n.put("User", e.user());
      }
      return ApiReply.json(a);
    });
  }

  private CompletionStage<ApiReply> maintenance(ApiRequest req) {
    return api.controlState().thenApply(c -> {
      Instant now = clock.instant();
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      c.maintenance().values().stream().filter(m -> m.activeAt(now))
          .sorted(Comparator.comparingLong(ControlState.Maintenance::id))
          .forEach(m -> {
            ObjectNode n = a.addObject();
            n.put("MaintenanceId", m.id());
            n.set("Key", ApiJson.key(m.key()));
            n.put("BeginTimestamp", ApiJson.timestamp(m.begunAt()));
            n.put("SecondsElapsed", Duration.between(m.begunAt(), now).toSeconds());
            n.put("IsActive", true);
            n.put("Owner", m.owner());
            n.put("Reason", m.reason());
          });
      return ApiReply.json(a);
    });
  }
}
