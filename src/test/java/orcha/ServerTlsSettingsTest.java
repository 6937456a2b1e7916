package orcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mysql.ProberSettings.Tls;
import mysql.ServerTls;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** orcha.mysql.tls: validation, where it goes (probes and operations), orchestrator's keys. */
class ServerTlsSettingsTest {

  @TempDir
  Path tmp;

  Path ca;
  Path cert;
  Path key;

  @BeforeEach
  void pemFiles() throws IOException {
    // only the PEM framing is checked at start-up; the driver parses the contents
    ca = Files.writeString(tmp.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    cert = Files.writeString(tmp.resolve("client-cert.pem"), Files.readString(ca));
    key = Files.writeString(tmp.resolve("client-key.pem"), "-----BEGIN PRIVATE KEY-----\nMIG\n-----END PRIVATE KEY-----\n");
  }

  private ConfigLoader.Loaded load(String hocon, Path... files) {
    return new ConfigLoader(List.of(files), ConfigFactory.parseString(hocon)).load();
  }

  private String error(String hocon, Path... files) {
    return assertThrows(IllegalArgumentException.class, () -> load(hocon, files)).getMessage();
  }

  private String tls(String mode, Path caFile, Path certFile, Path keyFile) {
    return "orcha.mysql.tls { mode = \"" + mode + "\", ca-file = \"" + (caFile == null ? "" : caFile)
        + "\", cert-file = \"" + (certFile == null ? "" : certFile) + "\", key-file = \""
        + (keyFile == null ? "" : keyFile) + "\" }";
  }

  @Test
  void defaultIsPreferredWithoutFiles() {
    Settings s = load("").settings();
    assertEquals(ServerTls.PREFERRED, s.mysql().tls());
    assertEquals(ServerTls.PREFERRED, MysqlProbeClient.proberSettings(s).tls());
    assertEquals(ServerTls.PREFERRED, OrchaNode.operationSettings(s).tls());
  }

  @Test
  void verifyCaWithClientCertificateReachesProbesAndOperations() {
    Settings s = load(tls("verify-ca", ca, cert, key)).settings();
    ServerTls t = s.mysql().tls();
    assertEquals(new ServerTls(Tls.VERIFY_CA, ca, cert, key), t);
    assertTrue(t.hasClientCertificate());
    assertEquals(t, MysqlProbeClient.proberSettings(s).tls());
    assertEquals(t, OrchaNode.operationSettings(s).tls());
    assertEquals(List.of(), s.notices());
    assertEquals(Tls.VERIFY_IDENTITY, load(tls("VERIFY_IDENTITY", ca, null, null)).settings().mysql().tls().mode());
    assertEquals(Tls.DISABLED, load(tls("disabled", null, null, null)).settings().mysql().tls().mode());
    assertEquals(Tls.REQUIRED, load(tls("required", null, cert, key)).settings().mysql().tls().mode());
  }

  @Test
  void aReloadThatChangesTlsSaysOperationsNeedARestart() {
    Settings before = load("").settings();
    Settings after = load(tls("verify-ca", ca, cert, key)).settings();
    assertEquals(List.of("orcha.mysql.tls (for operations; probes use it at once)"),
        before.restartRequiredChanges(after));
    assertEquals(List.of(), after.restartRequiredChanges(load(tls("verify-ca", ca, cert, key)).settings()));
  }

  @Test
  void badModeAndMissingPartsNameTheSetting() {
    assertEquals("orcha.mysql.tls.mode must be disabled, preferred, required, verify-ca or"
        + " verify-identity, got: verify", error(tls("verify", ca, null, null)));
    assertEquals("orcha.mysql.tls.mode verify-ca needs orcha.mysql.tls.ca-file: the CA that signed"
        + " the servers' certificates", error(tls("verify-ca", null, cert, key)));
    assertEquals("orcha.mysql.tls.cert-file and orcha.mysql.tls.key-file go together: cert-file is"
        + " set, key-file is not", error(tls("required", null, cert, null)));
    assertTrue(error(tls("required", null, null, key)).endsWith("key-file is set, cert-file is not"));
  }

  @Test
  void filesMustExistAndHoldThePemTheyShould() throws IOException {
    Path none = tmp.resolve("nope.pem");
    assertEquals("orcha.mysql.tls.ca-file: no such file " + none, error(tls("verify-ca", none, null, null)));
    assertEquals("orcha.mysql.tls.key-file: no such file " + none, error(tls("required", null, cert, none)));
    assertEquals("orcha.mysql.tls.ca-file: " + tmp + " is not a file", error(tls("verify-ca", tmp, null, null)));
    assertEquals("orcha.mysql.tls.cert-file: " + key + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        error(tls("required", null, key, key)));
    assertEquals("orcha.mysql.tls.key-file: " + cert + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)",
        error(tls("required", null, cert, cert)));

    Path rsa = Files.writeString(tmp.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----\n");
    String m = error(tls("required", null, cert, rsa));
    assertTrue(m.startsWith("orcha.mysql.tls.key-file: " + rsa + " holds a PKCS#1/SEC1 key, orcha reads PKCS#8"), m);
    assertTrue(m.contains("openssl pkcs8 -topk8 -nocrypt -in " + rsa + " -out " + rsa + ".pkcs8"), m);
    Path enc = Files.writeString(tmp.resolve("enc.pem"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMII\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertTrue(error(tls("required", null, cert, enc)).contains("holds an encrypted key"));
  }

  @Test
  void filesThatTheModeDoesNotUseAreNoticed() {
    Settings s = load(tls("preferred", ca, null, null)).settings();
    assertEquals(List.of("setting orcha.mysql.tls.ca-file is set but orcha.mysql.tls.mode is"
        + " preferred: the servers' certificates are not verified (verify-ca or verify-identity would)"),
        s.notices());
    assertTrue(load(tls("disabled", null, cert, key)).settings().notices().get(0)
        .contains("is disabled: no TLS, so no client certificate is sent"));
  }

  @Test
  void orchestratorMutualTlsIsVerifyIdentityWithTheFiles() throws IOException {
    Path json = tmp.resolve("orchestrator.json");
    Files.writeString(json, """
        {
          "MySQLTopologyUseMutualTLS": true,
          "MySQLTopologySSLCAFile": "%s",
          "MySQLTopologySSLCertFile": "%s",
          "MySQLTopologySSLPrivateKeyFile": "%s",
          "MySQLTopologySSLSkipVerify": false,
          "MySQLTopologyUseMixedTLS": true
        }""".formatted(ca, cert, key));
    ConfigLoader.Loaded loaded = load("", json);
    assertEquals(new ServerTls(Tls.VERIFY_IDENTITY, ca, cert, key), loaded.settings().mysql().tls());
    List<String> about = loaded.notices().stream().filter(n -> n.contains("MySQLTopology")).toList();
    assertEquals(List.of("orchestrator setting MySQLTopologyUseMixedTLS in " + json
        + " is not supported by orcha; ignored"), about);

    Files.writeString(json, """
        {"MySQLTopologyUseMutualTLS": true, "MySQLTopologySSLSkipVerify": true,
         "MySQLTopologySSLCertFile": "%s", "MySQLTopologySSLPrivateKeyFile": "%s"}"""
        .formatted(cert, key));
    ServerTls skip = load("", json).settings().mysql().tls();
    assertEquals(new ServerTls(Tls.REQUIRED, null, cert, key), skip);
  }

  @Test
  void orchestratorTlsKeysWithoutMutualTlsKeepTheMode() throws IOException {
    Path json = tmp.resolve("orchestrator.json");
    Files.writeString(json, """
        {"MySQLTopologySSLSkipVerify": true, "MySQLTopologySSLCAFile": "%s"}""".formatted(ca));
    ConfigLoader.Loaded loaded = load("", json);
    ServerTls t = loaded.settings().mysql().tls();
    assertEquals(Tls.PREFERRED, t.mode());
    assertEquals(ca, t.caFile());
    assertNull(t.certFile());
    assertTrue(loaded.notices().contains("orchestrator setting MySQLTopologySSLSkipVerify in " + json
        + " has no effect without MySQLTopologyUseMutualTLS (as in orchestrator);"
        + " orcha.mysql.tls.mode keeps its own value"), loaded.notices().toString());
  }

  @Test
  void orchestratorTlsErrorsNameTheJsonKeys() throws IOException {
    Path json = tmp.resolve("orchestrator.json");
    Files.writeString(json, "{\"MySQLTopologyUseMutualTLS\": true, \"MySQLTopologySSLCAFile\": \"" + ca + "\"}");
    assertEquals("MySQLTopologyUseMutualTLS in " + json + " needs MySQLTopologySSLCertFile and"
        + " MySQLTopologySSLPrivateKeyFile (the client certificate and its key)", error("", json));
    Files.writeString(json, """
        {"MySQLTopologyUseMutualTLS": true, "MySQLTopologySSLCertFile": "%s",
         "MySQLTopologySSLPrivateKeyFile": "%s"}""".formatted(cert, key));
    assertEquals("MySQLTopologyUseMutualTLS in " + json + " verifies the servers' certificates, which"
        + " needs MySQLTopologySSLCAFile (or MySQLTopologySSLSkipVerify true to skip the verification)",
        error("", json));
    Path none = tmp.resolve("missing-ca.pem");
    Files.writeString(json, """
        {"MySQLTopologyUseMutualTLS": true, "MySQLTopologySSLCAFile": "%s",
         "MySQLTopologySSLCertFile": "%s", "MySQLTopologySSLPrivateKeyFile": "%s"}"""
        .formatted(none, cert, key));
    assertEquals("orcha.mysql.tls.ca-file (MySQLTopologySSLCAFile in " + json + "): no such file " + none,
        error("", json));
    Files.writeString(json, "{\"MySQLTopologyUseMutualTLS\": \"yes\"}");
    assertEquals("MySQLTopologyUseMutualTLS in " + json + " must be true or false, got: \"yes\"",
        error("", json));
  }
}
