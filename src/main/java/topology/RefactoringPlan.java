package topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A whole topology refactoring of contract §4.3 (relocate, move-up, take-master, ...) as a value.
 *
 * <p>How an executor runs it: take maintenance locks on {@link #servers()}; run {@link #prepare()}
 * in order (a failure aborts); run each move's steps in order (a failure aborts everything unless
 * {@link #independentMoves()}, in which case that move is recorded as failed, its replica's
 * replication is started again and the next move runs, as orchestrator's relocate-replicas does);
 * always run {@link #finish()} (orchestrator's Cleanup: start what was stopped), also after an
 * abort; then re-probe and compare with {@link #expectedMasters()}.
 *
 * @param operation orchestrator's command name ({@code relocate}, {@code move-up}, ...)
 * @param instance the server the command named
 * @param target the server the command moves things below (the chosen candidate for
 *     regroup-replicas, the new master for take-master), {@link InstanceKey#NONE} when none
 * @param expectedMasters who replicates from whom afterwards, for every server the plan changes
 *     (both sides of a co-master pair)
 * @param skipped servers the operation leaves alone, with why (multi-replica operations)
 */
public record RefactoringPlan(
    String operation,
    InstanceKey instance,
    InstanceKey target,
    List<PlanStep> prepare,
    List<MovePlan> moves,
    List<PlanStep> finish,
    boolean independentMoves,
    Map<InstanceKey, InstanceKey> expectedMasters,
    List<String> skipped) {

  public RefactoringPlan {
    target = target == null ? InstanceKey.NONE : target;
    prepare = List.copyOf(prepare);
    moves = List.copyOf(moves);
    finish = List.copyOf(finish);
    expectedMasters = Collections.unmodifiableMap(new TreeMap<>(expectedMasters));
    skipped = List.copyOf(skipped);
  }

  /** A plan made of one move (relocate, move-up, repoint, ...). */
  static RefactoringPlan single(String operation, InstanceKey instance, MovePlan move) {
    return new RefactoringPlan(operation, instance, move.target(), List.of(), List.of(move),
        List.of(), false, Map.of(move.replica(), move.target()), List.of());
  }

  /** Every step in the order an executor runs them when nothing fails. */
  public List<PlanStep> steps() {
    List<PlanStep> all = new ArrayList<>(prepare);
    moves.forEach(m -> all.addAll(m.steps()));
    all.addAll(finish);
    return List.copyOf(all);
  }

  /** Every server whose replication the plan stops or changes, sorted: the maintenance locks. */
  public SortedSet<InstanceKey> servers() {
    SortedSet<InstanceKey> s = new TreeSet<>();
    prepare.stream().filter(st -> !(st instanceof PlanStep.WaitUntilGtidCaughtUp))
        .forEach(st -> s.add(st.key()));
    moves.forEach(m -> s.addAll(m.servers()));
    finish.forEach(st -> s.add(st.key()));
    s.addAll(expectedMasters.keySet());
    return Collections.unmodifiableSortedSet(s);
  }

  /** The servers the moves relocate, in order. */
  public List<InstanceKey> movedServers() {
    return moves.stream().map(MovePlan::replica).toList();
  }

  /** Whether a ChangeMaster step needs replication credentials from configuration. */
  public boolean needsCredentials() {
    return steps().stream().anyMatch(st ->
        st instanceof PlanStep.ChangeMaster c && c.needsCredentials());
  }

  /** Human text, one step a line, for the audit log. */
  public String describe() {
    StringBuilder sb = new StringBuilder(operation).append(' ').append(instance);
    if (target.isValid()) {
      sb.append(" -> ").append(target);
    }
    int n = 1;
    for (PlanStep st : steps()) {
      sb.append('\n').append(n++).append(". ").append(st);
    }
    Map<InstanceKey, InstanceKey> exp = new LinkedHashMap<>(expectedMasters);
    exp.forEach((k, v) -> sb.append("\nexpect ").append(k).append(" replicating from ").append(v));
    skipped.forEach(s -> sb.append("\nskipped: ").append(s));
    return sb.toString();
  }
}
