package orcha;

import com.typesafe.config.Config;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import backend.BackendSettings;
import http.ApiTls;
import http.PemFiles;
import topology.AliasRules;
import topology.Thresholds;

/**
 * Every orcha setting, read once from the resolved configuration and validated: a bad value
 * stops start-up (or a reload) with a message naming the key. Immutable; a reload builds a new
 * one. The defaults and comments live in application.conf.
 *
 * @param notices keys that were ignored (unknown or unsupported), reported once at start
 */
public record Settings(
    String nodeName,
    Http http,
    Discovery discovery,
    Mysql mysql,
    Queries queries,
    Clusters clusters,
    Analysis analysis,
    Recovery recovery,
    ClusterNodes cluster,
    BackendSettings backend,
    List<String> notices) {

  public record Http(String listenAddress, String urlPrefix, String statusEndpoint,
      Duration askTimeout, Auth auth, Tls tls) {}

  /**
   * TLS for the API (orchestrator's UseSSL, SSLCertFile, SSLPrivateKeyFile, SSLCAFile with
   * UseMutualTLS): the file names as configured and, when enabled, what they hold (read and
   * checked at start; its toString never shows the key).
   *
   * @param caFile empty: no client certificates; else mutual TLS against these CAs
   * @param material null when TLS is off
   */
  public record Tls(boolean enabled, String certFile, String keyFile, String caFile,
      ApiTls material) {

    public static final Tls OFF = new Tls(false, "", "", "", null);
  }

  /**
   * API authentication (orchestrator's AuthenticationMethod, HTTPAuthUser, HTTPAuthPassword,
   * PowerAuthUsers, AuthUserHeader, ReadOnly).
   */
  public record Auth(String method, String user, Secret password, List<String> powerUsers,
      String userHeader, boolean readOnly) {}

  public record Discovery(List<String> seeds, Duration pollInterval, Duration reasonableCheck,
      Duration maxBackoff, int defaultInstancePort, String hostnameResolveMethod,
      boolean discoverByShowSlaveHosts, Duration instancePoolExpiry) {}

  /** @param tls orcha.mysql.tls: TLS to the managed servers, for probes and operations */
  public record Mysql(String topologyUser, Secret topologyPassword, Duration connectTimeout,
      Duration queryTimeout, Duration operationTimeout, String replicationUser,
      Secret replicationPassword, String replicationCredentialsQuery, mysql.ServerTls tls) {}

  public record Queries(String replicationLag, String clusterAlias, String clusterDomain,
      String instanceAlias, String dataCenter, String region, String physicalEnvironment,
      String promotionRule, String semiSyncEnforced, Pattern dataCenterPattern,
      Pattern regionPattern, Pattern physicalEnvironmentPattern) {}

  public record Clusters(List<AliasRules.NamePattern> nameToAlias) {}

  public record Analysis(Duration reasonableReplicationLag,
      Duration reasonableMaintenanceReplicationLag, Duration reasonableLockedSemiSyncMaster,
      boolean reduceReplicationAnalysisCount) {}

  public record Hooks(List<String> onFailureDetection, List<String> preGracefulTakeover,
      List<String> preFailover, List<String> postMasterFailover,
      List<String> postIntermediateMasterFailover, List<String> postFailover,
      List<String> postUnsuccessfulFailover, List<String> postGracefulTakeover,
      List<String> postTakeMaster) {}

  public record Recovery(List<String> masterClusterFilters,
      List<String> intermediateMasterClusterFilters, List<Pattern> ignoreHostnameFilters,
      List<Pattern> promotionIgnoreHostnameFilters, Duration periodBlock,
      Duration failureDetectionPeriodBlock, Duration candidateInstanceExpire,
      boolean recoverNonWriteableMaster, boolean coMasterRecoveryMustPromoteOtherCoMaster,
      boolean detachLostReplicasAfterMasterFailover,
      boolean applyMysqlPromotionAfterMasterFailover,
      boolean preventCrossDataCenterMasterFailover, boolean preventCrossRegionMasterFailover,
      Duration masterFailoverLostInstancesDowntime, boolean masterFailoverDetachReplicaMasterHost,
      Duration failMasterPromotionOnLag, boolean failMasterPromotionIfSqlThreadNotUpToDate,
      boolean delayMasterPromotionIfSqlThreadNotUpToDate, Duration postponeReplicaRecoveryOnLag,
      boolean enforceExactSemiSyncReplicas, boolean recoverLockedSemiSyncMaster,
      int maxConcurrentReplicaOperations, Duration instanceBulkOperationsWaitTimeout,
      boolean useSuperReadOnly, String kvClusterMasterPrefix, String processesShellCommand,
      Hooks hooks, boolean allowLosingTransactions, boolean endDemotedMasterSessions) {}

  /**
   * This node's cluster address and the addresses of all orcha nodes (empty: just this one);
   * whether a node the Split Brain Resolver downed starts a fresh actor system and rejoins.
   */
  public record ClusterNodes(String bindHost, int bindPort, List<String> nodes,
      boolean restartWhenDowned) {}

  /** Reads and validates everything under {@code orcha} of a resolved configuration. */
  public static Settings from(Config config) {
    ConfigReader r = new ConfigReader(config);
    List<String> notices = new ArrayList<>(unknownKeys(config));

    String nodeName = r.string("orcha.node-name");
    if (nodeName.isEmpty()) {
      nodeName = localHostName();
    }

    Http http = new Http(
        listenAddress(r, "orcha.http.listen-address"),
        urlPrefix(r.string("orcha.http.url-prefix")),
        absolutePath(r, "orcha.http.status-endpoint"),
        r.positiveDuration("orcha.http.ask-timeout"),
        auth(r), tls(r, notices));

    int defaultPort = r.intBetween("orcha.discovery.default-instance-port", 1, 65535);
    List<String> seeds = r.strings("orcha.discovery.seeds");
    for (String seed : seeds) {
      try {
        topology.InstanceKey.parse(seed, defaultPort);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            r.describe("orcha.discovery.seeds") + " has a bad entry " + seed + ": " + e.getMessage());
      }
    }
    String resolve = r.string("orcha.discovery.hostname-resolve-method").toLowerCase();
    if (Set.of("cname", "ip").contains(resolve)) {
      throw new IllegalArgumentException(r.describe("orcha.discovery.hostname-resolve-method")
          + " " + resolve + " is not supported by orcha yet: use none or default (host names as given)");
    }
    if (!Set.of("none", "default").contains(resolve)) {
      throw new IllegalArgumentException(r.describe("orcha.discovery.hostname-resolve-method")
          + " must be none or default, got: " + resolve);
    }
    Discovery discovery = new Discovery(seeds,
        r.duration("orcha.discovery.poll-interval", Duration.ofMillis(100)),
        r.duration("orcha.discovery.reasonable-check", Duration.ZERO),
        r.positiveDuration("orcha.discovery.max-backoff"),
        defaultPort, resolve, r.bool("orcha.discovery.discover-by-show-slave-hosts"),
        r.positiveDuration("orcha.discovery.instance-pool-expiry"));

    Mysql mysql = mysql(r, notices);

    Queries queries = new Queries(r.string("orcha.queries.replication-lag"),
        r.string("orcha.queries.cluster-alias"), r.string("orcha.queries.cluster-domain"),
        r.string("orcha.queries.instance-alias"), r.string("orcha.queries.data-center"),
        r.string("orcha.queries.region"), r.string("orcha.queries.physical-environment"),
        r.string("orcha.queries.promotion-rule"), r.string("orcha.queries.semi-sync-enforced"),
        r.regex("orcha.queries.data-center-pattern"), r.regex("orcha.queries.region-pattern"),
        r.regex("orcha.queries.physical-environment-pattern"));

    List<AliasRules.NamePattern> nameToAlias = new ArrayList<>();
    r.stringMap("orcha.clusters.name-to-alias").forEach((regex, alias) -> nameToAlias.add(
        new AliasRules.NamePattern(r.compile("orcha.clusters.name-to-alias", regex), alias)));

    Duration lag = r.duration("orcha.analysis.reasonable-replication-lag", Duration.ZERO);
    Analysis analysis = new Analysis(lag,
        r.duration("orcha.analysis.reasonable-maintenance-replication-lag", Duration.ZERO),
        r.duration("orcha.analysis.reasonable-locked-semi-sync-master", Duration.ZERO),
        r.bool("orcha.analysis.reduce-replication-analysis-count"));

    Recovery recovery = recovery(r, queries);

    String bind = r.string("orcha.cluster.bind");
    String[] hp = hostPort(r, "orcha.cluster.bind", bind, 10008);
    List<String> nodes = r.strings("orcha.cluster.nodes");
    for (String n : nodes) {
      hostPort(r, "orcha.cluster.nodes", n, 10008);
    }
    ClusterNodes cluster = new ClusterNodes(hp[0], Integer.parseInt(hp[1]), nodes,
        r.bool("orcha.cluster.restart-when-downed"));

    BackendSettings backendSettings;
    try {
      backendSettings = BackendSettings.fromConfig(config.getConfig("orcha.backend"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(originNote(r, e.getMessage()), e);
    }

    return new Settings(nodeName, http, discovery, mysql, queries, new Clusters(nameToAlias),
        analysis, recovery, cluster, backendSettings, List.copyOf(notices));
  }

  /** Adds the orchestrator origin to a message that names an orcha.* key, when known. */
  private static String originNote(ConfigReader r, String message) {
    java.util.regex.Matcher m = Pattern.compile("orcha\\.[a-z0-9.\\-]+").matcher(message);
    if (m.find()) {
      String described = r.describe(m.group());
      if (!described.equals(m.group())) {
        return message.replace(m.group(), described);
      }
    }
    return message;
  }

  private static Auth auth(ConfigReader r) {
    String p = "orcha.http.auth.";
    String method = r.string(p + "method").trim().toLowerCase(java.util.Locale.ROOT);
    if (method.isEmpty()) {
      method = "none";
    }
    if (!Set.of("none", "basic", "multi", "proxy").contains(method)) {
      throw new IllegalArgumentException(r.describe(p + "method")
          + " must be none, basic, multi or proxy, got: " + method);
    }
    Secret password = new Secret(r.string(p + "password"));
    String file = r.string(p + "password-file");
    if (!file.isEmpty()) {
      Path f = requireReadable(Path.of(file), r.describe(p + "password-file"));
      try {
        password = new Secret(Files.readString(f).strip());
      } catch (IOException e) {
        throw new IllegalArgumentException(r.describe(p + "password-file") + ": cannot read file " + f);
      }
    }
    String user = r.string(p + "user");
    if ((method.equals("basic") || method.equals("multi")) && (user.isEmpty() || password.isEmpty())) {
      throw new IllegalArgumentException(r.describe(p + "method") + " " + method + " needs "
          + r.describe(p + "user") + " and a password (" + r.describe(p + "password")
          + " or " + p + "password-file)");
    }
    String header = r.string(p + "user-header").trim();
    if (header.isEmpty()) {
      throw new IllegalArgumentException(r.describe(p + "user-header") + " must not be empty");
    }
    return new Auth(method, user, password, r.strings(p + "power-users"), header,
        r.bool(p + "read-only"));
  }

  /**
   * Reads the certificate, key and CA files when TLS is on: a file that is missing, unreadable
   * or not what it should be stops start-up with the setting and the file named.
   */
  private static Tls tls(ConfigReader r, List<String> notices) {
    String p = "orcha.http.tls.";
    boolean enabled = r.bool(p + "enabled");
    String cert = r.string(p + "cert-file");
    String key = r.string(p + "key-file");
    String ca = r.string(p + "ca-file");
    if (!enabled) {
      return new Tls(false, cert, key, ca, null);
    }
    for (String k : List.of("cert-file", "key-file")) {
      if (r.string(p + k).isEmpty()) {
        throw new IllegalArgumentException(r.describe(p + k) + " must name a PEM file when "
            + r.describe(p + "enabled") + " is true");
      }
    }
    List<java.security.cert.X509Certificate> chain =
        tlsFile(r, p + "cert-file", () -> PemFiles.certificates(Path.of(cert)));
    java.security.PrivateKey privateKey =
        tlsFile(r, p + "key-file", () -> PemFiles.privateKey(Path.of(key)));
    List<java.security.cert.X509Certificate> cas = ca.isEmpty() ? List.of()
        : tlsFile(r, p + "ca-file", () -> PemFiles.certificates(Path.of(ca)));
    ApiTls material;
    try {
      material = new ApiTls(chain, privateKey, cas);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(r.describe(p + "key-file") + " " + key + " and "
          + r.describe(p + "cert-file") + " " + cert + " do not match: " + e.getMessage());
    }
    java.security.cert.X509Certificate own = material.certificate();
    java.util.Date now = new java.util.Date();
    if (own.getNotAfter().before(now) || own.getNotBefore().after(now)) {
      notices.add(r.describe(p + "cert-file") + " " + cert + ": the certificate "
          + own.getSubjectX500Principal() + " is valid only from " + own.getNotBefore().toInstant()
          + " to " + own.getNotAfter().toInstant() + "; clients will refuse it");
    }
    return new Tls(true, cert, key, ca, material);
  }

  /** Reads one TLS file; its problem is reported with the setting that names it. */
  private static <T> T tlsFile(ConfigReader r, String path, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(r.describe(path) + ": " + e.getMessage());
    }
  }

  private static Mysql mysql(ConfigReader r, List<String> notices) {
    String user = r.string("orcha.mysql.topology-user");
    Secret password = new Secret(r.string("orcha.mysql.topology-password"));
    String credentialsFile = r.string("orcha.mysql.topology-credentials-file");
    if (!credentialsFile.isEmpty()) {
      Map<String, String> client = IniFile.section(Path.of(credentialsFile), "client",
          r.describe("orcha.mysql.topology-credentials-file"));
      if (client.containsKey("user")) {
        user = client.get("user");
      }
      if (client.containsKey("password")) {
        password = new Secret(client.get("password"));
      }
    }
    if (user.isEmpty()) {
      throw new IllegalArgumentException(r.describe("orcha.mysql.topology-user") + " must not be empty");
    }
    String replUser = r.string("orcha.mysql.replication-user");
    Secret replPassword = new Secret(r.string("orcha.mysql.replication-password"));
    if (replUser.isEmpty() && !replPassword.isEmpty()) {
      throw new IllegalArgumentException(r.describe("orcha.mysql.replication-password")
          + " is set but orcha.mysql.replication-user is empty");
    }
    return new Mysql(user, password,
        r.positiveDuration("orcha.mysql.connect-timeout"),
        r.positiveDuration("orcha.mysql.query-timeout"),
        r.positiveDuration("orcha.mysql.operation-timeout"),
        replUser, replPassword, r.string("orcha.mysql.replication-credentials-query"),
        ServerTlsSettings.read(r, notices));
  }

  private static Recovery recovery(ConfigReader r, Queries queries) {
    String p = "orcha.recovery.";
    Duration failOnLag = r.duration(p + "fail-master-promotion-on-lag", Duration.ZERO);
    if (!failOnLag.isZero() && queries.replicationLag().isEmpty()) {
      throw new IllegalArgumentException(r.describe(p + "fail-master-promotion-on-lag")
          + " is set, which requires orcha.queries.replication-lag (ReplicationLagQuery)");
    }
    boolean failIfNotUpToDate = r.bool(p + "fail-master-promotion-if-sql-thread-not-up-to-date");
    boolean delayIfNotUpToDate = r.bool(p + "delay-master-promotion-if-sql-thread-not-up-to-date");
    if (failIfNotUpToDate && delayIfNotUpToDate) {
      throw new IllegalArgumentException(
          r.describe(p + "fail-master-promotion-if-sql-thread-not-up-to-date") + " and "
          + r.describe(p + "delay-master-promotion-if-sql-thread-not-up-to-date")
          + " are mutually exclusive");
    }
    for (String f : r.strings(p + "master-cluster-filters")) {
      clusterFilter(r, p + "master-cluster-filters", f);
    }
    for (String f : r.strings(p + "intermediate-master-cluster-filters")) {
      clusterFilter(r, p + "intermediate-master-cluster-filters", f);
    }
    String shell = r.string(p + "processes-shell-command");
    if (shell.isEmpty()) {
      throw new IllegalArgumentException(r.describe(p + "processes-shell-command") + " must not be empty");
    }
    String h = p + "hooks.";
    Hooks hooks = new Hooks(r.strings(h + "on-failure-detection"),
        r.strings(h + "pre-graceful-takeover"), r.strings(h + "pre-failover"),
        r.strings(h + "post-master-failover"), r.strings(h + "post-intermediate-master-failover"),
        r.strings(h + "post-failover"), r.strings(h + "post-unsuccessful-failover"),
        r.strings(h + "post-graceful-takeover"), r.strings(h + "post-take-master"));
    return new Recovery(r.strings(p + "master-cluster-filters"),
        r.strings(p + "intermediate-master-cluster-filters"),
        r.regexes(p + "ignore-hostname-filters"), r.regexes(p + "promotion-ignore-hostname-filters"),
        r.duration(p + "period-block", Duration.ZERO),
        r.duration(p + "failure-detection-period-block", Duration.ZERO),
        r.duration(p + "candidate-instance-expire", Duration.ZERO),
        r.bool(p + "recover-non-writeable-master"),
        r.bool(p + "co-master-recovery-must-promote-other-co-master"),
        r.bool(p + "detach-lost-replicas-after-master-failover"),
        r.bool(p + "apply-mysql-promotion-after-master-failover"),
        r.bool(p + "prevent-cross-data-center-master-failover"),
        r.bool(p + "prevent-cross-region-master-failover"),
        r.duration(p + "master-failover-lost-instances-downtime", Duration.ZERO),
        r.bool(p + "master-failover-detach-replica-master-host"),
        failOnLag, failIfNotUpToDate, delayIfNotUpToDate,
        r.duration(p + "postpone-replica-recovery-on-lag", Duration.ZERO),
        r.bool(p + "enforce-exact-semi-sync-replicas"), r.bool(p + "recover-locked-semi-sync-master"),
        r.intBetween(p + "max-concurrent-replica-operations", 1, 1000),
        r.positiveDuration(p + "instance-bulk-operations-wait-timeout"),
        r.bool(p + "use-super-read-only"), r.string(p + "kv-cluster-master-prefix"), shell, hooks,
        r.bool(p + "allow-losing-transactions"), r.bool(p + "end-demoted-master-sessions"));
  }

  /** Cluster filters are names, aliases, alias=x, alias~=regex, *, or a regex on the name. */
  private static void clusterFilter(ConfigReader r, String path, String filter) {
    if (filter.startsWith("alias~=")) {
      r.compile(path, filter.substring("alias~=".length()));
    } else if (!filter.startsWith("alias=") && !filter.equals("*")) {
      r.compile(path, filter);
    }
  }

  static String listenAddress(ConfigReader r, String path) {
    String a = r.string(path);
    hostPort(r, path, a, -1);
    return a;
  }

  /** Splits "host:port" or ":port"; a missing port takes the default (-1: required). */
  static String[] hostPort(ConfigReader r, String path, String value, int defaultPort) {
    String v = value.trim();
    int colon = v.lastIndexOf(':');
    String host = colon < 0 ? v : v.substring(0, colon);
    String port = colon < 0 ? "" : v.substring(colon + 1);
    if (port.isEmpty()) {
      if (defaultPort < 0) {
        throw new IllegalArgumentException(r.describe(path) + " must be host:port or :port, got: " + v);
      }
      port = String.valueOf(defaultPort);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(r.describe(path) + " has a bad port in: " + v);
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException(r.describe(path) + " has a port out of range in: " + v);
    }
    return new String[] {host, String.valueOf(p)};
  }

  static String urlPrefix(String raw) {
    String p = raw.trim();
    if (p.isEmpty() || p.equals("/")) {
      return "";
    }
    if (!p.startsWith("/")) {
      p = "/" + p;
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String absolutePath(ConfigReader r, String path) {
    String v = r.string(path);
    if (!v.startsWith("/")) {
      throw new IllegalArgumentException(r.describe(path) + " must be an absolute path, got: " + v);
    }
    return v;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** Keys under orcha that application.conf does not define: typos or settings we lack. */
  static List<String> unknownKeys(Config config) {
    Config known = com.typesafe.config.ConfigFactory.parseResources(Settings.class.getClassLoader(),
        "application.conf").resolve();
    Set<String> unknown = new TreeSet<>();
    if (!config.hasPath("orcha")) {
      return List.of();
    }
    for (var e : config.getConfig("orcha").entrySet()) {
      String path = "orcha." + e.getKey();
      if (path.startsWith("orcha.clusters.name-to-alias.")) {
        continue; // user-defined map keys
      }
      if (!known.hasPathOrNull(path)) {
        unknown.add(path);
      }
    }
    return unknown.stream().map(k -> "setting " + k + " is not known to orcha; ignored").toList();
  }

  /** The limits of analysis and liveness, for the pure topology functions. */
  public Thresholds thresholds() {
    return new Thresholds(discovery.pollInterval(), discovery.reasonableCheck(),
        analysis.reasonableReplicationLag().toSeconds(),
        analysis.reasonableMaintenanceReplicationLag().toSeconds());
  }

  /** What failure detection reads (thresholds, filters, semi-sync and read-only rules). */
  public topology.AnalysisSettings analysisSettings() {
    return new topology.AnalysisSettings(thresholds(), recovery.recoverNonWriteableMaster(),
        recovery.enforceExactSemiSyncReplicas(), recovery.recoverLockedSemiSyncMaster(),
        analysis.reasonableLockedSemiSyncMaster(), recovery.ignoreHostnameFilters(),
        recovery.masterClusterFilters(), recovery.intermediateMasterClusterFilters());
  }

  /** What recovery policy and promotion planning read. */
  public topology.RecoverySettings recoverySettings() {
    Recovery r = recovery;
    return topology.RecoverySettings.builder()
        .masterClusterFilters(r.masterClusterFilters())
        .intermediateMasterClusterFilters(r.intermediateMasterClusterFilters())
        .recoverNonWriteableMaster(r.recoverNonWriteableMaster())
        .recoverLockedSemiSyncMaster(r.recoverLockedSemiSyncMaster())
        .enforceExactSemiSyncReplicas(r.enforceExactSemiSyncReplicas())
        .recoveryPeriodBlock(r.periodBlock())
        .preventCrossDataCenterMasterFailover(r.preventCrossDataCenterMasterFailover())
        .preventCrossRegionMasterFailover(r.preventCrossRegionMasterFailover())
        .failMasterPromotionOnLagMinutes((int) r.failMasterPromotionOnLag().toMinutes())
        .failMasterPromotionIfSqlThreadNotUpToDate(r.failMasterPromotionIfSqlThreadNotUpToDate())
        .delayMasterPromotionIfSqlThreadNotUpToDate(r.delayMasterPromotionIfSqlThreadNotUpToDate())
        .coMasterRecoveryMustPromoteOtherCoMaster(r.coMasterRecoveryMustPromoteOtherCoMaster())
        .detachLostReplicasAfterMasterFailover(r.detachLostReplicasAfterMasterFailover())
        .applyMySqlPromotionAfterMasterFailover(r.applyMysqlPromotionAfterMasterFailover())
        .masterFailoverDetachReplicaMasterHost(r.masterFailoverDetachReplicaMasterHost())
        .promotionIgnoreHostnameFilters(r.promotionIgnoreHostnameFilters())
        .moves(topology.MoveSettings.from(thresholds()))
        .allowLosingTransactions(r.allowLosingTransactions())
        .build();
  }

  public AliasRules aliasRules() {
    return new AliasRules(clusters.nameToAlias(), Map.of());
  }

  /** For tests and reload: whether two settings differ in what needs a restart to apply. */
  public List<String> restartRequiredChanges(Settings newer) {
    List<String> changed = new ArrayList<>();
    if (!http.listenAddress().equals(newer.http.listenAddress())) {
      changed.add("orcha.http.listen-address");
    }
    if (!http.tls().equals(newer.http.tls())) {
      changed.add("orcha.http.tls");
    }
    if (!cluster.equals(newer.cluster)) {
      changed.add("orcha.cluster");
    }
    if (!backend.equals(newer.backend)) {
      changed.add("orcha.backend");
    }
    if (!mysql.tls().equals(newer.mysql.tls())) {
      // probes switch at once (MysqlProbeClient.update); the operations' connector is built once
      changed.add("orcha.mysql.tls (for operations; probes use it at once)");
    }
    return changed;
  }

  static Path requireReadable(Path p, String what) {
    if (!Files.isReadable(p)) {
      throw new IllegalArgumentException(what + ": cannot read file " + p);
    }
    return p;
  }
}
