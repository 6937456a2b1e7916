package orcha;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mysql.ProberSettings.Tls;
import mysql.ServerTls;

/**
 * Reads and checks {@code orcha.mysql.tls} (mode, ca-file, cert-file, key-file): a bad mode, a
 * missing or unreadable file, a file without the expected PEM block, or a key the driver cannot
 * load stops start-up with a message naming the setting (and its orchestrator key) and the file.
 * Files are checked here, once, because the driver reads them only when it connects, where a
 * mistake would show as every server failing its probes.
 */
final class ServerTlsSettings {

  private static final String P = "orcha.mysql.tls.";

  private ServerTlsSettings() {}

  static ServerTls read(ConfigReader r, List<String> notices) {
    String text = r.string(P + "mode");
    Tls mode = Tls.fromSetting(text);
    if (mode == null) {
      throw new IllegalArgumentException(r.describe(P + "mode")
          + " must be disabled, preferred, required, verify-ca or verify-identity, got: " + text);
    }
    Path ca = certificateFile(r, P + "ca-file");
    Path cert = certificateFile(r, P + "cert-file");
    Path key = keyFile(r, P + "key-file");
    if (mode.verifiesCertificate() && ca == null) {
      throw new IllegalArgumentException(r.describe(P + "mode") + " " + mode.settingValue()
          + " needs " + r.describe(P + "ca-file") + ": the CA that signed the servers' certificates");
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(r.describe(P + "cert-file") + " and "
          + r.describe(P + "key-file") + " go together: "
          + (cert == null ? "key-file is set, cert-file is not" : "cert-file is set, key-file is not"));
    }
    if (ca != null && !mode.verifiesCertificate()) {
      notices.add("setting " + r.describe(P + "ca-file") + " is set but " + r.describe(P + "mode")
          + " is " + mode.settingValue() + ": the servers' certificates are not verified"
          + " (verify-ca or verify-identity would)");
    }
    if (cert != null && mode == Tls.DISABLED) {
      notices.add("setting " + r.describe(P + "cert-file") + " is set but " + r.describe(P + "mode")
          + " is disabled: no TLS, so no client certificate is sent");
    }
    return new ServerTls(mode, ca, cert, key);
  }

  /** A PEM file with at least one certificate; null when the setting is empty. */
  private static Path certificateFile(ConfigReader r, String path) {
    Path f = file(r, path);
    if (f != null && !read(r, path, f).contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException(r.describe(path) + ": " + f
          + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return f;
  }

  /**
   * A PEM private key the driver (Netty, without BouncyCastle) can load: unencrypted PKCS#8.
   * MySQL's own generated keys are PKCS#1 ("BEGIN RSA PRIVATE KEY"): say how to convert them.
   */
  private static Path keyFile(ConfigReader r, String path) {
    Path f = file(r, path);
    if (f == null) {
      return null;
    }
    String pem = read(r, path, f);
    String convert = "; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + f + " -out "
        + f + ".pkcs8 (and point " + path + " at the new file)";
    if (pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
      throw new IllegalArgumentException(r.describe(path) + ": " + f
          + " holds a PKCS#1/SEC1 key, orcha reads PKCS#8 (-----BEGIN PRIVATE KEY-----)" + convert);
    }
    if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new IllegalArgumentException(r.describe(path) + ": " + f
          + " holds an encrypted key, orcha reads unencrypted PKCS#8 keys" + convert);
    }
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException(r.describe(path) + ": " + f
          + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    return f;
  }

  private static Path file(ConfigReader r, String path) {
    String v = r.string(path);
    if (v.isEmpty()) {
      return null;
    }
    Path f = Path.of(v);
    if (!Files.exists(f)) {
      throw new IllegalArgumentException(r.describe(path) + ": no such file " + f);
    }
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException(r.describe(path) + ": " + f + " is not a file");
    }
    return Settings.requireReadable(f, r.describe(path));
  }

  private static String read(ConfigReader r, String path, Path f) {
    try {
      return Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1); // PEM is ASCII
    } catch (IOException e) {
      throw new IllegalArgumentException(r.describe(path) + ": cannot read file " + f);
    }
  }
}
