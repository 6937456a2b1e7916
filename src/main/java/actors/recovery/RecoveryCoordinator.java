package actors.recovery;

import actors.control.ControlState;
import actors.detection.FailureDetector;
import actors.topology.TopologyView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import topology.AnalysisCode;
import topology.InstanceKey;
import topology.RecoveryControl;
import topology.RecoveryDecision;
import topology.RecoveryPolicy;
import topology.RecoveryRecord;
import topology.RecoverySettings;
import topology.ReplicationAnalysis;
import topology.SkipReason;

/**
 * Decides and starts recoveries. One per node; only the leader's acts (actors.node.Leadership:
 * the oldest reachable Up member in a majority), and only under the fence it claims on
 * becoming leader (actors.cluster.Fencer). Automated: every analysis of its own node goes through {@link RecoveryPolicy}; a skip
 * of an actionable failure is recorded with its reason, an act is registered in the
 * {@link RecoveryLog} before anything is done and run by a {@link RecoveryRun} child. Manual
 * and forced requests (recover, force-master-failover/-takeover, graceful takeover) are decided
 * with {@link RecoveryPolicy#decideForced} and answered when the recovery resolved. A cluster
 * is held from the decision until its run ended: one recovery per cluster at a time.
 */
public final class RecoveryCoordinator {

  public sealed interface Command {}

  /** A manual or forced recovery; answered with the recovery once resolved. */
  public record Recover(RecoveryProcedure.Request request,
      ActorRef<StatusReply<RecoveryLog.Recovery>> replyTo) implements Command {}

  /** The fencing incarnation this coordinator holds (empty until claimed); asked locally only. */
  public record GetIncarnation(ActorRef<Optional<actors.cluster.Incarnation>> replyTo)
      implements Command {}

  private record Analyzed(TopologyView.AnalysisResult result) implements Command {}

  /** The start delay is over: look at the current analysis now rather than at the next one. */
  private enum StartDelayOver implements Command { INSTANCE }

  /** This coordinator's fencing incarnation, claimed from a majority of the orcha nodes. */
  private record Claimed(actors.cluster.Incarnation incarnation, Throwable error) implements Command {}

  private enum ClaimAgain implements Command { INSTANCE }

  /**
   * What another node's analysis sees (quorum-agreed detection): every coordinator tells the
   * others each analysis that calls for a recovery; the leader counts them.
   */
  public record Opinion(String node, Instant at, List<Seen> seen) implements Command,
      orcha.CborSerializable {}

  public record Seen(InstanceKey key, String action) implements orcha.CborSerializable {}

  private record PeersChanged(Set<ActorRef<Command>> peers) implements Command {}

  /** A returned server was fenced (or not): what happened. */
  private record Fenced(InstanceKey key, String what) implements Command {}

  private record FenceToRecord(Fenced fenced, RecoveryLog.State log) implements Command {}

  /** Finds the other nodes' coordinators. */
  public static final org.apache.pekko.actor.typed.receptionist.ServiceKey<Command> KEY =
      org.apache.pekko.actor.typed.receptionist.ServiceKey.create(Command.class, "orcha-coordinator");

  /** Membership or reachability changed (or the periodic check): is this node the leader? */
  private enum CheckLeadership implements Command { INSTANCE }

  /** Time to renew the fence (a leader's lease, see actors.cluster.FenceLease). */
  private enum RenewFence implements Command { INSTANCE }

  private record FenceRenewed(actors.cluster.Incarnation incarnation, long sentAt, Throwable error)
      implements Command {}

  static final Duration LEADERSHIP_CHECK = Duration.ofMillis(200);

  /**
   * raft-yield on the leader: ask the node {@code target} ("host:port", or with {@code hint} a
   * part of it) to take leadership; answered with the node asked. Refused while a recovery runs
   * here (moving leadership would cut it short).
   */
  public record Yield(String target, boolean hint, ActorRef<StatusReply<String>> replyTo)
      implements Command {}

  /** From the yielding leader: claim a newer fence, which makes this node the leader. */
  public record TakeOver(String from) implements Command, orcha.CborSerializable {}

  private record TookOver(TakeOver asked, Instant until, Throwable error) implements Command {}

  private record TakeOverAgain(TakeOver asked, Instant until) implements Command {}

  /** A yield whose node is a member but not listed by the receptionist yet, looked at again. */
  private record YieldAgain(Yield yield, Instant until) implements Command {}

  private record ControlChanged(ControlState.Snapshot control) implements Command {}

  /**
   * {@code lastSeen}: when each entry's server was last reached, as the analysis saw it;
   * {@code unconfirmed}: entries whose failure this node's own probes did not see (shared
   * probing: the failure is another node's observation).
   */
  private record Decide(List<ReplicationAnalysis> entries, Instant seenAt,
      Map<InstanceKey, Instant> lastSeen, Set<InstanceKey> unconfirmed, RecoveryLog.State log,
      Throwable error) implements Command {}

  private record Looked(Recover recover, Instant waitUntil, Optional<ReplicationAnalysis> entry,
      RecoveryLog.State log, Throwable error) implements Command {}

  /** A manual request that arrived before the fence was claimed, looked at again. */
  private record RecoverAgain(Recover recover, Instant waitUntil) implements Command {}

  /** How long a manual request waits for a new coordinator's fence before it is refused. */
  static final Duration WAIT_FOR_FENCE = Duration.ofSeconds(5);

  /** A failed claim (e.g. the keepers not listed yet right after start) is tried again. */
  static final Duration CLAIM_RETRY = Duration.ofMillis(200);

  private record Registered(Pending pending, StatusReply<RecoveryLog.Recovery> reply)
      implements Command {}

  private record RunEnded(RecoveryRun.Ended ended) implements Command {}

  /**
   * A recovery decided and being registered. {@code replyTo} is null for automated ones;
   * {@code lastSeen} (automated ones) when the failed server was last reached.
   */
  private record Pending(String uid, String clusterName, RecoveryDecision decision,
      RecoveryProcedure.Request request, Instant detectedAt, Instant lastSeen,
      ActorRef<StatusReply<RecoveryLog.Recovery>> replyTo, List<String> agreedBy) {}

  /** Everything a coordinator works with, built by the node hosting it. */
  public record Deps(Supplier<RecoverySettings> settings, RecoveryProcedure procedure,
      ActorRef<RecoveryLog.Command> log, ActorRef<ControlState.Command> control,
      ActorRef<TopologyView.Command> view, ActorRef<FailureDetector.Command> detector,
      actors.cluster.Fencer fencer, java.util.function.BooleanSupplier isLeader,
      actors.cluster.FenceLease lease, java.util.function.IntSupplier members, Clock clock, Duration startDelay, String nodeName,
      Duration askTimeout, telemetry.RecoveryMetrics metrics,
      telemetry.ActorMetrics.Family runs) {

    /** Without metrics: nothing is reported. */
    public Deps(Supplier<RecoverySettings> settings, RecoveryProcedure procedure,
        ActorRef<RecoveryLog.Command> log, ActorRef<ControlState.Command> control,
        ActorRef<TopologyView.Command> view, ActorRef<FailureDetector.Command> detector,
        actors.cluster.Fencer fencer, java.util.function.BooleanSupplier isLeader,
        actors.cluster.FenceLease lease, java.util.function.IntSupplier members, Clock clock,
        Duration startDelay, String nodeName, Duration askTimeout) {
      this(settings, procedure, log, control, view, detector, fencer, isLeader, lease, members,
          clock, startDelay, nodeName, askTimeout, telemetry.RecoveryMetrics.unreported(),
          telemetry.ActorMetrics.Family.uncounted());
    }
  }

  /** Quorum-agreed detection applies from this many nodes on. */
  static final int QUORUM_FROM = 3;

  /**
   * @param held clusters (by name) decided, registering or recovering: nothing else starts there
   * @param waiting who asked for a manual recovery, by uid
   */
  private record State(boolean delayOver, boolean leading, actors.cluster.Incarnation incarnation,
      ControlState.Snapshot control, Set<String> held,
      Map<String, ActorRef<StatusReply<RecoveryLog.Recovery>>> waiting,
      Map<String, topology.DetectionQuorum.Opinion> opinions, Set<ActorRef<Command>> peers,
      Set<InstanceKey> fencing) {

    State fencing(Set<InstanceKey> f) {
      return new State(delayOver, leading, incarnation, control, held, waiting,
          opinions, peers, Set.copyOf(f));
    }

    State withOpinion(topology.DetectionQuorum.Opinion o) {
      Map<String, topology.DetectionQuorum.Opinion> m = new HashMap<>(opinions);
      m.put(o.node(), o);
      return new State(delayOver, leading, incarnation, control, held, waiting,
          Map.copyOf(m), peers, fencing);
    }

    State withPeers(Set<ActorRef<Command>> p) {
      return new State(delayOver, leading, incarnation, control, held, waiting,
          opinions, Set.copyOf(p), fencing);
    }

    /**
     * Automated recovery acts once the start delay is over, while this node leads, under a
     * fence claimed since it became leader.
     */
    boolean open() {
      return delayOver && leading && incarnation != null;
    }

    State opened() {
      return new State(true, leading, incarnation, control, held, waiting, opinions, peers, fencing);
    }

    State claimed(actors.cluster.Incarnation i) {
      return new State(delayOver, leading, i, control, held, waiting, opinions, peers, fencing);
    }

    State leading(boolean l) {
      return new State(delayOver, l, null, control, held, waiting, opinions, peers, fencing);
    }

    State hold(String cluster) {
      Set<String> h = new HashSet<>(held);
      h.add(cluster);
      return new State(delayOver, leading, incarnation, control, Set.copyOf(h), waiting, opinions, peers, fencing);
    }

    State release(String cluster) {
      Set<String> h = new HashSet<>(held);
      h.remove(cluster);
      return new State(delayOver, leading, incarnation, control, Set.copyOf(h), waiting, opinions, peers, fencing);
    }

    State waitFor(String uid, ActorRef<StatusReply<RecoveryLog.Recovery>> replyTo) {
      if (replyTo == null) {
        return this;
      }
      Map<String, ActorRef<StatusReply<RecoveryLog.Recovery>>> w = new HashMap<>(waiting);
      w.put(uid, replyTo);
      return new State(delayOver, leading, incarnation, control, held, Map.copyOf(w), opinions, peers, fencing);
    }

    State answered(String uid) {
      Map<String, ActorRef<StatusReply<RecoveryLog.Recovery>>> w = new HashMap<>(waiting);
      w.remove(uid);
      return new State(delayOver, leading, incarnation, control, held, Map.copyOf(w), opinions, peers, fencing);
    }

    State withControl(ControlState.Snapshot c) {
      return new State(delayOver, leading, incarnation, c, held, waiting, opinions, peers, fencing);
    }
  }

  public static Behavior<Command> create(Deps deps) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.setLoggerName(RecoveryCoordinator.class);
      // events say when membership or reachability changed; the timer is the safety net
      timers.startTimerWithFixedDelay(CheckLeadership.INSTANCE, LEADERSHIP_CHECK);
      timers.startTimerWithFixedDelay(RenewFence.INSTANCE, actors.cluster.FenceLease.RENEW_EVERY);
      deps.detector().tell(new FailureDetector.ForwardAnalyses(
          ctx.messageAdapter(TopologyView.AnalysisResult.class, Analyzed::new)));
      deps.control().tell(new ControlState.Subscribe(
          ctx.messageAdapter(ControlState.Snapshot.class, ControlChanged::new)));
      ctx.getLog().info("recovery coordinator running on {}", deps.nodeName());
      ctx.scheduleOnce(deps.startDelay(), ctx.getSelf(), StartDelayOver.INSTANCE);
      org.apache.pekko.cluster.typed.Cluster.get(ctx.getSystem()).subscriptions().tell(
          org.apache.pekko.cluster.typed.Subscribe.create(ctx.messageAdapter(
              org.apache.pekko.cluster.ClusterEvent.ClusterDomainEvent.class,
              e -> CheckLeadership.INSTANCE), org.apache.pekko.cluster.ClusterEvent.ClusterDomainEvent.class));
      ctx.getSelf().tell(CheckLeadership.INSTANCE);
      var receptionist = ctx.getSystem().receptionist();
      receptionist.tell(org.apache.pekko.actor.typed.receptionist.Receptionist.register(KEY, ctx.getSelf()));
      receptionist.tell(org.apache.pekko.actor.typed.receptionist.Receptionist.subscribe(KEY,
          ctx.messageAdapter(org.apache.pekko.actor.typed.receptionist.Receptionist.Listing.class,
              l -> new PeersChanged(l.getServiceInstances(KEY)))));
      return new RecoveryCoordinator(ctx, deps)
          .behavior(new State(false, false, null, ControlState.Snapshot.EMPTY, Set.of(), Map.of(),
              Map.of(), Set.of(), Set.of()));
    }));
  }

  private final ActorContext<Command> ctx;
  private final Deps deps;
  /** This node in opinions: its name and cluster address (names alone may repeat). */
  private final String self;

  private RecoveryCoordinator(ActorContext<Command> ctx, Deps deps) {
    this.self = deps.nodeName() + "@" + actors.cluster.NodeAddress.self(ctx.getSystem());
    this.ctx = ctx;
    this.deps = deps;
  }

  private Behavior<Command> behavior(State state) {
    return Behaviors.receive(Command.class)
        .onMessage(ControlChanged.class, m -> onControlChanged(state, m))
        .onMessage(Analyzed.class, m -> onAnalyzed(state, m))
        .onMessage(StartDelayOver.class, m -> lookNowIfOpen(state.opened()))
        .onMessage(Claimed.class, m -> onClaimed(state, m))
        .onMessage(GetIncarnation.class, m -> {
          m.replyTo().tell(Optional.ofNullable(state.incarnation()));
          return Behaviors.same();
        })
        .onMessage(ClaimAgain.class, m -> {
          if (state.leading() && state.incarnation() == null) {
            claim(ctx, deps);
          }
          return Behaviors.same();
        })
        .onMessage(CheckLeadership.class, m -> onCheckLeadership(state))
        .onMessage(RenewFence.class, m -> onRenewFence(state))
        .onMessage(Yield.class, m -> onYield(state, m, deps.clock().instant().plus(WAIT_FOR_FENCE)))
        .onMessage(YieldAgain.class, m -> onYield(state, m.yield(), m.until()))
        .onMessage(TakeOver.class, m -> onTakeOver(m, deps.clock().instant().plus(WAIT_FOR_FENCE)))
        .onMessage(TakeOverAgain.class, m -> onTakeOver(m.asked(), m.until()))
        .onMessage(TookOver.class, m -> onTookOver(m))
        .onMessage(FenceRenewed.class, m -> onFenceRenewed(state, m))
        .onMessage(PeersChanged.class, m -> behavior(state.withPeers(m.peers().stream()
            .filter(p -> !p.equals(ctx.getSelf())).collect(java.util.stream.Collectors.toSet()))))
        .onMessage(Opinion.class, m -> onOpinion(state, m))
        .onMessage(Fenced.class, m -> onFenced(state, m))
        .onMessage(FenceToRecord.class, this::onFenceToRecord)
        .onMessage(Decide.class, m -> onDecide(state, m))
        .onMessage(Recover.class, m -> onRecover(m, deps.clock().instant().plus(WAIT_FOR_FENCE)))
        .onMessage(RecoverAgain.class, m -> onRecover(m.recover(), m.waitUntil()))
        .onMessage(Looked.class, m -> onLooked(state, m))
        .onMessage(Registered.class, m -> onRegistered(state, m))
        .onMessage(RunEnded.class, m -> onRunEnded(state, m.ended()))
        .build();
  }

  private Behavior<Command> onControlChanged(State state, ControlChanged m) {
    return behavior(state.withControl(m.control()));
  }

  /**
   * Claims a fence, then takes over the replicated control state under that incarnation (the
   * newest state a majority of the nodes holds): only then does this leader act.
   */
  private static void claim(ActorContext<Command> ctx, Deps deps) {
    ctx.pipeToSelf(deps.fencer().claim().thenCompose(inc ->
            AskPattern.<ControlState.Command, ControlState.Version>askWithStatus(deps.control(),
                r -> new ControlState.Lead(inc.counter(), r), deps.askTimeout(),
                ctx.getSystem().scheduler())
            .thenCompose(v -> AskPattern.<RecoveryLog.Command, ControlState.Version>askWithStatus(
                deps.log(), r -> new RecoveryLog.Lead(inc.counter(), r), deps.askTimeout(),
                ctx.getSystem().scheduler()))
            .thenApply(v -> inc)),
        Claimed::new);
  }

  private Behavior<Command> onYield(State state, Yield m, Instant until) {
    if (!state.leading() || state.incarnation() == null) {
      m.replyTo().tell(StatusReply.error("raft-yield: " + deps.nodeName() + " is not the leader"));
      return Behaviors.same();
    }
    if (!state.held().isEmpty()) {
      m.replyTo().tell(StatusReply.error("raft-yield refused: a recovery is running on the leader ("
          + String.join(", ", state.held()) + "); try again when it ended"));
      return Behaviors.same();
    }
    String me = actors.cluster.NodeAddress.self(ctx.getSystem());
    java.util.Map<String, ActorRef<Command>> nodes = new java.util.TreeMap<>();
    state.peers().forEach(p -> nodes.put(actors.cluster.NodeAddress.hostPort(p.path().address()), p));
    List<String> matching = new ArrayList<>();
    for (String n : nodes.keySet()) {
      if (m.hint() ? n.contains(m.target()) : (n.equals(m.target()) || host(n).equals(m.target()))) {
        matching.add(n);
      }
    }
    boolean meMatches = m.hint() ? me.contains(m.target())
        : me.equals(m.target()) || host(me).equals(m.target());
    if (matching.isEmpty() && meMatches) {
      m.replyTo().tell(StatusReply.success(me)); // already the leader
    } else if (matching.isEmpty() && deps.clock().instant().isBefore(until)
        && memberMatches(m.target(), m.hint())) {
      // a member whose coordinator the receptionist does not list yet (just joined)
      ctx.scheduleOnce(CLAIM_RETRY, ctx.getSelf(), new YieldAgain(m, until));
    } else if (matching.size() != 1) {
      m.replyTo().tell(StatusReply.error("raft-yield: " + (matching.isEmpty() ? "no" : "more than one")
          + " orcha node matches " + (m.hint() ? "hint " : "") + m.target() + " (nodes: "
          + String.join(", ", nodes.keySet()) + ", this one " + me + ")"));
    } else {
      ctx.getLog().warn("yielding leadership to {}", matching.get(0));
      nodes.get(matching.get(0)).tell(new TakeOver(me));
      m.replyTo().tell(StatusReply.success(matching.get(0)));
    }
    return Behaviors.same();
  }

  private boolean memberMatches(String target, boolean hint) {
    for (org.apache.pekko.cluster.Member mem : org.apache.pekko.cluster.typed.Cluster.get(
        ctx.getSystem()).state().getMembers()) {
      String n = actors.cluster.NodeAddress.hostPort(mem.address());
      if (mem.status() == org.apache.pekko.cluster.MemberStatus.up()
          && !n.equals(actors.cluster.NodeAddress.self(ctx.getSystem()))
          && (hint ? n.contains(target) : n.equals(target) || host(n).equals(target))) {
        return true;
      }
    }
    return false;
  }

  private static String host(String hostPort) {
    int i = hostPort.lastIndexOf(':');
    return i < 0 ? hostPort : hostPort.substring(0, i);
  }

  /**
   * Asked to lead: claim a newer fence; the other nodes follow the newest holder. Tried again
   * for a few seconds (right after a join, the other nodes' keepers may not be listed yet).
   */
  private Behavior<Command> onTakeOver(TakeOver m, Instant until) {
    ctx.getLog().warn("{} yields leadership to this node: claiming a fence", m.from());
    ctx.pipeToSelf(deps.fencer().claim(), (inc, err) -> new TookOver(m, until, err));
    return Behaviors.same();
  }

  private Behavior<Command> onTookOver(TookOver m) {
    if (m.error() == null) {
      ctx.getSelf().tell(CheckLeadership.INSTANCE);
    } else if (deps.clock().instant().isBefore(m.until())) {
      ctx.scheduleOnce(CLAIM_RETRY, ctx.getSelf(), new TakeOverAgain(m.asked(), m.until()));
    } else {
      ctx.getLog().warn("could not take over leadership: {}", m.error().getMessage());
    }
    return Behaviors.same();
  }

  /** A leader holding a fence asks a majority to acknowledge it again (its lease). */
  private Behavior<Command> onRenewFence(State state) {
    actors.cluster.Incarnation inc = state.incarnation();
    if (state.leading() && inc != null) {
      long sentAt = deps.lease().now();
      ctx.pipeToSelf(deps.fencer().hold(inc), (v, err) -> new FenceRenewed(inc, sentAt, err));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onFenceRenewed(State state, FenceRenewed m) {
    if (m.error() == null && state.leading() && m.incarnation().equals(state.incarnation())) {
      deps.lease().renewed(m.sentAt());
    } else if (m.error() != null) {
      ctx.getLog().debug("fence renewal failed: {}", m.error().getMessage());
    }
    return Behaviors.same();
  }

  /** Becoming leader claims a fence; losing leadership drops it (no new recovery starts). */
  private Behavior<Command> onCheckLeadership(State state) {
    boolean leader = deps.isLeader().getAsBoolean();
    if (leader == state.leading()) {
      return Behaviors.same();
    }
    if (leader) {
      ctx.getLog().info("{} is the leader: claiming a fence", deps.nodeName());
      claim(ctx, deps);
    } else {
      ctx.getLog().warn("{} is no longer the leader: no new recovery starts here", deps.nodeName());
      deps.lease().dropped();
      deps.control().tell(new ControlState.Follow());
      deps.log().tell(new RecoveryLog.Follow());
    }
    return behavior(state.leading(leader));
  }

  private Behavior<Command> onClaimed(State state, Claimed m) {
    if (!state.leading()) {
      return Behaviors.same(); // claimed after leadership was lost: not used
    }
    if (m.error() != null) {
      ctx.getLog().debug("no fencing incarnation yet, recoveries wait: {}", m.error().getMessage());
      ctx.scheduleOnce(CLAIM_RETRY, ctx.getSelf(), ClaimAgain.INSTANCE);
      return Behaviors.same();
    }
    ctx.getLog().info("fencing incarnation {} claimed", m.incarnation());
    ctx.getSelf().tell(RenewFence.INSTANCE);
    return lookNowIfOpen(state.claimed(m.incarnation()));
  }

  /** Once open, the current analysis is looked at now rather than at the next one. */
  private Behavior<Command> lookNowIfOpen(State state) {
    if (state.open()) {
      ctx.pipeToSelf(AskPattern.<TopologyView.Command, TopologyView.AnalysisResult>ask(
              deps.view(), TopologyView.GetAnalysis::new, deps.askTimeout(),
              ctx.getSystem().scheduler()),
          (result, err) -> new Analyzed(result != null ? result : new TopologyView.AnalysisResult(
              topology.TopologySnapshot.EMPTY, List.of(), deps.clock().instant())));
    }
    return behavior(state);
  }

  /** Entries that may lead to a recovery, of clusters not held; then the log is read. */
  private Behavior<Command> onAnalyzed(State state, Analyzed m) {
    tellOpinion(state, m.result());
    if (!state.open()) {
      return Behaviors.same(); // a new coordinator first lets the picture settle
    }
    state = fenceReturned(state, m.result().snapshot()); // kept below: fences run once each
    Map<String, ReplicationAnalysis> byCluster = new LinkedHashMap<>();
    for (ReplicationAnalysis a : m.result().analyses()) {
      String cluster = a.clusterDetails().name();
      if (a.analysis().isActionable() && !state.held().contains(cluster)) {
        byCluster.merge(cluster, a, (first, next) -> first); // analyses come most severe first
      }
    }
    if (byCluster.isEmpty()) {
      return behavior(state);
    }
    State next = state;
    for (String c : byCluster.keySet()) {
      next = next.hold(c);
    }
    List<ReplicationAnalysis> entries = List.copyOf(byCluster.values());
    Instant seenAt = m.result().at();
    Map<InstanceKey, Instant> lastSeen = new HashMap<>();
    Set<InstanceKey> unconfirmed = new HashSet<>();
    for (ReplicationAnalysis a : entries) {
      m.result().snapshot().instance(a.key()).map(v -> v.liveness().lastSeen())
          .ifPresent(t -> lastSeen.put(a.key(), t));
      if (!m.result().confirms(a.key())) {
        unconfirmed.add(a.key());
      }
    }
    Set<InstanceKey> notOwn = Set.copyOf(unconfirmed);
    ctx.pipeToSelf(readLog(), (log, err) -> new Decide(entries, seenAt, lastSeen, notOwn, log, err));
    return behavior(next);
  }

  /** Old masters (and lost replicas) back and writable are fenced, one run per server. */
  private State fenceReturned(State state, topology.TopologySnapshot snapshot) {
    Set<InstanceKey> fencing = new HashSet<>(state.fencing());
    for (InstanceKey key : topology.ReturnedServers.toFence(snapshot)) {
      if (fencing.add(key)) {
        ctx.getLog().warn("{} was lost in a recovery and is back, writable: fencing it", key);
        actors.cluster.Incarnation inc = state.incarnation();
        ctx.pipeToSelf(deps.procedure().fenceReturned(key, step -> deps.fencer().hold(inc)),
            (what, err) -> new Fenced(key, what != null ? what : "not fenced: " + err));
      }
    }
    return fencing.size() == state.fencing().size() ? state : state.fencing(fencing);
  }

  private Behavior<Command> onFenced(State state, Fenced m) {
    ctx.getLog().warn("returned server {}: {}", m.key(), m.what());
    ctx.pipeToSelf(readLog(), (log, err) -> new FenceToRecord(m, log));
    Set<InstanceKey> fencing = new HashSet<>(state.fencing());
    fencing.remove(m.key());
    return behavior(state.fencing(fencing));
  }

  /** The fencing becomes a step of the recovery that left the server behind. */
  private Behavior<Command> onFenceToRecord(FenceToRecord m) {
    if (m.log() != null) {
      InstanceKey key = m.fenced().key();
      m.log().recoveries().stream().filter(r -> r.start().failedKey().equals(key)
              || (r.resolution() != null && r.resolution().lostReplicas().contains(key)))
          .reduce((a, b) -> b).ifPresent(r -> deps.log().tell(new RecoveryLog.AddStep(
              r.start().uid(), "returned", key + " answered again, writable: " + m.fenced().what())));
    }
    return Behaviors.same();
  }

  /** Tells the other nodes' coordinators what this node's analysis calls a recovery for. */
  private void tellOpinion(State state, TopologyView.AnalysisResult result) {
    if (state.peers().isEmpty()) {
      return;
    }
    RecoverySettings settings = deps.settings().get();
    List<Seen> seen = new ArrayList<>();
    for (ReplicationAnalysis a : result.analyses()) {
      var action = a.analysis().actionUnder(settings.analysisSettings());
      // shared probing: only failures this node's own probes saw count as its opinion
      if (a.analysis().isActionable() && action != topology.RecoveryAction.NONE
          && result.confirms(a.key())) {
        seen.add(new Seen(a.key(), action.name()));
      }
    }
    if (!seen.isEmpty()) {
      Opinion o = new Opinion(self, result.at(), seen);
      state.peers().forEach(p -> p.tell(o));
    }
  }

  /** A leader hearing that another node sees a failure looks at its own picture again. */
  private Behavior<Command> onOpinion(State state, Opinion m) {
    Map<InstanceKey, topology.RecoveryAction> seen = new HashMap<>();
    m.seen().forEach(x -> seen.put(x.key(), topology.RecoveryAction.valueOf(x.action())));
    State next = state.withOpinion(new topology.DetectionQuorum.Opinion(m.node(), m.at(), seen));
    return lookNowIfOpen(next);
  }

  /** The freshness window of other nodes' opinions. */
  private Duration freshness() {
    Duration twoPolls = deps.startDelay().multipliedBy(2).dividedBy(3);
    return twoPolls.compareTo(Duration.ofSeconds(3)) > 0 ? twoPolls : Duration.ofSeconds(3);
  }

  private CompletableFuture<RecoveryLog.State> readLog() {
    return AskPattern.ask(deps.log(), RecoveryLog.Get::new, deps.askTimeout(),
        ctx.getSystem().scheduler()).toCompletableFuture();
  }

  private Behavior<Command> onDecide(State state, Decide m) {
    State next = state;
    if (m.error() != null) {
      ctx.getLog().error("cannot read the recovery log: {}", m.error().getMessage());
      for (ReplicationAnalysis a : m.entries()) {
        next = next.release(a.clusterDetails().name());
      }
      return behavior(next);
    }
    RecoverySettings settings = deps.settings().get();
    Instant now = deps.clock().instant();
    RecoveryControl control = control(state, m.log());
    for (ReplicationAnalysis a : m.entries()) {
      String cluster = a.clusterDetails().name();
      RecoveryDecision d = RecoveryPolicy.decide(a, control, settings, now);
      if (d.skipped()) {
        recordSkip(d, a, now);
        next = next.release(cluster);
        continue;
      }
      List<String> agreedBy = List.of();
      int members = deps.members().getAsInt();
      boolean selfConfirms = !m.unconfirmed().contains(a.key());
      if (members < QUORUM_FROM && !selfConfirms) {
        // shared probing without a quorum: another node's observation alone is not acted on;
        // this node's emergent probe of the server confirms it (or not) within a moment
        ctx.getLog().debug("not recovering yet: {} on {} not confirmed by this node's own probe",
            a.analysis(), a.key());
        next = next.release(cluster);
        continue;
      }
      if (members >= QUORUM_FROM) {
        var agreement = topology.DetectionQuorum.agree(a.key(), d.action(),
            self, selfConfirms, state.opinions().values(), members, now,
            freshness());
        if (!agreement.agreed()) {
          String why = "quorum-agreed detection: " + agreement.describe(a.analysis(), a.key());
          ctx.getLog().debug("not recovering yet: {}", why);
          deps.metrics().skipped(a.analysis().name(), "quorum");
          deps.log().tell(new RecoveryLog.RecordSkip(new RecoveryLog.Skip(now, a.key(), cluster,
              a.analysis().name(), why, "")));
          next = next.release(cluster);
          continue;
        }
        agreedBy = agreement.nodes();
      }
      RecoveryProcedure.Request req = new RecoveryProcedure.Request(
          RecoveryProcedure.Kind.AUTOMATED, a.key(), InstanceKey.NONE, a, false, "",
          deps.nodeName());
      register(new Pending(newUid(now), cluster, d, req, m.seenAt(), m.lastSeen().get(a.key()),
          null, agreedBy));
    }
    return behavior(next);
  }

  private void recordSkip(RecoveryDecision d, ReplicationAnalysis a, Instant now) {
    if (d.skipReason() == SkipReason.NO_HANDLER || d.skipReason() == SkipReason.NOT_ACTIONABLE) {
      return; // detection only: nothing was going to be recovered
    }
    deps.metrics().skipped(a.analysis().name(), d.skipReason().name());
    String blocking = d.blockedBy().isEmpty() ? "" : d.blockedBy().get(0).uid();
    ctx.getLog().debug("not recovering: {}", d.reason()); // the log records each reason once
    deps.log().tell(new RecoveryLog.RecordSkip(new RecoveryLog.Skip(now, a.key(),
        a.clusterDetails().name(), a.analysis().name(), d.reason(), blocking)));
  }

  /** Policy's view of the log and of the global switch. */
  static RecoveryControl control(State state, RecoveryLog.State log) {
    List<RecoveryRecord> records = new ArrayList<>();
    for (RecoveryLog.Recovery r : log.recoveries()) {
      records.add(new RecoveryRecord(r.start().uid(), r.start().clusterName(),
          r.start().clusterAlias(), r.start().failedKey(),
          r.resolution() == null ? InstanceKey.NONE : r.resolution().successor(), r.startedAt(),
          r.endedAt(), r.acknowledged()));
    }
    return new RecoveryControl(state.control().globalRecoveriesDisabled(), records, Map.of());
  }

  private Behavior<Command> onRecover(Recover m, Instant waitUntil) {
    InstanceKey key = m.request().failed();
    CompletableFuture<Optional<ReplicationAnalysis>> entry = AskPattern.<TopologyView.Command,
        Optional<ReplicationAnalysis>>ask(deps.view(), r -> new TopologyView.GetEntry(key, r),
        deps.askTimeout(), ctx.getSystem().scheduler()).toCompletableFuture();
    CompletableFuture<RecoveryLog.State> log = readLog();
    ctx.pipeToSelf(entry.thenCombine(log, (e, l) -> new Looked(m, waitUntil, e, l, null)),
        (looked, err) -> looked != null ? looked
            : new Looked(m, waitUntil, Optional.empty(), null, err));
    return Behaviors.same();
  }

  private Behavior<Command> onLooked(State state, Looked m) {
    RecoveryProcedure.Request req = m.recover().request();
    ActorRef<StatusReply<RecoveryLog.Recovery>> replyTo = m.recover().replyTo();
    if (m.error() != null) {
      replyTo.tell(StatusReply.error("Recovery not attempted: " + m.error().getMessage()));
      return Behaviors.same();
    }
    if (m.entry().isEmpty()) {
      replyTo.tell(StatusReply.error("Recovery not attempted: " + req.failed()
          + " is not a known instance"));
      return Behaviors.same();
    }
    if (!state.leading() && !deps.clock().instant().isBefore(m.waitUntil())) {
      replyTo.tell(StatusReply.error("Recovery not attempted: " + deps.nodeName()
          + " is not the leader"));
      return Behaviors.same();
    }
    if (state.incarnation() == null) {
      if (deps.clock().instant().isBefore(m.waitUntil())) {
        ctx.scheduleOnce(Duration.ofMillis(200), ctx.getSelf(),
            new RecoverAgain(m.recover(), m.waitUntil()));
        return Behaviors.same();
      }
      replyTo.tell(StatusReply.error("Recovery not attempted: " + (state.leading()
          ? "this leader holds no fence (a majority of the orcha nodes has not acknowledged it)"
          : deps.nodeName() + " is not the leader")));
      return Behaviors.same();
    }
    ReplicationAnalysis entry = m.entry().get();
    String hint = switch (req.kind()) {
      case FORCE_FAILOVER -> "force-master-failover";
      case FORCE_TAKEOVER -> "force-master-takeover";
      case GRACEFUL, GRACEFUL_AUTO -> "graceful-master-takeover";
      default -> "";
    };
    if (!hint.isEmpty()) {
      entry = entry.withAnalysis(AnalysisCode.DeadMaster, hint);
    }
    String cluster = entry.clusterDetails().name();
    if (state.held().contains(cluster)) {
      replyTo.tell(StatusReply.error("Recovery not attempted: a recovery of cluster " + cluster
          + " is being decided or running; one recovery per cluster at a time"));
      return Behaviors.same();
    }
    Instant now = deps.clock().instant();
    RecoveryDecision d = RecoveryPolicy.decideForced(entry, control(state, m.log()),
        deps.settings().get(), now);
    if (d.skipped()) {
      replyTo.tell(StatusReply.error("Recovery not attempted: " + d.reason()));
      return Behaviors.same();
    }
    for (RecoveryRecord r : d.acknowledge()) { // orchestrator's implicit acknowledgement
      deps.log().tell(new RecoveryLog.Acknowledge(r.uid(), null, null, null, req.user(),
          "implicitly acknowledged by a forced recovery of " + entry.key(),
          ctx.getSystem().ignoreRef()));
    }
    RecoveryProcedure.Request forced = new RecoveryProcedure.Request(req.kind(), req.failed(),
        req.candidate(), entry, req.skipProcesses(), hint.isEmpty() ? req.commandHint() : hint,
        req.user());
    register(new Pending(newUid(now), cluster, d, forced, null, null, replyTo, List.of()));
    return behavior(state.hold(cluster));
  }

  private void register(Pending p) {
    ReplicationAnalysis a = p.request().entry();
    RecoveryLog.Start start = new RecoveryLog.Start(p.uid(), a.key(), p.clusterName(),
        a.clusterDetails().alias(), p.decision().type().name(), a.analysis().name(),
        p.request().commandHint(), p.decision().forced(), a, deps.nodeName(), 0);
    ctx.askWithStatus(RecoveryLog.Recovery.class, deps.log(), deps.askTimeout(),
        r -> new RecoveryLog.Register(start, p.detectedAt(), r),
        (rec, err) -> new Registered(p, err == null ? StatusReply.success(rec) : StatusReply.error(err)));
  }

  private Behavior<Command> onRegistered(State state, Registered m) {
    Pending p = m.pending();
    if (m.reply().isError()) {
      String why = m.reply().getError().getMessage();
      ctx.getLog().warn("recovery of {} not registered: {}", p.request().failed(), why);
      if (p.replyTo() != null) {
        p.replyTo().tell(StatusReply.error("Recovery not attempted: " + why));
      }
      return behavior(state.release(p.clusterName()));
    }
    RecoveryLog.Recovery rec = m.reply().getValue();
    ctx.getLog().warn("recovery {} (id {}) started: {}", p.uid(), rec.id(), p.decision().reason());
    if (p.detectedAt() != null) {
      if (p.lastSeen() != null) {
        deps.metrics().phase(telemetry.RecoveryMetrics.Phase.DETECT,
            Duration.between(p.lastSeen(), p.detectedAt()));
      }
      deps.metrics().phase(telemetry.RecoveryMetrics.Phase.DECIDE,
          Duration.between(p.detectedAt(), deps.clock().instant()));
    }
    if (!p.agreedBy().isEmpty()) {
      deps.log().tell(new RecoveryLog.AddStep(p.uid(), "agreed", "seen by a majority of the "
          + "orcha nodes: " + p.agreedBy()));
    }
    actors.cluster.Incarnation incarnation = state.incarnation();
    refactor.PhaseExecutor.Gate fence = step -> deps.fencer().hold(incarnation);
    ctx.spawn(deps.runs().counted(RecoveryRun.create(p.uid(), p.clusterName(), p.request(),
        p.decision().type(), deps.procedure(), fence, deps.log(),
        ctx.messageAdapter(RecoveryRun.Ended.class, RunEnded::new))), "run-" + rec.id());
    return behavior(state.waitFor(p.uid(), p.replyTo()));
  }

  private Behavior<Command> onRunEnded(State state, RecoveryRun.Ended e) {
    StatusReply<RecoveryLog.Recovery> outcome = e.outcome();
    if (outcome.isSuccess()) {
      RecoveryLog.Recovery r = outcome.getValue();
      ctx.getLog().warn("recovery {} ended: {}", e.uid(), r.resolution().successful()
          ? "successor " + r.resolution().successor() : "unsuccessful " + r.resolution().errors());
      boolean flapped = r.resolution().errors().stream()
          .anyMatch(x -> x.startsWith(RecoveryProcedure.NO_LONGER_HOLDS));
      if (r.resolution().refused() && (r.start().forced() || flapped)) {
        // a manual request refused before changing anything, or a failure gone by the time it
        // was re-checked, must not block the cluster
        deps.log().tell(new RecoveryLog.Acknowledge(e.uid(), null, null, null, deps.nodeName(),
            "refused before any change", ctx.getSystem().ignoreRef()));
      }
      deps.metrics().ended(r.start().analysisCode(), result(r.resolution()),
          r.endedAt() == null ? Duration.ZERO : Duration.between(r.startedAt(), r.endedAt()));
    } else {
      ctx.getLog().error("recovery {} could not be resolved: {}", e.uid(),
          outcome.getError().getMessage());
      deps.metrics().ended(e.analysisCode(), "unresolved", Duration.ZERO);
    }
    ActorRef<StatusReply<RecoveryLog.Recovery>> replyTo = state.waiting().get(e.uid());
    if (replyTo != null) {
      replyTo.tell(outcome);
    }
    return behavior(state.answered(e.uid()).release(e.clusterName()));
  }

  /** The result label of a recovery that ended (telemetry.RecoveryMetrics). */
  static String result(RecoveryLog.Resolution r) {
    return r.successful() ? "success" : r.refused() ? "refused" : "failure";
  }

  static String newUid(Instant now) {
    return now.getEpochSecond() + ":" + UUID.randomUUID().toString().substring(0, 8);
  }
}
