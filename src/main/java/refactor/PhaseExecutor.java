package refactor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import mysql.Operations;
import topology.InstanceKey;
import topology.MovePlan;
import topology.PlanStep;
import topology.PromotionPlan;
import topology.RefactoringPlan;

/**
 * Runs the phases of a recovery plan ({@link PromotionPlan.Phase}): ordered steps (a failure
 * aborts when the phase says so, else it is recorded and the next step runs) and independent
 * moves (at the same time when they touch disjoint servers; a failed move loses its replica).
 * Every step's outcome goes to the listener (the recovery's timeline).
 */
public final class PhaseExecutor {

  /** Told every step's outcome, in the order they end. */
  @FunctionalInterface
  public interface Listener {
    void step(String phase, PlanStep step, boolean succeeded, String message);

    /** A phase ended after {@code took} (its steps, and the gate before each). */
    default void phaseEnded(PromotionPlan.Phase phase, Duration took) {}
  }

  /**
   * Asked before every step that touches a server: a failed stage means the step must not be
   * taken (the leader lost its fence), and the whole run stops with that failure.
   */
  @FunctionalInterface
  public interface Gate {
    CompletionStage<Void> beforeStep(PlanStep step);

    Gate OPEN = step -> CompletableFuture.completedFuture(null);
  }

  /** What running the phases did. */
  public record Result(boolean aborted, List<String> errors, List<InstanceKey> failedMoves) {}

  private final StepRunner runner;

  public PhaseExecutor(Operations ops, Duration waitTimeout, boolean endSessionsOnReadOnly) {
    this.runner = new StepRunner(ops, waitTimeout, endSessionsOnReadOnly);
  }

  private PhaseExecutor(StepRunner runner) {
    this.runner = runner;
  }

  /** The same executor, ending the client sessions of every server it sets read-only. */
  public PhaseExecutor endingSessions() {
    return new PhaseExecutor(runner.endingSessions());
  }

  /** A refactoring plan as phases: prepare (aborting), the moves (independent), the clean-up. */
  public static List<PromotionPlan.Phase> phases(RefactoringPlan plan) {
    List<PromotionPlan.Phase> phases = new ArrayList<>();
    phases.add(new PromotionPlan.Phase.Ordered("prepare", plan.prepare(), true));
    phases.add(new PromotionPlan.Phase.Parallel("relocate", plan.moves(), false,
        !plan.independentMoves()));
    phases.add(new PromotionPlan.Phase.Ordered("cleanup", plan.finish(), false));
    return phases;
  }

  public CompletionStage<Result> run(List<PromotionPlan.Phase> phases, List<PlanStep> onAbort,
      Listener listener) {
    return run(phases, onAbort, listener, Gate.OPEN);
  }

  /**
   * Runs the phases; every step first passes {@code gate}. A gate that fails fails the run
   * (exceptionally, with the gate's error): no later step is taken, not even the abort steps.
   */
  public CompletionStage<Result> run(List<PromotionPlan.Phase> phases, List<PlanStep> onAbort,
      Listener listener, Gate gate) {
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    List<InstanceKey> failedMoves = Collections.synchronizedList(new ArrayList<>());
    boolean[] aborted = {false};
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (PromotionPlan.Phase phase : phases) {
      chain = chain.thenCompose(v -> {
        if (aborted[0]) {
          return CompletableFuture.completedFuture(null);
        }
        long start = System.nanoTime();
        CompletionStage<Void> ran;
        if (phase instanceof PromotionPlan.Phase.Ordered o) {
          ran = ordered(o.name(), o.steps(), listener, errors, gate).thenAccept(ok -> {
            if (!ok && o.abortOnFailure()) {
              aborted[0] = true;
            }
          });
        } else {
          PromotionPlan.Phase.Parallel p = (PromotionPlan.Phase.Parallel) phase;
          ran = moves(p, listener, errors, failedMoves, gate).thenAccept(allOk -> {
            if (!allOk && p.abortIfAnyFails()) {
              aborted[0] = true;
            }
          });
        }
        return ran.whenComplete((x, err) ->
            listener.phaseEnded(phase, Duration.ofNanos(System.nanoTime() - start)));
      });
    }
    return chain.thenCompose(v -> aborted[0] && !onAbort.isEmpty()
            ? ordered("abort", onAbort, listener, new ArrayList<>(), gate).thenApply(x -> (Void) null)
            : CompletableFuture.<Void>completedFuture(null))
        .thenApply(v -> new Result(aborted[0], List.copyOf(errors), List.copyOf(failedMoves)));
  }

  /** Steps in order; stops at the first failure; completes with whether all succeeded. */
  private CompletionStage<Boolean> ordered(String phase, List<PlanStep> steps, Listener listener,
      List<String> errors, Gate gate) {
    CompletionStage<Boolean> chain = CompletableFuture.completedFuture(true);
    for (PlanStep step : steps) {
      chain = chain.thenCompose(ok -> {
        if (!ok) {
          return CompletableFuture.completedFuture(false);
        }
        return gate.beforeStep(step).thenCompose(v -> runner.run(step)).thenApply(r -> {
          listener.step(phase, step, r.succeeded(), r.message());
          if (!r.succeeded()) {
            errors.add(r.message());
          }
          return r.succeeded();
        });
      });
    }
    return chain;
  }

  /** Independent moves; concurrent when the phase allows. Completes with whether all moved. */
  private CompletionStage<Boolean> moves(PromotionPlan.Phase.Parallel p, Listener listener,
      List<String> errors, List<InstanceKey> failedMoves, Gate gate) {
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    CompletionStage<Boolean> sequential = CompletableFuture.completedFuture(true);
    for (MovePlan move : p.moves()) {
      if (p.concurrent()) {
        all.add(oneMove(p.name(), move, listener, errors, failedMoves, gate).toCompletableFuture());
      } else {
        sequential = sequential.thenCompose(prev ->
            oneMove(p.name(), move, listener, errors, failedMoves, gate).thenApply(ok -> prev && ok));
      }
    }
    if (!p.concurrent()) {
      return sequential;
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(v -> all.stream().allMatch(CompletableFuture::join));
  }

  private CompletionStage<Boolean> oneMove(String phase, MovePlan move, Listener listener,
      List<String> errors, List<InstanceKey> failedMoves, Gate gate) {
    return ordered(phase, move.steps(), listener, errors, gate).thenCompose(ok -> {
      if (ok) {
        return CompletableFuture.completedFuture(true);
      }
      failedMoves.add(move.replica());
      // a replica that could not move: let it replicate again where it is
      PlanStep restart = new PlanStep.StartReplication(move.replica());
      return gate.beforeStep(restart).thenCompose(v -> runner.run(restart)).thenApply(r -> false);
    });
  }
}
