package refactor;

import java.util.concurrent.CompletionStage;
import mysql.OperationResult;
import mysql.Operations;
import topology.InstanceKey;
import topology.InstanceView;
import topology.TopologySnapshot;

/**
 * An operation on one server (contract §4.3), as a command: what the HTTP layer asks for, and
 * how it maps onto {@link Operations}. {@link #prepare} may refuse on the fresh picture before
 * anything changes (e.g. no errant GTID to fix).
 */
public sealed interface ServerOperation {

  /** The server operated on. */
  InstanceKey key();

  /** orchestrator's command name, for the audit log and messages. */
  String name();

  /** Why the operation must not run on this fresh picture; empty when it may. */
  default java.util.Optional<String> refusal(TopologySnapshot picture) {
    return java.util.Optional.empty();
  }

  /** Runs the operation; {@code picture} is fresh (the server was just re-probed). */
  CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot picture);

  record StartReplica(InstanceKey key) implements ServerOperation {
    public String name() {
      return "start-replica";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.startReplica(key);
    }
  }

  /** Skip the transaction the SQL thread stopped on, then start replication (mysql.SkipQuery). */
  record SkipQuery(InstanceKey key) implements ServerOperation {
    public String name() {
      return "skip-query";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.skipQuery(key);
    }
  }

  record StopReplica(InstanceKey key) implements ServerOperation {
    public String name() {
      return "stop-replica";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.stopReplica(key);
    }
  }

  record RestartReplica(InstanceKey key) implements ServerOperation {
    public String name() {
      return "restart-replica";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.restartReplica(key);
    }
  }

  /** Stop the IO thread, wait until the SQL thread executed what was received, stop it. */
  record StopReplicaNicely(InstanceKey key, java.time.Duration timeout) implements ServerOperation {
    public String name() {
      return "stop-replica-nice";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.stopReplicaNicely(key, timeout);
    }
  }

  record ResetReplica(InstanceKey key) implements ServerOperation {
    public String name() {
      return "reset-replica";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.resetReplica(key);
    }
  }

  /** orchestrator's detach-replica(-master-host): the master host becomes {@code //host}. */
  record DetachReplica(InstanceKey key, String name) implements ServerOperation {
    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.detachReplicaMasterHost(key);
    }
  }

  record ReattachReplica(InstanceKey key, String name) implements ServerOperation {
    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.reattachReplicaMasterHost(key);
    }
  }

  record SetReadOnly(InstanceKey key, boolean readOnly) implements ServerOperation {
    public String name() {
      return readOnly ? "set-read-only" : "set-writeable";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.setReadOnly(key, readOnly);
    }
  }

  record SemiSyncMaster(InstanceKey key, boolean enable) implements ServerOperation {
    public String name() {
      return enable ? "enable-semi-sync-master" : "disable-semi-sync-master";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return enable ? ops.enableSemiSyncMaster(key) : ops.disableSemiSyncMaster(key);
    }
  }

  record SemiSyncReplica(InstanceKey key, boolean enable) implements ServerOperation {
    public String name() {
      return enable ? "enable-semi-sync-replica" : "disable-semi-sync-replica";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return enable ? ops.enableSemiSyncReplica(key) : ops.disableSemiSyncReplica(key);
    }
  }

  record FlushBinaryLogs(InstanceKey key) implements ServerOperation {
    public String name() {
      return "flush-binary-logs";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.flushBinaryLogs(key);
    }
  }

  record PurgeBinaryLogs(InstanceKey key, String logFile) implements ServerOperation {
    public String name() {
      return "purge-binary-logs";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.purgeBinaryLogs(key, logFile);
    }
  }

  record KillQuery(InstanceKey key, long processId) implements ServerOperation {
    public String name() {
      return "kill-query";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.killQuery(key, processId);
    }
  }

  record DelayReplication(InstanceKey key, long seconds) implements ServerOperation {
    public String name() {
      return "delay-replication";
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.delayReplication(key, seconds);
    }
  }

  /** Forget the server's own binary logs to drop its errant GTIDs (no replicas allowed). */
  record GtidErrantResetMaster(InstanceKey key) implements ServerOperation {
    public String name() {
      return "gtid-errant-reset-master";
    }

    @Override
    public java.util.Optional<String> refusal(TopologySnapshot p) {
      if (errant(p, key).isEmpty()) {
        return java.util.Optional.of(name() + " will not operate on " + key
            + " because no errant GTID is found");
      }
      int replicas = p.replicasOf(key).size();
      if (replicas > 0) {
        return java.util.Optional.of(name() + " will not operate on " + key + " because it has "
            + replicas + " replicas. Expecting no replicas");
      }
      return java.util.Optional.empty();
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      return ops.resetMasterOnErrantReplica(key, errant(p, key));
    }
  }

  /** Inject empty transactions for the errant GTIDs on the cluster's master. */
  record GtidErrantInjectEmpty(InstanceKey key) implements ServerOperation {
    public String name() {
      return "gtid-errant-inject-empty";
    }

    @Override
    public java.util.Optional<String> refusal(TopologySnapshot p) {
      return errant(p, key).isEmpty()
          ? java.util.Optional.of(name() + " will not operate on " + key
              + " because no errant GTID is found")
          : java.util.Optional.empty();
    }

    public CompletionStage<? extends OperationResult<?>> apply(Operations ops, TopologySnapshot p) {
      InstanceView v = p.instance(key).orElseThrow();
      InstanceKey master = p.master(v.clusterName()).map(InstanceView::key)
          .orElseThrow(() -> new http.ApiException("No masters found for " + v.clusterName()));
      return ops.injectEmptyTransaction(master, errant(p, key));
    }
  }

  /** The server's errant GTIDs as the picture computed them; none is a refusal (§7.9 texts). */
  static String errant(TopologySnapshot p, InstanceKey key) {
    return p.instance(key).map(InstanceView::gtidErrant).orElse("");
  }
}
