package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.OrchaClient;
import testkit.OrchaClient.Run;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.TestCerts;

/**
 * Two orcha nodes serving their API over mutual TLS (issue 7): the leader advertises an https
 * URL, a write sent to the follower is forwarded to it over https (the follower trusts the CA
 * and presents its certificate), and bin/orcha-client works against the https nodes with
 * CURL_CA_BUNDLE and --cert/--key — leader discovery among both URLs included — and says that
 * TLS failed when it has no certificate or does not trust the CA. No MariaDB needed.
 */
class TlsClusterTest {

  static final int CLUSTER_BASE = 11001;
  static final int HTTP_BASE = 11003;
  static final String NODES = "[\"127.0.0.1:11001\", \"127.0.0.1:11002\"]";

  @TempDir
  static Path tmp;
  static TestCerts certs;
  static final List<OrchaFixture> nodes = new ArrayList<>();
  static OrchaFixture leader;
  static OrchaFixture follower;

  @BeforeAll
  static void start() {
    certs = TestCerts.create(tmp);
    for (int i = 0; i < 2; i++) {
      nodes.add(OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("tls" + i + ".db")) + """
          orcha.node-name = "tls-%d"
          orcha.http.listen-address = "127.0.0.1:%d"
          orcha.cluster.bind = "127.0.0.1:%d"
          orcha.cluster.nodes = %s
          orcha.http.tls {
            enabled = true
            cert-file = "%s"
            key-file = "%s"
            ca-file = "%s"
          }
          """.formatted(i, HTTP_BASE + i, CLUSTER_BASE + i, NODES, certs.serverCert,
          certs.serverKey, certs.caCert)));
    }
    leader = Eventually.await("one leader", Duration.ofSeconds(60), () -> {
      List<OrchaFixture> leaders = nodes.stream()
          .filter(n -> n.raw("leader-check").statusCode() == 200).toList();
      boolean healthy = nodes.stream().allMatch(n -> n.get("raft-health").asText().equals("healthy"));
      return leaders.size() == 1 && healthy ? leaders.get(0) : null;
    }, l -> l != null);
    follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
  }

  @AfterAll
  static void stop() {
    for (OrchaFixture n : nodes) {
      n.close();
    }
  }

  @Test
  void theNodesServeHttpsAndAFollowerForwardsAWriteOverIt() {
    assertTrue(leader.apiUrl().startsWith("https://127.0.0.1:"), leader.apiUrl());
    assertEquals(java.util.Optional.of(leader.apiUrl()),
        follower.node().api().leaderUrl().toCompletableFuture().join(), "the leader advertises https");
    JsonNode r = follower.get("disable-global-recoveries");
    assertEquals("OK", r.path("Code").asText(), r.toString());
    assertEquals("disabled", leader.get("check-global-recoveries").path("Details").asText(),
        "the leader ran the forwarded write");
    JsonNode back = follower.get("enable-global-recoveries");
    assertEquals("OK", back.path("Code").asText(), back.toString());
    assertEquals("enabled", leader.get("check-global-recoveries").path("Details").asText());
  }

  static Run client(Map<String, String> env, String... args) {
    return OrchaClient.run(env, Duration.ofSeconds(60), args);
  }

  static Map<String, String> env(String api, boolean trustCa) {
    Map<String, String> env = new HashMap<>();
    env.put("ORCHA_API", api);
    if (trustCa) {
      env.put("CURL_CA_BUNDLE", certs.caCert.toString());
    }
    return env;
  }

  @Test
  void orchaClientSpeaksHttpsWithTheCaBundleAndAClientCertificate() {
    String both = follower.apiUrl() + " " + leader.apiUrl();
    String[] cert = {"--cert", certs.clientCert.toString(), "--key", certs.clientKey.toString()};
    // leader discovery over https finds the leader behind the follower
    Run which = client(env(both, true), concat(cert, "-c", "which-api"));
    assertEquals(new Run(0, leader.apiUrl(), ""), which);
    Run clusters = client(env(both, true), concat(cert, "-c", "clusters"));
    assertEquals(new Run(0, "", ""), clusters);
    Run check = client(env(leader.apiUrl(), true), concat(cert, "-c", "api", "-path",
        "leader-check"));
    assertEquals(0, check.exit(), check.toString());
    assertTrue(check.out().contains("OK"), check.toString());
    // the certificate from the environment; a write through the follower alone
    Map<String, String> viaEnv = env(follower.apiUrl(), true);
    viaEnv.put("ORCHA_TLS_CERT", certs.clientCert.toString());
    viaEnv.put("ORCHA_TLS_KEY", certs.clientKey.toString());
    Run write = client(viaEnv, "-c", "disable-global-recoveries");
    assertEquals(new Run(0, "disabled", ""), write);
    assertEquals("disabled", leader.get("check-global-recoveries").path("Details").asText());
    assertEquals(new Run(0, "enabled", ""), client(viaEnv, "-c", "enable-global-recoveries"));
  }

  @Test
  void orchaClientSaysWhenTlsFails() {
    String[] cert = {"--cert", certs.clientCert.toString(), "--key", certs.clientKey.toString()};
    long start = System.nanoTime();
    Run untrusted = client(env(leader.apiUrl(), false), concat(cert, "-c", "clusters"));
    assertEquals(1, untrusted.exit(), untrusted.toString());
    assertTrue(untrusted.err().contains("Cannot access orchestrator at " + leader.apiUrl()),
        untrusted.toString());
    assertTrue(untrusted.err().contains("TLS failed, curl exit code 60"), untrusted.toString());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(8).toNanos(),
        "a certificate problem is not retried for seconds");
    Run noCert = client(env(leader.apiUrl(), true), "-c", "clusters");
    assertEquals(1, noCert.exit(), noCert.toString());
    assertTrue(noCert.err().contains("Cannot access orchestrator at " + leader.apiUrl()),
        noCert.toString());
    assertTrue(noCert.err().contains("TLS failed") && noCert.err().contains("--cert and --key"),
        noCert.toString());
    Run half = client(env(leader.apiUrl(), true), "--cert", certs.clientCert.toString(),
        "-c", "clusters");
    assertEquals(new Run(1, "", "orcha-client: --cert and --key go together (mutual TLS)"), half);
    Run plain = client(env(leader.apiUrl().replace("https://", "http://"), true),
        concat(cert, "-c", "clusters"));
    assertEquals(1, plain.exit(), plain.toString());
    assertTrue(plain.err().contains("TLS failed") && plain.err().contains("use an https URL"),
        plain.toString());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos(),
        "TLS problems are reported at once, not after the retries");
  }

  static String[] concat(String[] first, String... rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(rest));
    return all.toArray(String[]::new);
  }
}
