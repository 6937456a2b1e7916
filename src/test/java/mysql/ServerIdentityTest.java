package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify-identity's host check, on certificates made by openssl as an operator would make them. */
class ServerIdentityTest {

  @TempDir
  Path tmp;

  /** A self-signed certificate with the given subject and, unless null, subjectAltName. */
  X509Certificate cert(String subject, String san) throws Exception {
    Path key = tmp.resolve("key.pem");
    Path pem = tmp.resolve("cert.pem");
    List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", "ec",
        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-keyout",
        key.toString(), "-out", pem.toString(), "-subj", subject));
    if (san != null) {
      cmd.addAll(List.of("-addext", "subjectAltName=" + san));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("openssl.log").toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("openssl failed: " + Files.readString(tmp.resolve("openssl.log")));
    }
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void ipAddressesMatchOnlyIpSubjectAltNames() throws Exception {
    X509Certificate c = cert("/CN=127.0.0.2", "IP:127.0.0.1,DNS:localhost,IP:::1,DNS:10.0.0.9");
    assertTrue(ServerIdentity.matches("127.0.0.1", c));
    assertTrue(ServerIdentity.matches("::1", c));
    assertTrue(ServerIdentity.matches("[0:0:0:0:0:0:0:1]", c));
    assertFalse(ServerIdentity.matches("127.0.0.2", c), "the CN does not count next to SANs");
    assertFalse(ServerIdentity.matches("10.0.0.9", c), "an address needs an IP SAN, not a DNS one");
  }

  @Test
  void hostNamesMatchDnsSubjectAltNamesWithOneLabelWildcards() throws Exception {
    X509Certificate c = cert("/CN=db1.example.com", "DNS:localhost,DNS:*.db.example.com,IP:10.0.0.9");
    assertTrue(ServerIdentity.matches("localhost", c));
    assertTrue(ServerIdentity.matches("LocalHost.", c));
    assertTrue(ServerIdentity.matches("replica7.db.example.com", c));
    assertFalse(ServerIdentity.matches("db.example.com", c));
    assertFalse(ServerIdentity.matches("a.b.db.example.com", c));
    assertFalse(ServerIdentity.matches("db1.example.com", c), "the CN does not count next to SANs");
    assertFalse(ServerIdentity.matches("", c));
  }

  @Test
  void commonNameCountsOnlyWithoutSubjectAltNames() throws Exception {
    X509Certificate c = cert("/O=x/CN=db1.example.com", null);
    assertEquals(null, c.getSubjectAlternativeNames());
    assertTrue(ServerIdentity.matches("db1.example.com", c));
    assertFalse(ServerIdentity.matches("db2.example.com", c));
    assertFalse(ServerIdentity.matches("127.0.0.1", c));
  }
}
