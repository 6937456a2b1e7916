package actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.cluster.MajorityWrite.Ack;
import actors.control.ControlState;
import actors.control.ControlState.Version;
import actors.recovery.RecoveryLog;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import testkit.Eventually;
import topology.Downtime;
import topology.InstanceKey;

/**
 * Majority-acknowledged writes of the replicated control state and recovery log, with real
 * actor systems clustered in this JVM (each with its own in-memory journal): a leader's write
 * is answered once a majority holds it, or with an honest error after the timeout (persisted
 * on the leader all the same); a follower acknowledges what it holds and never goes back.
 */
class ReplicatedWritesTest {

  static final InstanceKey SERVER = new InstanceKey("127.0.0.1", 10111);
  static final Duration WAIT = Duration.ofSeconds(30);

  final List<ActorTestKit> kits = new ArrayList<>();

  @AfterEach
  void shutdown() {
    kits.forEach(ActorTestKit::shutdownTestKit);
  }

  // ---- a follower's answers (one local node) ----

  static ControlState.State controlAt(Version v, InstanceKey downtimed) {
    Instant t = Instant.parse("2026-11-25T12:00:00Z");
    return new ControlState.State(Map.of(downtimed, new Downtime(downtimed, "ops", "test", t,
        t.plusSeconds(3600))), Map.of(), 0, Map.of(), false, Map.of(), Map.of(), v, Map.of());
  }

  @Test
  void aFollowerAcknowledgesWhatItHoldsAndNeverGoesBack() {
    ActorTestKit kit = local();
    ActorRef<ControlState.Command> cs = kit.spawn(ControlState.create(Clock.systemUTC()));
    TestProbe<Ack> acks = kit.createTestProbe();
    InstanceKey other = new InstanceKey("127.0.0.1", 10112);

    cs.tell(new ControlState.Replicate(controlAt(new Version(1, 5), SERVER), acks.ref()));
    assertEquals(new Ack(true, new Version(1, 5)), acks.receiveMessage(), "persisted, then acked");
    cs.tell(new ControlState.Replicate(controlAt(new Version(1, 3), other), acks.ref()));
    assertEquals(new Ack(true, new Version(1, 5)), acks.receiveMessage(),
        "an older version of the term: held already, answered with the newer one");
    cs.tell(new ControlState.Replicate(controlAt(new Version(0, 9), other), acks.ref()));
    assertEquals(new Ack(false, new Version(1, 5)), acks.receiveMessage(),
        "an older term's state is not held");
    ControlState.State held = replica(kit, cs);
    assertEquals(new Version(1, 5), held.version(), "no regress");
    assertEquals(java.util.Set.of(SERVER), held.downtimes().keySet());
    cs.tell(new ControlState.Replicate(controlAt(new Version(1, 6), other), null)); // a push
    Eventually.await("the push taken", WAIT, () -> replica(kit, cs).version(),
        v -> v.equals(new Version(1, 6)));

    // a node leading a term refuses that term's (and older terms') states
    TestProbe<StatusReply<Version>> lead = kit.createTestProbe();
    cs.tell(new ControlState.Lead(2, lead.ref()));
    assertEquals(new Version(2, 0), lead.receiveMessage().getValue());
    cs.tell(new ControlState.Replicate(controlAt(new Version(2, 4), other), acks.ref()));
    assertEquals(new Ack(false, new Version(2, 0)), acks.receiveMessage());
    cs.tell(new ControlState.Replicate(controlAt(new Version(3, 1), other), acks.ref()));
    assertEquals(new Ack(true, new Version(3, 1)), acks.receiveMessage(), "a newer leader's");

    // the recovery log answers the same way
    ActorRef<RecoveryLog.Command> log = kit.spawn(RecoveryLog.create(Clock.systemUTC(), "n1"));
    log.tell(new RecoveryLog.Replicate(new RecoveryLog.State(List.of(), 4, List.of(),
        new Version(1, 5)), acks.ref()));
    assertEquals(new Ack(true, new Version(1, 5)), acks.receiveMessage());
    log.tell(new RecoveryLog.Replicate(new RecoveryLog.State(List.of(), 2, List.of(),
        new Version(1, 2)), acks.ref()));
    assertEquals(new Ack(true, new Version(1, 5)), acks.receiveMessage());
    TestProbe<RecoveryLog.State> logState = kit.createTestProbe();
    log.tell(new RecoveryLog.Get(logState.ref()));
    assertEquals(4, logState.receiveMessage().lastId(), "no regress");

    // the messages cross nodes: with and without a reply address
    SerializationTestKit ser = new SerializationTestKit(kit.system());
    ser.verifySerialization(new ControlState.Replicate(controlAt(new Version(1, 1), SERVER), null),
        true);
    ser.verifySerialization(new ControlState.Replicate(controlAt(new Version(1, 1), SERVER),
        acks.ref()), true);
    ser.verifySerialization(new RecoveryLog.Replicate(new RecoveryLog.State(List.of(), 1,
        List.of()), acks.ref()), true);
    ser.verifySerialization(new Ack(true, new Version(1, 1)), true);
  }

  // ---- a leader's writes (clustered nodes) ----

  @Test
  void aWriteIsAnsweredOnceOneFollowerOfThreeHoldsIt() {
    List<Integer> ports = List.of(freePort(), freePort(), freePort());
    ActorTestKit a = node(ports.get(0), ports);
    ActorTestKit b = node(ports.get(1), ports);
    ActorTestKit c = node(ports.get(2), ports);
    Eventually.await("3 members up", WAIT, () -> java.util.stream.StreamSupport.stream(
            Cluster.get(a.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up()).count() == 3);
    assertEquals(2, Majority.of(a.system()));

    ActorRef<ControlState.Command> leader = a.spawn(ControlState.create(Clock.systemUTC()), "cs");
    ActorRef<ControlState.Command> follower = b.spawn(ControlState.create(Clock.systemUTC()), "cs");
    c.spawn(deaf(ControlState.KEY, g -> g instanceof ControlState.GetReplica r
        ? () -> r.replyTo().tell(new ControlState.Replica(controlAt(Version.ZERO, SERVER)))
        : null), "cs"); // the third node's writes never get through
    leadControl(a, leader, 1);

    TestProbe<StatusReply<Downtime>> reply = a.createTestProbe();
    leader.tell(new ControlState.BeginDowntime(SERVER, "ops", "test", Duration.ofHours(1),
        reply.ref()));
    StatusReply<Downtime> r = reply.receiveMessage(WAIT);
    assertTrue(r.isSuccess(), () -> r.getError().getMessage());
    assertTrue(replica(b, follower).downtimes().containsKey(SERVER),
        "the follower held it when the write was answered");
    // tags and pools are written the same way: on every node before the write is answered
    TestProbe<StatusReply<Boolean>> tagged = a.createTestProbe();
    leader.tell(new ControlState.PutTag(SERVER, "role", "backup", tagged.ref()));
    assertTrue(tagged.receiveMessage(WAIT).isSuccess());
    assertEquals(Map.of("role", "backup"), replica(b, follower).tags().get(SERVER));
    TestProbe<StatusReply<ControlState.Pool>> pooled = a.createTestProbe();
    leader.tell(new ControlState.SubmitPool("lb", List.of(SERVER), Duration.ofHours(1),
        pooled.ref()));
    assertTrue(pooled.receiveMessage(WAIT).isSuccess());
    assertEquals(List.of(SERVER), replica(b, follower).pools().get("lb").instances());

    // the recovery log: a registration is answered once held by a majority (only two logs run)
    ActorRef<RecoveryLog.Command> log = a.spawn(RecoveryLog.create(Clock.systemUTC(), "a"), "log");
    ActorRef<RecoveryLog.Command> followerLog = b.spawn(RecoveryLog.create(Clock.systemUTC(), "b"),
        "log");
    leadLog(a, log, 1);
    TestProbe<StatusReply<RecoveryLog.Recovery>> registered = a.createTestProbe();
    log.tell(new RecoveryLog.Register(start("u1", "c1"), registered.ref()));
    StatusReply<RecoveryLog.Recovery> reg = registered.receiveMessage(WAIT);
    assertTrue(reg.isSuccess(), () -> reg.getError().getMessage());
    TestProbe<RecoveryLog.Replica> logReplica = b.createTestProbe();
    followerLog.tell(new RecoveryLog.GetReplica(logReplica.ref()));
    assertTrue(logReplica.receiveMessage(WAIT).state().byUid("u1").isPresent());
  }

  @Test
  void withoutAMajorityTheWriteFailsClearlyAfterTheTimeoutAndStaysOnTheLeader() {
    // three nodes configured, only this one runs: a majority is 2
    List<Integer> ports = List.of(freePort(), freePort(), freePort());
    ActorTestKit a = node(ports.get(0), ports);
    Eventually.await("up", WAIT, () -> Cluster.get(a.system()).selfMember().status()
        == MemberStatus.up());
    assertEquals(2, Majority.of(a.system()));
    ActorRef<ControlState.Command> leader = a.spawn(ControlState.create(Clock.systemUTC()), "cs");
    // a node that answered the new leader's read, then could not be reached any more
    a.spawn(deaf(ControlState.KEY, g -> g instanceof ControlState.GetReplica r
        ? () -> r.replyTo().tell(new ControlState.Replica(controlAt(Version.ZERO, SERVER)))
        : null), "deaf-cs");
    leadControl(a, leader, 1);

    TestProbe<StatusReply<Downtime>> reply = a.createTestProbe();
    long t0 = System.nanoTime();
    leader.tell(new ControlState.BeginDowntime(SERVER, "ops", "test", Duration.ofHours(1),
        reply.ref()));
    StatusReply<Downtime> r = reply.receiveMessage(WAIT);
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(MajorityWrite.TIMEOUT) >= 0);
    assertTrue(r.isError());
    assertEquals("downtime of " + SERVER + " recorded on the leader but acknowledged by only 1 of 3"
        + " nodes (a majority is 2) within 2s; it reaches the others when they return",
        r.getError().getMessage());
    TestProbe<ControlState.Snapshot> snap = a.createTestProbe();
    leader.tell(new ControlState.Get(snap.ref()));
    assertTrue(snap.receiveMessage().downtimes().containsKey(SERVER), "persisted on the leader");

    // a registration no majority holds is refused, and then blocks nothing
    ActorRef<RecoveryLog.Command> log = a.spawn(RecoveryLog.create(Clock.systemUTC(), "a"), "log");
    a.spawn(deaf(RecoveryLog.KEY, g -> g instanceof RecoveryLog.GetReplica rr
        ? () -> rr.replyTo().tell(new RecoveryLog.Replica(new RecoveryLog.State(List.of(), 0,
            List.of())))
        : null), "deaf-log");
    leadLog(a, log, 1);
    TestProbe<StatusReply<RecoveryLog.Recovery>> registered = a.createTestProbe();
    log.tell(new RecoveryLog.Register(start("u1", "c1"), registered.ref()));
    StatusReply<RecoveryLog.Recovery> reg = registered.receiveMessage(WAIT);
    assertTrue(reg.isError());
    assertEquals("recovery u1 (DeadMaster on " + SERVER + ") not registered: acknowledged by only 1"
        + " of 3 nodes (a majority is 2) within 2s; no further step taken",
        reg.getError().getMessage());
    TestProbe<RecoveryLog.State> state = a.createTestProbe();
    log.tell(new RecoveryLog.Get(state.ref()));
    RecoveryLog.Recovery u1 = state.receiveMessage().byUid("u1").orElseThrow();
    assertTrue(u1.ended() && u1.resolution().refused() && u1.acknowledged(), u1.toString());
    log.tell(new RecoveryLog.Register(start("u2", "c1"), registered.ref()));
    String again = registered.receiveMessage(WAIT).getError().getMessage();
    assertFalse(again.contains("already running"), again);
  }

  // ---- fixtures ----

  static RecoveryLog.Start start(String uid, String cluster) {
    return new RecoveryLog.Start(uid, SERVER, cluster, "", "MasterRecovery", "DeadMaster", "",
        false, null, "a", 0);
  }

  ActorTestKit local() {
    ActorTestKit kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseString(
            "pekko.actor.serialization-bindings {\"orcha.CborSerializable\" = jackson-cbor}\n"
                + "pekko.actor.provider = local"))
        .withFallback(ConfigFactory.load()));
    kits.add(kit);
    return kit;
  }

  /** A clustered node of {@code seeds} (the configured nodes), with its own journal. */
  ActorTestKit node(int port, List<Integer> seeds) {
    String seedList = seeds.stream().map(p -> "\"pekko://mw@127.0.0.1:" + p + "\"")
        .collect(Collectors.joining(","));
    Config config = ConfigFactory.parseString(
            "pekko.actor.provider = cluster\n"
                + "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = " + port + "\n"
                + "pekko.cluster.seed-nodes = [" + seedList + "]\n"
                + "pekko.cluster.seed-node-timeout = 1s\n"
                + "pekko.cluster.jmx.enabled = off\n"
                + "pekko.actor.serialization-bindings {\"orcha.CborSerializable\" = jackson-cbor}")
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create("mw", config);
    kits.add(kit);
    return kit;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A peer that registers under {@code key} and answers only what {@code answer} answers (a
   * Runnable, or null: never) — a node whose writes do not get through.
   */
  static <C> Behavior<C> deaf(ServiceKey<C> key, java.util.function.Function<C, Runnable> answer) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(key, ctx.getSelf()));
      return Behaviors.receiveMessage(m -> {
        Runnable r = answer.apply(m);
        if (r != null) {
          r.run();
        }
        return Behaviors.same();
      });
    });
  }

  static ControlState.State replica(ActorTestKit kit, ActorRef<ControlState.Command> cs) {
    TestProbe<ControlState.Replica> p = kit.createTestProbe();
    cs.tell(new ControlState.GetReplica(p.ref()));
    return p.receiveMessage(WAIT).state();
  }

  /** Leads once the other nodes are found (the receptionist's listing takes a moment). */
  static void leadControl(ActorTestKit kit, ActorRef<ControlState.Command> cs, long term) {
    TestProbe<StatusReply<Version>> p = kit.createTestProbe();
    Eventually.await("leading", WAIT, () -> {
      cs.tell(new ControlState.Lead(term, p.ref()));
      return p.receiveMessage(Duration.ofSeconds(10));
    }, StatusReply::isSuccess);
  }

  static void leadLog(ActorTestKit kit, ActorRef<RecoveryLog.Command> log, long term) {
    TestProbe<StatusReply<Version>> p = kit.createTestProbe();
    Eventually.await("leading", WAIT, () -> {
      log.tell(new RecoveryLog.Lead(term, p.ref()));
      return p.receiveMessage(Duration.ofSeconds(10));
    }, StatusReply::isSuccess);
  }
}
