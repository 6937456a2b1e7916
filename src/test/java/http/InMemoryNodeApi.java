package http;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import topology.InstanceKey;
import topology.InstanceView;
import topology.Thresholds;
import topology.TopologySnapshot;

/**
 * A NodeApi over a fixed snapshot, for route tests. Records the writes it receives; can be
 * told to fail every call or never to answer.
 */
class InMemoryNodeApi implements NodeApi {

  volatile ApiSettings settings = defaultSettings();
  volatile TopologySnapshot snapshot = TopologySnapshot.EMPTY;
  volatile boolean leader = true;

  /** The raft view served; derived from {@code leader} and {@code health} when null. */
  volatile RaftView raft;

  @Override
  public RaftView raftView() {
    RaftView r = raft;
    if (r != null) {
      return r;
    }
    boolean quorum = health.healthy();
    return new RaftView("127.0.0.1:10008", !quorum ? "Candidate" : leader ? "Leader" : "Follower",
        quorum ? "127.0.0.1:10008" : "", java.util.List.of("127.0.0.1:10008"), quorum);
  }
  volatile NodeHealth health = new NodeHealth(true, "orcha-1", "token-1", true, "sqlite", "");
  /** When set, every asynchronous call fails with it. */
  volatile Throwable failure;
  /** When true, every asynchronous call returns a stage that never completes. */
  volatile boolean silent;
  /** When set, reloadConfiguration fails with this message. */
  volatile String reloadError;
  final List<String> calls = new CopyOnWriteArrayList<>();
  /** The audit rows of state-changing API calls: "command key user outcome". */
  final List<String> audits = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<Void> auditApiCall(String command, InstanceKey key, String user,
      String outcome) {
    audits.add(command + " " + key + " " + user + " " + outcome);
    return CompletableFuture.completedFuture(null);
  }

  static ApiSettings defaultSettings() {
    return new ApiSettings("", "/api/status", 3306, Thresholds.DEFAULTS, "orcha-1");
  }

  void reset() {
    settings = defaultSettings();
    snapshot = TopologySnapshot.EMPTY;
    leader = true;
    health = new NodeHealth(true, "orcha-1", "token-1", true, "sqlite", "");
    failure = null;
    silent = false;
    reloadError = null;
    calls.clear();
    audits.clear();
    downtimes.clear();
    maintenance.clear();
    tags.clear();
    pools.clear();
    analyses = java.util.List.of();
    detections.clear();
    recoveryLog.clear();
    skips.clear();
    recoverRequests.clear();
    recoverOutcome = null;
    recoveryClock = Fixtures.NOW;
    changes.clear();
    historyQueries.clear();
  }

  /** The topology history served, filtered as the backend's store filters it. */
  final List<topology.TopologyChange> changes = new CopyOnWriteArrayList<>();
  final List<topology.TopologyChange.Query> historyQueries = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<List<topology.TopologyChange>> history(topology.TopologyChange.Query q) {
    historyQueries.add(q);
    return answer(() -> {
      java.util.Comparator<topology.TopologyChange> order =
          java.util.Comparator.comparing(topology.TopologyChange::at);
      return changes.stream()
          .filter(c -> q.key() != null ? c.key().equals(q.key())
              : q.clusterNames().contains(c.clusterName())
                  || q.clusterAliases().contains(c.clusterAlias())
                  || q.members().contains(c.key()))
          .filter(c -> (q.since() == null || !c.at().isBefore(q.since()))
              && (q.until() == null || !c.at().isAfter(q.until())))
          .sorted(q.oldestFirst() ? order : order.reversed())
          .limit(q.limit())
          .toList();
    });
  }

  private <T> CompletionStage<T> answer(java.util.function.Supplier<T> value) {
    if (silent) {
      return new CompletableFuture<>();
    }
    if (failure != null) {
      return CompletableFuture.failedFuture(failure);
    }
    try {
      return CompletableFuture.completedFuture(value.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public ApiSettings settings() {
    return settings;
  }

  @Override
  public CompletionStage<TopologySnapshot> snapshot() {
    return answer(() -> snapshot);
  }

  @Override
  public CompletionStage<InstanceView> discover(InstanceKey key) {
    return answer(() -> {
      calls.add("discover " + key);
      return snapshot.instance(key).orElseThrow(
          () -> new ApiException("Cannot probe " + key + ": connection refused"));
    });
  }

  @Override
  public CompletionStage<Void> discoverAsync(InstanceKey key) {
    return answer(() -> {
      calls.add("discoverAsync " + key);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> forget(InstanceKey key) {
    return answer(() -> {
      calls.add("forget " + key);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> forgetCluster(String clusterName) {
    return answer(() -> {
      calls.add("forgetCluster " + clusterName);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> reloadConfiguration(Optional<String> extraFile) {
    return answer(() -> {
      calls.add("reload " + extraFile.orElse("<none>"));
      if (reloadError != null) {
        throw new ApiException(reloadError);
      }
      return null;
    });
  }

  @Override
  public CompletionStage<NodeHealth> health() {
    return answer(() -> health);
  }

  @Override
  public boolean isLeader() {
    return leader;
  }

  final java.util.Map<InstanceKey, topology.Downtime> downtimes = new java.util.concurrent.ConcurrentHashMap<>();
  final java.util.Map<InstanceKey, actors.control.ControlState.Maintenance> maintenance =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public CompletionStage<topology.Downtime> beginDowntime(InstanceKey key, String owner,
      String reason, java.time.Duration duration) {
    calls.add("begin-downtime " + key + " " + owner + " " + reason + " " + duration);
    return answer(() -> {
      java.time.Instant now = java.time.Instant.now();
      topology.Downtime d = new topology.Downtime(key, owner, reason, now, now.plus(duration));
      downtimes.put(key, d);
      return d;
    });
  }

  @Override
  public CompletionStage<Void> endDowntime(InstanceKey key) {
    calls.add("end-downtime " + key);
    return answer(() -> {
      downtimes.remove(key);
      return null;
    });
  }

  @Override
  public CompletionStage<actors.control.ControlState.Maintenance> beginMaintenance(InstanceKey key,
      String owner, String reason, java.time.Duration duration) {
    calls.add("begin-maintenance " + key + " " + owner + " " + reason);
    return answer(() -> {
      if (maintenance.containsKey(key)) {
        throw new ApiException("Cannot begin maintenance: " + key + " is already under maintenance");
      }
      java.time.Instant now = java.time.Instant.now();
      var m = new actors.control.ControlState.Maintenance(maintenance.size() + 1, key, owner,
          reason, now, now.plus(duration));
      maintenance.put(key, m);
      return m;
    });
  }

  @Override
  public CompletionStage<Long> endMaintenance(InstanceKey key) {
    calls.add("end-maintenance " + key);
    return answer(() -> {
      var m = maintenance.remove(key);
      return m == null ? 0L : m.id();
    });
  }

  @Override
  public CompletionStage<InstanceKey> endMaintenanceById(long id) {
    calls.add("end-maintenance-id " + id);
    return answer(() -> {
      for (var m : maintenance.values()) {
        if (m.id() == id) {
          maintenance.remove(m.key());
          return m.key();
        }
      }
      throw new ApiException("No maintenance found with id " + id);
    });
  }

  /** Tags per server (name to value) and pools, as the replicated control state keeps them. */
  final java.util.Map<InstanceKey, java.util.Map<String, String>> tags =
      new java.util.concurrent.ConcurrentHashMap<>();
  final java.util.Map<String, actors.control.ControlState.Pool> pools =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public CompletionStage<actors.control.ControlState.Snapshot> controlState() {
    return answer(() -> new actors.control.ControlState.Snapshot(downtimes, maintenance,
        java.util.Map.of(), false, java.util.Map.of(), java.util.Map.of(), java.util.Map.of(),
        tags, pools));
  }

  @Override
  public CompletionStage<Void> tag(InstanceKey key, String name, String value) {
    calls.add("tag " + key + " " + name + "=" + value);
    return answer(() -> {
      tags.computeIfAbsent(key, k -> new java.util.concurrent.ConcurrentHashMap<>()).put(name, value);
      return null;
    });
  }

  @Override
  public CompletionStage<java.util.List<InstanceKey>> untag(InstanceKey key, String name,
      String value) {
    calls.add("untag " + key + " " + name + (value == null ? "" : "=" + value));
    return answer(() -> {
      java.util.List<InstanceKey> removed = new java.util.ArrayList<>();
      tags.forEach((k, t) -> {
        if ((key == null || k.equals(key)) && t.containsKey(name)
            && (value == null || t.get(name).equals(value))) {
          t.remove(name);
          removed.add(k);
        }
      });
      tags.values().removeIf(java.util.Map::isEmpty);
      java.util.Collections.sort(removed);
      return removed;
    });
  }

  @Override
  public CompletionStage<Void> submitPool(String pool, java.util.List<InstanceKey> instances) {
    calls.add("submit-pool " + pool + " " + instances);
    return answer(() -> {
      java.time.Instant now = java.time.Instant.now();
      pools.put(pool, new actors.control.ControlState.Pool(pool, instances, now,
          now.plus(java.time.Duration.ofHours(1))));
      return null;
    });
  }

  volatile java.util.List<topology.ReplicationAnalysis> analyses = java.util.List.of();
  final java.util.List<actors.detection.DetectionLog.Detection> detections = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<actors.topology.TopologyView.AnalysisResult> analysis() {
    return answer(() -> new actors.topology.TopologyView.AnalysisResult(snapshot, analyses,
        snapshot.builtAt()));
  }

  @Override
  public CompletionStage<java.util.List<actors.detection.DetectionLog.Detection>> failureDetections() {
    return answer(() -> java.util.List.copyOf(detections));
  }

  @Override
  public CompletionStage<Integer> acknowledge(InstanceKey key, String clusterName, String by,
      String comment) {
    calls.add("ack " + key + " " + clusterName + " " + comment);
    return answer(() -> 0);
  }

  @Override
  public CompletionStage<Void> registerCandidate(InstanceKey key, topology.PromotionRule rule) {
    calls.add("register-candidate " + key + " " + rule.apiName());
    return answer(() -> null);
  }

  final java.util.List<actors.control.Auditor.AuditEntry> auditRows = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<java.util.List<actors.control.Auditor.AuditEntry>> audit(InstanceKey key,
      int page) {
    return answer(() -> auditRows.stream()
        .filter(e -> key == null || e.key().equals(key)).skip(page * 20L).limit(20).toList());
  }

  @Override
  public CompletionStage<refactor.Refactorer.Outcome> refactor(String user,
      java.util.Collection<InstanceKey> involved,
      java.util.function.BiFunction<TopologySnapshot, topology.MoveSettings,
          topology.Planned<topology.RefactoringPlan>> planner) {
    calls.add("refactor " + involved);
    return answer(() -> {
      topology.Planned<topology.RefactoringPlan> p = planner.apply(snapshot, moveSettings());
      if (!p.isReady()) {
        throw new ApiException(p.reason());
      }
      return new refactor.Refactorer.Outcome(p.plan(), snapshot, java.util.List.of());
    });
  }

  @Override
  public CompletionStage<refactor.Refactorer.SingleOutcome> operate(refactor.ServerOperation op,
      String user) {
    calls.add("operate " + op.name() + " " + op.key());
    return answer(() -> {
      throw new ApiException("operations need real servers");
    });
  }

  /** What binlogHistory answers (null: no server to read). */
  volatile mysql.Operations.BinlogHistory binlogs;

  @Override
  public CompletionStage<mysql.Operations.BinlogHistory> binlogHistory(InstanceKey key) {
    calls.add("binlog-history " + key);
    return answer(() -> {
      if (binlogs == null) {
        throw new ApiException(key + ": connection refused");
      }
      return binlogs;
    });
  }

  @Override
  public topology.MoveSettings moveSettings() {
    return topology.MoveSettings.DEFAULTS;
  }

  volatile boolean globalRecoveries = true;
  final java.util.Map<String, String> kv = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public CompletionStage<Void> setGlobalRecoveries(boolean enabled) {
    return answer(() -> {
      globalRecoveries = enabled;
      return null;
    });
  }

  @Override
  public CompletionStage<Void> setClusterAlias(String clusterName, String alias) {
    calls.add("set-cluster-alias " + clusterName + " " + alias);
    return answer(() -> null);
  }

  @Override
  public CompletionStage<Integer> putKv(java.util.Map<String, String> pairs) {
    return answer(() -> {
      kv.putAll(pairs);
      return pairs.size();
    });
  }

  @Override
  public String kvPrefix() {
    return "mysql/master";
  }

  @Override
  public java.util.List<java.util.List<String>> recoveryFilters() {
    return filters;
  }

  /** RecoverMasterClusterFilters, RecoverIntermediateMasterClusterFilters, ignore filters. */
  volatile java.util.List<java.util.List<String>> filters =
      java.util.List.of(java.util.List.of(), java.util.List.of(), java.util.List.of());

  // ---- recoveries ----------------------------------------------------------------------------

  /** The recovery log, oldest first; tests may seed it. */
  final java.util.List<actors.recovery.RecoveryLog.Recovery> recoveryLog = new CopyOnWriteArrayList<>();
  /** Skips of automated recovery, oldest first; tests may seed them. */
  final java.util.List<actors.recovery.RecoveryLog.Skip> skips = new CopyOnWriteArrayList<>();
  /** Every recover request received. */
  final java.util.List<actors.recovery.RecoveryProcedure.Request> recoverRequests =
      new CopyOnWriteArrayList<>();
  /**
   * When set, decides a recover request instead of the default (a successful promotion of the
   * candidate or the failed server's first replica); may throw an ApiException ("Recovery not
   * attempted: ..."). The recovery it answers is recorded in the log.
   */
  volatile java.util.function.Function<actors.recovery.RecoveryProcedure.Request,
      actors.recovery.RecoveryLog.Recovery> recoverOutcome;
  /** The time recoveries started by recover() are stamped with. */
  volatile java.time.Instant recoveryClock = Fixtures.NOW;

  @Override
  public CompletionStage<Integer> acknowledgeRecoveries(String uid, Long id, InstanceKey key,
      String clusterName, String by, String comment) {
    calls.add("ack-recoveries " + uid + " " + id + " " + key + " " + clusterName + " " + comment);
    return answer(() -> {
      int n = 0;
      for (int i = 0; i < recoveryLog.size(); i++) {
        var r = recoveryLog.get(i);
        if (r.ended() && !r.acknowledged()
            && (uid == null || r.start().uid().equals(uid))
            && (id == null || r.id() == id)
            && (key == null || r.start().failedKey().equals(key))
            && (clusterName == null || r.start().clusterName().equals(clusterName))) {
          recoveryLog.set(i, new actors.recovery.RecoveryLog.Recovery(r.id(), r.start(),
              r.startedAt(), r.steps(), r.resolution(), r.endedAt(), true,
              by == null || by.isBlank() ? settings.nodeHostname() : by, recoveryClock, comment));
          n++;
        }
      }
      return n;
    });
  }

  @Override
  public CompletionStage<actors.recovery.RecoveryLog.Recovery> recover(
      actors.recovery.RecoveryProcedure.Request request) {
    recoverRequests.add(request);
    return answer(() -> {
      var outcome = recoverOutcome;
      var r = outcome != null ? outcome.apply(request) : promote(request);
      recoveryLog.add(r);
      return r;
    });
  }

  /** The default outcome: like the coordinator, refuses unknown servers; else promotes. */
  private actors.recovery.RecoveryLog.Recovery promote(
      actors.recovery.RecoveryProcedure.Request req) {
    InstanceView failed = snapshot.instance(req.failed()).orElseThrow(() ->
        new ApiException("Recovery not attempted: " + req.failed() + " is not a known instance"));
    InstanceKey successor = req.candidate().isValid() ? req.candidate()
        : snapshot.replicasOf(req.failed()).stream().map(InstanceView::key).findFirst()
            .orElse(InstanceKey.NONE);
    var resolution = new actors.recovery.RecoveryLog.Resolution(successor.isValid(), successor,
        "", "", java.util.List.of(), java.util.List.of(req.failed()),
        successor.isValid() ? java.util.List.of() : java.util.List.of("no replica to promote"),
        "MasterRecoveryGTID", false);
    long id = recoveryLog.stream().mapToLong(actors.recovery.RecoveryLog.Recovery::id).max()
        .orElse(0) + 1;
    var cluster = snapshot.clusters().get(failed.clusterName());
    var start = new actors.recovery.RecoveryLog.Start("uid-" + id, req.failed(),
        failed.clusterName(), cluster == null ? failed.clusterName() : cluster.alias(),
        "MasterRecovery", "DeadMaster", req.commandHint(), true, null, settings.nodeHostname(), 0);
    var step = new actors.recovery.RecoveryLog.Step(1, recoveryClock, "registered",
        "registered DeadMaster on " + req.failed());
    return new actors.recovery.RecoveryLog.Recovery(id, start, recoveryClock,
        java.util.List.of(step), resolution, recoveryClock.plusSeconds(3), false, "", null, "");
  }

  @Override
  public CompletionStage<actors.recovery.RecoveryLog.State> recoveries() {
    return answer(() -> new actors.recovery.RecoveryLog.State(java.util.List.copyOf(recoveryLog),
        recoveryLog.stream().mapToLong(actors.recovery.RecoveryLog.Recovery::id).max().orElse(0),
        java.util.List.copyOf(skips)));
  }
}
