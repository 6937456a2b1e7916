package mysql;

import testkit.Sandbox;

import static mysql.TestSupport.await;
import static mysql.TestSupport.eventuallyGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import topology.InstanceKey;
import topology.ProbeFailure.Reason;
import topology.ProbeResult;
import topology.ThreadState;

/**
 * Connections that break: a server killed (-9) between two probes over a kept connection and
 * started again, an answer cut off mid-stream, overlapping probes of one server. A sandbox of 2
 * (master 10216, replica 10217). Tagged "sandbox".
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProberReconnectTest {

  static final InstanceKey MASTER = new InstanceKey("127.0.0.1", 10216);
  static final InstanceKey REPLICA = new InstanceKey("127.0.0.1", 10217);
  static final Duration MAX = Duration.ofSeconds(10);

  private final Sandbox sandbox = new Sandbox(Path.of("/tmp/orcha-sb-mysql-reconnect"));
  private Prober prober;

  @BeforeAll
  void up() {
    TestSupport.quietLogging();
    sandbox.up("10216-10217", "star");
    prober = new Prober(ProberSandboxTest.settings("orcha", "orcha").build());
  }

  @AfterAll
  void down() {
    if (prober != null) {
      prober.close();
    }
    sandbox.down();
  }

  private static ProbeResult.Reached reached(ProbeResult r) {
    if (r instanceof ProbeResult.Failed f) {
      throw new AssertionError("probe failed: " + f.failure());
    }
    return (ProbeResult.Reached) r;
  }

  @Test
  void killedBetweenProbesThenStartedAgain() {
    reached(await(prober.probe(REPLICA), MAX));
    long opened = prober.connectionsOpened();
    sandbox.kill(10217);
    ProbeResult.Failed f = assertInstanceOf(ProbeResult.Failed.class, await(prober.probe(REPLICA), MAX));
    assertEquals(Reason.CONNECTION_REFUSED, f.failure().reason(), f.failure().message());
    assertEquals("127.0.0.1:10217: connection refused", f.failure().message());
    assertTrue(f.latency().compareTo(Duration.ofSeconds(1)) < 0, "fails fast: " + f.latency());
    assertEquals(0, prober.openConnections());
    sandbox.start(10217);
    ProbeResult r = eventuallyGet(MAX, "the restarted replica is reached",
        () -> await(prober.probe(REPLICA), MAX), x -> x instanceof ProbeResult.Reached);
    assertEquals(10217, reached(r).instance().serverId());
    assertTrue(prober.connectionsOpened() > opened, "a new connection");
  }

  @Test
  void replicaSeesItsMasterDie() {
    reached(await(prober.probe(REPLICA), MAX));
    sandbox.kill(10216);
    try {
      ProbeResult.Reached r = (ProbeResult.Reached) eventuallyGet(MAX,
          "the replica's IO thread notices", () -> await(prober.probe(REPLICA), MAX),
          x -> x instanceof ProbeResult.Reached ok
              && ok.instance().replication().ioThread() != ThreadState.RUNNING);
      assertEquals(ThreadState.OTHER, r.instance().replication().ioThread(), "Connecting");
      assertEquals(MASTER, r.instance().masterKey());
    } finally {
      sandbox.start(10216);
    }
    eventuallyGet(MAX, "replication resumes", () -> await(prober.probe(REPLICA), MAX),
        x -> x instanceof ProbeResult.Reached ok && ok.instance().replication().isRunning());
  }

  @Test
  void answerCutOffMidStreamIsAProtocolError() throws Exception {
    try (CuttingProxy proxy = new CuttingProxy(10217)) {
      InstanceKey viaProxy = new InstanceKey("127.0.0.1", proxy.port());
      Prober p = new Prober(ProberSandboxTest.settings("orcha", "orcha").build());
      try {
        ProbeResult.Reached first = reached(await(p.probe(viaProxy), MAX));
        assertEquals(10217, first.instance().serverId());
        // the variables' answer is a few hundred bytes: pass 60 of them, then hang up
        proxy.cutAfter("SHOW GLOBAL VARIABLES", 60);
        ProbeResult.Failed f = assertInstanceOf(ProbeResult.Failed.class, await(p.probe(viaProxy), MAX));
        assertEquals(Reason.PROTOCOL_ERROR, f.failure().reason(), f.failure().message());
        assertTrue(f.failure().message().startsWith(viaProxy
            + ": connection closed by the server during SHOW GLOBAL VARIABLES"),
            f.failure().message());
        assertTrue(f.partial());
        assertEquals(0, p.openConnections());
        proxy.disarm();
        assertEquals(10217, reached(await(p.probe(viaProxy), MAX)).instance().serverId());
      } finally {
        p.close();
      }
    }
  }

  @Test
  void aStatementWithoutAnAnswerTimesOut() throws Exception {
    try (CuttingProxy proxy = new CuttingProxy(10217)) {
      InstanceKey viaProxy = new InstanceKey("127.0.0.1", proxy.port());
      Prober p = new Prober(ProberSandboxTest.settings("orcha", "orcha")
          .queryTimeout(Duration.ofSeconds(1)).build());
      try {
        reached(await(p.probe(viaProxy), MAX));
        proxy.stallAfter("SHOW GLOBAL VARIABLES");
        long t0 = System.nanoTime();
        ProbeResult.Failed f = assertInstanceOf(ProbeResult.Failed.class, await(p.probe(viaProxy), MAX));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertEquals(Reason.TIMEOUT, f.failure().reason(), f.failure().message());
        assertEquals(viaProxy + ": no answer to SHOW GLOBAL VARIABLES within 1s", f.failure().message());
        assertTrue(took.compareTo(Duration.ofMillis(2500)) < 0, "took " + took);
        assertEquals(0, p.openConnections(), "the stuck connection is dropped");
        proxy.disarm();
        reached(await(p.probe(viaProxy), MAX));
      } finally {
        p.close();
      }
    }
  }

  @Test
  void aSlowCustomQueryIsAWarningAndItsConnectionIsDropped() {
    Prober p = new Prober(ProberSandboxTest.settings("orcha", "orcha")
        .queryTimeout(Duration.ofMillis(700))
        .query(CustomQuery.CLUSTER_ALIAS, "select 'fast'")
        .query(CustomQuery.DATA_CENTER, "select sleep(3)")
        .query(CustomQuery.REGION, "select 'never sent'")
        .build());
    try {
      ProbeResult.Reached r = reached(await(p.probe(MASTER), MAX));
      assertEquals("fast", r.instance().labels().suggestedClusterAlias());
      assertEquals(List.of("DetectDataCenterQuery failed: no answer within 700ms",
          "DetectRegionQuery failed: not sent: the connection was closed after an earlier"
              + " statement timed out"), r.instance().warnings());
      assertEquals(0, p.openConnections(), "the server may still be sleeping on it");
      assertEquals(10216, reached(await(p.probe(MASTER), MAX)).instance().serverId());
      assertEquals(2, p.connectionsOpened());
    } finally {
      p.close();
    }
  }

  @Test
  void overlappingProbesOfOneServerShareItsConnection() {
    Prober p = new Prober(ProberSandboxTest.settings("orcha", "orcha").build());
    try {
      List<CompletionStage<ProbeResult>> all = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        all.add(p.probe(MASTER));
      }
      for (CompletionStage<ProbeResult> s : all) {
        assertEquals(10216, reached(await(s, MAX)).instance().serverId());
      }
      assertEquals(1, p.connectionsOpened(), "queued, not interleaved or duplicated");
      // and from many threads at once, on two servers
      List<CompletableFuture<ProbeResult>> threads = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        InstanceKey k = i % 2 == 0 ? MASTER : REPLICA;
        threads.add(CompletableFuture.supplyAsync(() -> p.probe(k))
            .thenCompose(x -> x));
      }
      for (CompletableFuture<ProbeResult> t : threads) {
        assertNotEquals(0, reached(await(t, MAX)).instance().serverId());
      }
      assertEquals(2, p.connectionsOpened());
      assertEquals(2, p.openConnections());
    } finally {
      p.close();
    }
    assertEquals(0, p.openConnections());
  }
}
