package actors.history;

import backend.HistorySettings;
import backend.HistoryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import topology.TopologyChange;

/**
 * Writes the topology history this node's TopologyView sees into the node's backend: in
 * batches, one transaction per batch and one batch at a time (what arrives meanwhile goes with
 * the next), on the blocking dispatcher. A failed write is retried after {@link #RETRY}; at most
 * {@link #MAX_PENDING} entries wait, the oldest are dropped beyond that (logged, counted).
 * Every {@link #PURGE_EVERY} the store is trimmed to {@code orcha.history}'s retention — a look
 * first, a delete only when something is too old or too much, so an idle node writes nothing.
 *
 * <p>Mutable fields: this actor's private working memory (the queue of unwritten entries).
 */
public final class HistoryRecorder extends AbstractBehavior<HistoryRecorder.Command> {

  public sealed interface Command {}

  /** Changes to record (in the order seen). */
  public record Record(List<TopologyChange> changes) implements Command {}

  private record Written(int count, Throwable error) implements Command {}

  private record Purged(int deleted, Throwable error) implements Command {}

  private enum Purge implements Command { INSTANCE }

  private enum Retry implements Command { INSTANCE }

  static final int MAX_PENDING = 10_000;
  static final int MAX_BATCH = 500;
  static final Duration RETRY = Duration.ofSeconds(5);
  static final Duration PURGE_EVERY = Duration.ofMinutes(10);

  private final HistoryStore store;
  private final HistorySettings settings;
  private final Executor blocking;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  private final ArrayDeque<TopologyChange> pending = new ArrayDeque<>();
  private List<TopologyChange> inFlight = List.of();
  private boolean writing;
  private boolean waitingToRetry;
  private boolean purging;
  private long dropped;

  public static Behavior<Command> create(HistoryStore store, HistorySettings settings,
      Executor blocking, Clock clock) {
    return create(store, settings, blocking, clock, RETRY, Duration.ofSeconds(30), PURGE_EVERY);
  }

  /** With the retry delay and the purge schedule given (tests). */
  static Behavior<Command> create(HistoryStore store, HistorySettings settings,
      Executor blocking, Clock clock, Duration retry, Duration firstPurge, Duration purgeEvery) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.setLoggerName(HistoryRecorder.class);
      timers.startTimerWithFixedDelay(Purge.INSTANCE, firstPurge, purgeEvery);
      return new HistoryRecorder(ctx, timers, store, settings, blocking, clock, retry);
    }));
  }

  private final Duration retry;

  private HistoryRecorder(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      HistoryStore store, HistorySettings settings, Executor blocking, Clock clock,
      Duration retry) {
    super(ctx);
    this.retry = retry;
    this.timers = timers;
    this.store = store;
    this.settings = settings;
    this.blocking = blocking;
    this.clock = clock;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Record.class, this::onRecord)
        .onMessage(Written.class, this::onWritten)
        .onMessage(Retry.class, m -> onRetry())
        .onMessage(Purge.class, m -> onPurge())
        .onMessage(Purged.class, this::onPurged)
        .build();
  }

  private Behavior<Command> onRecord(Record m) {
    pending.addAll(m.changes());
    while (pending.size() > MAX_PENDING) {
      pending.removeFirst();
      if (dropped++ % 1000 == 0) {
        getContext().getLog().warn("topology history: the backend does not keep up, {} entries"
            + " dropped so far", dropped);
      }
    }
    writeNext();
    return this;
  }

  private void writeNext() {
    if (writing || waitingToRetry || pending.isEmpty()) {
      return;
    }
    List<TopologyChange> batch = new ArrayList<>();
    while (!pending.isEmpty() && batch.size() < MAX_BATCH) {
      batch.add(pending.removeFirst());
    }
    inFlight = List.copyOf(batch);
    writing = true;
    List<HistoryStore.Row> rows = inFlight.stream().map(TopologyHistory::row).toList();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      store.append(rows);
      return rows.size();
    }, blocking), (n, err) -> new Written(n == null ? 0 : n, err));
  }

  private Behavior<Command> onWritten(Written m) {
    writing = false;
    if (m.error() != null) {
      getContext().getLog().error("topology history not written ({} entries), retrying in {}: {}",
          inFlight.size(), retry, m.error().getMessage());
      for (int i = inFlight.size() - 1; i >= 0; i--) {
        pending.addFirst(inFlight.get(i));
      }
      waitingToRetry = true;
      timers.startSingleTimer(Retry.INSTANCE, retry);
    }
    inFlight = List.of();
    writeNext();
    return this;
  }

  private Behavior<Command> onRetry() {
    waitingToRetry = false;
    writeNext();
    return this;
  }

  private Behavior<Command> onPurge() {
    if (purging) {
      return this;
    }
    purging = true;
    java.time.Instant cutoff = clock.instant().minus(settings.maxAge());
    getContext().pipeToSelf(CompletableFuture.supplyAsync(
        () -> store.purge(cutoff, settings.maxRows()), blocking),
        (n, err) -> new Purged(n == null ? 0 : n, err));
    return this;
  }

  private Behavior<Command> onPurged(Purged m) {
    purging = false;
    if (m.error() != null) {
      getContext().getLog().warn("topology history not trimmed: {}", m.error().getMessage());
    } else if (m.deleted() > 0) {
      getContext().getLog().info("topology history trimmed: {} old entries deleted", m.deleted());
    }
    return this;
  }
}
