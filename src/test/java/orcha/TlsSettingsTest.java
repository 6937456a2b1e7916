package orcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.TestCerts;

/**
 * orcha.http.tls read and checked at start (issue 7): a file that is missing, unreadable or not
 * what it should be is a configuration error naming the setting (and, from an orchestrator
 * JSON file, its key) and the file, never the key's content; orchestrator's UseSSL,
 * SSLCertFile, SSLPrivateKeyFile, SSLCAFile and UseMutualTLS map onto it.
 */
class TlsSettingsTest {

  @TempDir
  static Path tmp;
  static TestCerts certs;
  static String keyBody;

  @BeforeAll
  static void makeCertificates() throws IOException {
    certs = TestCerts.create(tmp);
    keyBody = Files.readString(certs.serverKey).lines().filter(l -> !l.startsWith("-----"))
        .findFirst().orElseThrow();
  }

  private static ConfigLoader.Loaded load(String hocon, Path... files) {
    return new ConfigLoader(List.of(files), ConfigFactory.parseString(hocon)).load();
  }

  private static String error(String hocon, Path... files) {
    String m = assertThrows(IllegalArgumentException.class, () -> load(hocon, files)).getMessage();
    assertFalse(m.contains(keyBody), "a key must never be quoted: " + m);
    return m;
  }

  static String tls(Path cert, Path key, Path ca) {
    return "orcha.http.tls { enabled = true, cert-file = \"" + cert + "\", key-file = \"" + key
        + "\", ca-file = \"" + (ca == null ? "" : ca.toString()) + "\" }";
  }

  @Test
  void offByDefaultAndReadWhenEnabled() {
    Settings.Tls off = load("").settings().http().tls();
    assertFalse(off.enabled());
    assertNull(off.material());

    Settings s = load(tls(certs.serverCert, certs.serverKey, null)).settings();
    Settings.Tls on = s.http().tls();
    assertTrue(on.enabled());
    assertEquals(TestCerts.certificate(certs.serverCert), on.material().certificate());
    assertFalse(on.material().mutual());
    assertFalse(s.toString().contains(keyBody), "settings never print the key");

    Settings.Tls mutual = load(tls(certs.serverChain, certs.serverKey,
        certs.caCert)).settings().http().tls();
    assertTrue(mutual.material().mutual());
    assertEquals(List.of(TestCerts.certificate(certs.caCert)), mutual.material().clientCas());
    assertEquals(2, mutual.material().chain().size());

    // switching TLS on, or to other files, needs a restart (reload-configuration says so)
    Settings plain = load("").settings();
    assertEquals(List.of("orcha.http.tls"), plain.restartRequiredChanges(s));
    assertEquals(List.of(), s.restartRequiredChanges(
        load(tls(certs.serverCert, certs.serverKey, null)).settings()));
    assertEquals(List.of("orcha.http.tls"), s.restartRequiredChanges(
        load(tls(certs.ecCert, certs.ecKey, null)).settings()));
  }

  @Test
  void badFilesAreConfigurationErrorsNamingTheSettingAndTheFile() throws IOException {
    assertEquals("orcha.http.tls.cert-file must name a PEM file when orcha.http.tls.enabled is true",
        error("orcha.http.tls.enabled = true"));
    assertEquals("orcha.http.tls.key-file must name a PEM file when orcha.http.tls.enabled is true",
        error("orcha.http.tls { enabled = true, cert-file = \"" + certs.serverCert + "\" }"));
    Path missing = tmp.resolve("missing.pem");
    assertTrue(error(tls(missing, certs.serverKey, null)).startsWith(
        "orcha.http.tls.cert-file: cannot read file " + missing));
    assertTrue(error(tls(certs.serverCert, missing, null)).startsWith(
        "orcha.http.tls.key-file: cannot read file " + missing));
    assertTrue(error(tls(certs.serverCert, certs.serverKey, missing)).startsWith(
        "orcha.http.tls.ca-file: cannot read file " + missing));
    assertTrue(error(tls(certs.serverKey, certs.serverKey, null)).startsWith(
        "orcha.http.tls.cert-file: " + certs.serverKey + " holds no PEM certificate"));
    assertTrue(error(tls(certs.serverCert, certs.serverCert, null)).startsWith(
        "orcha.http.tls.key-file: " + certs.serverCert + " holds no PEM private key"));
    assertTrue(error(tls(certs.serverCert, certs.serverKey, certs.serverKey)).startsWith(
        "orcha.http.tls.ca-file: " + certs.serverKey + " holds no PEM certificate"));
    assertTrue(error(tls(certs.serverCert, certs.encryptedKey, null)).startsWith(
        "orcha.http.tls.key-file: " + certs.encryptedKey + " holds an encrypted private key"));
    Path garbage = tmp.resolve("garbage.pem");
    Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n"
        + "-----END CERTIFICATE-----\n");
    assertTrue(error(tls(garbage, certs.serverKey, null)).startsWith(
        "orcha.http.tls.cert-file: " + garbage + " holds a CERTIFICATE that cannot be parsed"));
    assertEquals("orcha.http.tls.key-file " + certs.rsaKey + " and orcha.http.tls.cert-file "
        + certs.serverCert + " do not match: the private key does not belong to the certificate"
        + " (another key pair)", error(tls(certs.serverCert, certs.rsaKey, null)));
    // TLS off: the files are not read
    assertFalse(load("orcha.http.tls.cert-file = \"" + missing + "\"").settings().http().tls()
        .enabled());
  }

  @Test
  void orchestratorKeysMap() throws IOException {
    Path json = tmp.resolve("tls.json");
    Files.writeString(json, """
        {
          "UseSSL": true,
          "SSLCertFile": "%s",
          "SSLPrivateKeyFile": "%s",
          "SSLCAFile": "%s",
          "UseMutualTLS": true,
          "SSLSkipVerify": false
        }""".formatted(certs.serverCert, certs.serverKey, certs.caCert));
    ConfigLoader.Loaded loaded = load("", json);
    Settings.Tls t = loaded.settings().http().tls();
    assertTrue(t.enabled());
    assertEquals(certs.serverCert.toString(), t.certFile());
    assertEquals(certs.serverKey.toString(), t.keyFile());
    assertEquals(certs.caCert.toString(), t.caFile());
    assertTrue(t.material().mutual());
    assertTrue(loaded.notices().stream().noneMatch(n -> n.contains("UseSSL")
        || n.contains("SSLCertFile") || n.contains("SSLPrivateKeyFile") || n.contains("SSLCAFile")
        || n.contains("UseMutualTLS")), loaded.notices().toString());
    assertTrue(loaded.notices().contains("orchestrator setting SSLSkipVerify in " + json
        + " is not supported by orcha; ignored"), loaded.notices().toString());

    // a bad file names the orchestrator key and the JSON file it came from
    Files.writeString(json, """
        {"UseSSL": true, "SSLCertFile": "%s", "SSLPrivateKeyFile": "%s"}"""
        .formatted(certs.serverCert, certs.serverCert));
    assertTrue(error("", json).startsWith("orcha.http.tls.key-file (SSLPrivateKeyFile in " + json
        + "): " + certs.serverCert + " holds no PEM private key"), error("", json));

    // orchestrator reads SSLCAFile only with UseMutualTLS: alone it is reported and ignored
    Files.writeString(json, """
        {"UseSSL": true, "SSLCertFile": "%s", "SSLPrivateKeyFile": "%s", "SSLCAFile": "%s"}"""
        .formatted(certs.serverCert, certs.serverKey, certs.caCert));
    loaded = load("", json);
    assertFalse(loaded.settings().http().tls().material().mutual());
    assertTrue(loaded.notices().contains("orchestrator setting SSLCAFile in " + json
        + " is used by orcha only with UseMutualTLS (to verify client certificates); ignored"),
        loaded.notices().toString());
    // and UseMutualTLS needs the CA
    Files.writeString(json, """
        {"UseSSL": true, "SSLCertFile": "%s", "SSLPrivateKeyFile": "%s", "UseMutualTLS": true}"""
        .formatted(certs.serverCert, certs.serverKey));
    assertEquals("UseMutualTLS in " + json + " needs SSLCAFile (the CA that client certificates"
        + " must be signed by)", error("", json));
    Files.writeString(json, "{\"UseMutualTLS\": \"yes\"}");
    assertEquals("UseMutualTLS in " + json + " must be true or false, got: \"yes\"", error("", json));
  }
}
