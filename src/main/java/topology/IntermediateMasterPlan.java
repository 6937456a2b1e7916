package topology;

import java.util.List;

/**
 * A dead intermediate master recovery (orchestrator-api.md §7.5) as a value: where its replicas
 * go, in which order, and the successor. Built by {@link IntermediateMasterPlanner}.
 *
 * <p>The relocation is a {@link RefactoringPlan} the refactoring executor already runs: its
 * {@link RefactoringPlan#prepare()} holds the regroup leader's own move when the replicas are
 * regrouped (it must replicate from its new master before its siblings move below it; a failure
 * aborts), its {@link RefactoringPlan#moves()} are independent (parallel; a failed move is
 * recorded and the others go on). The dead intermediate master is not downtimed; its recovery
 * type is IntermediateMasterRecovery and PostIntermediateMasterFailoverProcesses follow.
 *
 * @param failed the dead intermediate master
 * @param successor where its replicas went (SuccessorKey): the candidate sibling, the regroup
 *     leader, or the intermediate master's own master
 * @param strategy which of orchestrator's plans A to D this is
 * @param candidateSibling the sibling chosen by orchestrator's preference order, or
 *     {@link InstanceKey#NONE}
 * @param regroupLeader the replica that takes its siblings, or {@link InstanceKey#NONE}
 * @param unmoved replicas that stay where they are, with why
 */
public record IntermediateMasterPlan(
    InstanceKey failed,
    InstanceKey successor,
    Strategy strategy,
    InstanceKey candidateSibling,
    InstanceKey regroupLeader,
    RefactoringPlan relocation,
    List<PromotionPlan.LostReplica> unmoved,
    List<String> audit) {

  public enum Strategy {
    /** plan A: all replicas below a candidate sibling in the same data center */
    SIBLING_SAME_DC,
    /** plans B and C: regrouped below one of them, which moves below an other-DC sibling */
    REGROUP_THEN_SIBLING,
    /** plans B and D: regrouped below one of them, which moves below the IM's master */
    REGROUP_THEN_MASTER,
    /** plan C: each replica below an other-DC sibling */
    RELOCATE_TO_SIBLING,
    /** plan D: each replica below the intermediate master's own master */
    RELOCATE_TO_MASTER
  }

  public IntermediateMasterPlan {
    candidateSibling = candidateSibling == null ? InstanceKey.NONE : candidateSibling;
    regroupLeader = regroupLeader == null ? InstanceKey.NONE : regroupLeader;
    unmoved = List.copyOf(unmoved);
    audit = List.copyOf(audit);
  }

  public RecoveryType type() {
    return RecoveryType.IntermediateMasterRecovery;
  }
}
