package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import actors.cluster.Fencer;
import actors.cluster.Incarnation;
import testkit.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;

/**
 * Three orcha nodes on loopback (three actor systems in this JVM, each with its own SQLite
 * file): they form one cluster with exactly one leader that every node names; when the leader
 * dies without leaving (a crash), the survivors — still a majority — agree on a new one.
 * Fencing: a newer incarnation claimed from a majority fences an older one out, and a leader
 * that cannot get a majority's acknowledgement changes no server.
 */
@Tag("sandbox")
class ClusterTest {

  static final int BASE = 10091;
  static final int SB = 10891;
  static final String NODES = "[\"127.0.0.1:10091\", \"127.0.0.1:10092\", \"127.0.0.1:10093\"]";

  @TempDir
  Path tmp;

  final List<OrchaFixture> nodes = new ArrayList<>();

  @AfterEach
  void stopAll() {
    for (OrchaFixture n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // already stopped by the test
      }
    }
  }

  OrchaFixture start(int i) {
    return start(i, "");
  }

  OrchaFixture start(int i, String extra) {
    OrchaFixture n = OrchaFixture.start(hocon(i, extra));
    nodes.add(n);
    return n;
  }

  String hocon(int i, String extra) {
    return OrchaFixture.baseHocon(tmp.resolve("node" + i + ".db")) + """
        orcha.node-name = "orcha-%d"
        orcha.cluster.bind = "127.0.0.1:%d"
        orcha.cluster.nodes = %s
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        # a stopped node does not leave the cluster: what a crash looks like to the others
        pekko.coordinated-shutdown.run-by-actor-system-terminate = off
        """.formatted(i, BASE + i, NODES) + extra;
  }

  static List<String> readLines(Path file) {
    try {
      return java.nio.file.Files.exists(file) ? java.nio.file.Files.readAllLines(file) : List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static boolean leads(OrchaFixture n) {
    return n.raw("leader-check").statusCode() == 200;
  }

  /** The one node answering 200 on leader-check, once every live node names it as leader. */
  static OrchaFixture awaitOneLeader(List<OrchaFixture> live, Duration within) {
    return Eventually.await("exactly one leader named by every node", within, () -> {
      List<OrchaFixture> leaders = live.stream().filter(ClusterTest::leads).toList();
      if (leaders.size() != 1) {
        return null;
      }
      String named = leaders.get(0).get("raft-leader").asText();
      for (OrchaFixture n : live) {
        if (!n.get("raft-leader").asText().equals(named)
            || !n.get("raft-health").asText().equals("healthy")) {
          return null;
        }
      }
      return leaders.get(0);
    }, l -> l != null);
  }

  OrchaFixture startThree() {
    for (int i = 0; i < 3; i++) {
      start(i);
    }
    return awaitOneLeader(nodes, Duration.ofSeconds(60));
  }

  static void crash(OrchaFixture n) {
    n.node().system().terminate(); // no graceful leave
    n.node().awaitTermination(Duration.ofSeconds(30));
  }

  @Test
  void aNewerIncarnationFencesTheOlderOneOut() throws Exception {
    startThree();
    Fencer a = new Fencer(nodes.get(0).node().system(), Duration.ofSeconds(2));
    Fencer b = new Fencer(nodes.get(1).node().system(), Duration.ofSeconds(2));
    Incarnation first = Eventually.await("a claims", Duration.ofSeconds(20),
        () -> a.claim().toCompletableFuture().join(), i -> i != null);
    a.hold(first).toCompletableFuture().get(5, TimeUnit.SECONDS);
    // (the receptionist lists the other nodes' keepers a moment after the cluster formed)
    Incarnation second = Eventually.await("b claims", Duration.ofSeconds(20),
        () -> b.claim().toCompletableFuture().join(), i -> i != null);
    assertTrue(first.olderThan(second), first + " then " + second);
    ExecutionException lost = assertThrows(ExecutionException.class,
        () -> a.hold(first).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertTrue(lost.getCause() instanceof Fencer.FenceLost, lost.toString());
    assertTrue(lost.getCause().getMessage().contains("a majority is 2"), lost.getCause().getMessage());
    b.hold(second).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aLeaderWithoutAMajorityChangesNoServer() {
    OrchaFixture leader = startThree();
    try (Sandbox sandbox = Sandbox.up("cluster", SB, 4, "star")) {
      leader.discoverAndAwaitValid("127.0.0.1", SB, 4);
      for (OrchaFixture n : nodes) {
        if (n != leader) {
          n.node().system().terminate(); // both gone at once, no graceful leave
        }
      }
      // at once, while this node still believes it leads (its failure detector has not yet
      // noticed): the fence cannot be held, so no step is taken
      JsonNode r = leader.get("graceful-master-takeover/sandbox/127.0.0.1/" + (SB + 1));
      assertEquals("ERROR", r.get("Code").asText(), r.toString());
      String why = r.get("Message").asText();
      assertTrue(why.contains("no further step taken") || why.contains("not the leader"), r.toString());
      for (OrchaFixture n : nodes) {
        if (n != leader) {
          n.node().awaitTermination(Duration.ofSeconds(30));
        }
      }
      // a planned operation holds the same fence (or its lock is not acknowledged by a
      // majority, or, once the node knows it is cut off, it is refused as not the leader's)
      JsonNode op = leader.get("set-read-only/127.0.0.1/" + SB);
      assertEquals("ERROR", op.get("Code").asText(), op.toString());
      assertTrue(op.get("Message").asText().contains("fence")
          || op.get("Message").asText().contains("acknowledged by only 1 of 3 nodes")
          || op.get("Message").asText().startsWith("Unauthorized"), op.toString());
      assertEquals("0", sandbox.sql(SB, "SELECT @@global.read_only"), "the master untouched");
      for (int p = SB + 1; p <= SB + 3; p++) {
        String status = sandbox.sql(p, "SHOW SLAVE STATUS");
        assertTrue(status.contains(String.valueOf(SB)) && status.contains("Yes"),
            p + " still replicates from the master: " + status);
        assertEquals("1", sandbox.sql(p, "SELECT @@global.read_only"));
      }
    }
  }

  /**
   * A node the cluster downs (as the Split Brain Resolver downs a node cut off from the
   * majority) starts a fresh actor system by itself, rejoins, and catches up on what changed
   * meanwhile; its return does not move leadership.
   */
  @Test
  void aDownedNodeComesBackByItselfAndCatchesUp() {
    start(0);
    start(1);
    OrchaFixture downed = OrchaFixture.startRestarting(hocon(2, ""));
    nodes.add(downed);
    OrchaFixture leader = awaitOneLeader(nodes, Duration.ofSeconds(60));
    OrchaFixture other = nodes.stream().filter(n -> n != downed).findFirst().orElseThrow();
    var before = downed.node().system();
    var address = org.apache.pekko.cluster.typed.Cluster.get(before).selfMember().address();
    org.apache.pekko.cluster.typed.Cluster.get(other.node().system()).manager()
        .tell(new org.apache.pekko.cluster.typed.Down(address));
    Eventually.await("the downed node's actor system stopped", Duration.ofSeconds(30),
        () -> before.getWhenTerminated().toCompletableFuture().isDone(), d -> d);
    List<OrchaFixture> majority = nodes.stream().filter(n -> n != downed).toList();
    OrchaFixture stillLeading = leader == downed ? awaitOneLeader(majority, Duration.ofSeconds(60))
        : leader;
    // right after the downing a write may miss its majority's acknowledgement (answered as
    // an error, recorded on the leader); an operator retries
    Eventually.await("the switch written through the leader", Duration.ofSeconds(20),
        () -> stillLeading.get("disable-global-recoveries").get("Code").asText(), "OK"::equals);

    Eventually.await("a fresh actor system in the downed node", Duration.ofSeconds(60),
        () -> downed.node().system() != before
            && !downed.node().system().getWhenTerminated().toCompletableFuture().isDone(),
        b -> b);
    Eventually.await("the returned node caught up", Duration.ofSeconds(60),
        () -> downed.get("check-global-recoveries").get("Details").asText(), "disabled"::equals);
    OrchaFixture after = awaitOneLeader(nodes, Duration.ofSeconds(60));
    assertEquals(stillLeading, after, "the node's return did not move leadership");
  }

  /**
   * raft-yield moves leadership to the chosen node (asked through any node); it stays there —
   * the oldest node does not take it back — and the old leader stops answering leader-check.
   */
  @Test
  void raftYieldMovesLeadershipAndItStays() {
    OrchaFixture leader = startThree();
    OrchaFixture chosen = nodes.stream().filter(n -> n != leader).reduce((a, b) -> b).orElseThrow();
    OrchaFixture third = nodes.stream().filter(n -> n != leader && n != chosen).findFirst()
        .orElseThrow();
    String chosenAddress = chosen.get("raft-status").get("RaftBind").asText();
    JsonNode bad = third.get("raft-yield-hint/no-such-node");
    assertEquals("ERROR", bad.get("Code").asText(), bad.toString());
    assertTrue(bad.get("Message").asText().contains("no orcha node matches hint no-such-node"),
        bad.toString());
    JsonNode r = third.get("raft-yield/" + chosenAddress);
    assertEquals("OK", r.get("Code").asText(), r.toString());
    assertEquals("Asynchronously yielded", r.get("Message").asText());
    Eventually.await("the chosen node leads, named by every node", Duration.ofSeconds(20),
        () -> awaitOneLeader(nodes, Duration.ofSeconds(20)) == chosen);
    Eventually.consistently("the chosen node keeps leading", Duration.ofSeconds(3),
        () -> leads(chosen) && !leads(leader) && !leads(third), b -> b);
    // and it can act: a write through the old leader runs on it
    assertEquals("OK", leader.get("disable-global-recoveries").get("Code").asText());
    Eventually.await("the switch on the new leader", Duration.ofSeconds(10),
        () -> chosen.get("check-global-recoveries").get("Details").asText(), "disabled"::equals);
  }

  /** A write through a follower runs on the leader and reaches every node, and the next leader. */
  @Test
  void writesThroughAFollowerRunOnTheLeader() throws Exception {
    OrchaFixture leader = startThree();
    OrchaFixture follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    JsonNode r = follower.get("disable-global-recoveries");
    assertEquals("OK", r.get("Code").asText(), r.toString());
    assertEquals("Globally disabled recoveries", r.get("Message").asText());
    assertEquals("disabled", leader.get("check-global-recoveries").get("Details").asText(),
        "the leader ran it");
    // reads are the follower's own; a write forwarded to a node that is not the leader is refused
    var http = java.net.http.HttpClient.newHttpClient();
    var bounced = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(follower.apiUrl() + "/enable-global-recoveries"))
        .header("X-Orcha-Forwarded-By", "127.0.0.1:1").GET().build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(500, bounced.statusCode(), bounced.body());
    assertTrue(bounced.body().contains("Unauthorized: forwarded to"), bounced.body());
    assertEquals("disabled", leader.get("check-global-recoveries").get("Details").asText());

    // the control state is replicated: every node shows the switch, and so does the next leader
    for (OrchaFixture n : nodes) {
      Eventually.await("the switch replicated to " + n.apiUrl(), Duration.ofSeconds(10),
          () -> n.get("check-global-recoveries").get("Details").asText(), "disabled"::equals);
    }
    crash(leader);
    List<OrchaFixture> survivors = nodes.stream().filter(n -> n != leader).toList();
    OrchaFixture next = awaitOneLeader(survivors, Duration.ofSeconds(60));
    assertEquals("disabled", next.get("check-global-recoveries").get("Details").asText(),
        "the new leader took over the replicated state");
    OrchaFixture other = survivors.stream().filter(n -> n != next).findFirst().orElseThrow();
    assertEquals("OK", other.get("enable-global-recoveries").get("Code").asText());
    for (OrchaFixture n : survivors) {
      Eventually.await("enabled on " + n.apiUrl(), Duration.ofSeconds(10),
          () -> n.get("check-global-recoveries").get("Details").asText(), "enabled"::equals);
    }
  }

  /** A server discovered through one node is probed by every node. */
  @Test
  void discoveryThroughAnyNodeReachesEveryNode() {
    int m = SB + 8;
    try (Sandbox sandbox = Sandbox.up("cluster-disc", m, 4, "star")) {
      OrchaFixture leader = startThree();
      OrchaFixture follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
      JsonNode r = follower.get("discover/127.0.0.1/" + m);
      assertEquals("OK", r.get("Code").asText(), r.toString());
      for (OrchaFixture n : nodes) {
        Eventually.await("4 valid on " + n.apiUrl(), Duration.ofSeconds(30), () -> n.get("all-instances"),
            a -> a.size() == 4 && a.findValues("IsLastCheckValid").stream().allMatch(JsonNode::asBoolean));
      }
      // a downtime set through a follower is seen by every node
      OrchaFixture third = nodes.stream().filter(n -> n != leader && n != follower).findFirst()
          .orElseThrow();
      JsonNode d = third.get("begin-downtime/127.0.0.1/" + (m + 1) + "/ops/disk%20swap/1h");
      assertEquals("OK", d.get("Code").asText(), d.toString());
      for (OrchaFixture n : nodes) {
        Eventually.await("the downtime on " + n.apiUrl(), Duration.ofSeconds(10),
            () -> n.get("downtimed"), a -> a.size() == 1
                && a.get(0).get("Key").get("Port").asInt() == m + 1
                && a.get(0).get("DowntimeReason").asText().equals("disk swap"));
      }
    }
  }

  /**
   * The leader crashes while its recovery of a dead master waits in a hook: the next leader
   * has the recovery (the log is replicated), resolves it as interrupted, and does not run it
   * again — the cluster stays blocked, the skip names the interrupted recovery.
   */
  @Test
  void aRecoveryCutShortByTheLeadersCrashIsNotRepeated() {
    int m = SB + 4;
    try (Sandbox sandbox = Sandbox.up("cluster-rec", m, 4, "star")) {
      Path detections = tmp.resolve("detections.log");
      String extra = """
          orcha.discovery.seeds = ["127.0.0.1:%d"]
          orcha.recovery.master-cluster-filters = ["*"]
          orcha.recovery.period-block = 3600s
          orcha.recovery.hooks.pre-failover = ["sleep 60"]
          orcha.recovery.hooks.on-failure-detection = ["echo {orchestratorHost} {failureType} >> %s"]
          """.formatted(m, detections);
      for (int i = 0; i < 3; i++) {
        start(i, extra);
      }
      OrchaFixture leader = awaitOneLeader(nodes, Duration.ofSeconds(60));
      for (OrchaFixture n : nodes) {
        Eventually.await("4 valid on " + n.apiUrl(), Duration.ofSeconds(30), () -> n.get("all-instances"),
            a -> a.size() == 4 && a.findValues("IsLastCheckValid").stream().allMatch(JsonNode::asBoolean));
      }
      sandbox.kill(m);
      String uid = Eventually.await("the leader's recovery waiting in its hook", Duration.ofSeconds(30),
          () -> leader.recoveryLog().recoveries(), l -> !l.isEmpty() && !l.get(0).ended()
              && l.get(0).steps().stream().anyMatch(st -> st.phase().equals("planned")))
          .get(0).start().uid();
      // the failure was registered, and its hooks run, by the leader only
      String leaderName = "orcha-" + nodes.indexOf(leader);
      List<String> lines = Eventually.await("the detection hook ran", Duration.ofSeconds(10),
          () -> readLines(detections), l -> l.contains(leaderName + " DeadMaster"));
      assertTrue(lines.stream().allMatch(l -> l.startsWith(leaderName + " ")), lines.toString());
      assertEquals(1, lines.stream().filter(l -> l.endsWith(" DeadMaster")).count(), lines.toString());
      crash(leader);
      List<OrchaFixture> survivors = nodes.stream().filter(n -> n != leader).toList();
      OrchaFixture next = awaitOneLeader(survivors, Duration.ofSeconds(60));
      var r = Eventually.await("the interrupted recovery on the new leader", Duration.ofSeconds(30),
          () -> next.recoveryLog().byUid(uid), o -> o.isPresent() && o.get().ended()).get();
      assertTrue(r.resolution().errors().get(0).startsWith("interrupted"), r.toString());
      // it had started only once a majority of the nodes saw the dead master themselves
      assertTrue(r.steps().stream().anyMatch(st -> st.phase().equals("agreed")
          && st.message().contains("majority")), r.steps().toString());
      Eventually.await("the dead master skipped, blocked by " + uid, Duration.ofSeconds(30),
          () -> next.recoveryLog().skips().stream()
              .filter(k -> k.key().port() == m && uid.equals(k.blockingUid())).toList(),
          l -> !l.isEmpty());
      assertEquals(1, next.recoveryLog().recoveries().size(), "nothing started twice");
      for (int p = m + 1; p <= m + 3; p++) {
        assertEquals("1", sandbox.sql(p, "SELECT @@global.read_only"), p + " untouched");
      }
    }
  }

  @Test
  void oneLeaderAndANewOneWhenItCrashes() {
    OrchaFixture leader = startThree();
    JsonNode peers = leader.get("raft-peers");
    assertEquals(3, peers.size(), peers.toString());
    assertEquals("Leader", leader.get("raft-state").asText());
    JsonNode status = leader.get("raft-status");
    assertEquals(status.get("RaftBind").asText(), status.get("Leader").asText());
    for (OrchaFixture n : nodes) {
      if (n != leader) {
        assertEquals("Follower", n.get("raft-state").asText());
        assertEquals(404, n.raw("leader-check").statusCode());
      }
    }

    String old = leader.get("raft-leader").asText();
    crash(leader);
    long t0 = System.nanoTime(); // from the moment it is gone
    List<OrchaFixture> survivors = nodes.stream().filter(n -> n != leader).toList();
    OrchaFixture next = awaitOneLeader(survivors, Duration.ofSeconds(90));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    String now = next.get("raft-leader").asText();
    assertTrue(!now.equals(old), "a different leader: " + now);
    System.out.println("new leader " + now + " after " + ms + " ms");
    Eventually.await("the crashed node removed from the peers", Duration.ofSeconds(30),
        () -> next.get("raft-peers"), p -> p.size() == 2 && !p.toString().contains(old));
  }
}
