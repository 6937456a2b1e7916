package mysql;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Whether a server's certificate names the host orcha connected to (orcha.mysql.tls.mode
 * verify-identity), by RFC 6125 rules: an IP address must be an IP subjectAltName; a host name
 * must match a DNS subjectAltName, where "*" may stand for the whole leftmost label; the subject's
 * CN counts only in a certificate without subjectAltNames (old certificates).
 */
final class ServerIdentity {

  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;

  private ServerIdentity() {}

  static boolean matches(String host, SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
    return chain.length > 0 && chain[0] instanceof X509Certificate c && matches(host, c);
  }

  static boolean matches(String host, X509Certificate cert) {
    String h = normalize(host);
    if (h.isEmpty()) {
      return false;
    }
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    InetAddress ip = ipLiteral(h);
    if (sans == null || sans.isEmpty()) {
      return ip == null && commonNames(cert).stream().anyMatch(cn -> dnsMatches(h, cn));
    }
    for (List<?> san : sans) {
      if (san.size() < 2 || !(san.get(0) instanceof Integer type) || !(san.get(1) instanceof String value)) {
        continue;
      }
      if (ip != null && type == SAN_IP && ip.equals(ipLiteral(value))) {
        return true;
      }
      if (ip == null && type == SAN_DNS && dnsMatches(h, value)) {
        return true;
      }
    }
    return false;
  }

  private static String normalize(String host) {
    String h = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /** The address when {@code s} is an IPv4 or IPv6 literal (no name lookup), else null. */
  private static InetAddress ipLiteral(String s) {
    boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = s.contains(":"); // no host name has a colon
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(s); // a literal: parsed, never resolved
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean dnsMatches(String host, String pattern) {
    String p = normalize(pattern);
    if (p.isEmpty()) {
      return false;
    }
    if (!p.startsWith("*.")) {
      return host.equals(p);
    }
    // "*.example.com" covers exactly one label: a.example.com, not example.com, not a.b.example.com
    String suffix = p.substring(1);
    if (!host.endsWith(suffix)) {
      return false;
    }
    String label = host.substring(0, host.length() - suffix.length());
    return !label.isEmpty() && !label.contains(".");
  }

  private static List<String> commonNames(X509Certificate cert) {
    List<String> cns = new ArrayList<>();
    try {
      var name = new javax.naming.ldap.LdapName(cert.getSubjectX500Principal().getName());
      for (var rdn : name.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cns.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (javax.naming.InvalidNameException e) {
      return List.of();
    }
    return cns;
  }
}
