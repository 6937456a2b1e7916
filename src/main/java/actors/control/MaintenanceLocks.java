package actors.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import topology.InstanceKey;

/**
 * Maintenance as a lock: an operation takes every server it will change before it changes any,
 * so two operations never work on one server at once; a server already taken refuses the whole
 * operation (what was taken is given back). Locks expire on their own should orcha die midway.
 */
public final class MaintenanceLocks {

  /** Held locks: the ids of the maintenance entries taken. */
  public record Held(List<Long> ids) {}

  private final ActorRef<ControlState.Command> control;
  private final Scheduler scheduler;
  private final Duration askTimeout;

  public MaintenanceLocks(ActorRef<ControlState.Command> control, Scheduler scheduler,
      Duration askTimeout) {
    this.control = control;
    this.scheduler = scheduler;
    this.askTimeout = askTimeout;
  }

  /** Takes every key in order; fails with the refusal's message when one is taken already. */
  public CompletionStage<Held> acquire(List<InstanceKey> keys, String owner, String reason,
      Duration expiry) {
    List<InstanceKey> distinct = keys.stream().distinct().sorted().toList();
    List<Long> taken = new ArrayList<>();
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (InstanceKey k : distinct) {
      chain = chain.thenCompose(v -> {
        CompletionStage<ControlState.Maintenance> m = AskPattern.askWithStatus(control,
            r -> new ControlState.BeginMaintenance(k, owner, reason, expiry, r), askTimeout, scheduler);
        return m.thenAccept(x -> taken.add(x.id()));
      });
    }
    CompletableFuture<Held> result = new CompletableFuture<>();
    chain.whenComplete((v, err) -> {
      if (err == null) {
        result.complete(new Held(List.copyOf(taken)));
      } else {
        release(new Held(List.copyOf(taken))).whenComplete((x, e2) -> result.completeExceptionally(err));
      }
    });
    return result;
  }

  /** Gives the locks back; never fails (an entry gone already is fine). */
  public CompletionStage<Void> release(Held held) {
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (long id : held.ids()) {
      chain = chain.thenCompose(v -> {
        CompletionStage<InstanceKey> ended = AskPattern.askWithStatus(control,
            r -> new ControlState.EndMaintenanceById(id, r), askTimeout, scheduler);
        return ended.handle((k, e) -> null);
      });
    }
    return chain;
  }
}
