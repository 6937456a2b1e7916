package actors.node;

import actors.probe.ProbeManager;
import actors.topology.TopologyView;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import refactor.Refactorer;
import topology.InstanceKey;
import topology.ProbeResult;
import topology.TopologySnapshot;

/** What refactorings (and later recoveries) need from this node's actors: a fresh picture. */
final class NodePorts implements Refactorer.Node {

  private final ActorRef<TopologyView.Command> view;
  private final ActorRef<ProbeManager.Command> manager;
  private final Scheduler scheduler;
  private final Supplier<Duration> timeout;

  NodePorts(ActorRef<TopologyView.Command> view, ActorRef<ProbeManager.Command> manager,
      Scheduler scheduler, Supplier<Duration> timeout) {
    this.view = view;
    this.manager = manager;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<TopologySnapshot> snapshot() {
    return AskPattern.ask(view, TopologyView.GetSnapshot::new, timeout.get(), scheduler);
  }

  /** Probes every server now; the view has each result before the reply (local tell order). */
  @Override
  public CompletionStage<Void> refresh(Collection<InstanceKey> keys) {
    List<CompletableFuture<ProbeResult>> probes = keys.stream().distinct()
        .map(k -> AskPattern.<ProbeManager.Command, ProbeResult>ask(manager,
            r -> new ProbeManager.ProbeNow(k, r), timeout.get(), scheduler).toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new));
  }
}
