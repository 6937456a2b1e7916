package hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HookEventTest {

  private static HookEvent.Builder event() {
    return HookEvent.builder().failureType("DeadMaster").instanceType("master").isMaster(true)
        .failureDescription("Master cannot be reached").command("force-master-failover")
        .failed("db1", 3306).failureCluster("db1:3306").failureClusterAlias("main")
        .failureClusterDomain("example.com").countReplicas(3).isDowntimed(false)
        .autoMasterRecovery(true).orchestratorHost("orcha-1").recoveryUID("uid-1")
        .lostReplicas(List.of("r1:3306")).replicaHosts(List.of("r1:3306", "r2:3306", "r3:3306"));
  }

  @Test
  void placeholdersIncludeTheSynonyms() {
    Map<String, String> p = event().build().placeholders();

    assertEquals("DeadMaster", p.get("{failureType}"));
    assertEquals("master", p.get("{instanceType}"));
    assertEquals("true", p.get("{isMaster}"));
    assertEquals("false", p.get("{isCoMaster}"));
    assertEquals("force-master-failover", p.get("{command}"));
    assertEquals("3306", p.get("{failedPort}"));
    assertEquals("3", p.get("{countReplicas}"));
    assertEquals("3", p.get("{countSlaves}"));
    assertEquals("r1:3306", p.get("{lostReplicas}"));
    assertEquals("r1:3306", p.get("{lostSlaves}"));
    assertEquals("1", p.get("{countLostReplicas}"));
    assertEquals("r1:3306,r2:3306,r3:3306", p.get("{replicaHosts}"));
    assertEquals("r1:3306,r2:3306,r3:3306", p.get("{slaveHosts}"));
    assertEquals("true", p.get("{autoMasterRecovery}"));
    assertEquals("false", p.get("{autoIntermediateMasterRecovery}"));
    assertEquals("orcha-1", p.get("{orchestratorHost}"));
    assertEquals("uid-1", p.get("{recoveryUID}"));
    assertEquals("example.com", p.get("{failureClusterDomain}"));
    assertEquals("false", p.get("{isSuccessful}"));
    assertFalse(p.containsKey("{successorHost}"));
    assertFalse(p.containsKey("{successorPort}"));
    assertFalse(p.containsKey("{successorAlias}"));
    assertFalse(p.containsKey("{successorBinlogCoordinates}"));
  }

  @Test
  void successorPlaceholdersAndVariablesExistOnlyWithASuccessor() {
    HookEvent withCoords = event().successor(
        new HookEvent.Successor("db2", 3307, Optional.of("bin.000002:4"), "")).build();
    HookEvent noCoords = event().successor(
        new HookEvent.Successor("db2", 3307, Optional.empty(), "b")).build();

    assertTrue(withCoords.isSuccessful());
    assertEquals("db2", withCoords.placeholders().get("{successorHost}"));
    assertEquals("3307", withCoords.placeholders().get("{successorPort}"));
    assertEquals("", withCoords.placeholders().get("{successorAlias}"));
    assertEquals("bin.000002:4", withCoords.placeholders().get("{successorBinlogCoordinates}"));
    assertEquals("true", withCoords.environment().get("ORC_IS_SUCCESSFUL"));
    assertEquals("bin.000002:4", withCoords.environment().get("ORC_SUCCESSOR_BINLOG_COORDINATES"));
    assertFalse(noCoords.placeholders().containsKey("{successorBinlogCoordinates}"));
    assertFalse(noCoords.environment().containsKey("ORC_SUCCESSOR_BINLOG_COORDINATES"));
    assertEquals("b", noCoords.environment().get("ORC_SUCCESSOR_ALIAS"));
    assertFalse(event().build().environment().keySet().stream()
        .anyMatch(k -> k.startsWith("ORC_SUCCESSOR_")));
  }

  @Test
  void environmentHasEveryVariableOfTheContract() {
    Map<String, String> env = event().build().environment();

    assertEquals(List.of("ORC_FAILURE_TYPE", "ORC_INSTANCE_TYPE", "ORC_IS_MASTER",
        "ORC_IS_CO_MASTER", "ORC_FAILURE_DESCRIPTION", "ORC_COMMAND", "ORC_FAILED_HOST",
        "ORC_FAILED_PORT", "ORC_FAILURE_CLUSTER", "ORC_FAILURE_CLUSTER_ALIAS",
        "ORC_FAILURE_CLUSTER_DOMAIN", "ORC_COUNT_REPLICAS", "ORC_IS_DOWNTIMED",
        "ORC_AUTO_MASTER_RECOVERY", "ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY",
        "ORC_ORCHESTRATOR_HOST", "ORC_IS_SUCCESSFUL", "ORC_LOST_REPLICAS", "ORC_REPLICA_HOSTS",
        "ORC_RECOVERY_UID"), List.copyOf(env.keySet()));
    assertEquals("true", env.get("ORC_IS_MASTER"));
    assertEquals("false", env.get("ORC_IS_DOWNTIMED"));
    assertEquals("3", env.get("ORC_COUNT_REPLICAS"));
    assertEquals("r1:3306,r2:3306,r3:3306", env.get("ORC_REPLICA_HOSTS"));
  }

  @Test
  void hookListsKnowTheirNamesAndFailureEffect() {
    assertEquals("PreFailoverProcesses", Hook.PRE_FAILOVER.configName());
    assertTrue(Hook.PRE_FAILOVER.stopOnFailure());
    assertTrue(Hook.ON_FAILURE_DETECTION.stopOnFailure());
    assertTrue(Hook.PRE_GRACEFUL_TAKEOVER.stopOnFailure());
    assertFalse(Hook.POST_FAILOVER.stopOnFailure());
    assertFalse(Hook.POST_UNSUCCESSFUL_FAILOVER.stopOnFailure());
  }

  static Stream<Arguments> durations() {
    return Stream.of(
        Arguments.of(Duration.ZERO, "0s"),
        Arguments.of(Duration.ofNanos(999), "999ns"),
        Arguments.of(Duration.ofNanos(1_500), "1.5µs"),
        Arguments.of(Duration.ofNanos(12_345_678), "12.345678ms"),
        Arguments.of(Duration.ofMillis(1500), "1.5s"),
        Arguments.of(Duration.ofSeconds(2), "2s"),
        Arguments.of(Duration.ofSeconds(90), "1m30s"),
        Arguments.of(Duration.ofMinutes(5), "5m0s"),
        Arguments.of(Duration.ofHours(1), "1h0m0s"),
        Arguments.of(Duration.ofSeconds(3723).plusMillis(250), "1h2m3.25s"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("durations")
  void durationsAreFormattedLikeGo(Duration d, String expected) {
    assertEquals(expected, GoDuration.format(d));
  }
}
