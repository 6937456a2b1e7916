package mysql;

import io.asyncer.r2dbc.mysql.MySqlConnectionConfiguration;
import io.asyncer.r2dbc.mysql.constant.SslMode;
import java.nio.file.Path;
import mysql.ProberSettings.Tls;

/**
 * TLS to the managed servers ({@code orcha.mysql.tls}): the mode and the PEM files. The one place
 * that turns it into r2dbc-mysql options, for the prober's and the operations' connections alike.
 * Paths only, no secret: safe to print.
 *
 * @param mode how much TLS (see {@link Tls})
 * @param caFile the CA certificate(s) a server's certificate must chain to; needed by, and only
 *     used by, {@link Tls#VERIFY_CA} and {@link Tls#VERIFY_IDENTITY}; null = none
 * @param certFile the client certificate, sent when the server asks for one (an account that
 *     REQUIREs X509); null = none
 * @param keyFile its private key (PKCS#8 PEM, unencrypted); given together with {@code certFile}
 */
public record ServerTls(Tls mode, Path caFile, Path certFile, Path keyFile) {

  /** orcha's default: TLS when the server offers it, certificates not checked, no client certificate. */
  public static final ServerTls PREFERRED = new ServerTls(Tls.PREFERRED, null, null, null);

  public ServerTls {
    mode = mode == null ? Tls.PREFERRED : mode;
    if (mode.verifiesCertificate() && caFile == null) {
      throw new IllegalArgumentException("orcha.mysql.tls.mode " + mode.settingValue()
          + " needs orcha.mysql.tls.ca-file (the CA that signed the servers' certificates)");
    }
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("orcha.mysql.tls.cert-file and orcha.mysql.tls.key-file"
          + " go together: " + (certFile == null ? "key-file is set, cert-file is not"
          : "cert-file is set, key-file is not"));
    }
  }

  /** Just a mode, no files. */
  public static ServerTls of(Tls mode) {
    return new ServerTls(mode, null, null, null);
  }

  public boolean hasClientCertificate() {
    return certFile != null;
  }

  /**
   * Sets the TLS options of a connection to {@code hostname}: with verify-identity the server's
   * certificate must name {@code hostname} (the name orcha connects to, never a reverse lookup
   * of the address: whoever controls reverse DNS could otherwise pick the name to match).
   */
  public MySqlConnectionConfiguration.Builder applyTo(MySqlConnectionConfiguration.Builder b,
      String hostname) {
    b.sslMode(switch (mode) {
      case DISABLED -> SslMode.DISABLED;
      case PREFERRED -> SslMode.PREFERRED;
      case REQUIRED -> SslMode.REQUIRED;
      case VERIFY_CA -> SslMode.VERIFY_CA;
      case VERIFY_IDENTITY -> SslMode.VERIFY_IDENTITY;
    });
    if (mode == Tls.DISABLED) {
      return b;
    }
    if (mode.verifiesCertificate()) {
      b.sslCa(caFile.toString());
    }
    if (certFile != null) {
      b.sslCert(certFile.toString()).sslKey(keyFile.toString());
    }
    if (mode == Tls.VERIFY_IDENTITY) {
      b.sslHostnameVerifier((ignoredReverseName, session) -> ServerIdentity.matches(hostname, session));
    }
    return b;
  }

  /**
   * What to add to a refused login: an account may REQUIRE SSL or X509, and the server answers
   * such a refusal exactly like a wrong password (error 1045), so say what orcha sent.
   */
  public String loginHint() {
    if (mode == Tls.DISABLED) {
      return "; orcha connects without TLS (orcha.mysql.tls.mode disabled): an account that"
          + " REQUIREs SSL or X509 refuses such logins";
    }
    if (!hasClientCertificate()) {
      return "; orcha sends no client certificate (orcha.mysql.tls.cert-file/key-file are not set):"
          + " an account that REQUIREs X509 refuses such logins";
    }
    return "";
  }

  @Override
  public String toString() {
    return mode.settingValue() + (caFile == null ? "" : ", ca " + caFile)
        + (certFile == null ? "" : ", client certificate " + certFile + ", key " + keyFile);
  }
}
