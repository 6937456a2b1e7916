package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import mysql.ProberSettings.Tls;
import org.junit.jupiter.api.Test;
import topology.InstanceKey;
import topology.ProbeFailure;
import topology.ProbeFailure.Reason;

/** TLS failures as r2dbc-mysql and the JDK raise them → TLS_ERROR with what to check. */
class TlsErrorsTest {

  static final InstanceKey K = new InstanceKey("db1", 3306);
  static final MysqlErrors.Context CONNECTING = MysqlErrors.Context.connecting(K, "orcha");

  @Test
  void noTlsOnTheServerWhereTheModeRequiresIt() {
    ProbeFailure f = MysqlErrors.classify(new R2dbcNonTransientResourceException(
        "Server does not support SSL but mode 'REQUIRED' requires SSL", "HY000"), CONNECTING);
    assertEquals(Reason.TLS_ERROR, f.reason());
    assertEquals("db1:3306: the server does not offer TLS, which orcha.mysql.tls.mode requires"
        + " (Server does not support SSL but mode 'REQUIRED' requires SSL)", f.message());
  }

  @Test
  void refusedCertificateAndWrongHostAndOtherHandshakeFailures() {
    Throwable path = new io.netty.handler.codec.DecoderException(new SSLHandshakeException(
        "PKIX path building failed: unable to find valid certification path to requested target"));
    ProbeFailure f = MysqlErrors.classify(path, CONNECTING);
    assertEquals(Reason.TLS_ERROR, f.reason());
    assertEquals("db1:3306: TLS: the server's certificate was refused (is it signed by the CA in"
        + " orcha.mysql.tls.ca-file, and valid?): PKIX path building failed: unable to find valid"
        + " certification path to requested target", f.message());

    ProbeFailure host = MysqlErrors.classify(new SSLException("The hostname 'db1' could not be verified"),
        CONNECTING);
    assertEquals("db1:3306: TLS: the server's certificate does not name the host orcha connects to"
        + " (orcha.mysql.tls.mode verify-identity): The hostname 'db1' could not be verified", host.message());

    ProbeFailure other = MysqlErrors.classify(new SSLHandshakeException("Received fatal alert: protocol_version"),
        CONNECTING);
    assertEquals("db1:3306: TLS handshake failed: Received fatal alert: protocol_version", other.message());
  }

  @Test
  void onlyRefusedLoginsGetTheTlsHint() {
    ProbeFailure denied = new ProbeFailure(Reason.ACCESS_DENIED, "db1:3306: access denied for user x");
    ProbeFailure refused = new ProbeFailure(Reason.CONNECTION_REFUSED, "db1:3306: connection refused");
    ServerTls withCert = new ServerTls(Tls.REQUIRED, null, Path.of("/c.pem"), Path.of("/k.pem"));
    assertSame(refused, MysqlErrors.withTlsHint(refused, ServerTls.PREFERRED));
    assertSame(denied, MysqlErrors.withTlsHint(denied, withCert), "nothing to add: TLS and a certificate");
    assertEquals(denied.message() + "; orcha sends no client certificate (orcha.mysql.tls.cert-file/"
        + "key-file are not set): an account that REQUIREs X509 refuses such logins",
        MysqlErrors.withTlsHint(denied, ServerTls.PREFERRED).message());
  }
}
