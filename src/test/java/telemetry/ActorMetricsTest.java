package telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import testkit.Eventually;
import testkit.Scrape;

/** Live actors per family, the hot actors' message time and mailbox size, dispatcher pools. */
class ActorMetricsTest {

  static final ActorTestKit testKit = ActorTestKit.create("ActorMetricsTest",
      ConfigFactory.parseString("""
          pekko.actor.provider = local
          pekko.loglevel = WARNING
          test-pool {
            type = Dispatcher
            executor = "thread-pool-executor"
            thread-pool-executor.fixed-pool-size = 2
          }
          """).withFallback(ConfigFactory.load()));

  @AfterAll
  static void down() {
    testKit.shutdownTestKit();
  }

  sealed interface Cmd {}

  record Stop() implements Cmd {}

  record Fail() implements Cmd {}

  record Ping(ActorRef<String> replyTo) implements Cmd {}

  /** Stops on Stop, throws on Fail, answers Ping. */
  static Behavior<Cmd> worker() {
    return Behaviors.receive(Cmd.class)
        .onMessage(Stop.class, m -> Behaviors.stopped())
        .onMessage(Fail.class, m -> {
          throw new IllegalStateException("planned failure");
        })
        .onMessage(Ping.class, m -> {
          m.replyTo().tell("pong");
          return Behaviors.same();
        })
        .build();
  }

  static double scrape(Telemetry t, String name, String... labels) {
    return Scrape.parse(t.scrape("").body()).value(name, labels);
  }

  @Test
  void aFamilyCountsItsLiveActorsHoweverTheyStop() {
    Telemetry t = Telemetry.withoutJvmMetrics();
    ActorMetrics.Family probers = t.actors().family("prober");
    ActorRef<Cmd> stopsItself = testKit.spawn(probers.counted(worker()));
    ActorRef<Cmd> failsAndStops = testKit.spawn(probers.counted(worker()));
    ActorRef<Cmd> restarts = testKit.spawn(probers.counted(Behaviors.supervise(worker())
        .onFailure(SupervisorStrategy.restart())));
    ActorRef<Cmd> stoppedByParent = testKit.spawn(probers.counted(worker()));
    Eventually.await("4 live", Duration.ofSeconds(5),
        () -> scrape(t, "orcha_actors", "family", "prober"), v -> v == 4.0);

    stopsItself.tell(new Stop());
    failsAndStops.tell(new Fail()); // default supervision: stop
    restarts.tell(new Fail()); // restarted inside the counting: still one live actor
    testKit.stop(stoppedByParent);
    Eventually.await("1 live", Duration.ofSeconds(5),
        () -> scrape(t, "orcha_actors", "family", "prober"), v -> v == 1.0);
    var probe = testKit.<String>createTestProbe();
    restarts.tell(new Ping(probe.getRef()));
    probe.expectMessage("pong");
    assertEquals(1.0, scrape(t, "orcha_actors", "family", "prober"));
    t.close();
  }

  @Test
  void aHotActorReportsItsMessageTimeAndItsMailbox() throws Exception {
    Telemetry t = Telemetry.withoutJvmMetrics();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(1);
    // the first message blocks the actor until released: the next ones wait in its mailbox
    Behavior<String> slow = Behaviors.receive(String.class)
        .onMessage(String.class, m -> {
          if (m.equals("block")) {
            busy.countDown();
            release.await(10, TimeUnit.SECONDS);
          }
          return Behaviors.same();
        })
        .build();
    ActorRef<String> ref = testKit.spawn(t.actors().hot("topology_view", slow),
        "hot-actor", DispatcherSelector.fromConfig("test-pool"));
    ref.tell("block");
    assertTrue(busy.await(10, TimeUnit.SECONDS));
    for (int i = 0; i < 5; i++) {
      ref.tell("m" + i);
    }
    assertEquals(5.0, scrape(t, "orcha_actor_mailbox_size", "actor", "topology_view"));
    release.countDown();
    Eventually.await("6 messages timed", Duration.ofSeconds(5),
        () -> scrape(t, "orcha_actor_message_duration_seconds_count", "actor", "topology_view"),
        v -> v == 6.0);
    assertEquals(0.0, scrape(t, "orcha_actor_mailbox_size", "actor", "topology_view"));
    // the blocked message took at least as long as the five tells and the scrape above
    assertTrue(scrape(t, "orcha_actor_message_duration_seconds_max", "actor", "topology_view") > 0);
    t.close();
  }

  @Test
  void dispatcherPoolsAreReported() {
    Telemetry t = Telemetry.withoutJvmMetrics();
    t.actors().dispatcher("test_pool", testKit.system().dispatchers()
        .lookup(DispatcherSelector.fromConfig("test-pool")));
    t.actors().dispatcher("default", testKit.system().dispatchers()
        .lookup(DispatcherSelector.defaultDispatcher()));
    Scrape m = Scrape.parse(t.scrape("").body());
    assertTrue(m.has("executor_active_threads", "name", "test_pool"), t.scrape("").body());
    assertTrue(m.has("executor_queued_tasks", "name", "test_pool"));
    assertEquals(2.0, m.value("executor_pool_core_threads", "name", "test_pool"));
    // a fork-join pool (the default dispatcher): Micrometer names its gauges without a unit
    assertTrue(m.has("executor_active", "name", "default"));
    assertTrue(m.has("executor_queued", "name", "default"));
    assertTrue(m.value("executor_parallelism_threads", "name", "default") >= 1);
    t.close();
  }
}
