package topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A master (or co-master) recovery, a forced failover or a graceful takeover as a value: who is
 * promoted, in which phases, who is lost and why, and what the topology looks like afterwards.
 * Built by {@link PromotionPlanner}; run by the recovery executor.
 *
 * <p><b>How an executor runs it.</b> Take maintenance locks on {@link #servers()}. Run
 * {@link #phases()} in order:
 * <ul>
 *   <li>{@link Phase.Ordered}: its steps in order. With {@code abortOnFailure} a failing step
 *       aborts the plan: run {@link #onAbort()} (best effort), record the error, no successor.
 *       Without it (the promotion's last steps, as orchestrator: RESET SLAVE ALL, read_only)
 *       a failing step is recorded and the next step runs.</li>
 *   <li>{@link Phase.Parallel}: independent moves, each its own steps in order; with
 *       {@code concurrent} they may run at the same time (they touch disjoint servers). A failed
 *       move is recorded and its replica counted lost; with {@code abortIfAnyFails} the plan
 *       aborts after the phase instead (graceful takeover: the designated server must take all
 *       its siblings).</li>
 * </ul>
 * When {@link #checkFailure()} is not empty the plan still regroups (orchestrator does not undo
 * a regroup when a promotion check fails) and its last phase only restores what the check left
 * (replication restarted on the would-be successor, or the old master writable again after a
 * graceful takeover): record the failure as the recovery's error, with no successor.
 * Whatever happens, downtime {@link #downtime()} with reason {@code lost-in-recovery}
 * (§7.5 step 4). Afterwards re-probe and compare with {@link #expectedMasters()}.
 *
 * @param operation {@code recover-dead-master}, {@code recover-dead-co-master},
 *     {@code force-master-failover}, {@code force-master-takeover},
 *     {@code graceful-master-takeover} or {@code graceful-master-takeover-auto}
 * @param failed the dead (or demoted) master: AnalyzedInstanceKey
 * @param promoted the replica chosen to become master, also when a check then refuses it
 * @param source the replica {@code promoted} first catches up from because it received more (a
 *     two-phase promotion); {@link InstanceKey#NONE} when {@code promoted} has everything
 * @param successor SuccessorKey: {@code promoted}, or {@link InstanceKey#NONE} when a check fails
 * @param checkFailure the failed promotion check (§7.5 step 6 texts), {@code ""} when none
 * @param phases what to run, in order
 * @param onAbort best-effort steps after an abort (graceful takeover: the old master writable)
 * @param lost replicas left behind, with why
 * @param downtime servers to downtime {@code lost-in-recovery}: the failed master and the lost
 * @param expectedMasters who replicates from whom afterwards, for every server the plan changes
 *     ({@link InstanceKey#NONE}: replicates from nobody; a {@code //host} key: detached)
 * @param audit why: the candidates in order, the choice, the lost, the settings that mattered
 */
public record PromotionPlan(
    String operation,
    RecoveryType type,
    Method method,
    InstanceKey failed,
    InstanceKey promoted,
    InstanceKey source,
    InstanceKey successor,
    String checkFailure,
    List<Phase> phases,
    List<PlanStep> onAbort,
    List<LostReplica> lost,
    List<InstanceKey> downtime,
    Map<InstanceKey, InstanceKey> expectedMasters,
    List<String> audit) {

  /** orchestrator's RecoveryType field (TopologyRecovery JSON §7.4). */
  public enum Method {
    /** every replica moves by GTID (MySQL auto-position or MariaDB slave_pos) */
    MasterRecoveryGTID,
    /**
     * not all by GTID: replicas at exactly the promoted server's position move by binlog
     * coordinates. orcha has no Pseudo-GTID; it reports orchestrator's name for a non-GTID
     * recovery so that API clients see the value they know.
     */
    MasterRecoveryPseudoGTID
  }

  /** A replica the recovery leaves behind. */
  public record LostReplica(InstanceKey key, Why why, String detail) {
    public enum Why {
      /** its last check is invalid: never waited for */
      UNREACHABLE,
      /** it received transactions the promoted server has not (only with allowLosingTransactions) */
      MORE_ADVANCED,
      /** ReplicationRules refuse it below the promoted server */
      CANNOT_REPLICATE,
      /** without GTID its position cannot be matched in the promoted server's binary log */
      POSITION_UNMATCHABLE
    }

    @Override
    public String toString() {
      return key + " (" + detail + ")";
    }
  }

  /** One phase of the plan. */
  public sealed interface Phase {
    String name();

    /** Every step of the phase, in order (moves one after the other). */
    List<PlanStep> steps();

    /** Steps in order. */
    record Ordered(String name, List<PlanStep> steps, boolean abortOnFailure) implements Phase {
      public Ordered {
        steps = List.copyOf(steps);
      }
    }

    /** Independent moves. */
    record Parallel(String name, List<MovePlan> moves, boolean concurrent,
        boolean abortIfAnyFails) implements Phase {
      public Parallel {
        moves = List.copyOf(moves);
      }

      @Override
      public List<PlanStep> steps() {
        List<PlanStep> all = new ArrayList<>();
        moves.forEach(m -> all.addAll(m.steps()));
        return List.copyOf(all);
      }
    }
  }

  public PromotionPlan {
    source = source == null ? InstanceKey.NONE : source;
    successor = successor == null ? InstanceKey.NONE : successor;
    checkFailure = checkFailure == null ? "" : checkFailure;
    phases = List.copyOf(phases);
    onAbort = List.copyOf(onAbort);
    lost = List.copyOf(lost);
    downtime = List.copyOf(downtime);
    expectedMasters = Collections.unmodifiableMap(new TreeMap<>(expectedMasters));
    audit = List.copyOf(audit);
  }

  /** A successor is promoted when the plan runs through (IsSuccessful). */
  public boolean promotes() {
    return successor.isValid();
  }

  /** The promoted server first catches up from a more advanced replica. */
  public boolean twoPhase() {
    return source.isValid();
  }

  public List<InstanceKey> lostKeys() {
    return lost.stream().map(LostReplica::key).toList();
  }

  /** Every step in the order an executor runs them when nothing fails (moves one by one). */
  public List<PlanStep> steps() {
    List<PlanStep> all = new ArrayList<>();
    phases.forEach(p -> all.addAll(p.steps()));
    return List.copyOf(all);
  }

  /** Every server a step changes (waits excluded), sorted: the maintenance locks. */
  public SortedSet<InstanceKey> servers() {
    SortedSet<InstanceKey> s = new TreeSet<>();
    for (PlanStep st : steps()) {
      if (!(st instanceof PlanStep.WaitUntilGtidCaughtUp)
          && !(st instanceof PlanStep.WaitUntilCaughtUpWithMaster)) {
        s.add(st.key());
      }
    }
    return Collections.unmodifiableSortedSet(s);
  }

  /** Some CHANGE MASTER needs replication credentials from configuration (MARIADB.md item 1). */
  public boolean needsCredentials() {
    return steps().stream().anyMatch(st ->
        st instanceof PlanStep.ChangeMaster c && c.needsCredentials());
  }

  /** The phase of a given name, for tests and the audit. */
  public java.util.Optional<Phase> phase(String name) {
    return phases.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Human text: the audit, then the phases one step a line, the lost and the expectations. */
  public String describe() {
    StringBuilder sb = new StringBuilder(operation).append(' ').append(failed);
    sb.append(promotes() ? " -> " + successor : " -> no successor (" + checkFailure + ")");
    audit.forEach(a -> sb.append("\n# ").append(a));
    for (Phase p : phases) {
      sb.append("\n[").append(p.name());
      if (p instanceof Phase.Parallel par && par.concurrent()) {
        sb.append(", moves in parallel");
      }
      sb.append(']');
      int n = 1;
      for (PlanStep st : p.steps()) {
        sb.append("\n").append(n++).append(". ").append(st);
      }
    }
    lost.forEach(l -> sb.append("\nlost: ").append(l));
    new TreeMap<>(expectedMasters).forEach((k, v) -> sb.append("\nexpect ").append(k)
        .append(v.isValid() ? " replicating from " + v : " replicating from nobody"));
    return sb.toString();
  }
}
