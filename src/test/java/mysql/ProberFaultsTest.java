package mysql;

import static mysql.TestSupport.await;
import static mysql.TestSupport.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import topology.InstanceKey;
import topology.ProbeFailure.Reason;
import topology.ProbeResult;

/**
 * The prober against things that are not healthy MySQL servers: nothing listening, no such host,
 * a silent socket, an HTTP server, garbage, a handshake followed by silence or by a hang-up. Each
 * probe must come back (never hang, never throw) with the right reason, and leave no socket open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProberFaultsTest {

  static final Duration CONNECT = Duration.ofSeconds(1);
  static final Duration SLACK = Duration.ofMillis(1500);
  static final Duration MAX = Duration.ofSeconds(10);

  private Prober prober;

  @BeforeAll
  void setUp() {
    TestSupport.quietLogging();
    prober = new Prober(ProberSettings.builder("orcha", "secret-pw")
        .connectTimeout(CONNECT)
        .queryTimeout(Duration.ofSeconds(1))
        .probeTimeout(Duration.ofSeconds(5))
        .build());
  }

  @AfterAll
  void tearDown() {
    prober.close();
  }

  private static ProbeResult.Failed failed(ProbeResult r) {
    return assertInstanceOf(ProbeResult.Failed.class, r);
  }

  @Test
  void refusedPort() {
    ProbeResult.Failed f = failed(await(prober.probe(new InstanceKey("127.0.0.1", 1)), MAX));
    assertEquals(Reason.CONNECTION_REFUSED, f.failure().reason(), f.failure().message());
    assertEquals("127.0.0.1:1: connection refused", f.failure().message());
    assertFalse(f.partial());
    assertTrue(f.latency().compareTo(CONNECT) < 0, "refused at once: " + f.latency());
  }

  @Test
  void unknownHost() {
    ProbeResult.Failed f = failed(await(prober.probe(new InstanceKey("no-such-host.invalid", 3306)), MAX));
    assertEquals(Reason.UNKNOWN_HOST, f.failure().reason(), f.failure().message());
    assertEquals("no-such-host.invalid:3306: unknown host no-such-host.invalid", f.failure().message());
    assertFalse(f.partial());
  }

  @Test
  void silentServerTimesOutWithinTheConnectTimeoutAndIsHungUpOn() throws Exception {
    try (FakeServer s = new FakeServer(FakeServer.Mode.SILENT)) {
      InstanceKey k = new InstanceKey("127.0.0.1", s.port());
      long t0 = System.nanoTime();
      ProbeResult.Failed f = failed(await(prober.probe(k), MAX));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertEquals(Reason.TIMEOUT, f.failure().reason(), f.failure().message());
      assertEquals(k + ": no answer within 1s", f.failure().message());
      assertFalse(f.partial());
      assertTrue(took.compareTo(CONNECT) >= 0 && took.compareTo(CONNECT.plus(SLACK)) < 0,
          "took " + took);
      eventually(Duration.ofSeconds(3), "the prober closed its socket",
          () -> s.closedByClient() == s.accepted() && s.accepted() == 1);
      assertEquals(0, prober.openConnections());
    }
  }

  @Test
  void probeDeadlineBoundsASlowConnect() throws Exception {
    Prober p = new Prober(ProberSettings.builder("orcha", "x")
        .connectTimeout(Duration.ofSeconds(5)).probeTimeout(Duration.ofMillis(800)).build());
    try (FakeServer s = new FakeServer(FakeServer.Mode.SILENT)) {
      InstanceKey k = new InstanceKey("127.0.0.1", s.port());
      ProbeResult.Failed f = failed(await(p.probe(k), MAX));
      assertEquals(Reason.TIMEOUT, f.failure().reason());
      assertEquals(k + ": probe did not complete within 800ms (connecting)", f.failure().message());
      assertTrue(f.latency().compareTo(Duration.ofSeconds(2)) < 0, f.latency().toString());
      eventually(Duration.ofSeconds(3), "the prober closed its socket", () -> s.closedByClient() == 1);
    } finally {
      p.close();
    }
  }

  @Test
  void httpServerIsAProtocolErrorAtOnce() throws Exception {
    try (FakeServer s = new FakeServer(FakeServer.Mode.HTTP)) {
      InstanceKey k = new InstanceKey("127.0.0.1", s.port());
      ProbeResult.Failed f = failed(await(prober.probe(k), MAX));
      assertEquals(Reason.PROTOCOL_ERROR, f.failure().reason(), f.failure().message());
      assertTrue(f.failure().message().startsWith(k + ": not a MySQL server: its first bytes are"
          + " 48 54 54 50 2f 31 2e 31 20 34 30 30"), f.failure().message());
      assertTrue(f.failure().message().contains("HTTP/1.1 400"), f.failure().message());
      assertFalse(f.partial());
      assertTrue(f.latency().compareTo(CONNECT) < 0, "not waiting for a timeout: " + f.latency());
      eventually(Duration.ofSeconds(3), "the prober closed its socket", () -> s.closedByClient() == 1);
    }
  }

  @Test
  void garbageThenHangUpIsAProtocolError() throws Exception {
    try (FakeServer s = new FakeServer(FakeServer.Mode.GARBAGE_THEN_CLOSE)) {
      InstanceKey k = new InstanceKey("127.0.0.1", s.port());
      ProbeResult.Failed f = failed(await(prober.probe(k), MAX));
      assertEquals(Reason.PROTOCOL_ERROR, f.failure().reason(), f.failure().message());
      assertTrue(f.failure().message().startsWith(k + ": not a MySQL server: its first bytes are"
          + " de ad be ef 00 11"), f.failure().message());
      assertFalse(f.partial());
    }
  }

  @Test
  void handshakeThenSilenceIsALoginTimeout() throws Exception {
    try (FakeServer s = new FakeServer(FakeServer.Mode.GREETING_THEN_SILENT)) {
      InstanceKey k = new InstanceKey("127.0.0.1", s.port());
      ProbeResult.Failed f = failed(await(prober.probe(k), MAX));
      assertEquals(Reason.TIMEOUT, f.failure().reason(), f.failure().message());
      assertEquals(k + ": connected, but login did not complete within 1s", f.failure().message());
      assertTrue(f.partial(), "the server spoke MySQL");
      eventually(Duration.ofSeconds(3), "the prober closed its socket", () -> s.closedByClient() == 1);
    }
  }

  @Test
  void handshakeThenHangUpIsAProtocolError() throws Exception {
    try (FakeServer s = new FakeServer(FakeServer.Mode.GREETING_THEN_CLOSE)) {
      InstanceKey k = new InstanceKey("127.0.0.1", s.port());
      ProbeResult.Failed f = failed(await(prober.probe(k), MAX));
      assertEquals(Reason.PROTOCOL_ERROR, f.failure().reason(), f.failure().message());
      assertTrue(f.failure().message().startsWith(k + ": connection closed by the server during"
          + " login"), f.failure().message());
      assertFalse(f.failure().message().contains("secret-pw"));
      assertTrue(f.partial());
    }
  }

  @Test
  void repeatedFailuresLeakNoSockets() throws Exception {
    InstanceKey refused = new InstanceKey("127.0.0.1", 1);
    try (FakeServer http = new FakeServer(FakeServer.Mode.HTTP)) {
      InstanceKey notMySql = new InstanceKey("127.0.0.1", http.port());
      for (int i = 0; i < 20; i++) { // warm up: event loops, resolver, class loading
        await(prober.probe(refused), MAX);
        await(prober.probe(notMySql), MAX);
      }
      int before = TestSupport.openFds();
      for (int i = 0; i < 200; i++) {
        assertInstanceOf(ProbeResult.Failed.class, await(prober.probe(refused), MAX));
        assertInstanceOf(ProbeResult.Failed.class, await(prober.probe(notMySql), MAX));
      }
      eventually(Duration.ofSeconds(5), "every socket the prober opened is closed",
          () -> http.closedByClient() == http.accepted());
      int after = TestSupport.openFds();
      assertTrue(after - before < 10, "open files " + before + " -> " + after);
    }
  }

  @Test
  void aClosedProberAnswersAtOnce() {
    Prober p = new Prober(ProberSettings.builder("orcha", "x").build());
    p.close();
    ProbeResult.Failed f = failed(await(p.probe(new InstanceKey("127.0.0.1", 3306)), MAX));
    assertEquals(Reason.OTHER, f.failure().reason());
    assertEquals("127.0.0.1:3306: prober is closed", f.failure().message());
  }
}
