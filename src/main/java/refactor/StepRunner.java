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

  StepRunner(Operations ops, Duration waitTimeout) {
    this.ops = ops;
    this.waitTimeout = waitTimeout;
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
