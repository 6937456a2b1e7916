package mysql;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How {@link Prober} talks to servers. Built once by the application's Settings; validated here
 * with messages that name orchestrator's configuration keys.
 *
 * @param user MySQLTopologyUser
 * @param password MySQLTopologyPassword (never printed: {@link #toString()} masks it)
 * @param connectTimeout TCP connect + handshake + login (MySQLConnectTimeoutSeconds)
 * @param queryTimeout bound on each statement, or on each batch of statements sent together
 * @param probeTimeout bound on one whole probe, reconnect included
 * @param discoverByShowSlaveHosts DiscoverByShowSlaveHosts: list replicas by SHOW SLAVE HOSTS /
 *     SHOW REPLICAS, falling back to the processlist's binlog dump threads when it lists nobody;
 *     when false only the processlist is used
 * @param queries the configured custom queries (absent = not configured)
 * @param hostPatterns DataCenterPattern, RegionPattern, PhysicalEnvironmentPattern: a regex with
 *     one group, matched against the host name
 * @param tls TLS to the servers (orcha.mysql.tls): mode and certificate files
 */
public record ProberSettings(
    String user,
    String password,
    Duration connectTimeout,
    Duration queryTimeout,
    Duration probeTimeout,
    boolean discoverByShowSlaveHosts,
    Map<CustomQuery, String> queries,
    Map<CustomQuery, Pattern> hostPatterns,
    ServerTls tls) {

  /**
   * How much TLS to the managed servers (orcha.mysql.tls.mode). PREFERRED uses it when the
   * server offers it; REQUIRED refuses servers without it but accepts any certificate;
   * VERIFY_CA also needs the server's certificate to be signed by the configured CA;
   * VERIFY_IDENTITY also needs it to name the host orcha connects to.
   */
  public enum Tls {
    DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY;

    /** As written in the configuration: disabled, preferred, required, verify-ca, verify-identity. */
    public String settingValue() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public boolean verifiesCertificate() {
      return this == VERIFY_CA || this == VERIFY_IDENTITY;
    }

    /** From a setting value (case and '_' / '-' do not matter); null when it names no mode. */
    public static Tls fromSetting(String value) {
      String v = value == null ? "" : value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
      for (Tls t : values()) {
        if (t.name().equals(v)) {
          return t;
        }
      }
      return null;
    }
  }

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(3);
  public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(6);

  public ProberSettings {
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("MySQLTopologyUser must not be empty");
    }
    password = password == null ? "" : password;
    requirePositive("MySQLConnectTimeoutSeconds", connectTimeout);
    requirePositive("query timeout", queryTimeout);
    requirePositive("probe timeout", probeTimeout);
    tls = tls == null ? ServerTls.PREFERRED : tls;
    EnumMap<CustomQuery, String> q = new EnumMap<>(CustomQuery.class);
    if (queries != null) {
      queries.forEach((k, v) -> {
        String text = normalizeQuery(v);
        if (!text.isEmpty()) {
          q.put(k, text);
        }
      });
    }
    queries = Collections.unmodifiableMap(q);
    EnumMap<CustomQuery, Pattern> p = new EnumMap<>(CustomQuery.class);
    if (hostPatterns != null) {
      hostPatterns.forEach((k, v) -> {
        if (v == null) {
          return;
        }
        if (!k.hasPattern()) {
          throw new IllegalArgumentException(k.settingName() + " has no host-name pattern alternative");
        }
        if (v.matcher("").groupCount() < 1) {
          throw new IllegalArgumentException(k.patternSettingName()
              + " must have one capturing group, got: " + v.pattern());
        }
        p.put(k, v);
      });
    }
    hostPatterns = Collections.unmodifiableMap(p);
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, got " + d);
    }
  }

  /** Trims the text and the trailing semicolons people put in config files. */
  static String normalizeQuery(String q) {
    if (q == null) {
      return "";
    }
    String t = q.trim();
    while (t.endsWith(";")) {
      t = t.substring(0, t.length() - 1).trim();
    }
    return t;
  }

  /** Defaults: 2 s connect, 3 s per statement, 6 s per probe, SHOW SLAVE HOSTS, no custom queries. */
  public static Builder builder(String user, String password) {
    return new Builder(user, password);
  }

  public String query(CustomQuery q) {
    return queries.get(q);
  }

  public ProberSettings withQuery(CustomQuery q, String text) {
    Map<CustomQuery, String> m = new EnumMap<>(CustomQuery.class);
    m.putAll(queries);
    m.put(q, text);
    return new ProberSettings(user, password, connectTimeout, queryTimeout, probeTimeout,
        discoverByShowSlaveHosts, m, hostPatterns, tls);
  }

  @Override
  public String toString() {
    return "ProberSettings[user=" + user + ", password=*****, connectTimeout=" + connectTimeout
        + ", queryTimeout=" + queryTimeout + ", probeTimeout=" + probeTimeout
        + ", discoverByShowSlaveHosts=" + discoverByShowSlaveHosts + ", queries=" + queries.keySet()
        + ", hostPatterns=" + hostPatterns + ", tls=" + tls + "]";
  }

  public static final class Builder {
    private final String user;
    private final String password;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
    private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;
    private boolean discoverByShowSlaveHosts = true;
    private final Map<CustomQuery, String> queries = new EnumMap<>(CustomQuery.class);
    private final Map<CustomQuery, Pattern> hostPatterns = new EnumMap<>(CustomQuery.class);
    private ServerTls tls = ServerTls.PREFERRED;

    private Builder(String user, String password) {
      this.user = user;
      this.password = password;
    }

    public Builder connectTimeout(Duration d) { connectTimeout = d; return this; }
    public Builder queryTimeout(Duration d) { queryTimeout = d; return this; }
    public Builder probeTimeout(Duration d) { probeTimeout = d; return this; }
    public Builder discoverByShowSlaveHosts(boolean b) { discoverByShowSlaveHosts = b; return this; }
    public Builder tls(Tls t) { tls = ServerTls.of(t); return this; }
    public Builder tls(ServerTls t) { tls = t; return this; }

    public Builder query(CustomQuery q, String text) {
      queries.put(q, text);
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the setting when the regex does not compile
     */
    public Builder hostPattern(CustomQuery q, String regex) {
      if (regex == null || regex.isBlank()) {
        hostPatterns.remove(q);
        return this;
      }
      try {
        hostPatterns.put(q, Pattern.compile(regex));
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new IllegalArgumentException((q.hasPattern() ? q.patternSettingName() : q.settingName())
            + " is not a valid regular expression: " + e.getDescription(), e);
      }
      return this;
    }

    public ProberSettings build() {
      return new ProberSettings(user, password, connectTimeout, queryTimeout, probeTimeout,
          discoverByShowSlaveHosts, queries, hostPatterns, tls);
    }
  }
}
