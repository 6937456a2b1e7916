package telemetry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorCell;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.dispatch.Dispatcher;
import org.apache.pekko.dispatch.ExecutorServiceDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Actor telemetry. Pekko has no built-in actor metrics; this wraps chosen behaviors:
 *
 * <ul>
 *   <li>{@code orcha_actors{family}}: live actors of a family (probers, recovery runs), counted by
 *       {@link #family(String)} wrappers from start to stop;
 *   <li>{@code orcha_actor_message_duration_seconds{actor}}: how long each message of a hot
 *       actor (topology view, recovery coordinator) took to process — two clock reads and a
 *       histogram update per message;
 *   <li>{@code orcha_actor_mailbox_size{actor}}: the messages waiting in that actor's mailbox,
 *       read at scrape time only (nothing is counted per message);
 *   <li>{@code executor_*{name}} (Micrometer's executor metrics): active threads, queued tasks,
 *       pool size and completed tasks of the dispatchers bound with {@link #dispatcher}.
 * </ul>
 *
 * Actor names are a fixed set chosen in code, never derived from servers.
 */
public final class ActorMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(ActorMetrics.class);

  private final MeterRegistry registry;
  private final Map<String, Family> families = new ConcurrentHashMap<>();

  ActorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The live actors of one family; wrap each one's behavior with {@link Family#counted}. */
  public static final class Family {
    private final AtomicInteger live = new AtomicInteger();
    private final boolean counting;

    private Family(boolean counting) {
      this.counting = counting;
    }

    /** A family nobody reports (tests, tools): wrapping changes nothing. */
    public static Family uncounted() {
      return new Family(false);
    }

    public int live() {
      return live.get();
    }

    /** {@code behavior}, counted as live from its start until it stops. */
    public <T> Behavior<T> counted(Behavior<T> behavior) {
      return counting ? Behaviors.intercept(() -> new Lifecycle<T>(live), behavior) : behavior;
    }
  }

  /** The family {@code name} ("prober", "recovery_run"), created on first use. */
  public Family family(String name) {
    return families.computeIfAbsent(name, n -> {
      Family f = new Family(true);
      Gauge.builder("orcha.actors", f, Family::live)
          .description("Live actors, by family")
          .tag("family", n)
          .strongReference(true)
          .register(registry);
      return f;
    });
  }

  /**
   * {@code behavior} as a hot actor called {@code actor}: its message processing time and its
   * mailbox size are reported. Wrap outside any supervision, so that a restart inside keeps
   * the same meters.
   */
  public <T> Behavior<T> hot(String actor, Behavior<T> behavior) {
    Timer timer = Timer.builder("orcha.actor.message.duration")
        .description("Time to process one message, for the hot actors")
        .tag("actor", actor)
        .serviceLevelObjectives(Buckets.MESSAGE)
        .register(registry);
    return Behaviors.intercept(() -> new Hot<T>(actor, timer, registry), behavior);
  }

  /**
   * Reports the thread pool behind a Pekko dispatcher (as returned by
   * {@code system.dispatchers().lookup(...)}) as {@code executor_*{name}}. Reaches into
   * Pekko's dispatcher (its executor is not public API): when that is not possible, nothing is
   * reported and the node runs on.
   */
  public void dispatcher(String name, Executor dispatcher) {
    try {
      if (dispatcher instanceof Dispatcher d) {
        ExecutorServiceDelegate delegate = d.executorService();
        ExecutorService pool = delegate.executor();
        new ExecutorServiceMetrics(pool, name, Tags.empty()).bindTo(registry);
        return;
      }
      LOG.info("dispatcher {} is not a thread pool dispatcher ({}): no executor metrics", name,
          dispatcher.getClass().getName());
    } catch (RuntimeException | LinkageError e) {
      LOG.info("no executor metrics for dispatcher {}: {}", name, e.toString());
    }
  }

  /** Counts the actor as live from its start until PostStop. */
  private static final class Lifecycle<T> extends BehaviorInterceptor<T, T> {
    private final AtomicInteger live;

    @SuppressWarnings("unchecked")
    Lifecycle(AtomicInteger live) {
      super((Class<T>) (Class<?>) Object.class);
      this.live = live;
    }

    @Override
    public Behavior<T> aroundStart(TypedActorContext<T> ctx, PreStartTarget<T> target) {
      live.incrementAndGet();
      return target.start(ctx);
    }

    @Override
    public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
      return target.apply(ctx, msg);
    }

    @Override
    public Behavior<T> aroundSignal(TypedActorContext<T> ctx, Signal signal,
        SignalTarget<T> target) {
      if (signal instanceof PostStop) {
        live.decrementAndGet();
      }
      return target.apply(ctx, signal);
    }
  }

  /** Times every message; registers the mailbox gauge when the actor starts. */
  private static final class Hot<T> extends BehaviorInterceptor<T, T> {
    private final String actor;
    private final Timer timer;
    private final MeterRegistry registry;

    @SuppressWarnings("unchecked")
    Hot(String actor, Timer timer, MeterRegistry registry) {
      super((Class<T>) (Class<?>) Object.class);
      this.actor = actor;
      this.timer = timer;
      this.registry = registry;
    }

    @Override
    public Behavior<T> aroundStart(TypedActorContext<T> ctx, PreStartTarget<T> target) {
      mailboxGauge(ctx);
      return target.start(ctx);
    }

    /**
     * The mailbox's own count, read at scrape time from Pekko's actor cell (internal API, hence
     * the guard): Pekko's default mailbox counts by walking its queue, which is fine once per
     * scrape and costs nothing per message.
     */
    private void mailboxGauge(TypedActorContext<T> ctx) {
      try {
        if (ctx.asJava().classicActorContext() instanceof ActorCell cell) {
          Gauge.builder("orcha.actor.mailbox.size", cell, c -> c.mailbox().numberOfMessages())
              .description("Messages waiting in the mailbox, for the hot actors")
              .tag("actor", actor)
              .register(registry);
        }
      } catch (RuntimeException | LinkageError e) {
        LOG.info("no mailbox size for {}: {}", actor, e.toString());
      }
    }

    @Override
    public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
      long start = System.nanoTime();
      try {
        return target.apply(ctx, msg);
      } finally {
        timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    }
  }
}
