package actors.probe;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import topology.InstanceKey;
import topology.ProbeResult;

/**
 * A server forgotten while a probe of it is in flight: whoever waits for that probe (discover,
 * refresh) is answered at once. Before, the waiters were dropped and the API call behind them
 * answered "Timed out" after the ask timeout (found by the hostile-input fuzz, which discovers
 * and forgets the same server concurrently).
 */
class InstanceProberForgetTest {

  static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString(
          "pekko.actor.serialization-bindings {\"orcha.CborSerializable\" = jackson-cbor}\n"
              + "pekko.actor.provider = local")).withFallback(ConfigFactory.load()));

  static final InstanceKey KEY = new InstanceKey("fuzz-nohost.invalid", 3306);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A client whose probes never end (a server that does not answer), counting the starts. */
  static final class HangingClient implements ProbeClient {
    final CountDownLatch started = new CountDownLatch(1);

    @Override
    public CompletionStage<ProbeResult> probe(InstanceKey key) {
      started.countDown();
      return new CompletableFuture<>();
    }

    @Override
    public void forget(InstanceKey key) {}
  }

  @Test
  void waitersOfTheProbeInFlightAreAnsweredWhenTheServerIsForgotten() throws Exception {
    HangingClient client = new HangingClient();
    TestProbe<actors.topology.TopologyView.Command> view = testKit.createTestProbe();
    TestProbe<ProbeManager.Command> manager = testKit.createTestProbe();
    ActorRef<InstanceProber.Command> prober = testKit.spawn(InstanceProber.create(KEY, client,
        new ProbeSchedule(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMinutes(1)),
        Clock.systemUTC(), view.ref(), manager.ref()));
    assertTrue(client.started.await(5, TimeUnit.SECONDS), "the first probe starts");

    TestProbe<ProbeResult> waiter = testKit.createTestProbe();
    prober.tell(new InstanceProber.ProbeNow(waiter.ref()));
    TestProbe<StatusReply<Done>> forgotten = testKit.createTestProbe();
    prober.tell(new InstanceProber.Forget(forgotten.ref()));

    ProbeResult r = waiter.receiveMessage(Duration.ofSeconds(3));
    ProbeResult.Failed f = assertInstanceOf(ProbeResult.Failed.class, r);
    assertTrue(f.failure().message().contains("is being forgotten"), f.failure().message());
    assertTrue(forgotten.receiveMessage(Duration.ofSeconds(5)).isSuccess());
  }
}
