package http;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the API (orchestrator's UseSSL, SSLCertFile, SSLPrivateKeyFile, SSLCAFile,
 * UseMutualTLS): the node's certificate chain and key, and — for mutual TLS — the CAs whose
 * client certificates are required. The same material serves the API and calls other nodes'
 * APIs (a follower forwarding a write to the leader). TLS 1.2 and 1.3 only. The key is never
 * printed: {@link #toString()} names the certificate only.
 *
 * @param chain the node's certificate first, then its issuers as the file lists them
 * @param key the certificate's private key
 * @param clientCas the CAs a client certificate must chain to; empty: no client certificates
 */
public record ApiTls(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> clientCas) {

  /** The protocols offered and accepted: nothing older than TLS 1.2. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** The in-memory key store's password: the store never leaves this process. */
  private static final char[] STORE_PASSWORD = "orcha-in-memory".toCharArray();

  public ApiTls {
    chain = List.copyOf(chain);
    clientCas = clientCas == null ? List.of() : List.copyOf(clientCas);
    if (chain.isEmpty() || key == null) {
      throw new IllegalArgumentException("a certificate and its private key are required");
    }
    String problem = mismatch(key, chain.get(0).getPublicKey());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Whether clients must present a certificate signed by one of {@link #clientCas()}. */
  public boolean mutual() {
    return !clientCas.isEmpty();
  }

  /** The node's own certificate (the chain's first). */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** Serves the chain; with mutual TLS, verifies client certificates against the CAs only. */
  public SSLContext serverContext() {
    return context(mutual() ? trustManagers(clientCas) : null);
  }

  /** A server-side engine: the protocols limited, client certificates required with mutual TLS. */
  public SSLEngine serverEngine(SSLContext context) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(PROTOCOLS.toArray(String[]::new));
    engine.setNeedClientAuth(mutual());
    return engine;
  }

  /**
   * For calls to other nodes' APIs: trusts the JVM's CAs, the mutual-TLS CAs and this node's
   * own chain (nodes sharing a certificate, or a chain file ending in the CA); presents this
   * node's certificate when a server asks for one.
   */
  public SSLContext clientContext() {
    List<X509Certificate> anchors = new ArrayList<>(clientCas);
    anchors.addAll(chain);
    try {
      TrustManagerFactory jvm = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      jvm.init((KeyStore) null);
      for (TrustManager tm : jvm.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          anchors.addAll(List.of(x.getAcceptedIssuers()));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the JVM's trusted CAs: " + e.getMessage(), e);
    }
    return context(trustManagers(anchors));
  }

  /** Client parameters: the same protocols (the HTTP client adds host name verification). */
  public SSLParameters clientParameters() {
    SSLParameters p = new SSLParameters();
    p.setProtocols(PROTOCOLS.toArray(String[]::new));
    return p;
  }

  private SSLContext context(TrustManager[] trust) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("orcha", key, STORE_PASSWORD, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, STORE_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), trust, null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up TLS with certificate "
          + certificate().getSubjectX500Principal() + ": " + e.getClass().getSimpleName(), e);
    }
  }

  private static TrustManager[] trustManagers(List<X509Certificate> anchors) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : anchors) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up the trusted CAs: " + e.getMessage(), e);
    }
  }

  /** Why the key does not belong to the certificate's public key, or null when it does. */
  static String mismatch(PrivateKey key, PublicKey certificateKey) {
    String k = family(key.getAlgorithm());
    String c = family(certificateKey.getAlgorithm());
    if (!k.equals(c)) {
      return "the private key is an " + k + " key but the certificate's key is " + c;
    }
    String algorithm = switch (k) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA" -> "EdDSA";
      default -> null;
    };
    if (algorithm == null) {
      return null; // no cheap check for this kind: the handshake will tell
    }
    try {
      byte[] probe = "orcha: does this key belong to this certificate?".getBytes(
          java.nio.charset.StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificateKey);
      verify.update(probe);
      return verify.verify(signature) ? null
          : "the private key does not belong to the certificate (another key pair)";
    } catch (GeneralSecurityException e) {
      return "the private key cannot be checked against the certificate ("
          + e.getClass().getSimpleName() + ")";
    }
  }

  private static String family(String algorithm) {
    return switch (algorithm) {
      case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
      default -> algorithm;
    };
  }

  @Override
  public String toString() {
    return "ApiTls[certificate=" + certificate().getSubjectX500Principal() + ", serial="
        + certificate().getSerialNumber().toString(16) + ", mutual=" + mutual() + "]";
  }
}
