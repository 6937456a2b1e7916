package http;

import actors.control.ControlState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import topology.Downtime;
import topology.InstanceKey;
import topology.InstanceView;
import topology.TopologySnapshot;

/**
 * What the HTTP layer asks of the node it runs on. Implemented in {@code actors.node} over the
 * node's actors (asks with timeouts); HTTP route tests use a small in-memory implementation.
 *
 * <p>Every stage that fails carries an {@link ApiException} whose message is shown to the user
 * as the envelope's Message, or another exception that is mapped to a generic error.
 */
public interface NodeApi {

  /** Settings the routes need; re-read on every request so that reloads apply. */
  ApiSettings settings();

  /**
   * Writes one audit row for a state-changing API call: the command, the server it names
   * ({@link InstanceKey#NONE} if none), the authenticated user ("" → this node's name) and the
   * outcome. Route tests record nothing.
   */
  default CompletionStage<Void> auditApiCall(String command, InstanceKey key, String user,
      String outcome) {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /** The node's current picture. */
  CompletionStage<TopologySnapshot> snapshot();

  /**
   * Probes {@code key} now, adds it to the servers this node probes (and crawls its master and
   * replicas), and answers the freshly probed instance. Fails with the probe error (unknown host,
   * connection refused, access denied, missing privilege...) naming the key.
   */
  CompletionStage<InstanceView> discover(InstanceKey key);

  /**
   * Re-reads {@code key} synchronously (API {@code refresh}). orchestrator's refresh writes the
   * instance like a discovery does, so by default this is {@link #discover}.
   */
  default CompletionStage<InstanceView> refresh(InstanceKey key) {
    return discover(key);
  }

  /** Adds {@code key} to the probe set without waiting for a probe. */
  CompletionStage<Void> discoverAsync(InstanceKey key);

  /** Stops probing {@code key} and removes it from the picture (and from the backend). */
  CompletionStage<Void> forget(InstanceKey key);

  /** Forgets every server of a cluster. */
  CompletionStage<Void> forgetCluster(String clusterName);

  /**
   * Re-reads the configuration files used at start, then {@code extraFile} if given (a missing
   * extra file is ignored). Fails with a message naming the bad key; the old settings stay.
   */
  CompletionStage<Void> reloadConfiguration(Optional<String> extraFile);

  /** The node's latest replication analysis, with the snapshot it was computed from. */
  CompletionStage<actors.topology.TopologyView.AnalysisResult> analysis();

  /** The failure detections this node registered, oldest first. */
  CompletionStage<java.util.List<actors.detection.DetectionLog.Detection>> failureDetections();

  /**
   * Acknowledges the active failure detections of an instance, of a cluster, or all (both
   * null), ending their block; answers how many.
   */
  CompletionStage<Integer> acknowledge(InstanceKey key, String clusterName, String by,
      String comment);

  /**
   * Acknowledges completed recoveries matching every non-null argument (all null: every one);
   * answers how many.
   */
  CompletionStage<Integer> acknowledgeRecoveries(String uid, Long id, InstanceKey key,
      String clusterName, String by, String comment);

  /**
   * Runs a manual or forced recovery (recover, force-master-failover/-takeover, graceful
   * takeover) and completes when it resolved, with the recovery as recorded; fails with an
   * ApiException ("Recovery not attempted: ...") when it was not started.
   */
  CompletionStage<actors.recovery.RecoveryLog.Recovery> recover(
      actors.recovery.RecoveryProcedure.Request request);

  /** The recovery log: recoveries (oldest first) and the skips of automated recovery. */
  CompletionStage<actors.recovery.RecoveryLog.State> recoveries();

  /**
   * The topology history this node recorded (README "Topology history"): what changed about
   * servers, when. Read from the node's own backend.
   */
  default CompletionStage<java.util.List<topology.TopologyChange>> history(
      topology.TopologyChange.Query query) {
    return java.util.concurrent.CompletableFuture.failedFuture(
        new ApiException("this node records no topology history"));
  }

  /** A page (20 rows) of the audit log, newest first; of one server when key is not null. */
  CompletionStage<java.util.List<actors.control.Auditor.AuditEntry>> audit(InstanceKey key, int page);

  /**
   * Runs a topology refactoring: {@code planner} plans it on a fresh picture of the
   * {@code involved} servers (a refusal changes nothing); see refactor.Refactorer.
   */
  CompletionStage<refactor.Refactorer.Outcome> refactor(String user,
      java.util.Collection<InstanceKey> involved,
      java.util.function.BiFunction<TopologySnapshot, topology.MoveSettings,
          topology.Planned<topology.RefactoringPlan>> planner);

  /**
   * Reads the GTID state at the start of each of a server's binary logs, and its state now
   * (locate-gtid-errant); changes nothing, so it takes no lock and no fence.
   */
  CompletionStage<mysql.Operations.BinlogHistory> binlogHistory(InstanceKey key);

  /** Runs an operation on one server (start-replica, set-read-only, ...). */
  CompletionStage<refactor.Refactorer.SingleOutcome> operate(refactor.ServerOperation operation,
      String user);

  /** The rules' settings (for pure checks such as can-replicate-from). */
  topology.MoveSettings moveSettings();

  /** Turns automated recoveries on or off for every cluster (persisted). */
  CompletionStage<Void> setGlobalRecoveries(boolean enabled);

  /** Gives a cluster an alias (manual override; empty removes it). */
  CompletionStage<Void> setClusterAlias(String clusterName, String alias);

  /** Writes the given pairs to the internal KV store (and configured external stores). */
  CompletionStage<Integer> putKv(java.util.Map<String, String> pairs);

  /** KVClusterMasterPrefix. */
  String kvPrefix();

  /** RecoverMasterClusterFilters, RecoverIntermediateMasterClusterFilters, RecoveryIgnoreHostnameFilters. */
  java.util.List<java.util.List<String>> recoveryFilters();

  /** Registers a server's promotion rule; it expires after CandidateInstanceExpireMinutes. */
  CompletionStage<Void> registerCandidate(InstanceKey key, topology.PromotionRule rule);

  /**
   * Tags a server (tag): sets {@code name} to {@code value}, replacing an earlier value. Kept
   * in the replicated control state, like downtimes: every node serves it, restarts keep it.
   */
  CompletionStage<Void> tag(InstanceKey key, String name, String value);

  /**
   * Removes tag {@code name} from {@code key}, or from every server when {@code key} is null;
   * only where its value is {@code value}, unless that is null. Answers the servers untagged
   * (sorted; empty when none had it).
   */
  CompletionStage<java.util.List<InstanceKey>> untag(InstanceKey key, String name, String value);

  /**
   * Replaces the servers of pool {@code pool} (submit-pool-instances); an empty list empties
   * it. Pools expire when not submitted again within InstancePoolExpiryMinutes.
   */
  CompletionStage<Void> submitPool(String pool, java.util.List<InstanceKey> instances);

  /** Begins (or replaces) a server's downtime; answers the downtime as recorded. */
  CompletionStage<Downtime> beginDowntime(InstanceKey key, String owner, String reason,
      Duration duration);

  /** Ends a server's downtime; succeeds when there was none. */
  CompletionStage<Void> endDowntime(InstanceKey key);

  /** Puts a server under maintenance for {@code duration}; fails when it already is. */
  CompletionStage<ControlState.Maintenance> beginMaintenance(InstanceKey key, String owner,
      String reason, Duration duration);

  /** Ends a server's maintenance; answers the ended entry's id (0 when there was none). */
  CompletionStage<Long> endMaintenance(InstanceKey key);

  /** Ends a maintenance entry by its id; answers its server. */
  CompletionStage<InstanceKey> endMaintenanceById(long id);

  /** Downtime and maintenance as this node knows them. */
  CompletionStage<ControlState.Snapshot> controlState();

  /** Health: the node serves and its backend accepted a write recently. */
  CompletionStage<NodeHealth> health();

  /** Whether this node is the leader (the oldest reachable member, seeing a majority). */
  boolean isLeader();

  /**
   * What leader-check answers: the leader, holding a fence a majority acknowledged within the
   * last second (actors.cluster.FenceLease).
   */
  default boolean leaderCheck() {
    return isLeader();
  }

  /**
   * raft-yield: on the leader, asks the orcha node {@code target} ("host:port" or host; with
   * {@code hint}, any part of it) to take leadership; completes with the node asked. Fails
   * with an ApiException naming the reason (no such node, a recovery running, not the leader).
   */
  default CompletionStage<String> yieldLeadership(String target, boolean hint) {
    return java.util.concurrent.CompletableFuture.failedFuture(
        new ApiException("raft-yield: a single orcha node has no one to yield to"));
  }

  /**
   * The leader's API base URL ({@code http://host:port[/prefix]/api}) as it advertises it; empty
   * when no leader is known (or this node is the leader).
   */
  default CompletionStage<Optional<String>> leaderUrl() {
    return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
  }

  /** This node's view of the orcha cluster (raft-* endpoints). */
  default RaftView raftView() {
    return new RaftView("", isLeader() ? "Leader" : "Follower", "", java.util.List.of(), true);
  }
}
