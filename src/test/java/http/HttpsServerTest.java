package http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.TestCerts;

/**
 * The API over TLS (issue 7): the configured certificate is served and only to clients that
 * trust its CA; plain HTTP is not answered on the TLS port; with mutual TLS only clients with a
 * certificate from the configured CA are served; a follower forwards a write to an https leader
 * trusting the CA and presenting its own certificate. Certificates are made by openssl at test
 * time (testkit.TestCerts); the PEM reader is checked on every key form openssl writes.
 */
class HttpsServerTest {

  static final String LOCAL = "pekko.actor.provider = local";
  static final String READ = "/api/clusters";
  static final String WRITE = "/api/forget/127.0.0.1/10111";

  @TempDir
  static Path tmp;
  static TestCerts certs;

  @BeforeAll
  static void makeCertificates() {
    certs = TestCerts.create(tmp);
  }

  static ApiTls tls(Path cert, Path key, Path ca) {
    return new ApiTls(PemFiles.certificates(cert), PemFiles.privateKey(key),
        ca == null ? List.of() : PemFiles.certificates(ca));
  }

  static InMemoryNodeApi serving(ApiTls tls) {
    InMemoryNodeApi api = new InMemoryNodeApi();
    api.settings = InMemoryNodeApi.defaultSettings().withTls(tls);
    return api;
  }

  static HttpClient client(SSLContext context) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5));
    if (context != null) {
      b.sslContext(context);
    }
    return b.build();
  }

  static HttpResponse<String> get(HttpClient client, String url) throws IOException {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static boolean causedByTls(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theConfiguredCertificateIsServedToAClientTrustingTheCa() throws Exception {
    try (ServerSupport s = new ServerSupport("HttpsServed", serving(
        tls(certs.serverCert, certs.serverKey, null)), LOCAL)) {
      String base = "https://127.0.0.1:" + s.port();
      HttpResponse<String> r = get(client(TestCerts.clientContext(certs.caCert, null, null)),
          base + READ);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("[]", r.body().strip());
      X509Certificate served = (X509Certificate) r.sslSession().orElseThrow()
          .getPeerCertificates()[0];
      X509Certificate file = TestCerts.certificate(certs.serverCert);
      assertEquals(file.getSubjectX500Principal(), served.getSubjectX500Principal());
      assertEquals(file.getSerialNumber(), served.getSerialNumber());
      assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(r.sslSession().get().getProtocol()));

      // by host name too (the SAN's DNS entry); HTTP/2 offered is declined cleanly
      HttpResponse<String> byName = get(HttpClient.newBuilder()
          .sslContext(TestCerts.clientContext(certs.caCert, null, null)).build(),
          "https://localhost:" + s.port() + "/api/_ping");
      assertEquals(200, byName.statusCode(), byName.body());

      // plain HTTP to the TLS port is not answered
      IOException plain = assertThrows(IOException.class,
          () -> get(client(null), "http://127.0.0.1:" + s.port() + READ));
      assertFalse(plain.toString().contains("200"), plain.toString());

      // a client that does not trust the CA (the JVM's CAs only) fails the handshake
      IOException untrusted = assertThrows(IOException.class,
          () -> get(client(TestCerts.clientContext(null, null, null)), base + READ));
      assertTrue(causedByTls(untrusted), untrusted.toString());
      // nor does one that trusts another CA
      IOException stranger = assertThrows(IOException.class,
          () -> get(client(TestCerts.clientContext(certs.strangerCaCert, null, null)), base + READ));
      assertTrue(causedByTls(stranger), stranger.toString());
    }
  }

  @Test
  void onlyTls12AndNewerAreOffered() throws Exception {
    ApiTls tls = tls(certs.serverCert, certs.serverKey, certs.caCert);
    SSLEngine engine = tls.serverEngine(tls.serverContext());
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(engine.getEnabledProtocols()));
    assertTrue(engine.getNeedClientAuth());
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(tls.clientParameters().getProtocols()));
    ApiTls oneWay = tls(certs.serverCert, certs.serverKey, null);
    assertFalse(oneWay.serverEngine(oneWay.serverContext()).getNeedClientAuth());
    assertFalse(oneWay.serverEngine(oneWay.serverContext()).getWantClientAuth());
  }

  @Test
  void mutualTlsServesOnlyClientsWithACertificateFromTheCa() throws Exception {
    try (ServerSupport s = new ServerSupport("HttpsMutual", serving(
        tls(certs.serverCert, certs.serverKey, certs.caCert)), LOCAL)) {
      String url = "https://127.0.0.1:" + s.port() + READ;
      assertThrows(IOException.class,
          () -> get(client(TestCerts.clientContext(certs.caCert, null, null)), url));
      IOException stranger = assertThrows(IOException.class, () -> get(client(
          TestCerts.clientContext(certs.caCert, certs.strangerCert, certs.strangerKey)), url));
      assertFalse(stranger.toString().contains("200"), stranger.toString());
      HttpResponse<String> r = get(client(
          TestCerts.clientContext(certs.caCert, certs.clientCert, certs.clientKey)), url);
      assertEquals(200, r.statusCode(), r.body());
      // the load balancers' endpoints need the certificate as well (no exemption below TLS)
      assertThrows(IOException.class, () -> get(client(
          TestCerts.clientContext(certs.caCert, null, null)),
          "https://127.0.0.1:" + s.port() + "/api/health"));
    }
  }

  @Test
  void anEcKeyInSec1FormIsServed() throws Exception {
    try (ServerSupport s = new ServerSupport("HttpsEc", serving(tls(certs.ecCert, certs.ecKey,
        null)), LOCAL)) {
      HttpResponse<String> r = get(client(TestCerts.clientContext(certs.caCert, null, null)),
          "https://localhost:" + s.port() + READ);
      assertEquals(200, r.statusCode(), r.body());
      X509Certificate served = (X509Certificate) r.sslSession().orElseThrow()
          .getPeerCertificates()[0];
      assertEquals(TestCerts.certificate(certs.ecCert).getSerialNumber(), served.getSerialNumber());
      assertEquals("EC", served.getPublicKey().getAlgorithm());
    }
  }

  @Test
  void everyKeyFormOpensslWritesIsRead() {
    assertEquals("RSA", PemFiles.privateKey(certs.serverKey).getAlgorithm()); // PKCS#8
    assertTrue(Files.exists(certs.rsaKey));
    assertTrue(read(certs.rsaKey).contains("BEGIN RSA PRIVATE KEY"), "openssl wrote PKCS#1");
    assertEquals("RSA", PemFiles.privateKey(certs.rsaKey).getAlgorithm());
    assertTrue(read(certs.ecKey).contains("BEGIN EC PRIVATE KEY"), "openssl wrote SEC1");
    assertEquals("EC", PemFiles.privateKey(certs.ecKey).getAlgorithm());
    // each key belongs to its certificate (ApiTls checks by signing)
    tls(certs.rsaCert, certs.rsaKey, null);
    tls(certs.ecCert, certs.ecKey, null);
    assertEquals(2, PemFiles.certificates(certs.serverChain).size());
  }

  @Test
  void badFilesAreNamedWithoutShowingWhatTheyHold() throws IOException {
    String keyText = read(certs.serverKey);
    String keyBody = keyText.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    String encrypted = assertThrows(IllegalArgumentException.class,
        () -> PemFiles.privateKey(certs.encryptedKey)).getMessage();
    assertTrue(encrypted.contains(certs.encryptedKey + " holds an encrypted private key"), encrypted);
    String certAsKey = assertThrows(IllegalArgumentException.class,
        () -> PemFiles.privateKey(certs.serverCert)).getMessage();
    assertTrue(certAsKey.contains("holds no PEM private key") && certAsKey.endsWith(
        "found: CERTIFICATE"), certAsKey);
    String keyAsCert = assertThrows(IllegalArgumentException.class,
        () -> PemFiles.certificates(certs.serverKey)).getMessage();
    assertTrue(keyAsCert.contains(certs.serverKey + " holds no PEM certificate"), keyAsCert);
    assertFalse(keyAsCert.contains(keyBody), "the key must not be quoted");
    Path damaged = tmp.resolve("damaged.key");
    Files.writeString(damaged, keyText.replace(keyBody, keyBody.substring(0, 20) + "AAAA"
        + keyBody.substring(24)));
    String bad = assertThrows(IllegalArgumentException.class,
        () -> PemFiles.privateKey(damaged)).getMessage();
    assertTrue(bad.contains(damaged + " holds a private key that cannot be parsed"), bad);
    assertFalse(bad.contains(keyBody.substring(0, 20)), bad);
    Path notPem = tmp.resolve("not.pem");
    Files.writeString(notPem, "hello\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PemFiles.certificates(notPem))
        .getMessage().contains("is not a PEM file"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PemFiles.certificates(tmp.resolve("missing.pem"))).getMessage()
        .startsWith("cannot read file " + tmp.resolve("missing.pem")));
    // a key of another pair: refused before anything is served
    String mismatch = assertThrows(IllegalArgumentException.class,
        () -> tls(certs.serverCert, certs.rsaKey, null)).getMessage();
    assertEquals("the private key does not belong to the certificate (another key pair)", mismatch);
    String family = assertThrows(IllegalArgumentException.class,
        () -> tls(certs.serverCert, certs.ecKey, null)).getMessage();
    assertTrue(family.contains("EC key but the certificate's key is RSA"), family);
    ApiTls ok = tls(certs.serverCert, certs.serverKey, null);
    assertFalse(ok.toString().contains(keyBody), ok.toString());
    assertTrue(ok.toString().contains("CN=127.0.0.1"), ok.toString());
  }

  /** A follower whose leader serves https: the forwarding client's trust and certificate. */
  static InMemoryNodeApi follower(ApiTls own, ServerSupport leaderServer) {
    int leaderPort = leaderServer.port();
    InMemoryNodeApi f = new InMemoryNodeApi() {
      @Override
      public CompletionStage<Optional<String>> leaderUrl() {
        return CompletableFuture.completedFuture(
            Optional.of("https://127.0.0.1:" + leaderPort + "/api"));
      }
    };
    f.leader = false;
    f.settings = InMemoryNodeApi.defaultSettings().withTls(own);
    return f;
  }

  @Test
  void aFollowerForwardsAWriteToAnHttpsLeaderWithMutualTls() throws Exception {
    ApiTls nodeTls = tls(certs.serverCert, certs.serverKey, certs.caCert);
    InMemoryNodeApi leaderApi = serving(nodeTls);
    try (ServerSupport leader = new ServerSupport("HttpsLeader", leaderApi, LOCAL);
        ServerSupport follower = new ServerSupport("HttpsFollower", follower(nodeTls, leader),
            LOCAL);
        ServerSupport stranger = new ServerSupport("HttpsStranger", follower(
            tls(certs.strangerCert, certs.strangerKey, certs.strangerCaCert), leader), LOCAL)) {
      HttpClient operator = client(
          TestCerts.clientContext(certs.caCert, certs.clientCert, certs.clientKey));
      HttpResponse<String> r = get(operator, "https://127.0.0.1:" + follower.port() + WRITE);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(List.of("forget 127.0.0.1:10111"), leaderApi.calls, "the leader ran it");
      // a node that trusts neither the leader's CA nor has a certificate from it gets nowhere
      leaderApi.calls.clear();
      HttpClient strangerOperator = client(
          TestCerts.clientContext(certs.strangerCaCert, certs.strangerCert, certs.strangerKey));
      HttpResponse<String> refused = get(strangerOperator,
          "https://127.0.0.1:" + stranger.port() + WRITE);
      assertEquals(500, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("did not answer"), refused.body());
      assertTrue(refused.body().contains("SSL"), refused.body());
      assertTrue(leaderApi.calls.isEmpty());
    }
  }

  @Test
  void withoutACaFileAFollowerTrustsTheCaAtTheEndOfItsOwnChain() throws Exception {
    ApiTls nodeTls = tls(certs.serverChain, certs.serverKey, null);
    InMemoryNodeApi leaderApi = serving(nodeTls);
    try (ServerSupport leader = new ServerSupport("HttpsChainLeader", leaderApi, LOCAL);
        ServerSupport follower = new ServerSupport("HttpsChainFollower",
            follower(tls(certs.ecCert, certs.ecKey, null), leader), LOCAL)) {
      // the EC node's chain is its certificate alone: it cannot verify the leader's
      HttpResponse<String> refused = get(client(TestCerts.clientContext(certs.caCert, null, null)),
          "https://127.0.0.1:" + follower.port() + WRITE);
      assertEquals(500, refused.statusCode(), refused.body());
      assertTrue(leaderApi.calls.isEmpty());
    }
    try (ServerSupport leader = new ServerSupport("HttpsChainLeader2", leaderApi, LOCAL);
        ServerSupport follower = new ServerSupport("HttpsChainFollower2",
            follower(nodeTls, leader), LOCAL)) {
      HttpResponse<String> r = get(client(TestCerts.clientContext(certs.caCert, null, null)),
          "https://127.0.0.1:" + follower.port() + WRITE);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(List.of("forget 127.0.0.1:10111"), leaderApi.calls);
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
