package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * TLS to real MariaDB servers (a sandbox started with --tls: a CA of its own, a replication
 * user that REQUIREs SSL, a topology user that REQUIREs X509). orcha verifies the servers'
 * certificates, logs in with a client certificate, refuses a server whose certificate another
 * CA signed and says why, and every replica it re-points (refactoring, master recovery) keeps
 * its TLS channel.
 */
@Tag("sandbox")
class ManagedServerTlsTest {

  static final int M = 11011;
  static final int HTTP = 11021;
  static final int CLUSTER = 11022;
  static final String HOST = "127.0.0.1";
  static final AtomicInteger rows = new AtomicInteger();
  /** The session's own TLS version, as a custom query: each probe shows how it is connected. */
  static final String SESSION_TLS_VERSION = "select variable_value from"
      + " information_schema.session_status where variable_name = 'Ssl_version'";

  @TempDir
  Path tmp;

  Sandbox sandbox;
  OrchaFixture orcha;

  @BeforeEach
  void up() {
    sandbox = Sandbox.upTls("tlsmy", M, 4, "star");
  }

  @AfterEach
  void down() {
    try {
      if (orcha != null) {
        orcha.close();
      }
    } finally {
      sandbox.close();
    }
  }

  /** A node on this test's ports that logs in as {@code user} with the given orcha.mysql.tls. */
  OrchaFixture start(String user, String tls) {
    return OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("tls.db")) + """
        orcha.http.listen-address = "127.0.0.1:%d"
        orcha.cluster.bind = "127.0.0.1:%d"
        orcha.mysql.topology-user = %s
        orcha.mysql.topology-password = %s
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.queries.physical-environment = "%s"
        orcha.recovery.master-cluster-filters = ["*"]
        orcha.recovery.intermediate-master-cluster-filters = ["*"]
        orcha.recovery.period-block = 3600s
        orcha.recovery.recover-non-writeable-master = true
        %s
        """.formatted(HTTP, CLUSTER, user, user, SESSION_TLS_VERSION, tls));
  }

  /** verify-ca with the sandbox's CA and client certificate, as the X509 account. */
  OrchaFixture startVerifying() {
    return start(Sandbox.X509_USER, """
        orcha.mysql.tls { mode = verify-ca, ca-file = "%s", cert-file = "%s", key-file = "%s" }
        """.formatted(sandbox.caFile(), sandbox.clientCertFile(), sandbox.clientKeyFile()));
  }

  @Test
  void verifyCaWithClientCertificateProbesEveryServerOverTls() {
    orcha = startVerifying();
    orcha.discoverAndAwaitValid(HOST, M, 4);
    for (int p : sandbox.ports()) {
      JsonNode i = orcha.get("instance/" + HOST + "/" + p);
      // the probe's own session: TLS 1.2 or 1.3, never "" (plain)
      assertTrue(i.get("PhysicalEnvironment").asText().startsWith("TLSv1."), i.toString());
      assertEquals(p == M ? 0 : M, i.get("MasterKey").get("Port").asInt());
    }
    // orcha_x509 REQUIREs X509: the server let orcha in only over TLS with the client
    // certificate; and the server counted those TLS logins
    for (int p : sandbox.ports()) {
      assertTrue(sandbox.sql(p, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
          + Sandbox.X509_USER + "'").matches("[1-9][0-9]*"), "no probe session on " + p);
      long accepts = Long.parseLong(sandbox.sql(p, "SELECT VARIABLE_VALUE FROM"
          + " information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SSL_ACCEPTS'"));
      assertTrue(accepts >= 1, "Ssl_accepts on " + p + ": " + accepts);
    }
  }

  @Test
  void aServerSignedByAnotherCaIsNotProbedAndTheErrorSaysWhy() throws Exception {
    Path otherCa = otherCa();
    orcha = start(Sandbox.X509_USER, """
        orcha.mysql.tls { mode = verify-ca, ca-file = "%s", cert-file = "%s", key-file = "%s" }
        """.formatted(otherCa, sandbox.clientCertFile(), sandbox.clientKeyFile()));
    JsonNode r = orcha.get("discover/" + HOST + "/" + M);
    assertEquals("ERROR", r.get("Code").asText(), r.toString());
    String m = r.get("Message").asText();
    assertTrue(m.startsWith(HOST + ":" + M + ": TLS: the server's certificate was refused"), m);
    assertTrue(m.contains("orcha.mysql.tls.ca-file"), m);
    // orcha keeps running and keeps saying why, and never sees the server as valid
    Eventually.consistently("no valid instance", Duration.ofSeconds(3), () -> orcha.get("all-instances"),
        all -> all.findValues("IsLastCheckValid").stream().noneMatch(JsonNode::asBoolean));
    JsonNode again = orcha.get("discover/" + HOST + "/" + (M + 1));
    assertTrue(again.get("Message").asText().contains("certificate was refused"), again.toString());
    assertEquals(0, Integer.parseInt(sandbox.sql(M, "SELECT COUNT(*) FROM"
        + " information_schema.PROCESSLIST WHERE USER = '" + Sandbox.X509_USER + "'")));
  }

  @Test
  void requiredWithoutClientCertificateIsRefusedByTheX509AccountClearly() {
    orcha = start(Sandbox.X509_USER, "orcha.mysql.tls.mode = required");
    JsonNode r = orcha.get("discover/" + HOST + "/" + M);
    assertEquals("ERROR", r.get("Code").asText(), r.toString());
    String m = r.get("Message").asText();
    assertTrue(m.startsWith(HOST + ":" + M + ": access denied for user " + Sandbox.X509_USER), m);
    assertTrue(m.endsWith("; orcha sends no client certificate (orcha.mysql.tls.cert-file/key-file"
        + " are not set): an account that REQUIREs X509 refuses such logins"), m);
  }

  @Test
  void replicationTlsIsKeptWhenAReplicaIsRelocatedAndBack() {
    orcha = startVerifying();
    orcha.discoverAndAwaitValid(HOST, M, 4);
    Map<String, String> before = channel(M + 1);
    assertTlsChannel(M + 1, M, before);

    ok("relocate/" + HOST + "/" + (M + 1) + "/" + HOST + "/" + (M + 2));
    awaitReplicating(M + 1, M + 2);
    assertTlsChannel(M + 1, M + 2, before);
    rowReachesEveryone(M, Set.of());

    ok("relocate/" + HOST + "/" + (M + 1) + "/" + HOST + "/" + M);
    awaitReplicating(M + 1, M);
    assertTlsChannel(M + 1, M, before);
    for (int p : List.of(M + 2, M + 3)) {
      assertTlsChannel(p, M, before);
    }
    rowReachesEveryone(M, Set.of());
  }

  @Test
  void replicationTlsIsKeptByEveryReplicaAfterMasterRecovery() {
    orcha = startVerifying();
    orcha.discoverAndAwaitValid(HOST, M, 4);
    Map<String, String> before = channel(M + 1);
    sandbox.kill(M);
    RecoveryLog.Recovery r = Eventually.await("a resolved recovery of " + M, Duration.ofSeconds(40),
        () -> orcha.recoveryLog().recoveries().stream()
            .filter(x -> x.start().failedKey().port() == M).toList(),
        l -> !l.isEmpty() && l.get(0).ended()).get(0);
    assertTrue(r.resolution().successful(), r.toString());
    int promoted = r.resolution().successor().port();
    for (int p = M + 1; p <= M + 3; p++) {
      if (p != promoted) {
        awaitReplicating(p, promoted);
        assertTlsChannel(p, promoted, before);
      }
    }
    rowReachesEveryone(promoted, Set.of(M));
    orcha.get("ack-all-recoveries?comment=test+done");
  }

  @Test
  void theDemotedMasterOfAGracefulTakeoverReplicatesOverTheSameTls() {
    orcha = startVerifying();
    orcha.discoverAndAwaitValid(HOST, M, 4);
    Map<String, String> before = channel(M + 1);
    ok("graceful-master-takeover/" + HOST + "/" + M + "/" + HOST + "/" + (M + 2));
    for (int p : List.of(M + 1, M + 3)) {
      awaitReplicating(p, M + 2);
      assertTlsChannel(p, M + 2, before);
    }
    // the demoted master had no channel: it gets one, with its new master's TLS options
    ok("start-replica/" + HOST + "/" + M);
    awaitReplicating(M, M + 2);
    assertTlsChannel(M, M + 2, before);
    rowReachesEveryone(M + 2, Set.of());
    orcha.get("ack-all-recoveries?comment=test+done");
  }

  // ---------------------------------------------------------------------------------------------

  JsonNode ok(String path) {
    JsonNode r = orcha.get(path);
    assertEquals("OK", r.get("Code").asText(), path + " → " + r);
    return r;
  }

  /** SHOW SLAVE STATUS of {@code port}, column → value. */
  Map<String, String> channel(int port) {
    Map<String, String> m = new HashMap<>();
    for (String line : sandbox.sql(port, "SHOW SLAVE STATUS\\G").split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("*")) {
        m.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
    }
    return m;
  }

  /** The server replicates from {@code master} with both threads running, per the server itself. */
  void awaitReplicating(int port, int master) {
    Eventually.await(port + " replicating from " + master, Duration.ofSeconds(20), () -> channel(port),
        c -> String.valueOf(master).equals(c.get("Master_Port"))
            && "Yes".equals(c.get("Slave_IO_Running")) && "Yes".equals(c.get("Slave_SQL_Running")));
  }

  /**
   * TLS on, the sandbox's CA, the master's certificate verified, and the IO thread connected:
   * repl REQUIREs SSL, so a running IO thread is a TLS channel.
   */
  void assertTlsChannel(int port, int master, Map<String, String> reference) {
    Map<String, String> c = channel(port);
    String where = port + " (from " + master + "): " + c;
    assertEquals(String.valueOf(master), c.get("Master_Port"), where);
    assertEquals("Yes", c.get("Master_SSL_Allowed"), where);
    assertEquals(sandbox.caFile().toString(), c.get("Master_SSL_CA_File"), where);
    assertEquals(reference.get("Master_SSL_CA_File"), c.get("Master_SSL_CA_File"), where);
    assertEquals("Yes", c.get("Master_SSL_Verify_Server_Cert"), where);
    assertEquals("Yes", c.get("Slave_IO_Running"), where);
    assertEquals("", c.get("Last_IO_Error"), where);
  }

  /** A row written on {@code master} reaches every live server. */
  void rowReachesEveryone(int master, Set<Integer> dead) {
    String v = "tls-row-" + rows.incrementAndGet();
    sandbox.sql(master, "INSERT INTO app.t(v) VALUES ('" + v + "')");
    for (int p : sandbox.ports()) {
      if (!dead.contains(p)) {
        Eventually.await(v + " on " + p, Duration.ofSeconds(10),
            () -> sandbox.sql(p, "SELECT COUNT(*) FROM app.t WHERE v = '" + v + "'"), n -> n.equals("1"));
      }
    }
  }

  /** A CA that signed none of the sandbox's certificates. */
  Path otherCa() throws IOException, InterruptedException {
    Path ca = tmp.resolve("other-ca.pem");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-keyout",
        tmp.resolve("other-ca-key.pem").toString(), "-out", ca.toString(), "-subj", "/CN=other CA")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("openssl.log").toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("openssl failed: " + Files.readString(tmp.resolve("openssl.log")));
    }
    return ca;
  }
}
