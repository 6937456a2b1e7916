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
 * Runs OnFailureDetectionProcesses for a registered detection, on threads of its own (hooks may
 * take minutes; they never run on an actor's or the JDBC dispatcher's threads). Reads the hook
 * list and shell from the current settings, so a reload applies to the next detection.
 */
final class DetectionHooks implements FailureDetector.FailureHooks, AutoCloseable {

  private final java.util.function.Supplier<Settings> settings;
  private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "orcha-hooks");
    t.setDaemon(true);
    return t;
  });

  DetectionHooks(java.util.function.Supplier<Settings> settings) {
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
