package orcha;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import java.util.Set;

/**
 * orchestrator's MySQLTopologyUseMutualTLS and MySQLTopologySSLSkipVerify as one
 * {@code orcha.mysql.tls.mode}. orchestrator talks TLS to the servers only with
 * MySQLTopologyUseMutualTLS (sending the client certificate), and then verifies the server's
 * certificate and host name (Go's TLS) unless MySQLTopologySSLSkipVerify: verify-identity, or
 * required. The CA and certificate files map one to one (OrchestratorConfigImport's table).
 */
final class TopologyTlsMode {

  static final String USE_MUTUAL_TLS = "MySQLTopologyUseMutualTLS";
  static final String SKIP_VERIFY = "MySQLTopologySSLSkipVerify";
  static final Set<String> KEYS = Set.of(USE_MUTUAL_TLS, SKIP_VERIFY);

  private TopologyTlsMode() {}

  /** {@code out} with orcha.mysql.tls.mode set when the JSON turns TLS on. */
  static Config apply(JsonNode root, String source, Config out, List<String> notices) {
    boolean mutual = bool(root, USE_MUTUAL_TLS, source);
    boolean skipVerify = bool(root, SKIP_VERIFY, source);
    if (!mutual) {
      if (skipVerify) {
        notices.add("orchestrator setting " + SKIP_VERIFY + " in " + source + " has no effect without "
            + USE_MUTUAL_TLS + " (as in orchestrator); orcha.mysql.tls.mode keeps its own value");
      }
      return out;
    }
    if (!nonEmpty(out, "orcha.mysql.tls.cert-file") || !nonEmpty(out, "orcha.mysql.tls.key-file")) {
      throw new IllegalArgumentException(USE_MUTUAL_TLS + " in " + source
          + " needs MySQLTopologySSLCertFile and MySQLTopologySSLPrivateKeyFile (the client"
          + " certificate and its key)");
    }
    if (!skipVerify && !nonEmpty(out, "orcha.mysql.tls.ca-file")) {
      throw new IllegalArgumentException(USE_MUTUAL_TLS + " in " + source
          + " verifies the servers' certificates, which needs MySQLTopologySSLCAFile (or "
          + SKIP_VERIFY + " true to skip the verification)");
    }
    String origin = OrchestratorConfigImport.ORIGIN_PREFIX + USE_MUTUAL_TLS
        + (skipVerify ? " and " + SKIP_VERIFY : "") + " in " + source;
    return out.withValue("orcha.mysql.tls.mode",
        ConfigValueFactory.fromAnyRef(skipVerify ? "required" : "verify-identity", origin));
  }

  private static boolean bool(JsonNode root, String key, String source) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(key + " in " + source + " must be true or false, got: " + v);
    }
    return v.asBoolean();
  }

  private static boolean nonEmpty(Config c, String path) {
    return c.hasPath(path) && !c.getString(path).isBlank();
  }
}
