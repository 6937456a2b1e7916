package actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.cluster.MajorityWrite.Ack;
import actors.cluster.MajorityWrite.Outcome;
import actors.control.ControlState.Version;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The majority of a write: the leader counts as one, only acks holding the write's version (a
 * later version of the same term) count, it completes as soon as a majority holds it, and
 * fails as soon as it no longer can — at the latest after the timeout.
 */
class MajorityWriteTest {

  static final ActorTestKit testKit = ActorTestKit.create(com.typesafe.config.ConfigFactory
      .parseString("pekko.actor.provider = local")
      .withFallback(com.typesafe.config.ConfigFactory.load()));
  static final Version V = new Version(3, 7);
  /** Long enough that a test finishing well before it did not wait for it. */
  static final Duration LONG = Duration.ofSeconds(20);

  record Rep(ActorRef<Ack> replyTo) {}

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static ActorRef<Rep> answering(Ack ack) {
    return testKit.spawn(Behaviors.receiveMessage(m -> {
      m.replyTo().tell(ack);
      return Behaviors.same();
    }));
  }

  static ActorRef<Rep> silent() {
    Behavior<Rep> b = Behaviors.receiveMessage(m -> Behaviors.same());
    return testKit.spawn(b);
  }

  static Outcome write(List<ActorRef<Rep>> peers, int members, int needed, Duration timeout)
      throws Exception {
    return MajorityWrite.<Rep>replicate(testKit.system(), () -> peers, Rep::new, V, members,
        needed, timeout).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void oneFollowerAckMakesAMajorityOfThreeWithoutWaitingForTheOther() throws Exception {
    long t0 = System.nanoTime();
    Outcome o = write(List.of(answering(new Ack(true, V)), silent()), 3, 2, LONG);
    assertTrue(o.reached(), o.toString());
    assertEquals(2, o.acknowledged());
    assertEquals("", o.refusal("x"));
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(LONG) < 0);
  }

  @Test
  void aLaterVersionOfTheSameTermCountsAnotherTermsOrAnOlderOneDoesNot() {
    assertTrue(new Ack(true, new Version(3, 9)).holds(V));
    assertTrue(new Ack(true, V).holds(V));
    assertFalse(new Ack(true, new Version(3, 6)).holds(V), "older: not held yet");
    assertFalse(new Ack(true, new Version(4, 0)).holds(V), "a newer term's state need not hold it");
    assertFalse(new Ack(false, new Version(3, 9)).holds(V), "refused");
  }

  @Test
  void failsFastOnceAMajorityIsImpossible() throws Exception {
    long t0 = System.nanoTime();
    Outcome o = write(List.of(answering(new Ack(false, new Version(4, 1))),
        answering(new Ack(true, new Version(3, 2)))), 3, 2, LONG);
    assertFalse(o.reached());
    assertEquals(1, o.acknowledged());
    assertEquals(2, o.refused());
    assertEquals(0, o.silent());
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(LONG) < 0, "did not wait");
    assertEquals("downtime of h:1 recorded on the leader but acknowledged by only 1 of 3 nodes "
        + "(a majority is 2); 2 nodes refused it (a newer leader?); it reaches the others when "
        + "they return", o.refusal("downtime of h:1"));

    // one refusal of 5 nodes leaves enough: it waits for the others
    Outcome waits = write(List.of(answering(new Ack(false, new Version(4, 1))), silent(),
        answering(new Ack(true, V)), answering(new Ack(true, new Version(3, 8)))), 5, 3, LONG);
    assertTrue(waits.reached(), waits.toString());
  }

  @Test
  void nodesListedLateAreAskedTooAndNobodyListedWaitsForTheTimeout() throws Exception {
    AtomicReference<List<ActorRef<Rep>>> peers = new AtomicReference<>(List.of());
    CompletableFuture<Outcome> late = MajorityWrite.<Rep>replicate(testKit.system(), peers::get,
        Rep::new, V, 3, 2, LONG).toCompletableFuture();
    assertFalse(late.isDone(), "another node may still be listed");
    peers.set(List.of(answering(new Ack(true, V))));
    assertTrue(late.get(30, TimeUnit.SECONDS).reached());

    Duration timeout = Duration.ofMillis(300);
    Outcome alone = write(List.of(), 3, 2, timeout);
    assertFalse(alone.reached());
    assertEquals(2, alone.silent());
    assertEquals("w recorded on the leader but acknowledged by only 1 of 3 nodes (a majority is 2)"
        + " within 300ms; it reaches the others when they return", alone.refusal("w"));
  }

  @Test
  void silentFollowersFailItAfterTheTimeout() throws Exception {
    Duration timeout = Duration.ofMillis(300);
    long t0 = System.nanoTime();
    // 5 nodes: the leader and one ack are 2 of the 3 needed
    Outcome o = write(List.of(answering(new Ack(true, V)), silent(), silent(), silent()), 5, 3,
        timeout);
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(timeout) >= 0, "waited");
    assertFalse(o.reached());
    assertEquals(2, o.acknowledged());
    assertEquals(3, o.silent());
    assertEquals("kv recorded on the leader but acknowledged by only 2 of 5 nodes (a majority is 3)"
        + " within 300ms; it reaches the others when they return", o.refusal("kv"));
  }

  @Test
  void aMajorityOfOneIsReachedWithoutAsking() throws Exception {
    Outcome o = write(List.of(silent()), 1, 1, LONG);
    assertTrue(o.reached());
    assertEquals(1, o.acknowledged());
    assertEquals(0, o.silent(), "nobody was asked");
  }
}
