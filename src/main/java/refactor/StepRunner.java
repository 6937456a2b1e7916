package refactor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import mysql.ChangeMasterRequest;
import mysql.Dialect;
import mysql.OperationResult;
import mysql.Operations;
import mysql.ReplicationChannel;
import topology.BinlogCoordinates;
import topology.CoordinatesOf;
import topology.InstanceKey;
import topology.MasterPositioning;
import topology.PlanStep;

/**
 * Runs one {@link PlanStep} on its server through {@link Operations}: reads the fresh
 * coordinates or GTID positions a step refers to at the moment it runs (the plan only names
 * whose), and turns every outcome into a {@link StepResult}.
 */
final class StepRunner {

  /** One step's outcome: a line for the audit, and whether it worked. */
  record StepResult(PlanStep step, boolean succeeded, String message) {}

  private final Operations ops;
  private final Duration waitTimeout;
  private final boolean endSessionsOnReadOnly;

  StepRunner(Operations ops, Duration waitTimeout) {
    this(ops, waitTimeout, false);
  }

  /**
   * @param endSessionsOnReadOnly a server set read-only also has its client sessions ended
   *     (MariaDB read_only does not stop SUPER users)
   */
  /** The same runner, ending the client sessions of every server it sets read-only. */
  StepRunner endingSessions() {
    return new StepRunner(ops, waitTimeout, true);
  }

  StepRunner(Operations ops, Duration waitTimeout, boolean endSessionsOnReadOnly) {
    this.ops = ops;
    this.waitTimeout = waitTimeout;
    this.endSessionsOnReadOnly = endSessionsOnReadOnly;
  }

  CompletionStage<StepResult> run(PlanStep step) {
    CompletionStage<? extends OperationResult<?>> op;
    if (step instanceof PlanStep.StopReplication s) {
      op = ops.stopReplica(s.key());
    } else if (step instanceof PlanStep.StartReplication s) {
      op = ops.startReplica(s.key());
    } else if (step instanceof PlanStep.StartReplicationUntil s) {
      return coordinates(s.until()).thenCompose(c -> c.succeeded()
          ? result(step, ops.startReplicaUntil(s.key(), c.value(), waitTimeout))
          : done(step, c));
    } else if (step instanceof PlanStep.AlignSiblings s) {
      return align(s);
    } else if (step instanceof PlanStep.WaitUntilGtidCaughtUp s) {
      return ops.gtidPosition(s.reference()).thenCompose(p -> {
        if (!p.succeeded()) {
          return done(step, p);
        }
        // MariaDB: what the reference replicated (gtid_slave_pos) — a master has none, then its
        // current position; MySQL: gtid_executed
        String position = !p.value().slavePos().isEmpty() ? p.value().slavePos()
            : !p.value().currentPos().isEmpty() ? p.value().currentPos() : p.value().executed();
        if (position.isEmpty()) {
          return CompletableFuture.completedFuture(new StepResult(step, true,
              s.reference() + " has no GTID position to wait for"));
        }
        // a server that replicates from nobody (a master) never advances gtid_slave_pos, which
        // is what MASTER_GTID_WAIT waits on: compare with what it has executed first
        return ops.gtidPosition(s.key()).thenCompose(t -> {
          if (t.succeeded() && covers(t.value(), position)) {
            return CompletableFuture.completedFuture(new StepResult(step, true,
                s.key() + " already has " + position));
          }
          return result(step, ops.waitForGtid(s.key(), position, waitTimeout));
        });
      });
    } else if (step instanceof PlanStep.SetGtidSlavePosFromBinlogPos s) {
      op = ops.setGtidSlavePosFromBinlogPos(s.key());
    } else if (step instanceof PlanStep.ChangeMaster s) {
      return changeMaster(s);
    } else if (step instanceof PlanStep.WaitUntilSqlThreadCaughtUp s) {
      return sqlThreadCaughtUp(s, System.nanoTime() + waitTimeout.toNanos());
    } else if (step instanceof PlanStep.WaitUntilCaughtUpWithMaster s) {
      return caughtUpWithMaster(s);
    } else if (step instanceof PlanStep.ResetReplicaAll s) {
      // orchestrator retries RESET SLAVE ALL once
      return ops.resetReplica(s.key()).thenCompose(r -> r.succeeded() ? done(step, r)
          : result(step, ops.resetReplica(s.key())));
    } else if (step instanceof PlanStep.SetReadOnly s) {
      if (s.readOnly() && endSessionsOnReadOnly) {
        return ops.setReadOnly(s.key(), true).thenCompose(r -> !r.succeeded() ? done(step, r)
            : ops.killClientSessions(s.key()).thenApply(k -> new StepResult(step, true,
                r.message() + "; " + k.message())));
      }
      op = ops.setReadOnly(s.key(), s.readOnly());
    } else if (step instanceof PlanStep.DetachMasterHost s) {
      op = ops.detachReplicaMasterHost(s.key());
    } else {
      return CompletableFuture.completedFuture(new StepResult(step, false, "unknown step " + step));
    }
    return result(step, op);
  }

  private CompletionStage<StepResult> changeMaster(PlanStep.ChangeMaster s) {
    CompletionStage<Dialect.Positioning> positioning;
    if (s.positioning() instanceof MasterPositioning.BinlogFile f) {
      CompletionStage<OperationResult<BinlogCoordinates>> at = coordinates(f.at());
      return at.thenCompose(c -> c.succeeded()
          ? change(s, new Dialect.Positioning.File(c.value()))
          : done(s, c));
    } else if (s.positioning() instanceof MasterPositioning.MariaDbGtid g) {
      positioning = CompletableFuture.completedFuture(new Dialect.Positioning.Gtid(g.currentPos()));
    } else {
      positioning = CompletableFuture.completedFuture(Dialect.Positioning.GTID);
    }
    return positioning.thenCompose(p -> change(s, p));
  }

  private CompletionStage<StepResult> change(PlanStep.ChangeMaster s, Dialect.Positioning p) {
    CompletionStage<Dialect.SourceTls> tls = s.enableSsl()
        ? ops.readReplicationChannel(s.newMaster()).thenApply(ch ->
            ch.succeeded() && ch.value().present() ? ch.value().tls() : null)
        : CompletableFuture.completedFuture(null);
    return tls.thenCompose(t -> result(s, ops.changeMaster(s.key(), new ChangeMasterRequest(
        s.newMaster(), p, ChangeMasterRequest.ThreadsAfter.LEAVE_STOPPED, null, null, null, t))));
  }

  private static final Duration POLL = Duration.ofMillis(50);

  /** Polls until the SQL thread executed everything the IO thread received (relay log applied). */
  private CompletionStage<StepResult> sqlThreadCaughtUp(PlanStep.WaitUntilSqlThreadCaughtUp s,
      long deadline) {
    return ops.readReplicationChannel(s.key()).thenCompose(ch -> {
      if (!ch.succeeded()) {
        return done(s, ch);
      }
      ReplicationChannel c = ch.value();
      if (!c.present() || c.caughtUp()) {
        return CompletableFuture.completedFuture(new StepResult(s, true, s.key()
            + " has applied everything it received" + (c.present() ? " (" + c.executed().displayString() + ")" : "")));
      }
      if (!c.status().lastSqlError().isEmpty()) {
        return CompletableFuture.completedFuture(new StepResult(s, false, s.key()
            + ": the SQL thread stopped with an error: " + c.status().lastSqlError()));
      }
      if (s.failIfBehind() || System.nanoTime() > deadline) {
        return CompletableFuture.completedFuture(new StepResult(s, false, s.key()
            + " has not applied all it received: executed " + c.executed().displayString()
            + ", received " + c.received().displayString()));
      }
      return later(() -> sqlThreadCaughtUp(s, deadline));
    });
  }

  /** Graceful takeover: the replica executes everything its (read-only) master has written. */
  private CompletionStage<StepResult> caughtUpWithMaster(PlanStep.WaitUntilCaughtUpWithMaster s) {
    return ops.gtidPosition(s.master()).thenCompose(p -> {
      if (p.succeeded()) {
        String pos = !p.value().binlogPos().isEmpty() ? p.value().binlogPos() : p.value().executed();
        if (!pos.isEmpty()) {
          return ops.gtidPosition(s.key()).thenCompose(t -> t.succeeded() && covers(t.value(), pos)
              ? CompletableFuture.completedFuture(new StepResult(s, true, s.key() + " has " + pos))
              : result(s, ops.waitForGtid(s.key(), pos, s.timeout())));
        }
      }
      return ops.currentCoordinates(s.master()).thenCompose(c -> c.succeeded()
          ? execReaches(s, c.value(), System.nanoTime() + s.timeout().toNanos())
          : done(s, c));
    });
  }

  private CompletionStage<StepResult> execReaches(PlanStep step, BinlogCoordinates target,
      long deadline) {
    return ops.readReplicationChannel(step.key()).thenCompose(ch -> {
      if (!ch.succeeded()) {
        return done(step, ch);
      }
      if (ch.value().executed().compareTo(target) >= 0) {
        return CompletableFuture.completedFuture(new StepResult(step, true,
            step.key() + " executed up to " + target.displayString()));
      }
      if (System.nanoTime() > deadline) {
        return CompletableFuture.completedFuture(new StepResult(step, false, step.key()
            + " did not reach " + target.displayString() + " in time (at "
            + ch.value().executed().displayString() + ")"));
      }
      return later(() -> execReaches(step, target, deadline));
    });
  }

  private static <T> CompletionStage<T> later(java.util.function.Supplier<CompletionStage<T>> next) {
    return CompletableFuture.supplyAsync(() -> null,
        CompletableFuture.delayedExecutor(POLL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
        .thenCompose(x -> next.get());
  }

  /** Whether a server's executed GTIDs include {@code wanted} (MariaDB per domain, or MySQL sets). */
  static boolean covers(Operations.GtidPosition has, String wanted) {
    try {
      if (!has.currentPos().isEmpty() || !has.binlogPos().isEmpty()) {
        topology.MariaDbGtidPosition mine = topology.MariaDbGtidPosition.parse(
            has.currentPos().isEmpty() ? has.binlogPos() : has.currentPos());
        for (topology.MariaDbGtidPosition.Gtid g : topology.MariaDbGtidPosition.parse(wanted).entries()) {
          if (mine.sequence(g.domainId()).orElse(-1) < g.sequence()) {
            return false;
          }
        }
        return true;
      }
      return topology.GtidSet.parse(has.executed()).containsAll(topology.GtidSet.parse(wanted));
    } catch (IllegalArgumentException e) {
      return false; // unreadable: let the server wait decide
    }
  }

  /** The current value of the coordinates a step names (read when it runs). */
  private CompletionStage<OperationResult<BinlogCoordinates>> coordinates(CoordinatesOf of) {
    if (of.which() == CoordinatesOf.Which.SELF) {
      return ops.currentCoordinates(of.server());
    }
    return ops.readReplicationChannel(of.server()).thenApply(ch -> new OperationResult<>(
        ch.key(), ch.operation(), ch.outcome(), ch.message(),
        ch.value() == null ? null : ch.value().status().execCoordinates(), ch.cause(),
        ch.statements(), ch.took()));
  }

  /** The sibling that is behind catches up to the other's exec position. */
  private CompletionStage<StepResult> align(PlanStep.AlignSiblings s) {
    CompletionStage<OperationResult<ReplicationChannel>> a = ops.readReplicationChannel(s.key());
    CompletionStage<OperationResult<ReplicationChannel>> b = ops.readReplicationChannel(s.sibling());
    return a.thenCombine(b, (ca, cb) -> new OperationResult<?>[] {ca, cb}).thenCompose(both -> {
      @SuppressWarnings("unchecked")
      OperationResult<ReplicationChannel> ca = (OperationResult<ReplicationChannel>) both[0];
      @SuppressWarnings("unchecked")
      OperationResult<ReplicationChannel> cb = (OperationResult<ReplicationChannel>) both[1];
      if (!ca.succeeded()) {
        return done(s, ca);
      }
      if (!cb.succeeded()) {
        return done(s, cb);
      }
      BinlogCoordinates ea = ca.value().status().execCoordinates();
      BinlogCoordinates eb = cb.value().status().execCoordinates();
      int cmp = ea.compareTo(eb);
      if (cmp == 0) {
        return CompletableFuture.completedFuture(new StepResult(s, true,
            s.key() + " and " + s.sibling() + " are both at " + ea.displayString()));
      }
      InstanceKey behind = cmp < 0 ? s.key() : s.sibling();
      BinlogCoordinates until = cmp < 0 ? eb : ea;
      return result(s, ops.startReplicaUntil(behind, until, waitTimeout));
    });
  }

  private static CompletionStage<StepResult> result(PlanStep step,
      CompletionStage<? extends OperationResult<?>> op) {
    return op.thenCompose(r -> done(step, r));
  }

  private static CompletionStage<StepResult> done(PlanStep step, OperationResult<?> r) {
    return CompletableFuture.completedFuture(new StepResult(step, r.succeeded(), r.message()));
  }
}
