package topology;

import static topology.AnalysisCode.Trait.ABOUT_REPLICAS;
import static topology.AnalysisCode.Trait.EMERGENCY_GRACE;
import static topology.AnalysisCode.Trait.GENERIC_HANDLER;
import static topology.EmergentProbe.REPROBE_INSTANCE;
import static topology.EmergentProbe.REPROBE_MASTER;
import static topology.EmergentProbe.REPROBE_REPLICAS;
import static topology.EmergentProbe.RESTART_REPLICAS_IO;
import static topology.RecoveryAction.CO_MASTER_FAILOVER;
import static topology.RecoveryAction.GROUP_MEMBER;
import static topology.RecoveryAction.INTERMEDIATE_MASTER_RECOVERY;
import static topology.RecoveryAction.MASTER_FAILOVER;
import static topology.RecoveryAction.SEMI_SYNC;
import static topology.RecoveryAction.SET_WRITEABLE;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * orchestrator's analysis codes as one declarative table (orchestrator-api.md §7.2): the
 * constants are declared in evaluation order and the first whose predicate holds is the
 * server's analysis ({@link #classify}). Names are orchestrator's exactly: the HTTP API and the
 * hooks expose them. One code is orcha's own, {@link #FormerMasterReturned}: orchestrator has no
 * name for a master a failover replaced that answers again.
 *
 * <p>Columns: orchestrator's description; the predicate over {@link AnalysisInput}; what
 * automated recovery would do ({@link RecoveryAction}); the emergency operation detection asks
 * for ({@link EmergentProbe}); traits: {@link Trait#GENERIC_HANDLER} (detection hooks run
 * although no recovery exists), {@link Trait#ABOUT_REPLICAS} (the problem is the replicas', so
 * all of them downtimed makes it skippable), {@link Trait#EMERGENCY_GRACE} (ignored for a few
 * seconds after an emergency operation on the server).
 *
 * <p>Every traditional-replication code requires that the server is not a group-replication
 * member; a member only ever gets {@code DeadReplicationGroupMemberWithReplicas} (orchestrator
 * analyses the two kinds separately).
 */
public enum AnalysisCode {

  // ---- master ---------------------------------------------------------------------------------
  DeadMasterWithoutReplicas(
      "Master cannot be reached by orchestrator and has no replica",
      in -> master(in) && !in.lastCheckValid() && in.countReplicas() == 0,
      RecoveryAction.NONE, EmergentProbe.NONE),
  DeadMaster(
      "Master cannot be reached by orchestrator and none of its replicas is replicating",
      in -> master(in) && !in.lastCheckValid() && in.allReplicasValid()
          && in.countValidReplicatingReplicas() == 0,
      MASTER_FAILOVER, EmergentProbe.NONE, EMERGENCY_GRACE),
  DeadMasterAndReplicas(
      "Master cannot be reached by orchestrator and none of its replicas is replicating",
      in -> master(in) && !in.lastCheckValid() && in.countReplicas() > 0
          && in.countValidReplicas() == 0,
      RecoveryAction.NONE, REPROBE_MASTER, GENERIC_HANDLER),
  DeadMasterAndSomeReplicas(
      "Master cannot be reached by orchestrator; some of its replicas are unreachable and none of its reachable replicas is replicating",
      in -> master(in) && !in.lastCheckValid() && in.someReplicasValid()
          && in.countValidReplicatingReplicas() == 0,
      MASTER_FAILOVER, EmergentProbe.NONE, EMERGENCY_GRACE),
  UnreachableMasterWithLaggingReplicas(
      "Master cannot be reached by orchestrator and all of its replicas are lagging",
      in -> master(in) && !in.lastCheckValid() && allLagging(in)
          && in.countValidReplicatingReplicas() > 0,
      RecoveryAction.NONE, RESTART_REPLICAS_IO, GENERIC_HANDLER),
  UnreachableMaster(
      "Master cannot be reached by orchestrator but it has replicating replicas; possibly a network/host issue",
      in -> master(in) && !in.lastCheckValid() && in.countValidReplicas() > 0
          && in.countValidReplicatingReplicas() > 0
          // a partial check is noise unless a replica also fails to connect
          && (!in.lastCheckPartialSuccess() || in.countReplicasFailingToConnectToMaster() > 0),
      RecoveryAction.NONE, REPROBE_REPLICAS, GENERIC_HANDLER),
  /**
   * orcha's own: the old master of a failover (downtimed lost-in-recovery, no upstream of its
   * own) answers again. Writable, the leader fences it ({@link ReturnedServers}); read-only, it
   * still holds the old data and name and waits for an operator. Before every code that reads a
   * reachable master, which would otherwise call it NoProblem or a semi-sync/replica problem.
   * Its replicas left behind with it still replicate from it, so they never match. Being
   * downtimed, the entry is SkippableDueToDowntime: like any downtimed server's, its detection
   * is not registered and no hook runs (orchestrator skips downtimed entries); it is listed.
   */
  FormerMasterReturned(
      "Master replaced by a failover (lost-in-recovery) is reachable again; fenced read-only and never re-attached",
      in -> master(in) && in.lastCheckValid() && in.lostInRecovery(),
      RecoveryAction.NONE, EmergentProbe.NONE, GENERIC_HANDLER),
  LockedSemiSyncMasterHypothesis(
      "Semi sync master seems to be locked, more samplings needed to validate",
      in -> master(in) && semiSyncLocked(in) && !in.binlogCoordinatesStale(),
      RecoveryAction.NONE, REPROBE_INSTANCE),
  LockedSemiSyncMaster(
      "Semi sync master is locked since it doesn't get enough replica acknowledgements",
      in -> master(in) && semiSyncLocked(in) && in.binlogCoordinatesStale(),
      SEMI_SYNC, EmergentProbe.NONE, EMERGENCY_GRACE),
  MasterWithTooManySemiSyncReplicas(
      "Semi sync master has more semi sync replicas than configured",
      in -> in.enforceExactSemiSyncReplicas() && master(in) && semiSyncOn(in)
          && in.semiSyncMasterClients() > in.semiSyncMasterWaitForReplicaCount(),
      SEMI_SYNC, EmergentProbe.NONE),
  NoWriteableMasterStructureWarning(
      "Master with replicas is read_only",
      in -> master(in) && in.lastCheckValid() && in.isReadOnly()
          && in.countValidReplicatingReplicas() > 0 && in.recoverNonWriteableMaster(),
      SET_WRITEABLE, EmergentProbe.NONE),
  MasterSingleReplicaNotReplicating(
      "Master is reachable but its single replica is not replicating",
      in -> master(in) && in.lastCheckValid() && in.countReplicas() == 1
          && in.allReplicasValid() && in.countValidReplicatingReplicas() == 0,
      RecoveryAction.NONE, EmergentProbe.NONE),
  MasterSingleReplicaDead(
      "Master is reachable but its single replica is dead",
      in -> master(in) && in.lastCheckValid() && in.countReplicas() == 1
          && in.countValidReplicas() == 0,
      RecoveryAction.NONE, EmergentProbe.NONE, ABOUT_REPLICAS),
  AllMasterReplicasNotReplicating(
      "Master is reachable but none of its replicas is replicating",
      in -> master(in) && in.lastCheckValid() && in.countReplicas() > 1
          && in.allReplicasValid() && in.countValidReplicatingReplicas() == 0,
      RecoveryAction.NONE, REPROBE_INSTANCE, GENERIC_HANDLER, ABOUT_REPLICAS),
  AllMasterReplicasNotReplicatingOrDead(
      "Master is reachable but none of its replicas is replicating",
      in -> master(in) && in.lastCheckValid() && in.countReplicas() > 1
          && in.someReplicasValid() && in.countValidReplicatingReplicas() == 0,
      RecoveryAction.NONE, REPROBE_INSTANCE, GENERIC_HANDLER, ABOUT_REPLICAS),

  // ---- co-master ------------------------------------------------------------------------------
  DeadCoMaster(
      "Co-master cannot be reached by orchestrator and none of its replicas is replicating",
      in -> coMaster(in) && !in.lastCheckValid() && in.allReplicasValid()
          && in.countValidReplicatingReplicas() == 0,
      CO_MASTER_FAILOVER, EmergentProbe.NONE),
  DeadCoMasterAndSomeReplicas(
      "Co-master cannot be reached by orchestrator; some of its replicas are unreachable and none of its reachable replicas is replicating",
      in -> coMaster(in) && !in.lastCheckValid() && in.someReplicasValid()
          && in.countValidReplicatingReplicas() == 0,
      CO_MASTER_FAILOVER, EmergentProbe.NONE),
  UnreachableCoMaster(
      "Co-master cannot be reached by orchestrator but it has replicating replicas; possibly a network/host issue",
      in -> coMaster(in) && !in.lastCheckValid() && !in.lastCheckPartialSuccess()
          && in.countValidReplicas() > 0 && in.countValidReplicatingReplicas() > 0,
      RecoveryAction.NONE, REPROBE_REPLICAS),
  AllCoMasterReplicasNotReplicating(
      "Co-master is reachable but none of its replicas is replicating",
      in -> coMaster(in) && in.lastCheckValid() && in.countReplicas() > 0
          && in.countValidReplicatingReplicas() == 0,
      RecoveryAction.NONE, EmergentProbe.NONE, ABOUT_REPLICAS),

  // ---- intermediate master --------------------------------------------------------------------
  DeadIntermediateMasterWithSingleReplicaFailingToConnect(
      "Intermediate master cannot be reached by orchestrator and its (single) replica is failing to connect",
      in -> intermediate(in) && !in.lastCheckValid() && in.countReplicas() == 1
          && in.allReplicasValid() && in.countReplicasFailingToConnectToMaster() == 1
          && in.countValidReplicatingReplicas() == 0,
      INTERMEDIATE_MASTER_RECOVERY, EmergentProbe.NONE, ABOUT_REPLICAS),
  DeadIntermediateMasterWithSingleReplica(
      "Intermediate master cannot be reached by orchestrator and its (single) replica is not replicating",
      in -> intermediate(in) && !in.lastCheckValid() && in.countReplicas() == 1
          && in.allReplicasValid() && in.countValidReplicatingReplicas() == 0,
      RecoveryAction.NONE, EmergentProbe.NONE, ABOUT_REPLICAS),
  DeadIntermediateMaster(
      "Intermediate master cannot be reached by orchestrator and none of its replicas is replicating",
      in -> intermediate(in) && !in.lastCheckValid() && in.countReplicas() > 1
          && in.allReplicasValid() && in.countValidReplicatingReplicas() == 0,
      INTERMEDIATE_MASTER_RECOVERY, EmergentProbe.NONE),
  DeadIntermediateMasterAndSomeReplicas(
      "Intermediate master cannot be reached by orchestrator; some of its replicas are unreachable and none of its reachable replicas is replicating",
      in -> intermediate(in) && !in.lastCheckValid() && in.someReplicasValid()
          && in.countValidReplicatingReplicas() == 0,
      INTERMEDIATE_MASTER_RECOVERY, EmergentProbe.NONE, ABOUT_REPLICAS),
  DeadIntermediateMasterAndReplicas(
      "Intermediate master cannot be reached by orchestrator and all of its replicas are unreachable",
      in -> intermediate(in) && !in.lastCheckValid() && in.countReplicas() > 0
          && in.countValidReplicas() == 0,
      RecoveryAction.NONE, EmergentProbe.NONE, GENERIC_HANDLER, ABOUT_REPLICAS),
  UnreachableIntermediateMasterWithLaggingReplicas(
      "Intermediate master cannot be reached by orchestrator and all of its replicas are lagging",
      in -> intermediate(in) && !in.lastCheckValid() && allLagging(in)
          && in.countValidReplicatingReplicas() > 0,
      RecoveryAction.NONE, RESTART_REPLICAS_IO, GENERIC_HANDLER),
  UnreachableIntermediateMaster(
      "Intermediate master cannot be reached by orchestrator but it has replicating replicas; possibly a network/host issue",
      in -> intermediate(in) && !in.lastCheckValid() && !in.lastCheckPartialSuccess()
          && in.countValidReplicas() > 0 && in.countValidReplicatingReplicas() > 0,
      RecoveryAction.NONE, REPROBE_REPLICAS),
  AllIntermediateMasterReplicasFailingToConnectOrDead(
      "Intermediate master is reachable but all of its replicas are failing to connect",
      // the intermediate master answers: conclude from at least two replicas only
      in -> intermediate(in) && in.lastCheckValid() && in.countReplicas() > 1
          && in.countValidReplicatingReplicas() == 0
          && in.countReplicasFailingToConnectToMaster() > 0
          && in.countReplicasFailingToConnectToMaster() == in.countValidReplicas(),
      INTERMEDIATE_MASTER_RECOVERY, EmergentProbe.NONE, ABOUT_REPLICAS),
  AllIntermediateMasterReplicasNotReplicating(
      "Intermediate master is reachable but none of its replicas is replicating",
      in -> intermediate(in) && in.lastCheckValid() && in.countReplicas() > 0
          && in.countValidReplicatingReplicas() == 0,
      RecoveryAction.NONE, EmergentProbe.NONE, ABOUT_REPLICAS),

  // ---- single replicas ------------------------------------------------------------------------
  BinlogServerFailingToConnectToMaster(
      "Binlog server is unable to connect to its master",
      in -> async(in) && in.isBinlogServer() && in.isFailingToConnectToMaster(),
      RecoveryAction.NONE, EmergentProbe.NONE),
  FirstTierReplicaFailingToConnectToMaster(
      "1st tier replica (directly replicating from topology master) is unable to connect to the master",
      in -> async(in) && in.replicationDepth() == 1 && in.isFailingToConnectToMaster(),
      RecoveryAction.NONE, REPROBE_MASTER),

  // ---- group replication ----------------------------------------------------------------------
  DeadReplicationGroupMemberWithReplicas(
      "Group member is unreachable and all its reachable replicas are not replicating",
      in -> in.isReplicationGroupMember() && !in.lastCheckValid() && in.countReplicas() > 0
          && in.countValidReplicatingReplicas() == 0,
      GROUP_MEMBER, EmergentProbe.NONE),

  // ---- never produced / nothing found ---------------------------------------------------------
  /** Defined by orchestrator but never produced (its rule is commented out upstream). */
  MasterWithoutReplicas("Master has no replicas", in -> false,
      RecoveryAction.NONE, EmergentProbe.NONE),
  NoProblem("", in -> true, RecoveryAction.NONE, EmergentProbe.NONE);

  /** Table traits that are not worth a column of their own. */
  public enum Trait {
    /**
     * orchestrator runs its generic handler: the failure is registered and
     * OnFailureDetectionProcesses run, although there is no recovery (contract §9.1)
     */
    GENERIC_HANDLER,
    /**
     * the problem is about the replicas: when every replica is downtimed the entry is
     * IsReplicasDowntimed and skippable
     */
    ABOUT_REPLICAS,
    /** ignored for ~5 s after an emergency operation on the server (contract §7.5 step 1) */
    EMERGENCY_GRACE
  }

  private final String description;
  private final Predicate<AnalysisInput> predicate;
  private final RecoveryAction action;
  private final EmergentProbe emergentProbe;
  private final Set<Trait> traits;

  AnalysisCode(String description, Predicate<AnalysisInput> predicate, RecoveryAction action,
      EmergentProbe emergentProbe, Trait... traits) {
    this.description = description;
    this.predicate = predicate;
    this.action = action;
    this.emergentProbe = emergentProbe;
    this.traits = traits.length == 0 ? EnumSet.noneOf(Trait.class) : EnumSet.of(traits[0], traits);
  }

  // ---- predicate vocabulary -------------------------------------------------------------------

  /** Traditional (async / semi-sync) replication: not a group-replication member. */
  private static boolean async(AnalysisInput in) {
    return !in.isReplicationGroupMember();
  }

  private static boolean master(AnalysisInput in) {
    return async(in) && in.isMaster();
  }

  private static boolean coMaster(AnalysisInput in) {
    return async(in) && in.isCoMaster();
  }

  private static boolean intermediate(AnalysisInput in) {
    return async(in) && !in.isMaster();
  }

  /** L = R and D &lt; R: every replica lags, and not only because they are all delayed. */
  private static boolean allLagging(AnalysisInput in) {
    return in.countLaggingReplicas() == in.countReplicas()
        && in.countDelayedReplicas() < in.countReplicas();
  }

  private static boolean semiSyncOn(AnalysisInput in) {
    return in.semiSyncMasterEnabled() && in.semiSyncMasterStatus()
        && in.semiSyncMasterWaitForReplicaCount() > 0;
  }

  /** Semi-sync on, but fewer clients than acknowledgements it waits for. */
  private static boolean semiSyncLocked(AnalysisInput in) {
    return semiSyncOn(in) && in.semiSyncMasterClients() < in.semiSyncMasterWaitForReplicaCount();
  }

  // ---- the table's columns --------------------------------------------------------------------

  /** orchestrator's Description text ({@code ""} for NoProblem). */
  public String description() {
    return description;
  }

  public Predicate<AnalysisInput> predicate() {
    return predicate;
  }

  public boolean matches(AnalysisInput in) {
    return predicate.test(in);
  }

  /** Position in the evaluation order (0 = evaluated first). */
  public int evaluationOrder() {
    return ordinal();
  }

  /** What automated recovery would do, configuration aside (see {@link #actionUnder}). */
  public RecoveryAction action() {
    return action;
  }

  /** orchestrator's isActionableRecovery: a recovery function exists for the code. */
  public boolean isActionable() {
    return action != RecoveryAction.NONE;
  }

  public EmergentProbe emergentProbe() {
    return emergentProbe;
  }

  /**
   * orchestrator has a check-and-recover function for the code: a detection is registered and
   * OnFailureDetectionProcesses run (every actionable code, plus the generic ones of §9.1).
   */
  public boolean hasHandler() {
    return isActionable() || traits.contains(GENERIC_HANDLER);
  }

  /** All replicas downtimed makes the entry IsReplicasDowntimed and skippable. */
  public boolean aboutReplicas() {
    return traits.contains(ABOUT_REPLICAS);
  }

  /** Not acted upon for a few seconds after an emergency operation on the server. */
  public boolean emergencyGracePeriod() {
    return traits.contains(EMERGENCY_GRACE);
  }

  /**
   * The action once configuration is applied: semi-sync repair of a locked master only with
   * RecoverLockedSemiSyncMaster or EnforceExactSemiSyncReplicas; surplus semi-sync replicas
   * only with EnforceExactSemiSyncReplicas; a read-only master only with
   * RecoverNonWriteableMaster. Cluster filters, downtime and blocks are the recovery policy's.
   */
  public RecoveryAction actionUnder(AnalysisSettings s) {
    return switch (this) {
      case LockedSemiSyncMaster -> s.recoverLockedSemiSyncMaster()
          || s.enforceExactSemiSyncReplicas() ? action : RecoveryAction.NONE;
      case MasterWithTooManySemiSyncReplicas -> s.enforceExactSemiSyncReplicas()
          ? action : RecoveryAction.NONE;
      case NoWriteableMasterStructureWarning -> s.recoverNonWriteableMaster()
          ? action : RecoveryAction.NONE;
      default -> action;
    };
  }

  /** The first code, in evaluation order, whose predicate holds ({@link #NoProblem} at last). */
  public static AnalysisCode classify(AnalysisInput in) {
    for (AnalysisCode c : values()) {
      if (c.predicate.test(in)) {
        return c;
      }
    }
    return NoProblem;
  }

  /** A code by its exact orchestrator name. */
  public static Optional<AnalysisCode> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    for (AnalysisCode c : values()) {
      if (c.name().equals(name.trim())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
