package topology;

import java.util.List;

/**
 * What recovery policy says about one analysis entry: act (which action, which recovery type),
 * or skip with a reason. A value: the caller audits skips and starts a recovery run for an act.
 *
 * @param key AnalyzedInstanceKey
 * @param analysis the entry's code
 * @param act whether to recover
 * @param action what the recovery does ({@link RecoveryAction#NONE} for most skips)
 * @param type the recovery's Type; null when the code has no recovery
 * @param forced the recover API, force-master-failover/-takeover or graceful takeover asked
 * @param skipReason why not; null for an act
 * @param reason one sentence naming the server and cluster (audit, API); for an act what it does
 * @param blockedBy the recoveries that block it (ALREADY_RUNNING, ANTI_FLAPPING): orchestrator
 *     records them as blocked recoveries
 * @param acknowledge completed recoveries of this instance a forced recovery acknowledges
 *     implicitly before it starts (orchestrator's AcknowledgeInstanceCompletedRecoveries)
 */
public record RecoveryDecision(
    InstanceKey key,
    AnalysisCode analysis,
    boolean act,
    RecoveryAction action,
    RecoveryType type,
    boolean forced,
    SkipReason skipReason,
    String reason,
    List<RecoveryRecord> blockedBy,
    List<RecoveryRecord> acknowledge) {

  public RecoveryDecision {
    action = action == null ? RecoveryAction.NONE : action;
    reason = reason == null ? "" : reason;
    blockedBy = blockedBy == null ? List.of() : List.copyOf(blockedBy);
    acknowledge = acknowledge == null ? List.of() : List.copyOf(acknowledge);
    if (act == (skipReason != null)) {
      throw new IllegalArgumentException("an act has no skip reason, a skip has one");
    }
    if (act && action == RecoveryAction.NONE) {
      throw new IllegalArgumentException("an act needs an action");
    }
  }

  static RecoveryDecision act(ReplicationAnalysis e, RecoveryAction action, boolean forced,
      String reason, List<RecoveryRecord> acknowledge) {
    return new RecoveryDecision(e.key(), e.analysis(), true, action, RecoveryType.of(action),
        forced, null, reason, List.of(), acknowledge);
  }

  static RecoveryDecision skip(ReplicationAnalysis e, RecoveryAction action, boolean forced,
      SkipReason why, String reason, List<RecoveryRecord> blockedBy) {
    return new RecoveryDecision(e.key(), e.analysis(), false, action, RecoveryType.of(action),
        forced, why, reason, blockedBy, List.of());
  }

  public boolean skipped() {
    return !act;
  }

  @Override
  public String toString() {
    return (act ? "act: " : "skip (" + skipReason + "): ") + reason;
  }
}
