package actors.topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import topology.AliasRules;
import topology.Instance;
import topology.InstanceKey;
import topology.Liveness;
import topology.ObservedInstance;
import topology.ProbeResult;
import topology.Thresholds;
import topology.TopologyAssembler;
import topology.TopologySnapshot;

/**
 * This node's in-memory picture of every server it probes: the last observation and liveness
 * of each, told by the probers on every probe. Answers snapshots (immutable; built by the pure
 * {@link TopologyAssembler}, cached briefly since liveness judgements age). Persists nothing:
 * after a restart the probers' journals tell it the last known facts, marked not re-checked.
 *
 * <p>Mutable maps inside (style guide: allowed for a large view); only immutable snapshots
 * leave the actor.
 */
public final class TopologyView extends AbstractBehavior<TopologyView.Command> {

  public sealed interface Command {}

  /** The last persisted observation of a server, from before this node started. */
  public record InstanceRestored(InstanceKey key, Instance instance, Instant observedAt,
      boolean reachableThen) implements Command {}

  public record InstanceProbed(InstanceKey key, ProbeResult result, Instant at) implements Command {}

  public record InstanceForgotten(InstanceKey key) implements Command {}

  public record GetSnapshot(ActorRef<TopologySnapshot> replyTo) implements Command {}

  public record UpdateRules(Thresholds thresholds, AliasRules aliasRules) implements Command {}

  /** Snapshots are reused for this long when nothing changed (liveness ages meanwhile). */
  private static final Duration SNAPSHOT_REUSE = Duration.ofMillis(250);

  private final Clock clock;
  private final Map<InstanceKey, ObservedInstance> observed = new HashMap<>();
  private Set<String> previousClusterNames = Set.of();
  private Thresholds thresholds;
  private AliasRules aliasRules;
  private TopologySnapshot cached = TopologySnapshot.EMPTY;
  private boolean dirty = true;

  public static Behavior<Command> create(Thresholds thresholds, AliasRules aliasRules, Clock clock) {
    return Behaviors.setup(ctx -> new TopologyView(ctx, thresholds, aliasRules, clock));
  }

  private TopologyView(ActorContext<Command> ctx, Thresholds thresholds, AliasRules aliasRules,
      Clock clock) {
    super(ctx);
    this.thresholds = thresholds;
    this.aliasRules = aliasRules;
    this.clock = clock;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(InstanceRestored.class, this::onRestored)
        .onMessage(InstanceProbed.class, this::onProbed)
        .onMessage(InstanceForgotten.class, this::onForgotten)
        .onMessage(GetSnapshot.class, this::onGetSnapshot)
        .onMessage(UpdateRules.class, this::onUpdateRules)
        .build();
  }

  private Behavior<Command> onRestored(InstanceRestored m) {
    ObservedInstance current = observed.get(m.key());
    if (current != null && current.instance() != null) {
      return this; // a fresh probe already reached it
    }
    Liveness liveness = current == null ? Liveness.restored(m.observedAt())
        : current.liveness().lastSeen() == null
            ? new Liveness(current.liveness().lastAttempt(), m.observedAt(),
                current.liveness().lastFailure(), current.liveness().partial(),
                current.liveness().lastLatency(), current.liveness().consecutiveFailures())
            : current.liveness();
    observed.put(m.key(), new ObservedInstance(m.key(), m.instance(), liveness));
    dirty = true;
    return this;
  }

  private Behavior<Command> onProbed(InstanceProbed m) {
    ObservedInstance current = observed.get(m.key());
    Liveness before = current == null ? Liveness.never() : current.liveness();
    ObservedInstance next;
    if (m.result() instanceof ProbeResult.Reached r) {
      next = new ObservedInstance(m.key(), r.instance(), before.afterSuccess(m.at(), r.latency()));
    } else {
      ProbeResult.Failed f = (ProbeResult.Failed) m.result();
      next = new ObservedInstance(m.key(), current == null ? null : current.instance(),
          before.afterFailure(m.at(), f.failure(), f.partial(), f.latency()));
    }
    observed.put(m.key(), next);
    dirty = true;
    return this;
  }

  private Behavior<Command> onForgotten(InstanceForgotten m) {
    if (observed.remove(m.key()) != null) {
      dirty = true;
    }
    return this;
  }

  private Behavior<Command> onGetSnapshot(GetSnapshot m) {
    m.replyTo().tell(snapshot());
    return this;
  }

  private Behavior<Command> onUpdateRules(UpdateRules m) {
    thresholds = m.thresholds();
    aliasRules = m.aliasRules();
    dirty = true;
    return this;
  }

  private TopologySnapshot snapshot() {
    Instant now = clock.instant();
    if (dirty || Duration.between(cached.builtAt(), now).compareTo(SNAPSHOT_REUSE) >= 0
        || now.isBefore(cached.builtAt())) {
      cached = TopologyAssembler.assemble(observed.values(), previousClusterNames, aliasRules,
          thresholds, now);
      previousClusterNames = Set.copyOf(cached.clusters().keySet());
      dirty = false;
    }
    return cached;
  }
}
