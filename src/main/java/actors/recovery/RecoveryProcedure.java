package actors.recovery;

import actors.control.ControlState;
import actors.control.MaintenanceLocks;
import hooks.Hook;
import hooks.HookEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import refactor.PhaseExecutor;
import topology.AnalysisCode;
import topology.InstanceKey;
import topology.InstanceView;
import topology.IntermediateMasterPlan;
import topology.IntermediateMasterPlanner;
import topology.KvPairs;
import topology.PlanStep;
import topology.Planned;
import topology.PromotionPlan;
import topology.PromotionPlanner;
import topology.RecoverySettings;
import topology.RecoveryType;
import topology.ReplicationAnalysis;
import topology.TopologyAssembler;
import topology.TopologySnapshot;

/**
 * One recovery, from a fresh look to its resolution: re-read the servers involved (never
 * waiting on one that does not answer), re-check that the failure still holds (automated
 * recoveries), plan (pure planners; a refusal changes nothing), take maintenance locks, run the
 * pre-hooks (a failure aborts), run the plan's phases (promotion, siblings re-pointed in
 * parallel), downtime the failed and lost servers {@code lost-in-recovery}, move the cluster
 * alias and publish the new master in the KV store, run the post-hooks, and say how it ended.
 * Every phase is a timestamped step of the recovery (its timeline). Asynchronous throughout;
 * the {@link RecoveryRun} actor runs one and records its resolution.
 */
public final class RecoveryProcedure {

  /** What a recovery needs from the node. */
  public interface Ports {
    CompletionStage<TopologySnapshot> snapshot();

    /**
     * Probes the servers now, each with a short deadline; completes with those that did not
     * answer in time or failed (never waits longer than the deadline).
     */
    CompletionStage<Set<InstanceKey>> refresh(Collection<InstanceKey> keys);

    /** The node's fresh analysis. */
    CompletionStage<List<ReplicationAnalysis>> analysis();

    /** Records a timestamped step of the recovery. */
    void step(String uid, String phase, String message);

    CompletionStage<Void> downtime(List<InstanceKey> keys, String owner, String reason,
        Duration duration);

    CompletionStage<Void> endDowntime(InstanceKey key);

    CompletionStage<Void> acknowledgeDetections(InstanceKey key, String comment);

    CompletionStage<Void> setClusterAlias(String clusterName, String alias);

    CompletionStage<Void> putKv(Map<String, String> pairs);

    /** Runs a configured hook list for the event; completes with (failed, audit lines). */
    CompletionStage<HookRun> hooks(Hook hook, HookEvent event);

    MaintenanceLocks locks();

    PhaseExecutor executor();
  }

  public record HookRun(boolean failed, List<String> lines) {}

  /** What to recover, and how it was asked for. */
  public record Request(Kind kind, InstanceKey failed, InstanceKey candidate,
      ReplicationAnalysis entry, boolean skipProcesses, String commandHint, String user) {}

  public enum Kind { AUTOMATED, RECOVER, FORCE_FAILOVER, FORCE_TAKEOVER, GRACEFUL, GRACEFUL_AUTO }

  /** The settings read when a recovery starts. */
  public record Config(RecoverySettings settings, String nodeName, String kvPrefix,
      boolean hasReplicationCredentials, Duration lockExpiry) {}

  /** The maintenance reason of a recovery's locks; followed by its uid. */
  static final String LOCK_REASON = ControlState.RECOVERY_LOCK_REASON;

  static final String NO_LONGER_HOLDS = "failure no longer holds";

  static final Duration LOST_IN_RECOVERY_DOWNTIME = Duration.ofDays(365);

  private final Ports ports;
  private final Supplier<Config> config;
  private final telemetry.RecoveryMetrics metrics;

  public RecoveryProcedure(Ports ports, Supplier<Config> config) {
    this(ports, config, null);
  }

  /**
   * With {@code metrics}: each recovery reports the time it spent fencing, promoting,
   * re-pointing and in hooks once it ends (null: nothing is reported).
   */
  public RecoveryProcedure(Ports ports, Supplier<Config> config,
      telemetry.RecoveryMetrics metrics) {
    this.ports = ports;
    this.config = config;
    this.metrics = metrics;
  }

  /** Runs the recovery registered as {@code uid}; completes with its resolution, never fails. */
  public CompletionStage<RecoveryLog.Resolution> run(String uid, Request req, RecoveryType type) {
    return run(uid, req, type, PhaseExecutor.Gate.OPEN);
  }

  /**
   * Runs the recovery; {@code fence} is passed before every step that changes a server (the
   * leader's fence): when it fails, no further step is taken and the recovery ends with why.
   */
  public CompletionStage<RecoveryLog.Resolution> run(String uid, Request req, RecoveryType type,
      PhaseExecutor.Gate fence) {
    Config cfg = config.get();
    telemetry.RecoveryPhases phases = new telemetry.RecoveryPhases();
    Context ctx = new Context(uid, req, type, cfg, timed(fence, phases), phases);
    // servers already judged unreachable are not waited for again: they are planned as lost
    List<InstanceKey> skipped = new ArrayList<>();
    CompletionStage<RecoveryLog.Resolution> ran = ports.snapshot()
        .thenCompose(s -> {
          List<InstanceKey> reread = new ArrayList<>();
          for (InstanceKey k : involved(s, req.failed())) {
            (s.instance(k).map(InstanceView::lastCheckValid).orElse(false) ? reread : skipped).add(k);
          }
          return ports.refresh(reread);
        })
        .thenCompose(unanswered -> {
          ports.step(uid, "re-read", "re-read the failed server and its replicas"
              + (skipped.isEmpty() ? "" : "; not re-read (unreachable already): "
                  + skipped.stream().map(InstanceKey::displayString).toList())
              + (unanswered.isEmpty() ? "" : "; no answer from " + unanswered.stream().sorted()
                  .map(InstanceKey::displayString).toList() + " (planned as unreachable)"));
          return ports.snapshot().thenApply(s -> s.withUnreachable(unanswered));
        })
        .thenCompose(s -> recheck(ctx, s))
        .exceptionally(e -> {
          Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
              ? e.getCause() : e;
          String why = t instanceof actors.cluster.Fencer.FenceLost
              ? "stopped, no further step taken: " + t.getMessage() : "recovery failed: " + t;
          ports.step(uid, "error", why);
          return ctx.resolution(false, List.of(why));
        });
    return metrics == null ? ran : ran.whenComplete((r, e) -> phases.reportTo(metrics));
  }

  /** The fence, with the time waited for it added to the recovery's fence phase. */
  private static PhaseExecutor.Gate timed(PhaseExecutor.Gate fence,
      telemetry.RecoveryPhases phases) {
    return step -> {
      long start = System.nanoTime();
      return fence.beforeStep(step).whenComplete((v, e) ->
          phases.add(telemetry.RecoveryMetrics.Phase.FENCE, System.nanoTime() - start));
    };
  }

  /**
   * Fences a server a master recovery left behind that came back writable: read_only=1 and its
   * client sessions ended (MariaDB's read_only does not stop SUPER users), under the leader's
   * fence. Completes with what happened; never fails.
   */
  public CompletionStage<String> fenceReturned(InstanceKey key, PhaseExecutor.Gate fence) {
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    return ports.executor().endingSessions().run(List.of(new PromotionPlan.Phase.Ordered(
            "fence " + key, List.of(new PlanStep.SetReadOnly(key, true)), true)), List.of(),
            (phase, step, ok, message) -> lines.add((ok ? "" : "FAILED: ") + step
                + (message.isEmpty() ? "" : " — " + message)), fence)
        .thenApply(r -> String.join("; ", lines))
        .exceptionally(e -> "not fenced: " + (e.getCause() != null ? e.getCause().getMessage()
            : e.getMessage()));
  }

  /** The failed server, its master and its replicas: everything a recovery may read or touch. */
  static List<InstanceKey> involved(TopologySnapshot s, InstanceKey failed) {
    Set<InstanceKey> keys = new LinkedHashSet<>();
    keys.add(failed);
    s.instance(failed).ifPresent(v -> {
      if (v.instance().masterKey().isValid()) {
        keys.add(v.instance().masterKey());
        s.replicasOf(v.instance().masterKey()).forEach(r -> keys.add(r.key()));
      }
    });
    s.replicasOf(failed).forEach(r -> keys.add(r.key()));
    return new ArrayList<>(keys);
  }

  /** Automated recoveries act only if the failure still holds on the fresh picture. */
  private CompletionStage<RecoveryLog.Resolution> recheck(Context ctx, TopologySnapshot s) {
    if (ctx.req.kind() != Kind.AUTOMATED || ctx.req.entry() == null) {
      return plan(ctx, s);
    }
    return ports.analysis().thenCompose(all -> {
      AnalysisCode was = ctx.req.entry().analysis();
      AnalysisCode now = all.stream().filter(a -> a.analyzedInstanceKey().equals(ctx.req.failed()))
          .map(ReplicationAnalysis::analysis).findFirst().orElse(AnalysisCode.NoProblem);
      if (now.action() != was.action() || now.action() == topology.RecoveryAction.NONE) {
        ports.step(ctx.uid, "re-checked", "the failure no longer holds: " + was + " is now " + now);
        return CompletableFuture.completedFuture(ctx.refused(
            List.of(NO_LONGER_HOLDS + ": " + was + " is now " + now)));
      }
      ports.step(ctx.uid, "re-checked", "still " + now + " on " + ctx.req.failed());
      return plan(ctx, s);
    });
  }

  private CompletionStage<RecoveryLog.Resolution> plan(Context ctx, TopologySnapshot s) {
    RecoverySettings rs = ctx.cfg.settings();
    InstanceKey failed = ctx.req.failed();
    List<PromotionPlan.Phase> phases;
    List<PlanStep> onAbort = List.of();
    Set<InstanceKey> servers = new LinkedHashSet<>();
    Executed shape;
    switch (ctx.type) {
      case MasterRecovery, CoMasterRecovery -> {
        Planned<PromotionPlan> p = switch (ctx.req.kind()) {
          case FORCE_FAILOVER -> PromotionPlanner.forceMasterFailover(s, failed, rs);
          case FORCE_TAKEOVER -> PromotionPlanner.forceMasterTakeover(s, failed, ctx.req.candidate(), rs);
          case GRACEFUL, GRACEFUL_AUTO -> PromotionPlanner.gracefulMasterTakeover(s, failed,
              ctx.req.candidate(), ctx.req.kind() == Kind.GRACEFUL_AUTO, rs);
          default -> ctx.type == RecoveryType.CoMasterRecovery
              ? PromotionPlanner.recoverDeadCoMaster(s, failed, rs)
              : PromotionPlanner.recoverDeadMaster(s, failed, ctx.req.candidate(), rs);
        };
        if (!p.isReady()) {
          return refused(ctx, s, p.reason());
        }
        PromotionPlan plan = p.plan();
        plan.audit().forEach(line -> ports.step(ctx.uid, "planned", line));
        if (plan.needsCredentials() && !ctx.cfg.hasReplicationCredentials()) {
          return refused(ctx, s, "the plan points a server without a replication channel at a new "
              + "master, and no replication credentials are configured: set "
              + "orcha.mysql.replication-user and orcha.mysql.replication-password");
        }
        phases = plan.phases();
        onAbort = plan.onAbort();
        servers.addAll(plan.servers());
        shape = new Executed(plan, null);
      }
      case IntermediateMasterRecovery -> {
        Planned<IntermediateMasterPlan> p =
            IntermediateMasterPlanner.recoverDeadIntermediateMaster(s, failed, rs);
        if (!p.isReady()) {
          return refused(ctx, s, p.reason());
        }
        IntermediateMasterPlan plan = p.plan();
        plan.audit().forEach(line -> ports.step(ctx.uid, "planned", line));
        phases = PhaseExecutor.phases(plan.relocation());
        servers.addAll(plan.relocation().servers());
        shape = new Executed(null, plan);
      }
      case SetWriteable -> {
        phases = List.of(new PromotionPlan.Phase.Ordered("set writeable",
            List.of(new PlanStep.SetReadOnly(failed, false)), true));
        servers.add(failed);
        shape = new Executed(null, null);
      }
      default -> {
        return refused(ctx, s, ctx.type + " recovery is not supported by orcha yet");
      }
    }
    List<PromotionPlan.Phase> toRun = phases;
    List<PlanStep> abortSteps = onAbort;
    String[] lockError = {""};
    return ports.locks().acquire(new ArrayList<>(servers), ctx.req.user(),
            LOCK_REASON + ctx.uid, ctx.cfg.lockExpiry())
        .exceptionally(e -> {
          Throwable t = e.getCause() != null ? e.getCause() : e;
          lockError[0] = t.getMessage();
          return null;
        })
        .thenCompose(held -> {
          if (held == null) {
            ports.step(ctx.uid, "locked", "cannot take the maintenance locks: " + lockError[0]);
            return CompletableFuture.completedFuture(ctx.refused(List.of(lockError[0])));
          }
          // the locks are given back before the recovery goes on (and before anyone is
          // answered): an operation right after it must not find them still held
          return preHooks(ctx, s, shape)
              .thenCompose(ok -> ok ? execute(ctx, s, shape, toRun, abortSteps)
                  : CompletableFuture.completedFuture(ctx.refused(
                      List.of(ctx.preHook() + " failed: recovery aborted"))))
              .handle((r, e) -> ports.locks().release(held).thenCompose(v -> e == null
                  ? CompletableFuture.completedFuture(r)
                  : CompletableFuture.<RecoveryLog.Resolution>failedFuture(e)))
              .thenCompose(x -> x);
        });
  }

  /** A plan that is neither promotion nor relocation: what ran. */
  private record Executed(PromotionPlan promotion, IntermediateMasterPlan intermediate) {}

  private CompletionStage<RecoveryLog.Resolution> refused(Context ctx, TopologySnapshot s,
      String reason) {
    ports.step(ctx.uid, "planned", "no plan: " + reason);
    return postHooks(ctx, s, InstanceKey.NONE, List.of())
        .thenApply(v -> ctx.refused(List.of(reason)));
  }

  private CompletionStage<Boolean> preHooks(Context ctx, TopologySnapshot s, Executed shape) {
    if (ctx.req.skipProcesses()) {
      return CompletableFuture.completedFuture(true);
    }
    InstanceKey designated = shape.promotion() != null ? shape.promotion().promoted() : InstanceKey.NONE;
    CompletionStage<Boolean> graceful = ctx.graceful()
        ? hook(ctx, Hook.PRE_GRACEFUL_TAKEOVER, s, designated, List.of()).thenApply(r -> !r.failed())
        : CompletableFuture.completedFuture(true);
    return graceful.thenCompose(ok -> !ok ? CompletableFuture.completedFuture(false)
        : hook(ctx, Hook.PRE_FAILOVER, s, InstanceKey.NONE, List.of()).thenApply(r -> !r.failed()));
  }

  private CompletionStage<RecoveryLog.Resolution> execute(Context ctx, TopologySnapshot before,
      Executed shape, List<PromotionPlan.Phase> phases, List<PlanStep> onAbort) {
    PhaseExecutor.Listener listener = new PhaseExecutor.Listener() {
      @Override
      public void step(String phase, PlanStep step, boolean ok, String message) {
        ports.step(ctx.uid, phase, (ok ? "" : "FAILED: ") + step
            + (message.isEmpty() ? "" : " — " + message));
      }

      /** Ordered phases promote (catch up, promote, demote, afterwards); parallel ones re-point. */
      @Override
      public void phaseEnded(PromotionPlan.Phase phase, Duration took) {
        ctx.phases.add(phase instanceof PromotionPlan.Phase.Parallel
            ? telemetry.RecoveryMetrics.Phase.REPOINT : telemetry.RecoveryMetrics.Phase.PROMOTE,
            took.toNanos());
      }
    };
    return ports.executor().run(phases, onAbort, listener, ctx.fence)
        .thenCompose(result -> {
          List<String> errors = new ArrayList<>(result.errors());
          InstanceKey successor = InstanceKey.NONE;
          List<InstanceKey> lost = new ArrayList<>(result.failedMoves());
          List<InstanceKey> downtime = new ArrayList<>();
          if (shape.promotion() != null) {
            PromotionPlan p = shape.promotion();
            p.lost().forEach(l -> lost.add(l.key()));
            downtime.addAll(p.downtime());
            if (!p.checkFailure().isEmpty()) {
              errors.add(ctx.graceful() ? "GracefulMasterTakeover: Recovery attempted yet no replica "
                  + "promoted; err=" + p.checkFailure() : p.checkFailure());
            } else if (!result.aborted()) {
              successor = p.successor();
            }
          } else if (shape.intermediate() != null) {
            if (!result.aborted()) {
              successor = shape.intermediate().successor();
            }
            shape.intermediate().unmoved().forEach(l -> lost.add(l.key()));
          } else if (!result.aborted()) {
            successor = ctx.req.failed(); // set writeable: the master itself
          }
          result.failedMoves().stream().filter(k -> !downtime.contains(k)).forEach(downtime::add);
          ports.step(ctx.uid, "replicas re-pointed", result.aborted() ? "aborted: " + errors
              : "phases done; successor " + (successor.isValid() ? successor : "none")
                  + (lost.isEmpty() ? "" : "; lost " + lost));
          InstanceKey succ = successor;
          return afterPhases(ctx, before, succ, lost, downtime, errors);
        });
  }

  private CompletionStage<RecoveryLog.Resolution> afterPhases(Context ctx, TopologySnapshot before,
      InstanceKey successor, List<InstanceKey> lost, List<InstanceKey> downtime, List<String> errors) {
    boolean masterRecovery = ctx.type == RecoveryType.MasterRecovery
        || ctx.type == RecoveryType.CoMasterRecovery;
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    // a takeover that promoted nobody gave the master back its writes (§7.6 step 8): it is
    // still the cluster's master, not a server left behind to be fenced when it answers
    List<InstanceKey> lostOnes = ctx.graceful() && !successor.isValid()
        ? downtime.stream().filter(k -> !k.equals(ctx.req.failed())).toList() : downtime;
    if (masterRecovery && !lostOnes.isEmpty()) {
      chain = chain.thenCompose(v -> ports.downtime(lostOnes, ctx.cfg.nodeName(),
          TopologyAssembler.LOST_IN_RECOVERY, LOST_IN_RECOVERY_DOWNTIME)).thenAccept(v ->
          ports.step(ctx.uid, "downtimed", "downtimed " + lostOnes + " lost-in-recovery"));
    }
    chain = chain.thenCompose(v -> ports.acknowledgeDetections(ctx.req.failed(),
        "recovery " + ctx.uid));
    if (successor.isValid()) {
      chain = chain.thenCompose(v -> ports.endDowntime(successor));
      if (masterRecovery) {
        String oldCluster = before.instance(ctx.req.failed()).map(InstanceView::clusterName).orElse("");
        String alias = before.clusters().containsKey(oldCluster)
            ? before.clusters().get(oldCluster).alias() : oldCluster;
        String newCluster = successor.displayString();
        chain = chain.thenCompose(v -> alias.isEmpty() || alias.equals(oldCluster)
                ? CompletableFuture.completedFuture(null)
                : ports.setClusterAlias(newCluster, alias))
            .thenCompose(v -> {
              String base = KvPairs.normalizePrefix(ctx.cfg.kvPrefix()) + (alias.isEmpty() ? newCluster : alias);
              return ports.putKv(Map.of(base, successor.displayString(),
                  base + "/hostname", successor.hostname(), base + "/port", String.valueOf(successor.port())));
            })
            .thenAccept(v -> ports.step(ctx.uid, "published", "cluster alias " + alias
                + " and KV now point at " + successor));
      }
    }
    return chain
        .thenCompose(v -> ports.refresh(involved(before, ctx.req.failed()).stream()
            .filter(k -> !lost.contains(k) && !downtime.contains(k)).toList()))
        .thenCompose(v -> ports.snapshot())
        .thenCompose(after -> postHooks(ctx, after, successor, lost))
        .thenApply(v -> {
          ports.step(ctx.uid, "resolved", successor.isValid() ? "successor " + successor
              : "no successor" + (errors.isEmpty() ? "" : ": " + errors));
          return ctx.resolution(successor.isValid() && (!ctx.graceful() || errors.isEmpty()),
              successor, lost, errors);
        });
  }

  private CompletionStage<Void> postHooks(Context ctx, TopologySnapshot s, InstanceKey successor,
      List<InstanceKey> lost) {
    if (ctx.req.skipProcesses()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletionStage<HookRun> chain;
    if (successor.isValid()) {
      Hook specific = ctx.type == RecoveryType.IntermediateMasterRecovery
          ? Hook.POST_INTERMEDIATE_MASTER_FAILOVER : Hook.POST_MASTER_FAILOVER;
      chain = hook(ctx, specific, s, successor, lost)
          .thenCompose(r -> hook(ctx, Hook.POST_FAILOVER, s, successor, lost));
    } else {
      chain = hook(ctx, Hook.POST_UNSUCCESSFUL_FAILOVER, s, successor, lost);
    }
    if (ctx.graceful()) {
      chain = chain.thenCompose(r -> hook(ctx, Hook.POST_GRACEFUL_TAKEOVER, s, successor, lost));
    }
    return chain.thenApply(r -> null);
  }

  private CompletionStage<HookRun> hook(Context ctx, Hook hook, TopologySnapshot s,
      InstanceKey successor, List<InstanceKey> lost) {
    HookEvent event = event(ctx, s, successor, lost);
    long start = System.nanoTime();
    return ports.hooks(hook, event).thenApply(r -> {
      ctx.phases.add(telemetry.RecoveryMetrics.Phase.HOOKS, System.nanoTime() - start);
      r.lines().forEach(l -> ports.step(ctx.uid, hook.configName(), l));
      return r;
    });
  }

  /**
   * The hook values of §9.2 for this recovery: the failure as the analysis saw it (the picture
   * afterwards has the failed server alone in a cluster of its own), the successor as it is now.
   */
  HookEvent event(Context ctx, TopologySnapshot s, InstanceKey successor, List<InstanceKey> lost) {
    InstanceKey failed = ctx.req.failed();
    InstanceView fv = s.instance(failed).orElse(null);
    ReplicationAnalysis entry = ctx.req.entry();
    String cluster;
    String alias;
    String domain;
    int countReplicas;
    List<String> replicaHosts;
    if (entry != null) {
      cluster = entry.clusterDetails().name();
      alias = entry.clusterDetails().alias();
      domain = entry.clusterDetails().clusterDomain();
      countReplicas = entry.input().countReplicas();
      replicaHosts = entry.replicas().stream().map(InstanceKey::displayString).toList();
    } else {
      cluster = fv == null ? "" : fv.clusterName();
      var c = s.clusters().get(cluster);
      alias = c == null ? cluster : c.alias();
      domain = c == null ? "" : c.domain();
      countReplicas = s.replicasOf(failed).size();
      replicaHosts = s.replicasOf(failed).stream().map(v -> v.key().displayString()).toList();
    }
    String code = entry != null ? entry.analysis().name() : AnalysisCode.DeadMaster.name();
    boolean coMaster = entry != null ? entry.input().isCoMaster() : fv != null && fv.coMaster();
    HookEvent.Builder b = HookEvent.builder()
        .failureType(code)
        .instanceType(ctx.type == RecoveryType.IntermediateMasterRecovery ? "intermediate-master"
            : coMaster ? "co-master" : "master")
        .isMaster(ctx.type == RecoveryType.MasterRecovery)
        .isCoMaster(coMaster)
        .failureDescription(entry != null ? entry.description() : AnalysisCode.DeadMaster.description())
        .command(ctx.req.commandHint())
        .failed(failed.hostname(), failed.port())
        .failureCluster(cluster)
        .failureClusterAlias(alias)
        .failureClusterDomain(domain)
        .countReplicas(countReplicas)
        .isDowntimed(entry != null ? entry.downtime().isDowntimed() : fv != null && fv.downtimed())
        .autoMasterRecovery(entry != null && entry.clusterDetails().hasAutomatedMasterRecovery())
        .autoIntermediateMasterRecovery(entry != null
            && entry.clusterDetails().hasAutomatedIntermediateMasterRecovery())
        .orchestratorHost(ctx.cfg.nodeName())
        .recoveryUID(ctx.uid)
        .lostReplicas(lost.stream().map(InstanceKey::displayString).toList())
        .replicaHosts(replicaHosts);
    if (successor.isValid()) {
      InstanceView sv = s.instance(successor).orElse(null);
      b.successor(new HookEvent.Successor(successor.hostname(), successor.port(),
          sv == null ? java.util.Optional.empty()
              : java.util.Optional.of(sv.instance().selfCoordinates().displayString()),
          sv == null ? "" : sv.instance().labels().instanceAlias()));
    }
    return b.build();
  }

  /** What one run knows of itself. */
  private static final class Context {
    final String uid;
    final Request req;
    final RecoveryType type;
    final Config cfg;
    final PhaseExecutor.Gate fence;
    final telemetry.RecoveryPhases phases;

    Context(String uid, Request req, RecoveryType type, Config cfg, PhaseExecutor.Gate fence,
        telemetry.RecoveryPhases phases) {
      this.uid = uid;
      this.req = req;
      this.type = type;
      this.cfg = cfg;
      this.fence = fence;
      this.phases = phases;
    }

    boolean graceful() {
      return req.kind() == Kind.GRACEFUL || req.kind() == Kind.GRACEFUL_AUTO;
    }

    String preHook() {
      return graceful() ? "PreGracefulTakeoverProcesses or PreFailoverProcesses" : "PreFailoverProcesses";
    }

    /** Ended before changing anything. */
    RecoveryLog.Resolution refused(List<String> errors) {
      return new RecoveryLog.Resolution(false, InstanceKey.NONE, "", "", List.of(), List.of(),
          errors, recoveryType(), true);
    }

    RecoveryLog.Resolution resolution(boolean ok, List<String> errors) {
      return resolution(ok, InstanceKey.NONE, List.of(), errors);
    }

    String recoveryType() {
      return type == RecoveryType.MasterRecovery || type == RecoveryType.CoMasterRecovery
          ? "MasterRecoveryGTID" : "NotMasterRecovery";
    }

    RecoveryLog.Resolution resolution(boolean ok, InstanceKey successor, List<InstanceKey> lost,
        List<String> errors) {
      return new RecoveryLog.Resolution(ok, successor, "", "", lost, List.of(), errors,
          recoveryType(), false);
    }
  }
}
