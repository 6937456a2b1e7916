package orcha;

import actors.detection.DetectionLog;
import actors.detection.FailureDetector;
import hooks.Hook;
import hooks.HookEvent;
import hooks.HookRunResult;
import hooks.HookRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import topology.AnalysisInput;
import topology.ReplicationAnalysis;
import topology.TopologySnapshot;

/**
 * Runs the configured hook lists (§9): OnFailureDetectionProcesses for a registered detection
 * and the recovery hooks, on threads of their own (hooks may take minutes; they never run on an
 * actor's or the JDBC dispatcher's threads). Reads the lists and shell from the current
 * settings, so a reload applies to the next event.
 */
final class HookProcesses implements FailureDetector.FailureHooks, actors.recovery.RecoveryHooks,
    AutoCloseable {

  private final java.util.function.Supplier<Settings> settings;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "orcha-hooks");
    t.setDaemon(true);
    return t;
  });

  HookProcesses(java.util.function.Supplier<Settings> settings) {
    this.settings = settings;
  }

  @Override
  public CompletionStage<Outcome> onFailureDetection(DetectionLog.Detection detection,
      TopologySnapshot snapshot) {
    Settings s = settings.get();
    List<String> commands = s.recovery().hooks().onFailureDetection();
    if (commands.isEmpty()) {
      return CompletableFuture.completedFuture(new Outcome(List.of(), false));
    }
    HookEvent event = event(detection, s.nodeName());
    HookRunner runner = runnerFor(s.recovery().processesShellCommand());
    return CompletableFuture.supplyAsync(() -> {
      HookRunResult r = runner.run(Hook.ON_FAILURE_DETECTION, commands, event);
      return new Outcome(new ArrayList<>(r.audit()), r.failed());
    }, executor);
  }

  @Override
  public CompletionStage<actors.recovery.RecoveryProcedure.HookRun> run(Hook hook, HookEvent event) {
    Settings s = settings.get();
    List<String> commands = commands(s.recovery().hooks(), hook);
    if (commands.isEmpty()) {
      return CompletableFuture.completedFuture(
          new actors.recovery.RecoveryProcedure.HookRun(false, List.of()));
    }
    HookRunner runner = runnerFor(s.recovery().processesShellCommand());
    return CompletableFuture.supplyAsync(() -> {
      HookRunResult r = runner.run(hook, commands, event);
      return new actors.recovery.RecoveryProcedure.HookRun(r.failed(), new ArrayList<>(r.audit()));
    }, executor);
  }

  static List<String> commands(Settings.Hooks h, Hook hook) {
    return switch (hook) {
      case ON_FAILURE_DETECTION -> h.onFailureDetection();
      case PRE_GRACEFUL_TAKEOVER -> h.preGracefulTakeover();
      case PRE_FAILOVER -> h.preFailover();
      case POST_MASTER_FAILOVER -> h.postMasterFailover();
      case POST_INTERMEDIATE_MASTER_FAILOVER -> h.postIntermediateMasterFailover();
      case POST_FAILOVER -> h.postFailover();
      case POST_UNSUCCESSFUL_FAILOVER -> h.postUnsuccessfulFailover();
      case POST_GRACEFUL_TAKEOVER -> h.postGracefulTakeover();
      case POST_TAKE_MASTER -> h.postTakeMaster();
    };
  }

  /** One runner per shell (the setting may change on reload); runners are cheap to keep. */
  private final java.util.concurrent.ConcurrentHashMap<String, HookRunner> runners =
      new java.util.concurrent.ConcurrentHashMap<>();

  private HookRunner runnerFor(String shell) {
    return runners.computeIfAbsent(shell, HookRunner::new);
  }

  static HookEvent event(DetectionLog.Detection d, String nodeName) {
    ReplicationAnalysis a = d.candidate().analysis();
    AnalysisInput in = a.input();
    String instanceType = in.isCoMaster() ? "co-master"
        : in.isMaster() ? "master" : "intermediate-master";
    return HookEvent.builder()
        .failureType(a.analysis().name())
        .instanceType(instanceType)
        .isMaster(in.isMaster())
        .isCoMaster(in.isCoMaster())
        .failureDescription(a.description())
        .command(a.processing().commandHint())
        .failed(in.key().hostname(), in.key().port())
        .failureCluster(a.clusterDetails().name())
        .failureClusterAlias(a.clusterDetails().alias())
        .failureClusterDomain(a.clusterDetails().clusterDomain())
        .countReplicas(in.countReplicas())
        .isDowntimed(a.downtime().isDowntimed())
        .autoMasterRecovery(a.clusterDetails().hasAutomatedMasterRecovery())
        .autoIntermediateMasterRecovery(a.clusterDetails().hasAutomatedIntermediateMasterRecovery())
        .orchestratorHost(nodeName)
        .recoveryUID(d.uid())
        .replicaHosts(in.replicas().stream().map(k -> k.displayString()).toList())
        .build();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
