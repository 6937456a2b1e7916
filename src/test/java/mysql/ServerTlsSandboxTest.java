package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mysql.ProberSettings.Tls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import testkit.Sandbox;
import topology.InstanceKey;
import topology.ProbeFailure.Reason;
import topology.ProbeResult;

/**
 * {@link ServerTls} on real connections, probes and operation sessions alike, against one
 * MariaDB server of a --tls sandbox: each session asks the server how it is connected.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerTlsSandboxTest {

  static final int PORT = 11016;
  static final Duration MAX = Duration.ofSeconds(10);
  static final String SESSION_TLS = "select variable_value from information_schema.session_status"
      + " where variable_name = 'Ssl_version'";

  Sandbox sandbox;

  @BeforeAll
  void up() {
    TestSupport.quietLogging();
    sandbox = Sandbox.upTls("tlsmy-mysql", PORT, 1, "star");
  }

  @AfterAll
  void down() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  ServerTls tls(Tls mode, boolean clientCertificate) {
    return new ServerTls(mode, mode.verifiesCertificate() ? sandbox.caFile() : null,
        clientCertificate ? sandbox.clientCertFile() : null,
        clientCertificate ? sandbox.clientKeyFile() : null);
  }

  /** The probe's own session's TLS version ("" without TLS), read with a custom query. */
  ProbeResult probe(String user, ServerTls tls, InstanceKey key) {
    try (Prober p = new Prober(ProberSettings.builder(user, user)
        .connectTimeout(Duration.ofSeconds(3)).queryTimeout(Duration.ofSeconds(3))
        .probeTimeout(Duration.ofSeconds(8)).tls(tls)
        .query(CustomQuery.PHYSICAL_ENVIRONMENT, SESSION_TLS).build())) {
      return TestSupport.await(p.probe(key), MAX);
    }
  }

  String probedTlsVersion(String user, ServerTls tls, InstanceKey key) {
    ProbeResult r = probe(user, tls, key);
    if (r instanceof ProbeResult.Failed f) {
      throw new AssertionError("probe of " + key + " with " + tls + " failed: " + f.failure());
    }
    return ((ProbeResult.Reached) r).instance().labels().physicalEnvironment();
  }

  /** An operation session's own TLS version and account. */
  List<String> operationSession(String user, ServerTls tls, InstanceKey key) {
    OperationSettings s = OperationSettings.builder(user, user).connectTimeout(Duration.ofSeconds(3))
        .tls(tls).build();
    try (OperationSessions.R2dbc c = new OperationSessions.R2dbc(s)) {
      OperationSessions.Session session = c.open(key).block(MAX);
      try {
        List<Map<String, String>> rows = session.execute(
            "select current_user() as u, (" + SESSION_TLS + ") as v").block(MAX);
        return List.of(rows.get(0).get("u"), rows.get(0).get("v"));
      } finally {
        session.close().block(MAX);
      }
    }
  }

  @Test
  void everyTlsModeConnectsAsItSaysAndTheX509AccountNeedsTheClientCertificate() {
    InstanceKey ip = new InstanceKey("127.0.0.1", PORT);
    InstanceKey name = new InstanceKey("localhost", PORT);
    for (Tls mode : List.of(Tls.PREFERRED, Tls.REQUIRED, Tls.VERIFY_CA, Tls.VERIFY_IDENTITY)) {
      for (InstanceKey key : List.of(ip, name)) {
        ServerTls t = tls(mode, true);
        assertTrue(probedTlsVersion(Sandbox.X509_USER, t, key).startsWith("TLSv1."), mode + " " + key);
        List<String> op = operationSession(Sandbox.X509_USER, t, key);
        assertEquals(Sandbox.X509_USER + "@%", op.get(0), mode + " " + key);
        assertTrue(op.get(1).startsWith("TLSv1."), mode + " " + key + ": " + op);
      }
    }
    // the check tells the difference: without TLS the session says so
    assertEquals("", probedTlsVersion("orcha", ServerTls.of(Tls.DISABLED), ip));
    assertEquals(List.of("orcha@%", ""), operationSession("orcha", ServerTls.of(Tls.DISABLED), ip));
  }

  @Test
  void aLoginRefusedForWantOfTlsSaysWhatOrchaSent() {
    InstanceKey key = new InstanceKey("127.0.0.1", PORT);
    ProbeResult noCert = probe(Sandbox.X509_USER, tls(Tls.VERIFY_CA, false), key);
    ProbeResult.Failed f = assertInstanceOf(ProbeResult.Failed.class, noCert);
    assertEquals(Reason.ACCESS_DENIED, f.failure().reason());
    assertTrue(f.failure().message().endsWith("; orcha sends no client certificate"
        + " (orcha.mysql.tls.cert-file/key-file are not set): an account that REQUIREs X509"
        + " refuses such logins"), f.failure().message());

    // repl REQUIREs SSL: refused without TLS, and the message says orcha did not use any
    ProbeResult plain = probe("repl", ServerTls.of(Tls.DISABLED), key);
    String m = assertInstanceOf(ProbeResult.Failed.class, plain).failure().message();
    assertTrue(m.contains("access denied for user repl") && m.endsWith("; orcha connects without TLS"
        + " (orcha.mysql.tls.mode disabled): an account that REQUIREs SSL or X509 refuses such logins"), m);

    try (Operations ops = new Operations(OperationSettings.builder(Sandbox.X509_USER, Sandbox.X509_USER)
        .connectTimeout(Duration.ofSeconds(3)).tls(ServerTls.of(Tls.REQUIRED)).build())) {
      OperationResult<ReplicationChannel> r = ops.readReplicationChannel(key).toCompletableFuture()
          .orTimeout(MAX.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
      assertEquals(OperationResult.Outcome.REFUSED, r.outcome(), r.message());
      assertTrue(r.message().contains("orcha sends no client certificate"), r.message());
    }
  }

  @Test
  void verifyIdentityRefusesACertificateThatDoesNotNameTheHostVerifyCaAcceptsIt() throws Exception {
    // 127.0.0.2 reaches the server through a proxy; its certificate names 127.0.0.1 and localhost
    try (CuttingProxy proxy = new CuttingProxy(InetAddress.getByName("127.0.0.2"), PORT)) {
      InstanceKey other = new InstanceKey("127.0.0.2", proxy.port());
      ProbeResult r = probe(Sandbox.X509_USER, tls(Tls.VERIFY_IDENTITY, true), other);
      ProbeResult.Failed f = assertInstanceOf(ProbeResult.Failed.class, r);
      assertEquals(Reason.TLS_ERROR, f.failure().reason(), f.failure().message());
      assertTrue(f.failure().message().startsWith("127.0.0.2:" + proxy.port() + ": TLS: the server's"
          + " certificate does not name the host orcha connects to (orcha.mysql.tls.mode"
          + " verify-identity)"), f.failure().message());
      assertTrue(probedTlsVersion(Sandbox.X509_USER, tls(Tls.VERIFY_CA, true), other).startsWith("TLSv1."));
    }
  }
}
