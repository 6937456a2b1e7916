package actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A keeper acknowledges the newest incarnation it has seen or a newer one, and remembers it. */
class FenceKeeperTest {

  static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString(
          "pekko.actor.serialization-bindings {\"orcha.CborSerializable\" = jackson-cbor}\n"
              + "pekko.actor.provider = local")).withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void olderIncarnationsAreRefusedAlsoAfterARestart() {
    var kit = EventSourcedBehaviorTestKit.<FenceKeeper.Command, FenceKeeper.Seen, FenceKeeper.State>create(
        testKit.system(), FenceKeeper.create("127.0.0.1:10008"));
    Incarnation a = new Incarnation(1, "127.0.0.1:10008");
    Incarnation b = new Incarnation(2, "127.0.0.1:10009");
    Incarnation tieLow = new Incarnation(2, "127.0.0.1:10007");

    var first = kit.<FenceKeeper.Answer>runCommand(r -> new FenceKeeper.Hold(a, r));
    assertTrue(first.reply().acknowledged());
    assertEquals(1, first.events().size(), "a newer incarnation is persisted before the ack");
    var again = kit.<FenceKeeper.Answer>runCommand(r -> new FenceKeeper.Hold(a, r));
    assertTrue(again.reply().acknowledged());
    assertTrue(again.hasNoEvents(), "the same incarnation again: nothing to persist");

    assertTrue(kit.<FenceKeeper.Answer>runCommand(r -> new FenceKeeper.Hold(b, r)).reply().acknowledged());
    var old = kit.<FenceKeeper.Answer>runCommand(r -> new FenceKeeper.Hold(a, r));
    assertFalse(old.reply().acknowledged(), "the older leader is fenced out");
    assertEquals(b, old.reply().newest());
    assertFalse(kit.<FenceKeeper.Answer>runCommand(r -> new FenceKeeper.Hold(tieLow, r))
        .reply().acknowledged(), "same counter: the node name breaks the tie");

    kit.restart();
    assertEquals(b, kit.<FenceKeeper.Newest>runCommand(FenceKeeper.GetNewest::new).reply().incarnation());
    assertFalse(kit.<FenceKeeper.Answer>runCommand(r -> new FenceKeeper.Hold(a, r)).reply().acknowledged());
  }

  @Test
  void aHoldWithoutAnIncarnationIsRefusedAndTheKeeperLives() {
    var kit = EventSourcedBehaviorTestKit.<FenceKeeper.Command, FenceKeeper.Seen, FenceKeeper.State>create(
        testKit.system(), FenceKeeper.create("127.0.0.1:10018"));
    Incarnation a = new Incarnation(1, "127.0.0.1:10018");
    assertTrue(kit.<FenceKeeper.Answer>runCommand(r -> new FenceKeeper.Hold(a, r)).reply().acknowledged());
    assertFalse(kit.<FenceKeeper.Answer>runCommand(r -> new FenceKeeper.Hold(null, r)).reply()
        .acknowledged());
    assertTrue(kit.<FenceKeeper.Answer>runCommand(r -> new FenceKeeper.Hold(a, r)).reply().acknowledged());
  }

  @Test
  void theHolderIsFreshWhileItRenewsAndForgottenAsFreshAfterARestart() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1);
    FenceHolder holder = new FenceHolder(now::get);
    var kit = EventSourcedBehaviorTestKit.<FenceKeeper.Command, FenceKeeper.Seen, FenceKeeper.State>create(
        testKit.system(), FenceKeeper.create("127.0.0.1:10028", holder));
    assertTrue(holder.freshHolder().isEmpty(), "nobody held a fence yet");
    Incarnation b = new Incarnation(4, "127.0.0.1:10029");
    kit.<FenceKeeper.Answer>runCommand(r -> new FenceKeeper.Hold(b, r));
    assertEquals(java.util.Optional.of("127.0.0.1:10029"), holder.freshHolder());
    now.addAndGet(FenceHolder.FRESH_FOR.toNanos() - 1);
    assertEquals(java.util.Optional.of("127.0.0.1:10029"), holder.freshHolder(), "just in time");
    now.addAndGet(2);
    assertTrue(holder.freshHolder().isEmpty(), "silent for too long");
    kit.<FenceKeeper.Answer>runCommand(r -> new FenceKeeper.Hold(b, r));
    assertEquals(java.util.Optional.of("127.0.0.1:10029"), holder.freshHolder(), "renewed");
    FenceHolder afterRestart = new FenceHolder(now::get);
    afterRestart.remembered(b);
    assertEquals(b, afterRestart.newest());
    assertTrue(afterRestart.freshHolder().isEmpty(), "remembered, not heard from");
  }
}
