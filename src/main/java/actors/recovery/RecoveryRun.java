package actors.recovery;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import topology.InstanceKey;
import topology.RecoveryType;

/**
 * One recovery, registered already: runs the {@link RecoveryProcedure}, records its resolution
 * in the {@link RecoveryLog}, tells the coordinator how it ended, and stops. The cluster stays
 * held by the coordinator until this run says it is done.
 */
public final class RecoveryRun {

  public sealed interface Command {}

  private record Finished(RecoveryLog.Resolution resolution) implements Command {}

  private record Resolved(StatusReply<RecoveryLog.Recovery> reply) implements Command {}

  /**
   * Told to the coordinator when the run is over: the recovery as recorded, or why not.
   * {@code analysisCode}: what it recovered from (for the metrics when it was not recorded).
   */
  public record Ended(String uid, String clusterName, String analysisCode,
      StatusReply<RecoveryLog.Recovery> outcome) {}

  private static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(30);

  public static Behavior<Command> create(String uid, String clusterName,
      RecoveryProcedure.Request request, RecoveryType type, RecoveryProcedure procedure,
      refactor.PhaseExecutor.Gate fence, ActorRef<RecoveryLog.Command> log,
      ActorRef<Ended> coordinator) {
    return Behaviors.setup(ctx -> {
      ctx.pipeToSelf(procedure.run(uid, request, type, fence), (r, err) -> new Finished(r != null ? r
          : new RecoveryLog.Resolution(false, InstanceKey.NONE, "", "", List.of(), List.of(),
              List.of("recovery failed: " + err), "", false)));
      return Behaviors.receive(Command.class)
          .onMessage(Finished.class, m -> onFinished(ctx, uid, log, m))
          .onMessage(Resolved.class, m -> {
            coordinator.tell(new Ended(uid, clusterName, request.entry() == null ? ""
                : request.entry().analysis().name(), m.reply()));
            return Behaviors.stopped();
          })
          .build();
    });
  }

  private static Behavior<Command> onFinished(ActorContext<Command> ctx, String uid,
      ActorRef<RecoveryLog.Command> log, Finished m) {
    ctx.askWithStatus(RecoveryLog.Recovery.class, log, RESOLVE_TIMEOUT,
        r -> new RecoveryLog.Resolve(uid, m.resolution(), r),
        (rec, err) -> new Resolved(err == null ? StatusReply.success(rec) : StatusReply.error(err)));
    return Behaviors.same();
  }

  private RecoveryRun() {}
}
