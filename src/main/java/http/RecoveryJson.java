package http;

import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Recovery JSON: TopologyRecovery (orchestrator-api.md §7.4) in the contract's field order,
 * recovery steps ({@code audit-recovery-steps}) and blocked recoveries. Pure.
 */
public final class RecoveryJson {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private RecoveryJson() {}

  /**
   * TopologyRecovery. {@code IsActive}: running, or ended less than {@code block}
   * (RecoveryPeriodBlockSeconds) before {@code now} and not acknowledged. A recovery that has
   * not resolved yet has a null {@code SuccessorKey}; a resolved one always has a KEY (empty
   * when nothing was promoted), as orchestrator reads it back from its store.
   */
  public static ObjectNode topologyRecovery(RecoveryLog.Recovery r, Instant now, Duration block) {
    RecoveryLog.Start start = r.start();
    RecoveryLog.Resolution res = r.resolution();
    ObjectNode n = F.objectNode();
    n.put("Id", r.id());
    n.put("UID", start.uid());
    if (start.analysis() == null) {
      n.putNull("AnalysisEntry");
    } else {
      n.set("AnalysisEntry", AnalysisJson.analysis(start.analysis()));
    }
    if (res == null) {
      n.putNull("SuccessorKey");
    } else {
      n.set("SuccessorKey", ApiJson.key(res.successor()));
    }
    n.put("SuccessorAlias", res == null ? "" : nonNull(res.successorAlias()));
    // orcha records no coordinates of the successor at promotion
    n.putNull("SuccessorBinlogCoordinates");
    n.put("IsActive", r.activeAt(now, block));
    n.put("IsSuccessful", res != null && res.successful());
    n.set("LostReplicas", ApiJson.keyList(res == null ? List.of() : res.lostReplicas()));
    n.set("ParticipatingInstanceKeys",
        ApiJson.keyList(res == null ? List.of() : res.participating()));
    n.set("AllErrors", ApiJson.strings(res == null ? List.of() : res.errors()));
    n.put("RecoveryStartTimestamp", ApiJson.timestamp(r.startedAt()));
    n.put("RecoveryEndTimestamp", ApiJson.timestamp(r.endedAt()));
    n.put("ProcessingNodeHostname", nonNull(start.processingNode()));
    n.put("ProcessingNodeToken", nonNull(start.processingNode()));
    n.put("Acknowledged", r.acknowledged());
    n.put("AcknowledgedAt", ApiJson.timestamp(r.acknowledgedAt()));
    n.put("AcknowledgedBy", nonNull(r.acknowledgedBy()));
    n.put("AcknowledgedComment", nonNull(r.acknowledgedComment()));
    n.put("LastDetectionId", start.lastDetectionId());
    n.put("RelatedRecoveryId", 0);
    n.put("Type", nonNull(start.type()));
    n.put("RecoveryType", res == null ? "" : nonNull(res.recoveryType()));
    return n;
  }

  public static ArrayNode topologyRecoveries(List<RecoveryLog.Recovery> recoveries, Instant now,
      Duration block) {
    ArrayNode a = F.arrayNode();
    recoveries.forEach(r -> a.add(topologyRecovery(r, now, block)));
    return a;
  }

  /** {@code [{Id, RecoveryUID, AuditAt, Message}]}, Message being "phase: message". */
  public static ArrayNode steps(RecoveryLog.Recovery r) {
    ArrayNode a = F.arrayNode();
    for (RecoveryLog.Step s : r.steps()) {
      ObjectNode o = a.addObject();
      o.put("Id", s.id());
      o.put("RecoveryUID", r.start().uid());
      o.put("AuditAt", ApiJson.timestamp(s.at()));
      o.put("Message", s.phase() + ": " + s.message());
    }
    return a;
  }

  /**
   * A blocked (skipped) automated recovery; orcha adds {@code Reason}, the policy's words for
   * why nothing was done.
   */
  public static ObjectNode blocked(RecoveryLog.Skip s, long blockingRecoveryId) {
    ObjectNode o = F.objectNode();
    o.set("FailedInstanceKey", ApiJson.key(s.key()));
    o.put("ClusterName", nonNull(s.clusterName()));
    o.put("Analysis", nonNull(s.analysisCode()));
    o.put("LastBlockedTimestamp", ApiJson.timestamp(s.at()));
    o.put("BlockingRecoveryId", blockingRecoveryId);
    o.put("Reason", nonNull(s.reason()));
    return o;
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
