package actors.node;

import actors.control.ControlState;
import actors.control.MaintenanceLocks;
import actors.detection.DetectionLog;
import actors.probe.ProbeManager;
import actors.recovery.RecoveryHooks;
import actors.recovery.RecoveryLog;
import actors.recovery.RecoveryProcedure;
import actors.topology.TopologyView;
import hooks.Hook;
import hooks.HookEvent;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import refactor.PhaseExecutor;
import topology.InstanceKey;
import topology.ProbeResult;
import topology.ReplicationAnalysis;
import topology.TopologySnapshot;

/**
 * What a recovery needs from this node, over its actors. Re-reads never wait on a server that
 * does not answer: each probe is given {@code probeDeadline}, after which the recovery goes on
 * with what the picture says of it (a server that did not answer is not valid there).
 */
final class RecoveryPorts implements RecoveryProcedure.Ports {

  private final ActorRef<TopologyView.Command> view;
  private final ActorRef<ProbeManager.Command> manager;
  private final ActorRef<ControlState.Command> control;
  private final ActorRef<DetectionLog.Command> detections;
  private final ActorRef<RecoveryLog.Command> log;
  private final RecoveryHooks hooks;
  private final MaintenanceLocks locks;
  private final Supplier<PhaseExecutor> executor;
  private final Scheduler scheduler;
  private final Supplier<Duration> askTimeout;
  private final Supplier<Duration> probeDeadline;

  RecoveryPorts(ActorRef<TopologyView.Command> view, ActorRef<ProbeManager.Command> manager,
      ActorRef<ControlState.Command> control, ActorRef<DetectionLog.Command> detections,
      ActorRef<RecoveryLog.Command> log, RecoveryHooks hooks, MaintenanceLocks locks,
      Supplier<PhaseExecutor> executor, Scheduler scheduler, Supplier<Duration> askTimeout,
      Supplier<Duration> probeDeadline) {
    this.view = view;
    this.manager = manager;
    this.control = control;
    this.detections = detections;
    this.log = log;
    this.hooks = hooks;
    this.locks = locks;
    this.executor = executor;
    this.scheduler = scheduler;
    this.askTimeout = askTimeout;
    this.probeDeadline = probeDeadline;
  }

  @Override
  public CompletionStage<TopologySnapshot> snapshot() {
    return AskPattern.ask(view, TopologyView.GetSnapshot::new, askTimeout.get(), scheduler);
  }

  @Override
  public CompletionStage<java.util.Set<InstanceKey>> refresh(Collection<InstanceKey> keys) {
    Duration deadline = probeDeadline.get();
    List<InstanceKey> distinct = keys.stream().distinct().toList();
    List<CompletableFuture<Boolean>> answered = distinct.stream()
        .map(k -> AskPattern.<ProbeManager.Command, ProbeResult>ask(manager,
                r -> new ProbeManager.ProbeNow(k, r), deadline, scheduler)
            .toCompletableFuture()
            .thenApply(r -> r instanceof ProbeResult.Reached)
            .exceptionally(e -> false))
        .toList();
    return CompletableFuture.allOf(answered.toArray(CompletableFuture[]::new)).thenApply(v -> {
      java.util.Set<InstanceKey> silent = new java.util.TreeSet<>();
      for (int i = 0; i < distinct.size(); i++) {
        if (!answered.get(i).join()) {
          silent.add(distinct.get(i));
        }
      }
      return silent;
    });
  }

  @Override
  public CompletionStage<List<ReplicationAnalysis>> analysis() {
    return AskPattern.<TopologyView.Command, TopologyView.AnalysisResult>ask(view,
        TopologyView.GetAnalysis::new, askTimeout.get(), scheduler).thenApply(r -> r.analyses());
  }

  @Override
  public void step(String uid, String phase, String message) {
    log.tell(new RecoveryLog.AddStep(uid, phase, message));
  }

  @Override
  public CompletionStage<Void> downtime(List<InstanceKey> keys, String owner, String reason,
      Duration duration) {
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (InstanceKey k : keys) {
      chain = chain.thenCompose(v -> AskPattern.<ControlState.Command, topology.Downtime>askWithStatus(
          control, r -> new ControlState.BeginDowntime(k, owner, reason, duration, r),
          askTimeout.get(), scheduler).thenApply(d -> (Void) null));
    }
    return chain;
  }

  @Override
  public CompletionStage<Void> endDowntime(InstanceKey key) {
    return AskPattern.<ControlState.Command, Boolean>askWithStatus(control,
        r -> new ControlState.EndDowntime(key, r), askTimeout.get(), scheduler)
        .thenApply(b -> null);
  }

  @Override
  public CompletionStage<Void> acknowledgeDetections(InstanceKey key, String comment) {
    return AskPattern.<DetectionLog.Command, Integer>askWithStatus(detections,
        r -> new DetectionLog.Acknowledge(key, null, "orcha", comment, r), askTimeout.get(),
        scheduler).thenApply(n -> null);
  }

  @Override
  public CompletionStage<Void> setClusterAlias(String clusterName, String alias) {
    return AskPattern.<ControlState.Command, Boolean>askWithStatus(control,
        r -> new ControlState.SetClusterAlias(clusterName, alias, r), askTimeout.get(), scheduler)
        .thenApply(b -> null);
  }

  @Override
  public CompletionStage<Void> putKv(Map<String, String> pairs) {
    return AskPattern.<ControlState.Command, Integer>askWithStatus(control,
        r -> new ControlState.PutKv(pairs, r), askTimeout.get(), scheduler).thenApply(n -> null);
  }

  @Override
  public CompletionStage<RecoveryProcedure.HookRun> hooks(Hook hook, HookEvent event) {
    try {
      return hooks.run(hook, event).exceptionally(e -> new RecoveryProcedure.HookRun(true,
          List.of(hook.configName() + " could not run: " + e.getMessage())));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(new RecoveryProcedure.HookRun(true,
          List.of(hook.configName() + " could not run: " + e.getMessage())));
    }
  }

  @Override
  public MaintenanceLocks locks() {
    return locks;
  }

  @Override
  public PhaseExecutor executor() {
    return executor.get();
  }
}
