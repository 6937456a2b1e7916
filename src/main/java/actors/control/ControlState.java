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
 * recovery), maintenance (a lock against concurrent operations on a server), promotion-rule
 * registrations (register-candidate, expiring), tags (tag/untag: name=value metadata per
 * server) and pools (submit-pool-instances: named server lists, expiring). Persisted in the
 * node's backend, so it survives restarts; expired entries drop out on their own. Subscribers
 * (the topology view, the failure detector) are told every change.
 *
 * <p>Replicated: the leader (see {@link Lead}) writes, every other node takes the leader's
 * state. A write asked for by a caller (downtime, maintenance, candidates, the global switch,
 * aliases, kv, tags, pools) is answered only once a majority of the nodes ({@link actors.cluster.Majority},
 * the leader included) holds it ({@link actors.cluster.MajorityWrite}). When that does not
 * happen within {@link actors.cluster.MajorityWrite#TIMEOUT} (or can no longer happen: the other
 * nodes refuse or are gone), the caller gets an error that says so: the change IS persisted on
 * the leader and reaches the others with its next pushes, but a new leader elected meanwhile
 * may not know it — the caller must not count on it. A single node (a majority of one), and a
 * node that leads no term, answer as soon as the change is persisted. Internal writes nobody
 * waits for (probe intents, purges) are pushed without waiting.
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

  /** Tags a server (tag): sets the tag's value, replacing an earlier one. */
  public record PutTag(InstanceKey key, String name, String value,
      ActorRef<StatusReply<Boolean>> replyTo) implements Command {}

  /**
   * Removes a tag (untag, untag-all) from one server, or from every server when {@code key} is
   * null; only where it has {@code value}, unless that is null. Replies with the servers untagged.
   */
  public record RemoveTags(InstanceKey key, String name, String value,
      ActorRef<StatusReply<List<InstanceKey>>> replyTo) implements Command {}

  /** Replaces a pool's servers (submit-pool-instances); the pool expires after {@code validFor}. */
  public record SubmitPool(String pool, List<InstanceKey> instances, Duration validFor,
      ActorRef<StatusReply<Pool>> replyTo) implements Command {}

  public record Get(ActorRef<Snapshot> replyTo) implements Command {}

  /** Tells {@code subscriber} the current snapshot now and after every change. */
  public record Subscribe(ActorRef<Snapshot> subscriber) implements Command {}

  private enum Expire implements Command { INSTANCE }

  /**
   * This node became leader under {@code term} (its fencing incarnation's counter): read the
   * state from a majority of the nodes, take the newest, make it this term's, and from now on
   * push every change (and, every second, the whole state) to the other nodes. Fails when no
   * majority answered.
   */
  public record Lead(long term, ActorRef<StatusReply<Version>> replyTo) implements Command {}

  /** This node no longer leads: it only takes the leader's state. */
  public record Follow() implements Command {}

  /**
   * The leader's state: taken when newer than this node's. With a {@code replyTo} (a write
   * waiting for its majority), answered once this node holds it: after persisting it, or at
   * once when it holds that version or a later one of the same term; refused by a node that
   * leads this term or a newer one, or follows a newer leader. Null for the periodic pushes.
   */
  public record Replicate(State state, ActorRef<actors.cluster.MajorityWrite.Ack> replyTo)
      implements Command {}

  /** This node's state and version (the leader's majority read). */
  public record GetReplica(ActorRef<Replica> replyTo) implements Command {}

  public record Replica(State state) implements CborSerializable {}

  private record PeersChanged(java.util.Set<ActorRef<Command>> peers) implements Command {}

  private record MajorityRead(long term, List<State> answers, int needed,
      ActorRef<StatusReply<Version>> replyTo) implements Command {}

  private enum Push implements Command { INSTANCE }

  /** A write's majority answered (or could not): the writer hears it now. */
  private record Replicated(actors.cluster.MajorityWrite.Outcome outcome, String what,
      ActorRef<StatusReply<Object>> replyTo, Object value) implements Command {}

  /** Finds the other nodes' control states. */
  public static final org.apache.pekko.actor.typed.receptionist.ServiceKey<Command> KEY =
      org.apache.pekko.actor.typed.receptionist.ServiceKey.create(Command.class, "orcha-control-state");

  /** A server locked for an operation by an owner, for a while. */
  public record Maintenance(long id, InstanceKey key, String owner, String reason,
      Instant begunAt, Instant endsAt) implements CborSerializable {
    public boolean activeAt(Instant now) {
      return now.isBefore(endsAt);
    }
  }

  /**
   * What an operator asked about probing a server (discover: probe it; forget: stop), when:
   * every node's probe manager follows the leader's intents, so discover/forget reach all nodes.
   */
  public record ProbeIntent(boolean probe, Instant at) implements CborSerializable {}

  /** Records a discover (probe = true) or forget of a server, for every node to follow. */
  public record SetProbeIntent(InstanceKey key, boolean probe) implements Command {}

  /** A registered promotion rule and when it expires (CandidateInstanceExpireMinutes). */
  public record Candidate(InstanceKey key, PromotionRule rule, Instant registeredAt,
      Instant expiresAt) implements CborSerializable {
    public boolean activeAt(Instant now) {
      return now.isBefore(expiresAt);
    }
  }

  /**
   * Servers an operator grouped under a name (orchestrator's pools, e.g. the replicas behind a
   * load balancer), as last submitted; dropped when not submitted again before
   * {@code expiresAt} (InstancePoolExpiryMinutes).
   */
  public record Pool(String name, List<InstanceKey> instances, Instant submittedAt,
      Instant expiresAt) implements CborSerializable {
    public Pool {
      instances = instances == null ? List.of() : List.copyOf(instances);
    }

    public boolean activeAt(Instant now) {
      return now.isBefore(expiresAt);
    }
  }

  /** Everything active or not yet purged; readers filter with the time they judge at. */
  public record Snapshot(Map<InstanceKey, Downtime> downtimes,
      Map<InstanceKey, Maintenance> maintenance, Map<InstanceKey, Candidate> candidates,
      boolean globalRecoveriesDisabled, Map<String, String> clusterAliases, Map<String, String> kv,
      Map<InstanceKey, ProbeIntent> probeIntents, Map<InstanceKey, Map<String, String>> tags,
      Map<String, Pool> pools) {
    public static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Map.of(), false,
        Map.of(), Map.of(), Map.of());

    public Snapshot(Map<InstanceKey, Downtime> downtimes, Map<InstanceKey, Maintenance> maintenance,
        Map<InstanceKey, Candidate> candidates, boolean globalRecoveriesDisabled,
        Map<String, String> clusterAliases, Map<String, String> kv,
        Map<InstanceKey, ProbeIntent> probeIntents) {
      this(downtimes, maintenance, candidates, globalRecoveriesDisabled, clusterAliases, kv,
          probeIntents, Map.of(), Map.of());
    }

    public Snapshot(Map<InstanceKey, Downtime> downtimes, Map<InstanceKey, Maintenance> maintenance,
        Map<InstanceKey, Candidate> candidates, boolean globalRecoveriesDisabled,
        Map<String, String> clusterAliases, Map<String, String> kv) {
      this(downtimes, maintenance, candidates, globalRecoveriesDisabled, clusterAliases, kv, Map.of());
    }

    public Snapshot {
      tags = copyTags(tags);
      pools = pools == null ? Map.of() : Map.copyOf(pools);
      probeIntents = probeIntents == null ? Map.of() : Map.copyOf(probeIntents);
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

    /** The pools not expired at {@code now}, by name. */
    public Map<String, Pool> activePools(Instant now) {
      Map<String, Pool> m = new java.util.TreeMap<>();
      pools.forEach((name, p) -> {
        if (p.activeAt(now)) {
          m.put(name, p);
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

  public record ProbeIntentSet(InstanceKey key, ProbeIntent intent) implements Event {}

  public record TagPut(InstanceKey key, String name, String value, Instant at) implements Event {}

  public record TagsRemoved(String name, List<InstanceKey> keys, Instant at) implements Event {}

  public record PoolSubmitted(Pool pool) implements Event {}

  /** Pools not submitted again in time, dropped (not a user action). */
  public record PoolsExpired(List<String> pools, Instant at) implements Event {}

  /** The whole state taken from the leader (or made this term's by a new leader). */
  public record Replaced(State state) implements Event {}

  /** Expired entries purged (not a user action: keeps the state small). */
  public record ExpiredPurged(List<InstanceKey> downtimes, List<InstanceKey> maintenance,
      List<InstanceKey> candidates, Instant at, List<InstanceKey> forgetIntents) implements Event {}

  /**
   * Which write a state is: the leader's term (its fencing incarnation's counter) and the
   * number of changes since it took over. Followers take a leader's state only when it is newer.
   */
  public record Version(long term, long seq) implements Comparable<Version>, CborSerializable {
    public static final Version ZERO = new Version(0, 0);

    @Override
    public int compareTo(Version o) {
      int c = Long.compare(term, o.term);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }

    Version next() {
      return new Version(term, seq + 1);
    }
  }

  public record State(Map<InstanceKey, Downtime> downtimes,
      Map<InstanceKey, Maintenance> maintenance, long lastMaintenanceId,
      Map<InstanceKey, Candidate> candidates, boolean globalRecoveriesDisabled,
      Map<String, String> clusterAliases, Map<String, String> kv, Version version,
      Map<InstanceKey, ProbeIntent> probeIntents, Map<InstanceKey, Map<String, String>> tags,
      Map<String, Pool> pools) implements CborSerializable {

    /** A state without tags and pools (as journals written before they existed hold it). */
    public State(Map<InstanceKey, Downtime> downtimes, Map<InstanceKey, Maintenance> maintenance,
        long lastMaintenanceId, Map<InstanceKey, Candidate> candidates,
        boolean globalRecoveriesDisabled, Map<String, String> clusterAliases,
        Map<String, String> kv, Version version, Map<InstanceKey, ProbeIntent> probeIntents) {
      this(downtimes, maintenance, lastMaintenanceId, candidates, globalRecoveriesDisabled,
          clusterAliases, kv, version, probeIntents, Map.of(), Map.of());
    }

    public State {
      // absent in states persisted before tags and pools existed
      tags = copyTags(tags);
      pools = pools == null ? Map.of() : Map.copyOf(pools);
      version = version == null ? Version.ZERO : version;
      probeIntents = probeIntents == null ? Map.of() : Map.copyOf(probeIntents);
      downtimes = Map.copyOf(downtimes);
      maintenance = Map.copyOf(maintenance);
      candidates = candidates == null ? Map.of() : Map.copyOf(candidates);
      clusterAliases = clusterAliases == null ? Map.of() : Map.copyOf(clusterAliases);
      kv = kv == null ? Map.of() : Map.copyOf(kv);
    }

    Snapshot snapshot() {
      return new Snapshot(downtimes, maintenance, candidates, globalRecoveriesDisabled,
          clusterAliases, kv, probeIntents, tags, pools);
    }

    State withTags(Map<InstanceKey, Map<String, String>> t) {
      return new State(downtimes, maintenance, lastMaintenanceId, candidates,
          globalRecoveriesDisabled, clusterAliases, kv, version, probeIntents, t, pools);
    }

    State withPools(Map<String, Pool> p) {
      return new State(downtimes, maintenance, lastMaintenanceId, candidates,
          globalRecoveriesDisabled, clusterAliases, kv, version, probeIntents, tags, p);
    }

    State withDowntimes(Map<InstanceKey, Downtime> d) {
      return new State(d, maintenance, lastMaintenanceId, candidates, globalRecoveriesDisabled,
          clusterAliases, kv, version, probeIntents, tags, pools);
    }

    State withMaintenance(Map<InstanceKey, Maintenance> m, long lastId) {
      return new State(downtimes, m, lastId, candidates, globalRecoveriesDisabled, clusterAliases,
          kv, version, probeIntents, tags, pools);
    }

    State withCandidates(Map<InstanceKey, Candidate> c) {
      return new State(downtimes, maintenance, lastMaintenanceId, c, globalRecoveriesDisabled,
          clusterAliases, kv, version, probeIntents, tags, pools);
    }

    State withGlobalRecoveriesDisabled(boolean disabled) {
      return new State(downtimes, maintenance, lastMaintenanceId, candidates, disabled,
          clusterAliases, kv, version, probeIntents, tags, pools);
    }

    State withClusterAliases(Map<String, String> a) {
      return new State(downtimes, maintenance, lastMaintenanceId, candidates,
          globalRecoveriesDisabled, a, kv, version, probeIntents, tags, pools);
    }

    State withKv(Map<String, String> k) {
      return new State(downtimes, maintenance, lastMaintenanceId, candidates,
          globalRecoveriesDisabled, clusterAliases, k, version, probeIntents, tags, pools);
    }

    State withVersion(Version v) {
      return new State(downtimes, maintenance, lastMaintenanceId, candidates,
          globalRecoveriesDisabled, clusterAliases, kv, v, probeIntents, tags, pools);
    }

    State withProbeIntents(Map<InstanceKey, ProbeIntent> p) {
      return new State(downtimes, maintenance, lastMaintenanceId, candidates,
          globalRecoveriesDisabled, clusterAliases, kv, version, p, tags, pools);
    }
  }

  /** A deep, immutable copy of servers' tags (null: none); servers without tags are left out. */
  static Map<InstanceKey, Map<String, String>> copyTags(Map<InstanceKey, Map<String, String>> t) {
    if (t == null || t.isEmpty()) {
      return Map.of();
    }
    Map<InstanceKey, Map<String, String>> out = new LinkedHashMap<>();
    t.forEach((k, v) -> {
      if (v != null && !v.isEmpty()) {
        out.put(k, Map.copyOf(v));
      }
    });
    return java.util.Collections.unmodifiableMap(out);
  }

  static final Duration FORGET_INTENT = Duration.ofHours(1);

  /** The maintenance reason of a recovery's locks (followed by its uid). */
  public static final String RECOVERY_LOCK_REASON = "orcha recovery ";

  /** How often expired entries are purged from the journal's state. */
  private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

  private final ActorContext<Command> ctx;
  private final Clock clock;
  private final List<ActorRef<Snapshot>> subscribers = new ArrayList<>();
  // replication working memory: the other nodes' control states, and the term this node leads
  // (0: it follows)
  // volatile: a majority write reads it while it waits (nodes listed late are asked too)
  private volatile java.util.Set<ActorRef<Command>> peers = java.util.Set.of();
  private long leadingTerm;

  /** How often a leader pushes its whole state (nodes that were away catch up). */
  static final Duration PUSH_EVERY = Duration.ofSeconds(1);

  /** How long a new leader waits for the other nodes' states. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  public static Behavior<Command> create(Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.setLoggerName(ControlState.class);
      timers.startTimerWithFixedDelay(Expire.INSTANCE, PURGE_EVERY);
      timers.startTimerWithFixedDelay(Push.INSTANCE, PUSH_EVERY);
      var receptionist = ctx.getSystem().receptionist();
      receptionist.tell(org.apache.pekko.actor.typed.receptionist.Receptionist.register(KEY, ctx.getSelf()));
      receptionist.tell(org.apache.pekko.actor.typed.receptionist.Receptionist.subscribe(KEY,
          ctx.messageAdapter(org.apache.pekko.actor.typed.receptionist.Receptionist.Listing.class,
              l -> new PeersChanged(l.getServiceInstances(KEY)))));
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
    return new State(Map.of(), Map.of(), 0, Map.of(), false, Map.of(), Map.of(), Version.ZERO,
        Map.of());
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
        .onCommand(SetGlobalRecoveries.class, (s, c) -> persistAcknowledged(
            List.of(new GlobalRecoveriesSet(c.enabled(), clock.instant())),
            (c.enabled() ? "enabling" : "disabling") + " of global recoveries", c.replyTo(),
            st -> c.enabled()))
        .onCommand(SetClusterAlias.class, this::onSetClusterAlias)
        .onCommand(PutKv.class, (s, c) -> persistAcknowledged(
            List.of(new KvPut(Map.copyOf(c.pairs()), clock.instant())),
            "kv " + c.pairs().keySet(), c.replyTo(), st -> c.pairs().size()))
        .onCommand(PutTag.class, this::onPutTag)
        .onCommand(RemoveTags.class, this::onRemoveTags)
        .onCommand(SubmitPool.class, this::onSubmitPool)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s.snapshot()))
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(SetProbeIntent.class, (st, c) -> Effect()
            .persist(new ProbeIntentSet(c.key(), new ProbeIntent(c.probe(), clock.instant())))
            .thenRun(this::publish).thenNoReply())
        .onCommand(Expire.class, this::onExpire)
        .onCommand(PeersChanged.class, (st, c) -> {
          peers = c.peers().stream().filter(p -> !p.equals(ctx.getSelf()))
              .collect(java.util.stream.Collectors.toUnmodifiableSet());
          return Effect().noReply();
        })
        .onCommand(Lead.class, this::onLead)
        .onCommand(MajorityRead.class, this::onMajorityRead)
        .onCommand(Follow.class, (st, c) -> {
          leadingTerm = 0;
          return Effect().noReply();
        })
        .onCommand(Replicate.class, this::onReplicate)
        .onCommand(Replicated.class, this::onReplicated)
        .onCommand(GetReplica.class, (st, c) -> Effect().reply(c.replyTo(), new Replica(st)))
        .onCommand(Push.class, (st, c) -> {
          push(st);
          return Effect().noReply();
        })
        .build();
  }

  /** Members the cluster lists (any status): a majority is counted over these. */
  private int majority() {
    return actors.cluster.Majority.of(ctx.getSystem());
  }


  private ReplyEffect<Event, State> onLead(State s, Lead c) {
    leadingTerm = 0; // until the majority read is done, this node neither pushes nor purges
    int needed = majority();
    ctx.pipeToSelf(actors.cluster.Peers.<Command, Replica>askAll(ctx.getSystem(), peers,
            GetReplica::new, READ_TIMEOUT, needed - 1)
            .thenApply(l -> l.stream().map(Replica::state).toList()),
        (answers, err) -> new MajorityRead(c.term(), answers == null ? List.of() : answers, needed,
            c.replyTo()));
    return Effect().noReply();
  }

  /** The newest state a majority knows becomes this term's first version. */
  private ReplyEffect<Event, State> onMajorityRead(State s, MajorityRead c) {
    var result = actors.cluster.Peers.newest("control state", s, c.answers(), c.needed(),
        c.term(), State::version);
    if (result.taken().isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.error(result.refusal()));
    }
    State newest = result.state();
    // locks of recoveries that ran under a previous leader (or before a restart): none of them
    // runs any more, so they are given back (else they would refuse the next recovery)
    Map<InstanceKey, Maintenance> locks = new LinkedHashMap<>(newest.maintenance());
    locks.values().removeIf(m -> m.reason().startsWith(RECOVERY_LOCK_REASON));
    if (locks.size() != newest.maintenance().size()) {
      ctx.getLog().warn("giving back {} lock(s) left by interrupted recoveries",
          newest.maintenance().size() - locks.size());
    }
    State taken = newest.withMaintenance(locks, newest.lastMaintenanceId())
        .withVersion(new Version(c.term(), 0));
    return Effect().persist(new Replaced(taken))
        .thenRun(st -> {
          leadingTerm = c.term();
          publish(st);
        })
        .thenReply(c.replyTo(), st -> StatusReply.success(st.version()));
  }

  private ReplyEffect<Event, State> onReplicate(State s, Replicate c) {
    Version v = c.state().version();
    if (leadingTerm > 0 && v.term() <= leadingTerm) {
      return ack(c, false, s.version()); // this node leads this term (or a newer one)
    }
    if (v.compareTo(s.version()) <= 0) {
      // held already (or a later version of that term): no regress; another term's newer
      // state does not hold this write
      return ack(c, s.version().term() == v.term(), s.version());
    }
    if (leadingTerm > 0) {
      leadingTerm = 0; // a newer leader writes: follow it
    }
    return Effect().persist(new Replaced(c.state())).thenRun(this::publishLocally)
        .thenRun(st -> {
          if (c.replyTo() != null) {
            c.replyTo().tell(new actors.cluster.MajorityWrite.Ack(true, st.version()));
          }
        })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> ack(Replicate c, boolean accepted, Version held) {
    if (c.replyTo() != null) {
      c.replyTo().tell(new actors.cluster.MajorityWrite.Ack(accepted, held));
    }
    return Effect().noReply();
  }

  /** A leader sends its state to every other node. */
  private void push(State s) {
    if (leadingTerm > 0) {
      Replicate r = new Replicate(s, null);
      peers.forEach(p -> p.tell(r));
    }
  }

  /**
   * Persists a caller's write and answers {@code value} once a majority holds it (a leader's
   * write; see the class comment), or an error naming {@code what}.
   */
  private <T> ReplyEffect<Event, State> persistAcknowledged(List<Event> events, String what,
      ActorRef<StatusReply<T>> replyTo, java.util.function.Function<State, T> value) {
    return Effect().persist(events).thenRun(this::publishLocally)
        .thenRun(st -> awaitMajority(st, what, replyTo, value.apply(st)))
        .thenNoReply();
  }

  @SuppressWarnings("unchecked")
  private <T> void awaitMajority(State st, String what, ActorRef<StatusReply<T>> replyTo, T value) {
    ActorRef<StatusReply<Object>> to = (ActorRef<StatusReply<Object>>) (ActorRef<?>) replyTo;
    int needed = majority();
    if (leadingTerm == 0 || needed <= 1) {
      to.tell(StatusReply.success(value)); // nothing to wait for (see the class comment)
      push(st);
      return;
    }
    ctx.pipeToSelf(actors.cluster.MajorityWrite.<Command>replicate(ctx.getSystem(), () -> peers,
            r -> new Replicate(st, r), st.version()),
        (outcome, err) -> new Replicated(outcome, what, to, value));
  }

  private ReplyEffect<Event, State> onReplicated(State s, Replicated c) {
    if (c.outcome().reached()) {
      return Effect().reply(c.replyTo(), StatusReply.success(c.value()));
    }
    String why = c.outcome().refusal(c.what());
    ctx.getLog().warn("{}", why);
    return Effect().reply(c.replyTo(), StatusReply.error(why));
  }

  private ReplyEffect<Event, State> onBeginDowntime(State s, BeginDowntime c) {
    if (c.duration().isNegative() || c.duration().isZero()) {
      return Effect().reply(c.replyTo(), StatusReply.error("downtime duration must be positive"));
    }
    Instant now = clock.instant();
    Downtime d = new Downtime(c.key(), c.owner(), c.reason(), now, now.plus(c.duration()));
    return persistAcknowledged(List.of(new DowntimeBegun(d)), "downtime of " + c.key(),
        c.replyTo(), st -> d);
  }

  private ReplyEffect<Event, State> onEndDowntime(State s, EndDowntime c) {
    if (!s.downtimes().containsKey(c.key())) {
      return Effect().reply(c.replyTo(), StatusReply.success(false)); // orchestrator: not an error
    }
    return persistAcknowledged(List.of(new DowntimeEnded(c.key(), clock.instant())),
        "end of the downtime of " + c.key(), c.replyTo(), st -> true);
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
    return persistAcknowledged(List.of(new MaintenanceBegun(m)),
        "maintenance " + m.id() + " of " + c.key(), c.replyTo(), st -> m);
  }

  private ReplyEffect<Event, State> onEndMaintenance(State s, EndMaintenance c) {
    Maintenance m = s.maintenance().get(c.key());
    if (m == null) {
      return Effect().reply(c.replyTo(), StatusReply.success(0L));
    }
    return persistAcknowledged(List.of(new MaintenanceEnded(c.key(), m.id(), clock.instant())),
        "end of maintenance " + m.id() + " of " + c.key(), c.replyTo(), st -> m.id());
  }

  private ReplyEffect<Event, State> onEndMaintenanceById(State s, EndMaintenanceById c) {
    for (Maintenance m : s.maintenance().values()) {
      if (m.id() == c.id()) {
        return persistAcknowledged(List.of(new MaintenanceEnded(m.key(), m.id(), clock.instant())),
            "end of maintenance " + m.id() + " of " + m.key(), c.replyTo(), st -> m.key());
      }
    }
    return Effect().reply(c.replyTo(), StatusReply.error("No maintenance found with id " + c.id()));
  }

  private ReplyEffect<Event, State> onRegisterCandidate(State s, RegisterCandidate c) {
    Instant now = clock.instant();
    Candidate cand = new Candidate(c.key(), c.rule(), now, now.plus(c.validFor()));
    return persistAcknowledged(List.of(new CandidateRegistered(cand)),
        "promotion rule " + c.rule() + " of " + c.key(), c.replyTo(), st -> cand);
  }

  private ReplyEffect<Event, State> onPutTag(State s, PutTag c) {
    return persistAcknowledged(List.of(new TagPut(c.key(), c.name(), c.value(), clock.instant())),
        "tag " + c.name() + " of " + c.key(), c.replyTo(), st -> true);
  }

  private ReplyEffect<Event, State> onRemoveTags(State s, RemoveTags c) {
    List<InstanceKey> untagged = s.tags().entrySet().stream()
        .filter(e -> c.key() == null || e.getKey().equals(c.key()))
        .filter(e -> e.getValue().containsKey(c.name())
            && (c.value() == null || e.getValue().get(c.name()).equals(c.value())))
        .map(Map.Entry::getKey).sorted().toList();
    if (untagged.isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.success(List.of()));
    }
    return persistAcknowledged(List.of(new TagsRemoved(c.name(), untagged, clock.instant())),
        "removal of tag " + c.name() + " from " + untagged, c.replyTo(), st -> untagged);
  }

  private ReplyEffect<Event, State> onSubmitPool(State s, SubmitPool c) {
    Instant now = clock.instant();
    Pool pool = new Pool(c.pool(), c.instances(), now, now.plus(c.validFor()));
    return persistAcknowledged(List.of(new PoolSubmitted(pool)), "pool " + c.pool(), c.replyTo(),
        st -> pool);
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
    return persistAcknowledged(events, "alias \"" + c.alias() + "\" of cluster "
        + c.clusterName(), c.replyTo(), st -> true);
  }

  private ReplyEffect<Event, State> onSubscribe(State s, Subscribe c) {
    // subscribers are the node's own long-lived actors (view, detector): no unsubscribe needed
    subscribers.add(c.subscriber());
    c.subscriber().tell(s.snapshot());
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onExpire(State s, Expire c) {
    if (leadingTerm == 0) {
      return Effect().noReply(); // the leader purges; its state reaches the others
    }
    Instant now = clock.instant();
    List<InstanceKey> downtimes = s.downtimes().values().stream()
        .filter(d -> !d.endsAt().isAfter(now)).map(Downtime::key).toList();
    List<InstanceKey> maintenance = s.maintenance().values().stream()
        .filter(m -> !m.activeAt(now)).map(Maintenance::key).toList();
    List<InstanceKey> candidates = s.candidates().values().stream()
        .filter(cand -> !cand.activeAt(now)).map(Candidate::key).toList();
    // a forget is followed for an hour: long enough for every node, short enough not to fight
    // crawling for ever
    List<InstanceKey> forgets = s.probeIntents().entrySet().stream()
        .filter(e -> !e.getValue().probe() && e.getValue().at().plus(FORGET_INTENT).isBefore(now))
        .map(Map.Entry::getKey).toList();
    List<String> pools = s.pools().values().stream().filter(p -> !p.activeAt(now))
        .map(Pool::name).toList();
    List<Event> events = new ArrayList<>();
    if (!downtimes.isEmpty() || !maintenance.isEmpty() || !candidates.isEmpty()
        || !forgets.isEmpty()) {
      events.add(new ExpiredPurged(downtimes, maintenance, candidates, now, forgets));
    }
    if (!pools.isEmpty()) {
      events.add(new PoolsExpired(pools, now));
    }
    if (events.isEmpty()) {
      return Effect().noReply();
    }
    return Effect().persist(events).thenRun(this::publish).thenNoReply();
  }

  /** Subscribers hear of every change; a leader also sends it to the other nodes. */
  private void publish(State s) {
    publishLocally(s);
    push(s);
  }

  private void publishLocally(State s) {
    Snapshot snap = s.snapshot();
    subscribers.forEach(r -> r.tell(snap));
  }

  /** Every change is a new version of the state; a replaced state keeps the leader's. */
  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandler<State, Event> changes = changes();
    return (s, e) -> e instanceof Replaced r ? r.state()
        : changes.apply(s, e).withVersion(s.version().next());
  }

  private EventHandler<State, Event> changes() {
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
        .onEvent(ProbeIntentSet.class, (s, e) -> {
          Map<InstanceKey, ProbeIntent> p = new LinkedHashMap<>(s.probeIntents());
          p.put(e.key(), e.intent());
          return s.withProbeIntents(p);
        })
        .onEvent(TagPut.class, (s, e) -> {
          Map<InstanceKey, Map<String, String>> t = new LinkedHashMap<>(s.tags());
          Map<String, String> own = new java.util.TreeMap<>(t.getOrDefault(e.key(), Map.of()));
          own.put(e.name(), e.value());
          t.put(e.key(), own);
          return s.withTags(t);
        })
        .onEvent(TagsRemoved.class, (s, e) -> {
          Map<InstanceKey, Map<String, String>> t = new LinkedHashMap<>(s.tags());
          for (InstanceKey k : e.keys()) {
            Map<String, String> own = new java.util.TreeMap<>(t.getOrDefault(k, Map.of()));
            own.remove(e.name());
            t.put(k, own); // an emptied map is dropped by the state's copy
          }
          return s.withTags(t);
        })
        .onEvent(PoolSubmitted.class, (s, e) -> {
          Map<String, Pool> p = new LinkedHashMap<>(s.pools());
          p.put(e.pool().name(), e.pool());
          return s.withPools(p);
        })
        .onEvent(PoolsExpired.class, (s, e) -> {
          Map<String, Pool> p = new LinkedHashMap<>(s.pools());
          e.pools().forEach(p::remove);
          return s.withPools(p);
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
          Map<InstanceKey, ProbeIntent> p = new LinkedHashMap<>(s.probeIntents());
          if (e.forgetIntents() != null) {
            e.forgetIntents().forEach(p::remove);
          }
          return new State(d, m, s.lastMaintenanceId(), c, s.globalRecoveriesDisabled(),
              s.clusterAliases(), s.kv(), s.version(), p, s.tags(), s.pools());
        })
        .build();
  }
}
