package actors.detection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import orcha.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import topology.InstanceKey;
import topology.ReplicationAnalysis;

/**
 * The record of failure detections on this node: each registered detection with its analysis and
 * evidence (which server saw what), and the output of the hooks it ran. A detection blocks
 * further detections of the same failure (same instance, same analysis code) for the
 * failure-detection period unless acknowledged, so a failure is registered — and its hooks run —
 * once. (orchestrator blocks every later failure of the instance in that period; a different,
 * worse failure — a read-only master that then dies — must not go unreported.) Persisted
 * in the node's backend; the newest {@link #KEEP} records are kept.
 */
public final class DetectionLog extends EventSourcedBehaviorWithEnforcedReplies<
    DetectionLog.Command, DetectionLog.Event, DetectionLog.State> {

  static final int KEEP = 1000;

  public sealed interface Command extends CborSerializable {}

  /**
   * Registers a detection unless one of the same instance and code is still active.
   * Replies with the new detection, or empty when it was blocked. {@code seenAt}: when the
   * analysis saw the failure (the detection's time; null: when registered) — the registration
   * may wait behind another one's write, while the recovery decision made on the same analysis
   * does not.
   */
  public record Register(Candidate candidate, Duration blockFor, Instant seenAt,
      ActorRef<StatusReply<Optional<Detection>>> replyTo) implements Command {
    public Register(Candidate candidate, Duration blockFor,
        ActorRef<StatusReply<Optional<Detection>>> replyTo) {
      this(candidate, blockFor, null, replyTo);
    }
  }

  /** Appends hook output lines to a detection's record. */
  public record RecordHooks(long id, List<String> lines, boolean failed) implements Command {}

  /**
   * Acknowledges (ends the block of) the active detections of an instance, or of a cluster, or
   * all (both null). Replies with how many were acknowledged.
   */
  public record Acknowledge(InstanceKey key, String clusterName, String by, String comment,
      ActorRef<StatusReply<Integer>> replyTo) implements Command {}

  public record GetDetections(ActorRef<List<Detection>> replyTo) implements Command {}

  /** What the detector saw, before it is registered. */
  public record Candidate(InstanceKey key, String analysisCode, boolean actionable,
      String clusterName, String clusterAlias, ReplicationAnalysis analysis,
      List<Evidence> evidence) implements CborSerializable {}

  /** One server's part in a detection: how it looked to this node when the failure was seen. */
  public record Evidence(InstanceKey key, String role, boolean reachable, String lastSeen,
      String lastError, String ioThread, String sqlThread, String lastIoError, Long lagSeconds)
      implements CborSerializable {}

  /** A registered detection. */
  public record Detection(long id, String uid, Candidate candidate, Instant detectedAt,
      Instant blockedUntil, boolean acknowledged, String acknowledgedBy, Instant acknowledgedAt,
      String acknowledgedComment, List<String> hookLog, boolean hooksFailed)
      implements CborSerializable {

    public boolean activeAt(Instant now) {
      return !acknowledged && now.isBefore(blockedUntil);
    }

    Detection withHooks(List<String> lines, boolean failed) {
      List<String> all = new ArrayList<>(hookLog);
      all.addAll(lines);
      return new Detection(id, uid, candidate, detectedAt, blockedUntil, acknowledged,
          acknowledgedBy, acknowledgedAt, acknowledgedComment, List.copyOf(all), hooksFailed || failed);
    }

    Detection acknowledge(String by, String comment, Instant at) {
      return new Detection(id, uid, candidate, detectedAt, blockedUntil, true, by, at, comment,
          hookLog, hooksFailed);
    }
  }

  public sealed interface Event extends CborSerializable {}

  public record DetectionRegistered(Detection detection) implements Event {}

  public record HooksRecorded(long id, List<String> lines, boolean failed) implements Event {}

  public record DetectionsAcknowledged(List<Long> ids, String by, String comment, Instant at)
      implements Event {}

  /** Newest last. */
  public record State(List<Detection> detections, long lastId) implements CborSerializable {
    public State {
      detections = List.copyOf(detections);
    }

    Optional<Detection> active(InstanceKey key, String code, Instant now) {
      for (int i = detections.size() - 1; i >= 0; i--) {
        Detection d = detections.get(i);
        if (d.candidate().key().equals(key) && d.candidate().analysisCode().equals(code)
            && d.activeAt(now)) {
          return Optional.of(d);
        }
      }
      return Optional.empty();
    }

    State with(Detection d) {
      List<Detection> l = new ArrayList<>(detections);
      l.add(d);
      while (l.size() > KEEP) {
        l.remove(0);
      }
      return new State(l, Math.max(lastId, d.id()));
    }

    State map(java.util.function.UnaryOperator<Detection> f, java.util.function.Predicate<Detection> which) {
      List<Detection> l = new ArrayList<>(detections.size());
      for (Detection d : detections) {
        l.add(which.test(d) ? f.apply(d) : d);
      }
      return new State(l, lastId);
    }
  }

  private final Clock clock;

  public static Behavior<Command> create(Clock clock) {
    return new DetectionLog(clock);
  }

  private DetectionLog(Clock clock) {
    super(PersistenceId.ofUniqueId("failure-detections"), SupervisorStrategy.restartWithBackoff(
        Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(List.of(), 0);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(RecordHooks.class, this::onRecordHooks)
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(GetDetections.class, (s, c) -> Effect().reply(c.replyTo(), s.detections()))
        .build();
  }

  private ReplyEffect<Event, State> onRegister(State s, Register c) {
    Instant now = clock.instant();
    Candidate cand = c.candidate();
    if (s.active(cand.key(), cand.analysisCode(), now).isPresent()) {
      return Effect().reply(c.replyTo(), StatusReply.success(Optional.empty()));
    }
    long id = s.lastId() + 1;
    Instant at = c.seenAt() != null && c.seenAt().isBefore(now) ? c.seenAt() : now;
    Detection d = new Detection(id, java.util.UUID.randomUUID().toString(), cand, at,
        at.plus(c.blockFor()), false, "", null, "", List.of(), false);
    return Effect().persist(new DetectionRegistered(d))
        .thenReply(c.replyTo(), st -> StatusReply.success(Optional.of(d)));
  }

  private ReplyEffect<Event, State> onRecordHooks(State s, RecordHooks c) {
    if (s.detections().stream().noneMatch(d -> d.id() == c.id())) {
      return Effect().noReply(); // purged meanwhile
    }
    return Effect().persist(new HooksRecorded(c.id(), List.copyOf(c.lines()), c.failed())).thenNoReply();
  }

  private ReplyEffect<Event, State> onAcknowledge(State s, Acknowledge c) {
    Instant now = clock.instant();
    List<Long> ids = s.detections().stream()
        .filter(d -> d.activeAt(now)
            && (c.key() == null || d.candidate().key().equals(c.key()))
            && (c.clusterName() == null || d.candidate().clusterName().equals(c.clusterName())))
        .map(Detection::id).toList();
    if (ids.isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.success(0));
    }
    return Effect().persist(new DetectionsAcknowledged(ids, c.by(), c.comment(), now))
        .thenReply(c.replyTo(), st -> StatusReply.success(ids.size()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(DetectionRegistered.class, (s, e) -> s.with(e.detection()))
        .onEvent(HooksRecorded.class, (s, e) ->
            s.map(d -> d.withHooks(e.lines(), e.failed()), d -> d.id() == e.id()))
        .onEvent(DetectionsAcknowledged.class, (s, e) ->
            s.map(d -> d.acknowledge(e.by(), e.comment(), e.at()), d -> e.ids().contains(d.id())))
        .build();
  }
}
