package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * The operator commands beyond refactoring and recovery, run through bin/orcha-client against
 * three real MariaDB servers (a star on 11031): tags and pools that outlive a restart of orcha,
 * skip-query on a replica whose SQL thread stopped on a duplicate key, the statements of
 * restart-replica-statements, the OSC replicas, snapshot-topologies, and the commands orcha
 * refuses on purpose (exit 1, the reason on stderr).
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorCommandsTest {

  static final int M = 11031;
  static final int R1 = M + 1;
  static final int R2 = M + 2;
  static Sandbox sandbox;
  static OrchaFixture orcha;
  static String hocon;

  @TempDir
  static Path tmp;

  static String key(int port) {
    return "127.0.0.1:" + port;
  }

  static testkit.OrchaClient.Run client(String... args) {
    return OrchaClientTest.run(orcha.apiUrl(), args);
  }

  /** Runs an orcha-client command that must exit 0; its stdout. */
  static String out(String... args) {
    testkit.OrchaClient.Run r = client(args);
    assertEquals(0, r.exit(), String.join(" ", args) + ": " + r);
    return r.out();
  }

  static Set<String> lines(String out) {
    return new TreeSet<>(out.isEmpty() ? List.of() : List.of(out.split("\n")));
  }

  @BeforeAll
  static void up() {
    sandbox = Sandbox.up("routes", M, 3, "star");
    // this helper's ports: HTTP 11038, cluster 11039 (11031-11033 are the servers)
    hocon = OrchaFixture.baseHocon(tmp.resolve("routes.db")) + """
        orcha.http.listen-address = "127.0.0.1:11038"
        orcha.cluster.bind = "127.0.0.1:11039"
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        """;
    orcha = OrchaFixture.start(hocon);
    orcha.discoverAndAwaitValid("127.0.0.1", M, 3);
    awaitReplicating(R1);
    awaitReplicating(R2);
  }

  @AfterAll
  static void down() {
    if (orcha != null) {
      orcha.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  static JsonNode instance(int port) {
    return orcha.get("instance/127.0.0.1/" + port);
  }

  static void awaitReplicating(int port) {
    Eventually.await(key(port) + " replicating without errors", Duration.ofSeconds(30),
        () -> instance(port), i -> i.path("ReplicationSQLThreadState").asInt() == 1
            && i.path("ReplicationIOThreadState").asInt() == 1
            && i.path("LastSQLError").asText().isEmpty());
  }

  @Test
  @Order(1)
  void tagsAndPoolsOutliveARestartOfOrcha() {
    assertEquals(key(R1), out("-c", "tag", "-i", key(R1), "-t", "role=backup"));
    assertEquals(key(R2), out("-c", "tag", "-i", key(R2), "-t", "role=serving"));
    assertEquals(key(R2), out("-c", "tag", "-i", key(R2), "-t", "owner=team a; $(id)"));
    assertEquals("lb", out("-c", "submit-pool-instances", "-l", "lb", "-i",
        key(R1) + "," + key(R2)));

    orcha.close();
    orcha = OrchaFixture.start(hocon);

    assertEquals("role=backup", out("-c", "tags", "-i", key(R1)));
    assertEquals(Set.of("owner=team a; $(id)", "role=serving"), lines(out("-c", "tags", "-i", key(R2))));
    assertEquals("backup", out("-c", "tag-value", "-i", key(R1), "-t", "role"));
    assertEquals(key(R1), out("-c", "tagged", "-t", "role=backup"));
    assertEquals(Set.of(key(R1), key(R2)), lines(out("-c", "tagged", "-t", "role")));
    testkit.OrchaClient.Run missing = client("-c", "tag-value", "-i", key(M), "-t", "role");
    assertEquals(1, missing.exit(), missing.toString());
    assertEquals("tag role not found for " + key(M), missing.err());

    orcha.discoverAndAwaitValid("127.0.0.1", M, 3);
    assertEquals(key(M), out("-c", "tagged", "-t", "~role"), "the one server without the tag");
    String topology = out("-c", "topology-tags", "-alias", "sandbox");
    assertTrue(topology.lines().anyMatch(l -> l.contains(key(R1)) && l.endsWith("[role=backup]")),
        topology);
    assertEquals(Set.of(key(R1), key(R2)), lines(out("-c",
        "which-heuristic-cluster-pool-instances", "-alias", "sandbox", "-l", "lb")));

    assertEquals(key(R2), out("-c", "untag", "-i", key(R2), "-t", "role"));
    assertEquals(key(R1), out("-c", "untag-all", "-t", "role=backup"));
    assertEquals("", out("-c", "tagged", "-t", "role"));
    assertEquals("owner=team a; $(id)", out("-c", "tags", "-i", key(R2)));
  }

  @Test
  @Order(2)
  void restartReplicaStatementsAndOscReplicas() {
    String statements = out("-c", "restart-replica-statements", "-i", key(R1), "-q",
        "set global rpl_semi_sync_slave_enabled=1");
    assertEquals("[ \"STOP SLAVE IO_THREAD;\", \"STOP SLAVE SQL_THREAD;\","
        + " \"set global rpl_semi_sync_slave_enabled=1;\", \"START SLAVE SQL_THREAD;\","
        + " \"START SLAVE IO_THREAD;\" ]", statements);
    assertEquals(Set.of(key(R1), key(R2)), lines(out("-c", "which-cluster-osc-replicas", "-i", key(M))));
    assertEquals(Set.of(key(R1), key(R2)),
        lines(out("-c", "which-cluster-osc-running-replicas", "-alias", "sandbox")));
    assertTrue(out("-c", "snapshot-topologies").matches("Took [0-9.]+(ns|µs|ms|s)"));
  }

  @Test
  @Order(3)
  void skipQueryLetsAReplicaStuckOnADuplicateKeyReplicateAgain() {
    testkit.OrchaClient.Run healthy = client("-c", "skip-query", "-i", key(R1));
    assertEquals(1, healthy.exit(), healthy.toString());
    assertTrue(healthy.err().contains("nothing to skip"), healthy.err());

    sandbox.sql(M, "CREATE TABLE app.skipq (id INT PRIMARY KEY)");
    Eventually.await("the table on " + key(R1), Duration.ofSeconds(30), () -> sandbox.sql(R1,
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app'"
            + " AND TABLE_NAME = 'skipq'"), n -> n.endsWith("1"));
    // a row written on the replica only (not binlogged): the master's same row then breaks it
    sandbox.sql(R1, "SET SESSION sql_log_bin = 0; INSERT INTO app.skipq VALUES (1)");
    sandbox.sql(M, "INSERT INTO app.skipq VALUES (1)");
    Eventually.await(key(R1) + " stopped on the duplicate key", Duration.ofSeconds(30),
        () -> instance(R1), i -> i.path("ReplicationSQLThreadState").asInt() == 0
            && i.path("LastSQLError").asText().contains("Duplicate entry"));
    assertEquals(key(R1), out("-c", "which-broken-replicas", "-i", key(M)));

    assertEquals(key(R1), out("-c", "skip-query", "-i", key(R1)));
    awaitReplicating(R1);
    sandbox.sql(M, "INSERT INTO app.skipq VALUES (2)");
    Eventually.await("the next row on " + key(R1), Duration.ofSeconds(30),
        () -> sandbox.sql(R1, "SELECT COUNT(*) FROM app.skipq WHERE id = 2"), n -> n.endsWith("1"));
    assertEquals("", out("-c", "which-broken-replicas", "-i", key(M)));
    JsonNode audit = orcha.get("audit/instance/127.0.0.1/" + R1);
    boolean skipped = false;
    for (JsonNode row : audit) {
      skipped |= row.get("AuditType").asText().equals("skip-query")
          && row.get("Message").asText().contains("sql_slave_skip_counter");
    }
    assertTrue(skipped, "the statements sent are audited: " + audit);
  }

  @Test
  @Order(4)
  void refusedCommandsExitOneWithTheReason() {
    testkit.OrchaClient.Run pgtid = client("-c", "last-pseudo-gtid", "-i", key(R1));
    assertEquals(1, pgtid.exit(), pgtid.toString());
    assertEquals("last-pseudo-gtid: Pseudo-GTID is not supported by orcha (use GTID)", pgtid.err());
    testkit.OrchaClient.Run unresolve = client("-c", "register-hostname-unresolve", "-i", key(R1),
        "-H", "db1.example.com");
    assertEquals(1, unresolve.exit(), unresolve.toString());
    assertTrue(unresolve.err().startsWith("register-hostname-unresolve: orcha takes host names as"
        + " given"), unresolve.err());
  }

  /** Last: the errant write breaks replication from the master under gtid_strict_mode. */
  @Test
  @Order(5)
  void locateGtidErrantNamesTheBinaryLogOfAnErrantWrite() {
    testkit.OrchaClient.Run none = client("-c", "locate-gtid-errant", "-i", key(R2));
    assertEquals(1, none.exit(), none.toString());
    assertEquals("locate-gtid-errant: no errant GTID on " + key(R2), none.err());
    sandbox.sql(R2, "FLUSH BINARY LOGS");
    String holding = sandbox.sql(R2, "SELECT @@log_bin_basename").replaceAll("(?s).*/", "");
    sandbox.sql(R2, "INSERT INTO app.t (v) VALUES ('errant')");
    String file = sandbox.sql(R2, "SHOW MASTER STATUS").lines()
        .filter(l -> l.startsWith(holding)).findFirst().orElseThrow().split("\\s+")[0];
    sandbox.sql(R2, "FLUSH BINARY LOGS");
    Eventually.await(key(R2) + " has an errant GTID", Duration.ofSeconds(30), () -> instance(R2),
        i -> !i.path("GtidErrant").asText().isEmpty());
    assertEquals(file, out("-c", "locate-gtid-errant", "-i", key(R2)));
  }
}
