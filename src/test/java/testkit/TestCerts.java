package testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throw-away certificates made with openssl at test time (none are committed): a CA, a server
 * certificate for 127.0.0.1/localhost in several key formats, a client certificate from the
 * CA, and a stranger CA with its own client certificate. Valid for two days.
 */
public final class TestCerts {

  private static final String CONFIG = """
      [req]
      distinguished_name = dn
      prompt = no
      [dn]
      CN = unused
      [ca_ext]
      basicConstraints = critical,CA:TRUE
      keyUsage = critical,keyCertSign,cRLSign
      subjectKeyIdentifier = hash
      [server_ext]
      basicConstraints = CA:FALSE
      keyUsage = critical,digitalSignature,keyEncipherment
      extendedKeyUsage = serverAuth,clientAuth
      subjectAltName = IP:127.0.0.1,DNS:localhost
      authorityKeyIdentifier = keyid
      [client_ext]
      basicConstraints = CA:FALSE
      keyUsage = critical,digitalSignature
      extendedKeyUsage = clientAuth
      authorityKeyIdentifier = keyid
      """;

  public final Path dir;
  /** The CA's certificate and key. */
  public final Path caCert;
  /** The server's certificate (SAN 127.0.0.1, localhost; server and client use). */
  public final Path serverCert;
  /** The server certificate followed by the CA's: a chain file that ends in its CA. */
  public final Path serverChain;
  /** The server's key, PKCS#8 RSA ("BEGIN PRIVATE KEY"). */
  public final Path serverKey;
  /** Another server certificate with a PKCS#1 RSA key ("BEGIN RSA PRIVATE KEY"). */
  public final Path rsaCert;
  public final Path rsaKey;
  /** Another server certificate with a SEC1 EC key ("BEGIN EC PRIVATE KEY"). */
  public final Path ecCert;
  public final Path ecKey;
  /** An encrypted PKCS#8 key. */
  public final Path encryptedKey;
  /** A client certificate signed by the CA (EC key, PKCS#8). */
  public final Path clientCert;
  public final Path clientKey;
  /** A CA nobody trusts, and a certificate it signed (server and client use, 127.0.0.1). */
  public final Path strangerCaCert;
  public final Path strangerCert;
  public final Path strangerKey;

  private TestCerts(Path dir) {
    this.dir = dir;
    this.caCert = dir.resolve("ca.pem");
    this.serverCert = dir.resolve("server.pem");
    this.serverChain = dir.resolve("server-chain.pem");
    this.serverKey = dir.resolve("server.key");
    this.rsaCert = dir.resolve("rsa.pem");
    this.rsaKey = dir.resolve("rsa.key");
    this.ecCert = dir.resolve("ec.pem");
    this.ecKey = dir.resolve("ec.key");
    this.encryptedKey = dir.resolve("encrypted.key");
    this.clientCert = dir.resolve("client.pem");
    this.clientKey = dir.resolve("client.key");
    this.strangerCaCert = dir.resolve("stranger-ca.pem");
    this.strangerCert = dir.resolve("stranger.pem");
    this.strangerKey = dir.resolve("stranger.key");
  }

  /** Makes every file under {@code dir} (a test's temporary directory). */
  public static TestCerts create(Path dir) {
    TestCerts c = new TestCerts(dir);
    try {
      Files.writeString(dir.resolve("openssl.cnf"), CONFIG);
      c.makeCa("ca", "orcha test CA");
      c.makeCa("stranger-ca", "stranger CA");
      c.openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
          "-out", "server.key");
      c.sign("server", "127.0.0.1", "ca", "server_ext", 0x5e1f01);
      Files.writeString(c.serverChain, Files.readString(c.serverCert) + Files.readString(c.caCert));
      c.openssl("genrsa", "-traditional", "-out", "rsa.key", "2048");
      c.sign("rsa", "localhost", "ca", "server_ext", 0x5e1f02);
      c.openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.key");
      c.sign("ec", "localhost", "ca", "server_ext", 0x5e1f03);
      c.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
          "-out", "client.key");
      c.sign("client", "orcha test client", "ca", "client_ext", 0x5e1f04);
      c.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
          "-out", "stranger.key");
      c.sign("stranger", "stranger", "stranger-ca", "server_ext", 0x5e1f05);
      c.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
          "-aes256", "-pass", "pass:test-only", "-out", "encrypted.key");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return c;
  }

  private void makeCa(String name, String subject) {
    openssl("req", "-x509", "-new", "-config", "openssl.cnf", "-extensions", "ca_ext",
        "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".pem",
        "-days", "2", "-subj", "/CN=" + subject);
  }

  private void sign(String name, String subject, String ca, String extensions, long serial) {
    openssl("req", "-new", "-config", "openssl.cnf", "-key", name + ".key", "-subj",
        "/CN=" + subject, "-out", name + ".csr");
    openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
        "-set_serial", String.valueOf(serial), "-days", "2", "-extfile", "openssl.cnf",
        "-extensions", extensions, "-out", name + ".pem");
  }

  private void openssl(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run openssl (is it installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The first certificate of a PEM file, read by the JDK (independently of orcha's reader). */
  public static X509Certificate certificate(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + pem, e);
    }
  }

  /**
   * A client context trusting only {@code trustedCa} (null: the JVM's CAs) and presenting
   * {@code cert}/{@code key} (a PKCS#8 EC key; null: no client certificate).
   */
  public static SSLContext clientContext(Path trustedCa, Path cert, Path key) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      if (trustedCa == null) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate(trustedCa));
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (cert != null) {
        String pem = Files.readString(key);
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(
            new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", k, "x".toCharArray(), new Certificate[] {certificate(cert)});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "x".toCharArray());
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("cannot build a test TLS client", e);
    }
  }
}
