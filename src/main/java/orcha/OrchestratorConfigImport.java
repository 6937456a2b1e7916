package orcha;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps an orchestrator JSON configuration file onto orcha's settings, for people migrating:
 * each known key becomes the matching {@code orcha.*} value (its origin names the JSON key, so
 * validation errors do too); keys orcha does not support, and keys nobody knows, are reported
 * by name and otherwise ignored.
 */
public final class OrchestratorConfigImport {

  /** Origin descriptions of imported values start with this, then "Key in FILE". */
  static final String ORIGIN_PREFIX = "orchestrator:";

  private enum Kind { STRING, SECONDS, MINUTES, INT, BOOL, STRINGS, STRING_MAP, LOWER }

  private record Mapping(String path, Kind kind) {}

  private static final Map<String, Mapping> MAPPED = new LinkedHashMap<>();

  private static void map(String key, String path, Kind kind) {
    MAPPED.put(key, new Mapping(path, kind));
  }

  static {
    map("ListenAddress", "orcha.http.listen-address", Kind.STRING);
    map("URLPrefix", "orcha.http.url-prefix", Kind.STRING);
    map("StatusEndpoint", "orcha.http.status-endpoint", Kind.STRING);
    map("AuthenticationMethod", "orcha.http.auth.method", Kind.LOWER);
    map("HTTPAuthUser", "orcha.http.auth.user", Kind.STRING);
    map("HTTPAuthPassword", "orcha.http.auth.password", Kind.STRING);
    map("PowerAuthUsers", "orcha.http.auth.power-users", Kind.STRINGS);
    map("AuthUserHeader", "orcha.http.auth.user-header", Kind.STRING);
    map("ReadOnly", "orcha.http.auth.read-only", Kind.BOOL);
    map("UseSSL", "orcha.http.tls.enabled", Kind.BOOL);
    map("SSLCertFile", "orcha.http.tls.cert-file", Kind.STRING);
    map("SSLPrivateKeyFile", "orcha.http.tls.key-file", Kind.STRING);
    // SSLCAFile and UseMutualTLS: see fromJson (the CA file means mutual TLS in orcha)
    map("DiscoverySeeds", "orcha.discovery.seeds", Kind.STRINGS);
    map("InstancePollSeconds", "orcha.discovery.poll-interval", Kind.SECONDS);
    map("ReasonableInstanceCheckSeconds", "orcha.discovery.reasonable-check", Kind.SECONDS);
    map("DefaultInstancePort", "orcha.discovery.default-instance-port", Kind.INT);
    map("HostnameResolveMethod", "orcha.discovery.hostname-resolve-method", Kind.LOWER);
    map("DiscoverByShowSlaveHosts", "orcha.discovery.discover-by-show-slave-hosts", Kind.BOOL);
    map("InstancePoolExpiryMinutes", "orcha.discovery.instance-pool-expiry", Kind.MINUTES);
    map("MySQLTopologyUser", "orcha.mysql.topology-user", Kind.STRING);
    map("MySQLTopologyPassword", "orcha.mysql.topology-password", Kind.STRING);
    map("MySQLTopologyCredentialsConfigFile", "orcha.mysql.topology-credentials-file", Kind.STRING);
    map("MySQLConnectTimeoutSeconds", "orcha.mysql.connect-timeout", Kind.SECONDS);
    map("MySQLDiscoveryReadTimeoutSeconds", "orcha.mysql.query-timeout", Kind.SECONDS);
    map("MySQLTopologyReadTimeoutSeconds", "orcha.mysql.operation-timeout", Kind.SECONDS);
    map("MySQLTopologySSLCAFile", "orcha.mysql.tls.ca-file", Kind.STRING);
    map("MySQLTopologySSLCertFile", "orcha.mysql.tls.cert-file", Kind.STRING);
    map("MySQLTopologySSLPrivateKeyFile", "orcha.mysql.tls.key-file", Kind.STRING);
    map("ReplicationCredentialsQuery", "orcha.mysql.replication-credentials-query", Kind.STRING);
    map("ReplicationLagQuery", "orcha.queries.replication-lag", Kind.STRING);
    map("SlaveLagQuery", "orcha.queries.replication-lag", Kind.STRING);
    map("DetectClusterAliasQuery", "orcha.queries.cluster-alias", Kind.STRING);
    map("DetectClusterDomainQuery", "orcha.queries.cluster-domain", Kind.STRING);
    map("DetectInstanceAliasQuery", "orcha.queries.instance-alias", Kind.STRING);
    map("DetectDataCenterQuery", "orcha.queries.data-center", Kind.STRING);
    map("DetectRegionQuery", "orcha.queries.region", Kind.STRING);
    map("DetectPhysicalEnvironmentQuery", "orcha.queries.physical-environment", Kind.STRING);
    map("DetectPromotionRuleQuery", "orcha.queries.promotion-rule", Kind.STRING);
    map("DetectSemiSyncEnforcedQuery", "orcha.queries.semi-sync-enforced", Kind.STRING);
    map("DataCenterPattern", "orcha.queries.data-center-pattern", Kind.STRING);
    map("RegionPattern", "orcha.queries.region-pattern", Kind.STRING);
    map("PhysicalEnvironmentPattern", "orcha.queries.physical-environment-pattern", Kind.STRING);
    map("ClusterNameToAlias", "orcha.clusters.name-to-alias", Kind.STRING_MAP);
    map("ReasonableReplicationLagSeconds", "orcha.analysis.reasonable-replication-lag", Kind.SECONDS);
    map("ReasonableMaintenanceReplicationLagSeconds",
        "orcha.analysis.reasonable-maintenance-replication-lag", Kind.SECONDS);
    map("ReasonableLockedSemiSyncMasterSeconds",
        "orcha.analysis.reasonable-locked-semi-sync-master", Kind.SECONDS);
    map("ReduceReplicationAnalysisCount", "orcha.analysis.reduce-replication-analysis-count", Kind.BOOL);
    String r = "orcha.recovery.";
    map("RecoverMasterClusterFilters", r + "master-cluster-filters", Kind.STRINGS);
    map("RecoverIntermediateMasterClusterFilters", r + "intermediate-master-cluster-filters", Kind.STRINGS);
    map("RecoveryIgnoreHostnameFilters", r + "ignore-hostname-filters", Kind.STRINGS);
    map("PromotionIgnoreHostnameFilters", r + "promotion-ignore-hostname-filters", Kind.STRINGS);
    map("RecoveryPeriodBlockSeconds", r + "period-block", Kind.SECONDS);
    map("FailureDetectionPeriodBlockMinutes", r + "failure-detection-period-block", Kind.MINUTES);
    map("CandidateInstanceExpireMinutes", r + "candidate-instance-expire", Kind.MINUTES);
    map("RecoverNonWriteableMaster", r + "recover-non-writeable-master", Kind.BOOL);
    map("CoMasterRecoveryMustPromoteOtherCoMaster",
        r + "co-master-recovery-must-promote-other-co-master", Kind.BOOL);
    map("DetachLostReplicasAfterMasterFailover", r + "detach-lost-replicas-after-master-failover", Kind.BOOL);
    map("DetachLostSlavesAfterMasterFailover", r + "detach-lost-replicas-after-master-failover", Kind.BOOL);
    map("ApplyMySQLPromotionAfterMasterFailover", r + "apply-mysql-promotion-after-master-failover", Kind.BOOL);
    map("PreventCrossDataCenterMasterFailover", r + "prevent-cross-data-center-master-failover", Kind.BOOL);
    map("PreventCrossRegionMasterFailover", r + "prevent-cross-region-master-failover", Kind.BOOL);
    map("MasterFailoverLostInstancesDowntimeMinutes",
        r + "master-failover-lost-instances-downtime", Kind.MINUTES);
    map("MasterFailoverDetachReplicaMasterHost", r + "master-failover-detach-replica-master-host", Kind.BOOL);
    map("MasterFailoverDetachSlaveMasterHost", r + "master-failover-detach-replica-master-host", Kind.BOOL);
    map("FailMasterPromotionOnLagMinutes", r + "fail-master-promotion-on-lag", Kind.MINUTES);
    map("FailMasterPromotionIfSQLThreadNotUpToDate",
        r + "fail-master-promotion-if-sql-thread-not-up-to-date", Kind.BOOL);
    map("DelayMasterPromotionIfSQLThreadNotUpToDate",
        r + "delay-master-promotion-if-sql-thread-not-up-to-date", Kind.BOOL);
    map("PostponeReplicaRecoveryOnLagMinutes", r + "postpone-replica-recovery-on-lag", Kind.MINUTES);
    map("PostponeSlaveRecoveryOnLagMinutes", r + "postpone-replica-recovery-on-lag", Kind.MINUTES);
    map("EnforceExactSemiSyncReplicas", r + "enforce-exact-semi-sync-replicas", Kind.BOOL);
    map("RecoverLockedSemiSyncMaster", r + "recover-locked-semi-sync-master", Kind.BOOL);
    map("MaxConcurrentReplicaOperations", r + "max-concurrent-replica-operations", Kind.INT);
    map("InstanceBulkOperationsWaitTimeoutSeconds", r + "instance-bulk-operations-wait-timeout", Kind.SECONDS);
    map("UseSuperReadOnly", r + "use-super-read-only", Kind.BOOL);
    map("KVClusterMasterPrefix", r + "kv-cluster-master-prefix", Kind.STRING);
    map("ProcessesShellCommand", r + "processes-shell-command", Kind.STRING);
    String h = r + "hooks.";
    map("OnFailureDetectionProcesses", h + "on-failure-detection", Kind.STRINGS);
    map("PreGracefulTakeoverProcesses", h + "pre-graceful-takeover", Kind.STRINGS);
    map("PreFailoverProcesses", h + "pre-failover", Kind.STRINGS);
    map("PostMasterFailoverProcesses", h + "post-master-failover", Kind.STRINGS);
    map("PostIntermediateMasterFailoverProcesses", h + "post-intermediate-master-failover", Kind.STRINGS);
    map("PostFailoverProcesses", h + "post-failover", Kind.STRINGS);
    map("PostUnsuccessfulFailoverProcesses", h + "post-unsuccessful-failover", Kind.STRINGS);
    map("PostGracefulTakeoverProcesses", h + "post-graceful-takeover", Kind.STRINGS);
    map("PostTakeMasterProcesses", h + "post-take-master", Kind.STRINGS);
    map("BackendDB", "orcha.backend.type", Kind.LOWER);
    map("SQLite3DataFile", "orcha.backend.sqlite-file", Kind.STRING);
    map("MySQLOrchestratorHost", "orcha.backend.mysql.host", Kind.STRING);
    map("MySQLOrchestratorPort", "orcha.backend.mysql.port", Kind.INT);
    map("MySQLOrchestratorDatabase", "orcha.backend.mysql.database", Kind.STRING);
    map("MySQLOrchestratorUser", "orcha.backend.mysql.user", Kind.STRING);
    map("MySQLOrchestratorPassword", "orcha.backend.mysql.password", Kind.STRING);
    map("MySQLOrchestratorMaxPoolConnections", "orcha.backend.mysql.pool-size", Kind.INT);
    map("RaftBind", "orcha.cluster.bind", Kind.STRING);
    map("RaftNodes", "orcha.cluster.nodes", Kind.STRINGS);
  }

  /** Keys orchestrator knows that orcha accepts without acting on them (yet or ever). */
  private static final Set<String> UNSUPPORTED = Set.of(
      "Debug", "EnableSyslog", "ListenSocket", "AgentsServerPort",
      "MySQLTopologyUseMixedTLS",
      "TLSCacheTTLFactor", "SkipOrchestratorDatabaseUpdate", "PanicIfDifferentDatabaseDeploy",
      "RaftEnabled", "RaftAdvertise", "RaftDataDir", "DefaultRaftPort",
      "ExpectFailureAnalysisConcensus", "MySQLOrchestratorCredentialsConfigFile",
      "MySQLOrchestratorSSLPrivateKeyFile", "MySQLOrchestratorSSLCertFile",
      "MySQLOrchestratorSSLCAFile", "MySQLOrchestratorSSLSkipVerify",
      "MySQLOrchestratorUseMutualTLS", "MySQLOrchestratorReadTimeoutSeconds",
      "InstanceWriteBufferSize", "BufferInstanceWrites",
      "InstanceFlushIntervalMilliseconds", "SkipMaxScaleCheck", "UnseenInstanceForgetHours",
      "SnapshotTopologiesIntervalHours", "DiscoveryMaxConcurrency", "DiscoveryQueueCapacity",
      "DiscoveryQueueMaxStatisticsSize", "DiscoveryCollectionRetentionSeconds",
      "MySQLHostnameResolveMethod", "SkipBinlogServerUnresolveCheck",
      "ExpiryHostnameResolvesMinutes", "RejectHostnameResolvePattern",
      "ProblemIgnoreHostnameFilters", "VerifyReplicationFilters", "AuditLogFile", "AuditToSyslog",
      "AuditToBackendDB", "RemoveTextFromHostnameDisplay",
      "OAuthClientId", "OAuthClientSecret", "OAuthScopes",
      "PowerAuthGroups", "AccessTokenUseExpirySeconds",
      "AccessTokenExpiryMinutes", "SupportFuzzyPoolHostnames",
      "ServeAgentsHttp", "AgentsUseSSL", "AgentsUseMutualTLS", "AgentSSLSkipVerify",
      "AgentSSLPrivateKeyFile", "AgentSSLCertFile", "AgentSSLCAFile", "AgentSSLValidOUs",
      "SSLSkipVerify", "SSLValidOUs", "StatusOUVerify", "AgentPollMinutes", "UnseenAgentForgetHours",
      "StaleSeedFailMinutes", "SeedAcceptableBytesDiff", "AutoPseudoGTID", "PseudoGTIDPattern",
      "PseudoGTIDPatternIsFixedSubstring", "PseudoGTIDMonotonicHint", "DetectPseudoGTIDQuery",
      "PseudoGTIDPreferIndependentMultiMatch", "BinlogEventsChunkSize",
      "SkipBinlogEventsContaining", "RecoveryPeriodBlockMinutes",
      "UnreachableMasterWithStaleSlavesProcesses", "RemoteSSHForMasterFailover",
      "RemoteSSHCommand", "RemoteSSHCommandUseSudo", "OSCIgnoreHostnameFilters", "GraphiteAddr",
      "GraphitePath", "GraphiteConvertHostnameDotsToUnderscores", "GraphitePollSeconds",
      "MaxOutdatedKeysToShow", "DiscoveryIgnoreReplicaHostnameFilters", "ConsulAddress",
      "ConsulScheme", "ConsulAclToken", "ConsulCrossDataCenterDistribution", "ZkAddress",
      "HTTPAdvertise", "ActiveNodeExpireSeconds", "AuditPageSize", "AuditPurgeDays",
      "DiscoveryPollSeconds", "MaintenanceOwner", "MaintenanceExpireMinutes",
      "MaintenancePurgeDays", "BinlogFileHistoryDays", "DatabaselessMode__experimental",
      "BufferBinlogEvents", "ReadLongRunningQueries", "SlaveStartPostWaitMilliseconds",
      "MySQLTopologyMaxPoolConnections", "HttpTimeoutSeconds", "AgentAutoDiscover",
      "PseudoGTIDCoordinatesHistoryHeuristicMinutes");

  /**
   * Why some unsupported keys need no counterpart, said in their notice so that an operator does
   * not go looking for a missing feature.
   */
  private static final Map<String, String> WHY = Map.of(
      "RaftEnabled", "orcha nodes always form a cluster; RaftNodes (orcha.cluster.nodes) lists its members",
      "RaftDataDir", "each node keeps its state in its own backend (SQLite3DataFile)",
      "RaftAdvertise", "a node advertises its RaftBind address",
      "DefaultRaftPort", "RaftBind and RaftNodes entries without a port use 10008",
      "HTTPAdvertise", "nodes advertise the URL of their ListenAddress",
      "ConsulAddress", "KV pairs are kept in orcha's replicated state (submit-masters-to-kv-stores)",
      "ZkAddress", "KV pairs are kept in orcha's replicated state (submit-masters-to-kv-stores)",
      "AutoPseudoGTID", "Pseudo-GTID is not supported; orcha uses GTID or binlog coordinates",
      "RecoveryPeriodBlockMinutes",
      "used only when > 0 and RecoveryPeriodBlockSeconds is 0 or absent");

  /** The imported values and what was ignored. */
  public record Imported(Config config, List<String> notices) {}

  private OrchestratorConfigImport() {}

  public static Imported read(Path file) {
    JsonNode root;
    try {
      ObjectMapper mapper = new ObjectMapper();
      mapper.enable(JsonParser.Feature.ALLOW_COMMENTS);
      root = mapper.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read orchestrator config " + file + ": "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("orchestrator config " + file + " must hold a JSON object");
    }
    return fromJson(root, file.toString());
  }

  static Imported fromJson(JsonNode root, String source) {
    Config out = ConfigFactory.empty();
    List<String> notices = new ArrayList<>();
    // RecoveryPeriodBlockSeconds wins; the legacy minutes apply only when seconds is 0/absent
    JsonNode seconds = root.get("RecoveryPeriodBlockSeconds");
    JsonNode minutes = root.get("RecoveryPeriodBlockMinutes");
    boolean legacyMinutes = (seconds == null || seconds.asLong(0) == 0)
        && minutes != null && minutes.asLong(0) > 0;
    // orchestrator reads SSLCAFile only with UseMutualTLS (to verify client certificates);
    // orcha's ca-file means exactly that, so the file is taken only together with the switch
    boolean mutualTls = root.path("UseMutualTLS").asBoolean(false);
    var fields = root.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      Mapping m = MAPPED.get(key);
      if (TopologyTlsMode.KEYS.contains(key)) {
        continue; // orcha.mysql.tls.mode comes from both keys together, after the loop
      }
      if (key.equals("UseMutualTLS")) {
        convert(key, value, Kind.BOOL, source);
        if (mutualTls && root.path("SSLCAFile").asText("").isBlank()) {
          throw new IllegalArgumentException("UseMutualTLS in " + source + " needs SSLCAFile "
              + "(the CA that client certificates must be signed by)");
        }
        continue;
      }
      if (key.equals("SSLCAFile")) {
        if (!mutualTls) {
          notices.add("orchestrator setting SSLCAFile in " + source + " is used by orcha only "
              + "with UseMutualTLS (to verify client certificates); ignored");
          continue;
        }
        m = new Mapping("orcha.http.tls.ca-file", Kind.STRING);
      }
      if (key.equals("RecoveryPeriodBlockMinutes") && legacyMinutes) {
        m = new Mapping("orcha.recovery.period-block", Kind.MINUTES);
      } else if (key.equals("RecoveryPeriodBlockSeconds") && legacyMinutes) {
        continue;
      }
      if (m == null) {
        notices.add(UNSUPPORTED.contains(key)
            ? "orchestrator setting " + key + " in " + source + " is not supported by orcha"
                + (WHY.containsKey(key) ? " (" + WHY.get(key) + ")" : "") + "; ignored"
            : "orchestrator setting " + key + " in " + source + " is not known to orcha; ignored");
        continue;
      }
      String origin = ORIGIN_PREFIX + key + " in " + source;
      out = out.withValue(m.path(), ConfigValueFactory.fromAnyRef(convert(key, value, m.kind(), source), origin));
    }
    out = TopologyTlsMode.apply(root, source, out, notices);
    return new Imported(out, List.copyOf(notices));
  }

  private static Object convert(String key, JsonNode v, Kind kind, String source) {
    String where = key + " in " + source;
    switch (kind) {
      case STRING:
      case LOWER:
        if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
          throw new IllegalArgumentException(where + " must be a string, got: "
              + (key.contains("Password") ? "<secret>" : v.toString()));
        }
        return kind == Kind.LOWER ? lowerBackend(v.asText()) : v.asText();
      case SECONDS:
      case MINUTES:
      case INT:
        if (!v.isIntegralNumber()) {
          throw new IllegalArgumentException(where + " must be an integer, got: " + v);
        }
        long n = v.asLong();
        return kind == Kind.INT ? (Object) n : n + (kind == Kind.SECONDS ? "s" : "m");
      case BOOL:
        if (!v.isBoolean()) {
          throw new IllegalArgumentException(where + " must be true or false, got: " + v);
        }
        return v.asBoolean();
      case STRINGS:
        if (v.isNull()) {
          return List.of();
        }
        if (!v.isArray()) {
          throw new IllegalArgumentException(where + " must be an array of strings, got: " + v);
        }
        List<String> list = new ArrayList<>();
        for (JsonNode item : v) {
          if (!item.isTextual()) {
            throw new IllegalArgumentException(where + " must be an array of strings, got: " + v);
          }
          list.add(item.asText());
        }
        return list;
      case STRING_MAP:
        if (v.isNull()) {
          return Map.of();
        }
        if (!v.isObject()) {
          throw new IllegalArgumentException(where + " must be an object of strings, got: " + v);
        }
        Map<String, String> map = new LinkedHashMap<>();
        v.fields().forEachRemaining(f -> {
          if (!f.getValue().isTextual()) {
            throw new IllegalArgumentException(where + " must map strings to strings; "
                + f.getKey() + " maps to " + f.getValue());
          }
          map.put(f.getKey(), f.getValue().asText());
        });
        return map;
      default:
        throw new IllegalStateException(kind.name());
    }
  }

  /** BackendDB "sqlite3" (orchestrator's spelling) is orcha's "sqlite". */
  private static String lowerBackend(String s) {
    String l = s.trim().toLowerCase(java.util.Locale.ROOT);
    return l.equals("sqlite3") ? "sqlite" : l;
  }
}
