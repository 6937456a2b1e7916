package refactor;

import actors.control.Auditor;
import actors.control.MaintenanceLocks;
import http.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import mysql.Operations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import topology.InstanceKey;
import topology.InstanceView;
import topology.MovePlan;
import topology.PlanStep;
import topology.Planned;
import topology.RefactoringPlan;
import topology.TopologySnapshot;

/**
 * Runs topology refactorings safely: re-reads the servers involved, plans on that fresh picture
 * (pure {@code topology.MovePlanner}; a refusal changes nothing and says why), refuses a plan
 * that needs replication credentials the configuration does not have, takes maintenance locks on
 * every server it will change, runs the steps through {@code mysql.Operations}, always runs the
 * plan's clean-up (start what was stopped), re-probes and verifies the intended topology, writes
 * every step to the audit log, and gives the locks back.
 */
public final class Refactorer {

  private static final Logger LOG = LoggerFactory.getLogger(Refactorer.class);

  /** What a refactoring needs from the node it runs on. */
  public interface Node {
    CompletionStage<TopologySnapshot> snapshot();

    /** Probes the servers now and completes when their results are in the picture. */
    CompletionStage<Void> refresh(Collection<InstanceKey> keys);
  }

  /** The settings a refactoring reads. */
  public record RefactorSettings(Duration waitTimeout, Duration verifyTimeout,
      boolean hasReplicationCredentials, Duration lockExpiry) {}

  /** How a refactoring ended: the plan, the picture afterwards, and what failed (empty = all went). */
  public record Outcome(RefactoringPlan plan, TopologySnapshot after, List<String> errors) {
    public boolean succeeded() {
      return errors.isEmpty();
    }
  }

  private final Node node;
  private final Operations ops;
  private final MaintenanceLocks locks;
  private final Auditor auditor;
  private final Supplier<RefactorSettings> settings;
  private final Supplier<CompletionStage<Void>> fence;

  public Refactorer(Node node, Operations ops, MaintenanceLocks locks, Auditor auditor,
      Supplier<RefactorSettings> settings) {
    this(node, ops, locks, auditor, settings, () -> CompletableFuture.completedFuture(null));
  }

  /**
   * @param fence asked before every change to a server (the leader's fence); a failed stage
   *     means the change is not made and the operation fails with that reason
   */
  public Refactorer(Node node, Operations ops, MaintenanceLocks locks, Auditor auditor,
      Supplier<RefactorSettings> settings, Supplier<CompletionStage<Void>> fence) {
    this.fence = fence;
    this.node = node;
    this.ops = ops;
    this.locks = locks;
    this.auditor = auditor;
    this.settings = settings;
  }

  public Operations operations() {
    return ops;
  }

  /**
   * Plans with {@code planner} on a fresh picture and runs the plan. Fails with an
   * {@link ApiException} whose message is the planner's refusal (nothing changed) or the first
   * step that failed (the topology as the clean-up left it).
   */
  public CompletionStage<Outcome> run(String user, Collection<InstanceKey> involved,
      Function<TopologySnapshot, Planned<RefactoringPlan>> planner) {
    RefactorSettings st = settings.get();
    return node.refresh(involved).thenCompose(v -> node.snapshot()).thenCompose(before -> {
      Planned<RefactoringPlan> planned = planner.apply(before);
      if (!planned.isReady()) {
        throw new ApiException(planned.reason());
      }
      RefactoringPlan plan = planned.plan();
      if (plan.needsCredentials() && !st.hasReplicationCredentials()) {
        throw new ApiException(plan.operation() + " needs replication credentials for a server "
            + "without a replication channel, and none are configured: set "
            + "orcha.mysql.replication-user and orcha.mysql.replication-password (nothing was changed)");
      }
      String cluster = before.instance(plan.instance()).map(InstanceView::clusterName).orElse("");
      return locks.acquire(new ArrayList<>(plan.servers()), user, "orcha " + plan.operation()
              + " " + plan.instance(), st.lockExpiry())
          .exceptionally(e -> {
            throw new ApiException(unwrap(e).getMessage());
          })
          .thenCompose(held -> releasing(held, execute(plan, user, cluster)
              .thenCompose(errors -> verify(plan, st, errors))));
    });
  }

  /** How an operation on one server ended, and the picture afterwards. */
  public record SingleOutcome(ServerOperation operation, mysql.OperationResult<?> result,
      TopologySnapshot after) {}

  /**
   * Runs one operation on one server: re-reads it, checks the operation's own refusal, takes a
   * maintenance lock, runs it, audits what was sent, re-reads the server. Fails with an
   * {@link ApiException} (the operation's message) when it did not succeed.
   */
  public CompletionStage<SingleOutcome> single(ServerOperation op, String user) {
    RefactorSettings st = settings.get();
    InstanceKey key = op.key();
    return node.refresh(List.of(key)).thenCompose(v -> node.snapshot()).thenCompose(before -> {
      InstanceView v = before.instance(key).orElseThrow(() ->
          new ApiException("Cannot read instance: " + key));
      op.refusal(before).ifPresent(reason -> {
        throw new ApiException(reason);
      });
      return locks.acquire(List.of(key), user, "orcha " + op.name() + " " + key, st.lockExpiry())
          .exceptionally(e -> {
            throw new ApiException(unwrap(e).getMessage());
          })
          .thenCompose(held -> releasing(held, held().thenCompose(f -> op.apply(ops, before))
              .thenCompose(r -> auditor.record(op.name(), key, v.clusterName(), user,
                      (r.succeeded() ? "" : "FAILED: ") + r.message()
                      + (r.statements().isEmpty() ? "" : " [" + String.join("; ", r.statements()) + "]"))
                  .thenCompose(x -> node.refresh(List.of(key)))
                  .thenCompose(x -> node.snapshot())
                  .thenApply(after -> {
                    if (!r.succeeded()) {
                      throw new ApiException(r.message());
                    }
                    return new SingleOutcome(op, r, after);
                  }))));
    });
  }

  /**
   * {@code work}'s outcome once the locks are given back: the answer must not reach the caller
   * while they are still held, or the caller's next operation on the same servers (a script
   * running orchestrator-client twice) fails "already under maintenance". Giving back never
   * fails.
   */
  private <T> CompletionStage<T> releasing(MaintenanceLocks.Held held, CompletionStage<T> work) {
    return work.handle((o, e) -> locks.release(held).thenCompose(v -> e == null
            ? CompletableFuture.completedFuture(o) : CompletableFuture.<T>failedFuture(e)))
        .thenCompose(x -> x);
  }

  private CompletionStage<List<String>> execute(RefactoringPlan plan, String user, String cluster) {
    StepRunner runner = new StepRunner(ops, settings.get().waitTimeout());
    List<String> errors = new ArrayList<>();
    CompletionStage<Void> chain = audit(plan, user, cluster, "start: " + plan.describe().lines()
        .findFirst().orElse(plan.operation()));
    chain = chain.thenCompose(v -> steps(runner, plan.prepare(), plan, user, cluster, errors));
    for (MovePlan move : plan.moves()) {
      chain = chain.thenCompose(v -> {
        if (!errors.isEmpty() && !plan.independentMoves()) {
          return CompletableFuture.completedFuture(null);
        }
        int before = errors.size();
        return steps(runner, move.steps(), plan, user, cluster, errors).thenCompose(x -> {
          if (errors.size() > before && plan.independentMoves()) {
            // this move failed: let its replica replicate again and go on with the others
            return fenced(runner, new PlanStep.StartReplication(move.replica())).thenAccept(r -> { });
          }
          return CompletableFuture.completedFuture(null);
        });
      });
    }
    // the clean-up always runs, also after a failure (orchestrator's Cleanup)
    return chain.thenCompose(v -> cleanup(runner, plan, user, cluster, errors))
        .thenApply(v -> errors);
  }

  /** A step, once the fence is held; without it the step is not taken (the stage fails). */
  private CompletionStage<StepRunner.StepResult> fenced(StepRunner runner, PlanStep step) {
    return held().thenCompose(v -> runner.run(step));
  }

  /** The fence, or an ApiException saying why the change is not made. */
  private CompletionStage<Void> held() {
    return fence.get().exceptionally(e -> {
      throw new ApiException(unwrap(e).getMessage() + "; nothing further changed");
    });
  }

  private CompletionStage<Void> steps(StepRunner runner, List<PlanStep> steps,
      RefactoringPlan plan, String user, String cluster, List<String> errors) {
    int mark = errors.size();
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (PlanStep step : steps) {
      chain = chain.thenCompose(v -> {
        if (errors.size() > mark) {
          return CompletableFuture.completedFuture(null); // this sequence already failed
        }
        return fenced(runner, step).thenCompose(r -> {
          if (!r.succeeded()) {
            errors.add(r.message());
          }
          return audit(plan, user, cluster, (r.succeeded() ? "done: " : "FAILED: ") + step
              + (r.message().isEmpty() ? "" : " — " + r.message()));
        });
      });
    }
    return chain;
  }

  private CompletionStage<Void> cleanup(StepRunner runner, RefactoringPlan plan, String user,
      String cluster, List<String> errors) {
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (PlanStep step : plan.finish()) {
      chain = chain.thenCompose(v -> fenced(runner, step).thenCompose(r -> {
        if (!r.succeeded()) {
          errors.add(r.message());
        }
        return audit(plan, user, cluster, (r.succeeded() ? "cleanup: " : "cleanup FAILED: ")
            + step + (r.message().isEmpty() ? "" : " — " + r.message()));
      }));
    }
    return chain;
  }

  /** Re-probes until the intended masters show (or the deadline), then reports. */
  private CompletionStage<Outcome> verify(RefactoringPlan plan, RefactorSettings st,
      List<String> errors) {
    long deadline = System.nanoTime() + st.verifyTimeout().toNanos();
    return verifyLoop(plan, errors, deadline);
  }

  private CompletionStage<Outcome> verifyLoop(RefactoringPlan plan, List<String> errors,
      long deadline) {
    return node.refresh(plan.servers()).thenCompose(v -> node.snapshot()).thenCompose(s -> {
      List<String> mismatches = mismatches(plan.expectedMasters(), s, errors.isEmpty());
      if (mismatches.isEmpty() || System.nanoTime() > deadline || !errors.isEmpty()) {
        List<String> all = new ArrayList<>(errors);
        if (errors.isEmpty()) {
          all.addAll(mismatches);
        }
        return CompletableFuture.completedFuture(new Outcome(plan, s, List.copyOf(all)));
      }
      return verifyLoop(plan, errors, deadline);
    });
  }

  /** Servers not (yet) replicating from whom the plan intended; running threads too when asked. */
  static List<String> mismatches(Map<InstanceKey, InstanceKey> expected, TopologySnapshot s,
      boolean expectRunning) {
    List<String> out = new ArrayList<>();
    expected.forEach((k, master) -> {
      InstanceView v = s.instance(k).orElse(null);
      if (v == null) {
        out.add(k + " is not in the picture");
        return;
      }
      InstanceKey actual = v.instance().masterKey();
      if (!actual.equals(master)) {
        out.add(k + " replicates from " + (actual.isValid() ? actual : "nobody") + ", not from "
            + (master.isValid() ? master : "nobody"));
      } else if (expectRunning && master.isValid() && !v.instance().replication().isRunning()) {
        var r = v.instance().replication();
        out.add(k + " does not replicate from " + master + " yet (IO " + r.ioThread() + ", SQL "
            + r.sqlThread() + (r.lastIoError().isEmpty() ? "" : ", " + r.lastIoError())
            + (r.lastSqlError().isEmpty() ? "" : ", " + r.lastSqlError()) + ")");
      }
    });
    return out;
  }

  private CompletionStage<Void> audit(RefactoringPlan plan, String user, String cluster,
      String message) {
    return auditor.record(plan.operation(), plan.instance(), cluster, user, message);
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
