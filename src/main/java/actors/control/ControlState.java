package actors.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import orcha.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import topology.Downtime;
import topology.InstanceKey;
import topology.PromotionRule;

/**
 * What operators tell orcha about servers: downtime (still analysed, skipped by automated
 * recovery), maintenance (a lock against concurrent operations on a server) and promotion-rule
 * registrations (register-candidate, expiring). Persisted in the
 * node's backend, so it survives restarts; expired entries drop out on their own. Subscribers
 * (the topology view, the failure detector) are told every change. The HA milestone moves this
 * state into Distributed Data behind the same protocol.
 */
public final class ControlState extends EventSourcedBehaviorWithEnforcedReplies<
    ControlState.Command, ControlState.Event, ControlState.State> {

  public sealed interface Command extends CborSerializable {}

  public record BeginDowntime(InstanceKey key, String owner, String reason, Duration duration,
      ActorRef<StatusReply<Downtime>> replyTo) implements Command {}

  public record EndDowntime(InstanceKey key, ActorRef<StatusReply<Boolean>> replyTo) implements Command {}

  public record BeginMaintenance(InstanceKey key, String owner, String reason, Duration duration,
      ActorRef<StatusReply<Maintenance>> replyTo) implements Command {}

  /** Ends the maintenance of a server; replies with the ended entry's id (0 when there was none). */
  public record EndMaintenance(InstanceKey key, ActorRef<StatusReply<Long>> replyTo) implements Command {}

  public record EndMaintenanceById(long id, ActorRef<StatusReply<InstanceKey>> replyTo) implements Command {}

  /** Registers a server's promotion rule (register-candidate), expiring after {@code validFor}. */
  public record RegisterCandidate(InstanceKey key, PromotionRule rule, Duration validFor,
      ActorRef<StatusReply<Candidate>> replyTo) implements Command {}

  /** The global switch of automated recoveries (disable/enable-global-recoveries). */
  public record SetGlobalRecoveries(boolean enabled, ActorRef<StatusReply<Boolean>> replyTo)
      implements Command {}

  /** A manual alias for a cluster (set-cluster-alias; after a failover, the alias moves). */
  public record SetClusterAlias(String clusterName, String alias,
      ActorRef<StatusReply<Boolean>> replyTo) implements Command {}

  /** Internal key-value store (masters per cluster alias, as orchestrator's KV). */
  public record PutKv(java.util.Map<String, String> pairs, ActorRef<StatusReply<Integer>> replyTo)
      implements Command {}

  public record Get(ActorRef<Snapshot> replyTo) implements Command {}

  /** Tells {@code subscriber} the current snapshot now and after every change. */
  public record Subscribe(ActorRef<Snapshot> subscriber) implements Command {}

  private enum Expire implements Command { INSTANCE }

  /** A server locked for an operation by an owner, for a while. */
  public record Maintenance(long id, InstanceKey key, String owner, String reason,
      Instant begunAt, Instant endsAt) implements CborSerializable {
    public boolean activeAt(Instant now) {
      return now.isBefore(endsAt);
    }
  }

  /** A registered promotion rule and when it expires (CandidateInstanceExpireMinutes). */
  public record Candidate(InstanceKey key, PromotionRule rule, Instant registeredAt,
      Instant expiresAt) implements CborSerializable {
    public boolean activeAt(Instant now) {
      return now.isBefore(expiresAt);
    }
  }

  /** Everything active or not yet purged; readers filter with the time they judge at. */
  public record Snapshot(Map<InstanceKey, Downtime> downtimes,
      Map<InstanceKey, Maintenance> maintenance, Map<InstanceKey, Candidate> candidates,
      boolean globalRecoveriesDisabled, Map<String, String> clusterAliases, Map<String, String> kv) {
    public static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Map.of(), false,
        Map.of(), Map.of());

    public Snapshot {
      downtimes = Map.copyOf(downtimes);
      maintenance = Map.copyOf(maintenance);
      candidates = Map.copyOf(candidates);
      clusterAliases = clusterAliases == null ? Map.of() : Map.copyOf(clusterAliases);
      kv = kv == null ? Map.of() : Map.copyOf(kv);
    }

    public Snapshot(Map<InstanceKey, Downtime> downtimes, Map<InstanceKey, Maintenance> maintenance,
        Map<InstanceKey, Candidate> candidates) {
      this(downtimes, maintenance, candidates, false, Map.of(), Map.of());
    }

    public Map<InstanceKey, PromotionRule> activeCandidates(Instant now) {
      Map<InstanceKey, PromotionRule> m = new LinkedHashMap<>();
      candidates.forEach((k, c) -> {
        if (c.activeAt(now)) {
          m.put(k, c.rule());
        }
      });
      return m;
    }

    public Map<InstanceKey, Downtime> activeDowntimes(Instant now) {
      Map<InstanceKey, Downtime> m = new LinkedHashMap<>();
      downtimes.forEach((k, d) -> {
        if (d.activeAt(now)) {
          m.put(k, d);
        }
      });
      return m;
    }
  }

  public sealed interface Event extends CborSerializable {}

  public record DowntimeBegun(Downtime downtime) implements Event {}

  public record DowntimeEnded(InstanceKey key, Instant at) implements Event {}

  public record MaintenanceBegun(Maintenance maintenance) implements Event {}

  public record MaintenanceEnded(InstanceKey key, long id, Instant at) implements Event {}

  public record CandidateRegistered(Candidate candidate) implements Event {}

  public record GlobalRecoveriesSet(boolean enabled, Instant at) implements Event {}

  /** An alias given to a cluster (empty alias: the override removed). */
  public record ClusterAliasSet(String clusterName, String alias, Instant at) implements Event {}

  public record KvPut(Map<String, String> pairs, Instant at) implements Event {}

  /** Expired entries purged (not a user action: keeps the state small). */
  public record ExpiredPurged(List<InstanceKey> downtimes, List<InstanceKey> maintenance,
      List<InstanceKey> candidates, Instant at) implements Event {}

  public record State(Map<InstanceKey, Downtime> downtimes,
      Map<InstanceKey, Maintenance> maintenance, long lastMaintenanceId,
      Map<InstanceKey, Candidate> candidates, boolean globalRecoveriesDisabled,
      Map<String, String> clusterAliases, Map<String, String> kv) implements CborSerializable {
    public State {
      downtimes = Map.copyOf(downtimes);
      maintenance = Map.copyOf(maintenance);
      candidates = candidates == null ? Map.of() : Map.copyOf(candidates);
      clusterAliases = clusterAliases == null ? Map.of() : Map.copyOf(clusterAliases);
      kv = kv == null ? Map.of() : Map.copyOf(kv);
    }

    Snapshot snapshot() {
      return new Snapshot(downtimes, maintenance, candidates, globalRecoveriesDisabled,
          clusterAliases, kv);
    }

    State withDowntimes(Map<InstanceKey, Downtime> d) {
      return new State(d, maintenance, lastMaintenanceId, candidates, globalRecoveriesDisabled,
          clusterAliases, kv);
    }

    State withMaintenance(Map<InstanceKey, Maintenance> m, long lastId) {
      return new State(downtimes, m, lastId, candidates, globalRecoveriesDisabled, clusterAliases, kv);
    }

    State withCandidates(Map<InstanceKey, Candidate> c) {
      return new State(downtimes, maintenance, lastMaintenanceId, c, globalRecoveriesDisabled,
          clusterAliases, kv);
    }

    State withGlobalRecoveriesDisabled(boolean disabled) {
      return new State(downtimes, maintenance, lastMaintenanceId, candidates, disabled,
          clusterAliases, kv);
    }

    State withClusterAliases(Map<String, String> a) {
      return new State(downtimes, maintenance, lastMaintenanceId, candidates,
          globalRecoveriesDisabled, a, kv);
    }

    State withKv(Map<String, String> k) {
      return new State(downtimes, maintenance, lastMaintenanceId, candidates,
          globalRecoveriesDisabled, clusterAliases, k);
    }
  }

  /** How often expired entries are purged from the journal's state. */
  private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

  private final ActorContext<Command> ctx;
  private final Clock clock;
  private final List<ActorRef<Snapshot>> subscribers = new ArrayList<>();

  public static Behavior<Command> create(Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.setLoggerName(ControlState.class);
      timers.startTimerWithFixedDelay(Expire.INSTANCE, PURGE_EVERY);
      return new ControlState(ctx, clock);
    }));
  }

  private ControlState(ActorContext<Command> ctx, Clock clock) {
    super(PersistenceId.ofUniqueId("control-state"), SupervisorStrategy.restartWithBackoff(
        Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    this.ctx = ctx;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(Map.of(), Map.of(), 0, Map.of(), false, Map.of(), Map.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> publish(state))
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(BeginDowntime.class, this::onBeginDowntime)
        .onCommand(EndDowntime.class, this::onEndDowntime)
        .onCommand(BeginMaintenance.class, this::onBeginMaintenance)
        .onCommand(EndMaintenance.class, this::onEndMaintenance)
        .onCommand(EndMaintenanceById.class, this::onEndMaintenanceById)
        .onCommand(RegisterCandidate.class, this::onRegisterCandidate)
        .onCommand(SetGlobalRecoveries.class, (s, c) -> Effect()
            .persist(new GlobalRecoveriesSet(c.enabled(), clock.instant())).thenRun(this::publish)
            .thenReply(c.replyTo(), st -> StatusReply.success(c.enabled())))
        .onCommand(SetClusterAlias.class, this::onSetClusterAlias)
        .onCommand(PutKv.class, (s, c) -> Effect()
            .persist(new KvPut(Map.copyOf(c.pairs()), clock.instant())).thenRun(this::publish)
            .thenReply(c.replyTo(), st -> StatusReply.success(c.pairs().size())))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s.snapshot()))
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(Expire.class, this::onExpire)
        .build();
  }

  private ReplyEffect<Event, State> onBeginDowntime(State s, BeginDowntime c) {
    if (c.duration().isNegative() || c.duration().isZero()) {
      return Effect().reply(c.replyTo(), StatusReply.error("downtime duration must be positive"));
    }
    Instant now = clock.instant();
    Downtime d = new Downtime(c.key(), c.owner(), c.reason(), now, now.plus(c.duration()));
    return Effect().persist(new DowntimeBegun(d)).thenRun(this::publish)
        .thenReply(c.replyTo(), st -> StatusReply.success(d));
  }

  private ReplyEffect<Event, State> onEndDowntime(State s, EndDowntime c) {
    if (!s.downtimes().containsKey(c.key())) {
      return Effect().reply(c.replyTo(), StatusReply.success(false)); // orchestrator: not an error
    }
    return Effect().persist(new DowntimeEnded(c.key(), clock.instant())).thenRun(this::publish)
        .thenReply(c.replyTo(), st -> StatusReply.success(true));
  }

  private ReplyEffect<Event, State> onBeginMaintenance(State s, BeginMaintenance c) {
    Instant now = clock.instant();
    Maintenance current = s.maintenance().get(c.key());
    if (current != null && current.activeAt(now)) {
      return Effect().reply(c.replyTo(), StatusReply.error("Cannot begin maintenance: "
          + c.key() + " is already under maintenance by " + current.owner() + ": " + current.reason()));
    }
    Maintenance m = new Maintenance(s.lastMaintenanceId() + 1, c.key(), c.owner(), c.reason(), now,
        now.plus(c.duration()));
    return Effect().persist(new MaintenanceBegun(m)).thenRun(this::publish)
        .thenReply(c.replyTo(), st -> StatusReply.success(m));
  }

  private ReplyEffect<Event, State> onEndMaintenance(State s, EndMaintenance c) {
    Maintenance m = s.maintenance().get(c.key());
    if (m == null) {
      return Effect().reply(c.replyTo(), StatusReply.success(0L));
    }
    return Effect().persist(new MaintenanceEnded(c.key(), m.id(), clock.instant()))
        .thenRun(this::publish).thenReply(c.replyTo(), st -> StatusReply.success(m.id()));
  }

  private ReplyEffect<Event, State> onEndMaintenanceById(State s, EndMaintenanceById c) {
    for (Maintenance m : s.maintenance().values()) {
      if (m.id() == c.id()) {
        return Effect().persist(new MaintenanceEnded(m.key(), m.id(), clock.instant()))
            .thenRun(this::publish).thenReply(c.replyTo(), st -> StatusReply.success(m.key()));
      }
    }
    return Effect().reply(c.replyTo(), StatusReply.error("No maintenance found with id " + c.id()));
  }

  private ReplyEffect<Event, State> onRegisterCandidate(State s, RegisterCandidate c) {
    Instant now = clock.instant();
    Candidate cand = new Candidate(c.key(), c.rule(), now, now.plus(c.validFor()));
    return Effect().persist(new CandidateRegistered(cand)).thenRun(this::publish)
        .thenReply(c.replyTo(), st -> StatusReply.success(cand));
  }

  /** An alias names one cluster: giving it to one takes it from any other. */
  private ReplyEffect<Event, State> onSetClusterAlias(State s, SetClusterAlias c) {
    List<Event> events = new ArrayList<>();
    Instant now = clock.instant();
    if (!c.alias().isEmpty()) {
      s.clusterAliases().forEach((cluster, alias) -> {
        if (alias.equals(c.alias()) && !cluster.equals(c.clusterName())) {
          events.add(new ClusterAliasSet(cluster, "", now));
        }
      });
    }
    events.add(new ClusterAliasSet(c.clusterName(), c.alias(), now));
    return Effect().persist(events).thenRun(this::publish)
        .thenReply(c.replyTo(), st -> StatusReply.success(true));
  }

  private ReplyEffect<Event, State> onSubscribe(State s, Subscribe c) {
    // subscribers are the node's own long-lived actors (view, detector): no unsubscribe needed
    subscribers.add(c.subscriber());
    c.subscriber().tell(s.snapshot());
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onExpire(State s, Expire c) {
    Instant now = clock.instant();
    List<InstanceKey> downtimes = s.downtimes().values().stream()
        .filter(d -> !d.endsAt().isAfter(now)).map(Downtime::key).toList();
    List<InstanceKey> maintenance = s.maintenance().values().stream()
        .filter(m -> !m.activeAt(now)).map(Maintenance::key).toList();
    List<InstanceKey> candidates = s.candidates().values().stream()
        .filter(cand -> !cand.activeAt(now)).map(Candidate::key).toList();
    if (downtimes.isEmpty() && maintenance.isEmpty() && candidates.isEmpty()) {
      return Effect().noReply();
    }
    return Effect().persist(new ExpiredPurged(downtimes, maintenance, candidates, now))
        .thenRun(this::publish).thenNoReply();
  }

  private void publish(State s) {
    Snapshot snap = s.snapshot();
    subscribers.forEach(r -> r.tell(snap));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(DowntimeBegun.class, (s, e) -> {
          Map<InstanceKey, Downtime> d = new LinkedHashMap<>(s.downtimes());
          d.put(e.downtime().key(), e.downtime());
          return s.withDowntimes(d);
        })
        .onEvent(DowntimeEnded.class, (s, e) -> {
          Map<InstanceKey, Downtime> d = new LinkedHashMap<>(s.downtimes());
          d.remove(e.key());
          return s.withDowntimes(d);
        })
        .onEvent(MaintenanceBegun.class, (s, e) -> {
          Map<InstanceKey, Maintenance> m = new LinkedHashMap<>(s.maintenance());
          m.put(e.maintenance().key(), e.maintenance());
          return s.withMaintenance(m, e.maintenance().id());
        })
        .onEvent(MaintenanceEnded.class, (s, e) -> {
          Map<InstanceKey, Maintenance> m = new LinkedHashMap<>(s.maintenance());
          m.remove(e.key());
          return s.withMaintenance(m, s.lastMaintenanceId());
        })
        .onEvent(GlobalRecoveriesSet.class, (s, e) -> s.withGlobalRecoveriesDisabled(!e.enabled()))
        .onEvent(ClusterAliasSet.class, (s, e) -> {
          Map<String, String> a = new LinkedHashMap<>(s.clusterAliases());
          if (e.alias().isEmpty()) {
            a.remove(e.clusterName());
          } else {
            a.put(e.clusterName(), e.alias());
          }
          return s.withClusterAliases(a);
        })
        .onEvent(KvPut.class, (s, e) -> {
          Map<String, String> k = new LinkedHashMap<>(s.kv());
          k.putAll(e.pairs());
          return s.withKv(k);
        })
        .onEvent(CandidateRegistered.class, (s, e) -> {
          Map<InstanceKey, Candidate> c = new LinkedHashMap<>(s.candidates());
          c.put(e.candidate().key(), e.candidate());
          return s.withCandidates(c);
        })
        .onEvent(ExpiredPurged.class, (s, e) -> {
          Map<InstanceKey, Downtime> d = new LinkedHashMap<>(s.downtimes());
          e.downtimes().forEach(d::remove);
          Map<InstanceKey, Maintenance> m = new LinkedHashMap<>(s.maintenance());
          e.maintenance().forEach(m::remove);
          Map<InstanceKey, Candidate> c = new LinkedHashMap<>(s.candidates());
          if (e.candidates() != null) {
            e.candidates().forEach(c::remove);
          }
          return new State(d, m, s.lastMaintenanceId(), c, s.globalRecoveriesDisabled(),
              s.clusterAliases(), s.kv());
        })
        .build();
  }
}
