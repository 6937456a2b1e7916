package orcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  @TempDir
  Path tmp;

  private ConfigLoader.Loaded load(String hocon, Path... files) {
    return new ConfigLoader(List.of(files), ConfigFactory.parseString(hocon)).load();
  }

  private String error(String hocon, Path... files) {
    return assertThrows(IllegalArgumentException.class, () -> load(hocon, files)).getMessage();
  }

  @Test
  void badRecoverySwitchesNameTheirKey() {
    assertTrue(error("orcha.recovery.allow-losing-transactions = maybe")
        .contains("orcha.recovery.allow-losing-transactions"));
    assertTrue(error("orcha.recovery.end-demoted-master-sessions = 3")
        .contains("orcha.recovery.end-demoted-master-sessions"));
  }

  @Test
  void demoConfigurationLoadsWithRecoveryOn() {
    Settings s = load("", Path.of("deploy/demo/orcha.conf")).settings();
    assertEquals(List.of("*"), s.recovery().masterClusterFilters());
    assertEquals("repl", s.mysql().replicationUser());
    assertEquals(java.time.Duration.ofSeconds(60), s.recoverySettings().recoveryPeriodBlock());
  }

  @Test
  void defaultsAreValid() {
    Settings s = load("").settings();
    assertEquals(Duration.ofSeconds(5), s.discovery().pollInterval());
    assertEquals(":3000", s.http().listenAddress());
    assertEquals(3306, s.discovery().defaultInstancePort());
    assertEquals(backend.BackendSettings.Type.SQLITE, s.backend().type());
    assertEquals(List.of(), s.notices());
  }

  @Test
  void badValuesNameTheKey() {
    assertEquals("orcha.discovery.poll-interval must be at least 100ms, got: 0s",
        error("orcha.discovery.poll-interval = 0s"));
    assertTrue(error("orcha.discovery.poll-interval = fast")
        .startsWith("orcha.discovery.poll-interval must be a duration"));
    assertEquals("orcha.discovery.default-instance-port must be between 1 and 65535, got: 0",
        error("orcha.discovery.default-instance-port = 0"));
    assertTrue(error("orcha.http.listen-address = \"nohost\"")
        .startsWith("orcha.http.listen-address must be host:port or :port"));
    assertTrue(error("orcha.recovery.ignore-hostname-filters = [\"(\"]")
        .startsWith("orcha.recovery.ignore-hostname-filters is not a valid regular expression: ("));
    assertTrue(error("orcha.discovery.seeds = [\"db1:notaport\"]")
        .contains("orcha.discovery.seeds has a bad entry db1:notaport"));
    assertTrue(error("orcha.backend.type = oracle").contains("orcha.backend.type"));
    assertTrue(error("orcha.recovery.fail-master-promotion-on-lag = 1m")
        .contains("requires orcha.queries.replication-lag"));
  }

  @Test
  void unknownKeysAreReportedByName() {
    Settings s = load("orcha.discovery.pol-interval = 3s").settings();
    assertEquals(List.of("setting orcha.discovery.pol-interval is not known to orcha; ignored"),
        s.notices());
  }

  @Test
  void orchestratorJsonMapsOntoSettings() throws IOException {
    Path json = tmp.resolve("orchestrator.conf.json");
    Files.writeString(json, """
        {
          "ListenAddress": ":3999",
          "InstancePollSeconds": 1,
          "MySQLTopologyUser": "topo",
          "MySQLTopologyPassword": "s3cret",
          "DiscoverySeeds": ["127.0.0.1:10111"],
          "DetectClusterAliasQuery": "select 'ci'",
          "BackendDB": "sqlite3",
          "SQLite3DataFile": "%s",
          "RecoveryPeriodBlockSeconds": 5,
          "ClusterNameToAlias": {"127.0.0.1:.*": "local"},
          "AutoPseudoGTID": false,
          "NoSuchOrchestratorKey": 1
        }""".formatted(tmp.resolve("o.db")));
    ConfigLoader.Loaded loaded = load("", json);
    Settings s = loaded.settings();
    assertEquals(":3999", s.http().listenAddress());
    assertEquals(Duration.ofSeconds(1), s.discovery().pollInterval());
    assertEquals("topo", s.mysql().topologyUser());
    assertEquals("s3cret", s.mysql().topologyPassword().value());
    assertEquals("<secret>", s.mysql().topologyPassword().toString());
    assertEquals(List.of("127.0.0.1:10111"), s.discovery().seeds());
    assertEquals("select 'ci'", s.queries().clusterAlias());
    assertEquals(tmp.resolve("o.db"), s.backend().sqliteFile());
    assertEquals(Duration.ofSeconds(5), s.recovery().periodBlock());
    assertEquals("local", s.clusters().nameToAlias().get(0).alias());
    assertTrue(loaded.notices().stream().anyMatch(n -> n.startsWith(
        "orchestrator setting AutoPseudoGTID in " + json + " is not supported by orcha")), loaded.notices().toString());
    assertTrue(loaded.notices().stream().anyMatch(n -> n.startsWith(
        "orchestrator setting NoSuchOrchestratorKey in " + json + " is not known to orcha")));
    assertTrue(loaded.config().getString("pekko.persistence.journal.plugin").contains("jdbc"),
        "the backend overlay must win over reference.conf");
  }

  @Test
  void orchestratorAuthenticationKeysMap() throws IOException {
    Path json = tmp.resolve("auth.json");
    Files.writeString(json, """
        {
          "AuthenticationMethod": "Multi",
          "HTTPAuthUser": "admin",
          "HTTPAuthPassword": "top-secret-1",
          "PowerAuthUsers": ["alice", "bob"],
          "AuthUserHeader": "X-Remote-User",
          "ReadOnly": true
        }""");
    ConfigLoader.Loaded loaded = load("", json);
    Settings.Auth a = loaded.settings().http().auth();
    assertEquals("multi", a.method());
    assertEquals("admin", a.user());
    assertEquals("top-secret-1", a.password().value());
    assertEquals(List.of("alice", "bob"), a.powerUsers());
    assertEquals("X-Remote-User", a.userHeader());
    assertTrue(a.readOnly());
    assertTrue(loaded.notices().stream().noneMatch(n -> n.contains("Auth") || n.contains("ReadOnly")),
        loaded.notices().toString());
    assertTrue(!loaded.settings().toString().contains("top-secret-1"));
    Files.writeString(json, "{\"HTTPAuthPassword\": {\"x\": \"top-secret-2\"}}");
    assertTrue(!error("", json).contains("top-secret-2"));
  }

  @Test
  void authenticationDefaultsAndChecks() throws IOException {
    Settings.Auth a = load("").settings().http().auth();
    assertEquals("none", a.method());
    assertEquals(List.of("*"), a.powerUsers());
    assertEquals("X-Forwarded-User", a.userHeader());
    assertTrue(!a.readOnly());
    assertTrue(error("orcha.http.auth.method = token").contains(
        "orcha.http.auth.method must be none, basic, multi or proxy, got: token"));
    assertTrue(error("orcha.http.auth.method = basic").contains("needs orcha.http.auth.user"));
    assertTrue(error("orcha.http.auth { method = basic, user = admin }")
        .contains("needs orcha.http.auth.user and a password"));
    Path pw = tmp.resolve("api.pw");
    Files.writeString(pw, "from-file\n");
    Settings.Auth f = load("orcha.http.auth { method = basic, user = admin, password = x, "
        + "password-file = \"" + pw + "\" }").settings().http().auth();
    assertEquals("from-file", f.password().value());
    assertEquals("<secret>", f.password().toString());
    assertTrue(error("orcha.http.auth { method = basic, user = admin, password-file = \""
        + tmp.resolve("none") + "\" }").contains("cannot read file"));
  }

  @Test
  void badOrchestratorValueNamesTheJsonKey() throws IOException {
    Path json = tmp.resolve("bad.json");
    Files.writeString(json, "{\"InstancePollSeconds\": 0}");
    assertEquals("orcha.discovery.poll-interval (InstancePollSeconds in " + json
        + ") must be at least 100ms, got: 0s", error("", json));
    Files.writeString(json, "{\"InstancePollSeconds\": \"five\"}");
    assertEquals("InstancePollSeconds in " + json + " must be an integer, got: \"five\"", error("", json));
    Files.writeString(json, "{not json");
    assertTrue(error("", json).startsWith("cannot read orchestrator config " + json));
  }

  @Test
  void legacyRecoveryPeriodBlockMinutes() throws IOException {
    Path json = tmp.resolve("legacy.json");
    Files.writeString(json, "{\"RecoveryPeriodBlockMinutes\": 2}");
    assertEquals(Duration.ofMinutes(2), load("", json).settings().recovery().periodBlock());
  }

  @Test
  void instancePoolExpiryMinutes() throws IOException {
    assertEquals(Duration.ofMinutes(60), load("").settings().discovery().instancePoolExpiry());
    Path json = tmp.resolve("pools.json");
    Files.writeString(json, "{\"InstancePoolExpiryMinutes\": 15}");
    assertEquals(Duration.ofMinutes(15), load("", json).settings().discovery().instancePoolExpiry());
    assertTrue(error("orcha.discovery.instance-pool-expiry = 0s")
        .startsWith("orcha.discovery.instance-pool-expiry"));
  }

  @Test
  void credentialsFileWins() throws IOException {
    Path ini = tmp.resolve("creds.cnf");
    Files.writeString(ini, "[client]\nuser=fromfile\npassword=\"pw\"\n");
    Settings s = load("orcha.mysql.topology-credentials-file = \"" + ini + "\"").settings();
    assertEquals("fromfile", s.mysql().topologyUser());
    assertEquals("pw", s.mysql().topologyPassword().value());
    assertTrue(error("orcha.mysql.topology-credentials-file = \"" + tmp.resolve("none") + "\"")
        .contains("cannot read file"));
  }

  @Test
  void reloadOverlaysAnExtraFileAndIgnoresAMissingOne() throws IOException {
    Path extra = tmp.resolve("extra.json");
    Files.writeString(extra, "{\"PreventCrossDataCenterMasterFailover\": true}");
    ConfigLoader loader = new ConfigLoader(List.of(), ConfigFactory.empty());
    assertTrue(loader.load(List.of(extra)).settings().recovery().preventCrossDataCenterMasterFailover());
    assertEquals(false, loader.load(List.of(tmp.resolve("missing.json"))).settings()
        .recovery().preventCrossDataCenterMasterFailover());
  }

  /**
   * An orchestrator configuration with every key of the contract's §10 (and the discovery,
   * backend, credentials, HTTP, auth, raft, hook and TLS keys) is accepted; what orcha ignores is
   * reported by name, once per loader (start), and again only for a file a reload brings in.
   */
  @Test
  void everyOrchestratorKeyIsAcceptedAndIgnoredOnesAreReportedOnce() throws IOException {
    Path json = tmp.resolve("every-key.conf.json");
    String text = new String(getClass().getResourceAsStream("/orchestrator/every-key.conf.json")
        .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
        .replace("@SQLITE@", tmp.resolve("o.db").toString());
    Files.writeString(json, text);
    ConfigLoader loader = new ConfigLoader(List.of(json), ConfigFactory.empty());
    ConfigLoader.Loaded loaded = loader.load();
    Settings s = loaded.settings();
    assertEquals("multi", s.http().auth().method());
    assertEquals(3, s.cluster().nodes().size());
    assertEquals(List.of("*"), s.recovery().masterClusterFilters());
    assertEquals(1, s.recovery().hooks().onFailureDetection().size());
    assertEquals(Duration.ofSeconds(3600), s.recovery().periodBlock());
    // every notice names a key of the file; none is "not known"; no value (password) is shown
    com.fasterxml.jackson.databind.JsonNode keys = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(text);
    for (String n : loaded.notices()) {
      String key = n.replaceFirst("^orchestrator setting (\\w+) in .*", "$1");
      assertTrue(keys.has(key), n);
      assertTrue(n.contains(" is not supported by orcha") || n.contains(" is used by orcha only")
          || n.contains(" has no effect without "), n);
      assertTrue(!n.contains("not-a-real-password"), n);
    }
    assertTrue(loaded.notices().stream().anyMatch(n -> n.startsWith("orchestrator setting RaftEnabled in "
        + json + " is not supported by orcha (orcha nodes always form a cluster")), loaded.notices().toString());
    assertEquals(loaded.notices().size(), loaded.notices().stream().distinct().count());
    // reported once: at start all of them, at a reload of the same files none
    assertEquals(loaded.notices(), loader.unreported(loaded));
    assertEquals(List.of(), loader.unreported(loader.load()));
    // a reload bringing a file with a key nobody knows reports that key
    Path extra = tmp.resolve("extra.json");
    Files.writeString(extra, "{\"InstancePollSecondz\": 1, \"InstancePollSeconds\": 2}");
    ConfigLoader.Loaded reloaded = loader.load(List.of(extra));
    assertEquals(Duration.ofSeconds(2), reloaded.settings().discovery().pollInterval());
    assertEquals(List.of("orchestrator setting InstancePollSecondz in " + extra
        + " is not known to orcha; ignored"), loader.unreported(reloaded));
  }
}
