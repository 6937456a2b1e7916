package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.recovery.RecoveryLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * No acknowledged write is lost: a client writes rows on the master (semi-sync, AFTER_SYNC: a
 * commit is acknowledged once a replica has it) and counts the ones acknowledged; the master is
 * killed with -9 in the middle of it; after the automated failover every acknowledged row is on
 * the new master.
 */
@Tag("sandbox")
class LosslessFailoverTest {

  static final int M = 10821;
  static Sandbox sandbox;
  static OrchaFixture orcha;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    sandbox = Sandbox.up("lossless", M, 4, "star");
    for (int p = M + 1; p <= M + 3; p++) {
      sandbox.sql(p, "SET GLOBAL rpl_semi_sync_slave_enabled = ON; STOP SLAVE IO_THREAD; START SLAVE IO_THREAD");
    }
    sandbox.sql(M, "SET GLOBAL rpl_semi_sync_master_wait_point = 'AFTER_SYNC'; "
        + "SET GLOBAL rpl_semi_sync_master_timeout = 30000; SET GLOBAL rpl_semi_sync_master_enabled = ON");
    Eventually.await("3 semi-sync replicas", Duration.ofSeconds(20),
        () -> sandbox.sql(M, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
            + "WHERE VARIABLE_NAME = 'Rpl_semi_sync_master_clients'"), v -> v.equals("3"));
    orcha = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve("lossless.db")) + """
        orcha.mysql.replication-user = repl
        orcha.mysql.replication-password = repl
        orcha.recovery.master-cluster-filters = ["*"]
        """);
    orcha.discoverAndAwaitValid("127.0.0.1", M, 4);
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

  @Test
  void everyAcknowledgedRowIsOnTheNewMaster() throws Exception {
    List<String> acked = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean failed = new AtomicBoolean();
    Thread writer = new Thread(() -> write(acked, failed), "writer");
    writer.start();
    Eventually.await("writes acknowledged", Duration.ofSeconds(20), acked::size, n -> n >= 300);
    sandbox.kill(M);
    writer.join(Duration.ofSeconds(30).toMillis());
    assertTrue(failed.get(), "the writer saw the master go");
    int ackedCount = acked.size();

    RecoveryLog.Recovery r = Eventually.await("recovery of " + M, Duration.ofSeconds(30),
        () -> orcha.recoveryLog().recoveries(),
        l -> !l.isEmpty() && l.get(0).ended()).get(0);
    assertTrue(r.resolution().successful(), r.toString());
    int successor = r.resolution().successor().port();

    Set<String> there = new HashSet<>(List.of(sandbox.sql(successor,
        "SELECT v FROM app.t WHERE v LIKE 'w-%'").split("\n")));
    List<String> missing = acked.stream().filter(v -> !there.contains(v)).toList();
    assertEquals(List.of(), missing, ackedCount + " acknowledged rows; missing on the new master "
        + successor + ": " + missing);
    // and the other replicas follow it with the same rows
    for (int p = M + 1; p <= M + 3; p++) {
      if (p != successor) {
        int port = p;
        Eventually.await(port + " has every acknowledged row", Duration.ofSeconds(20),
            () -> sandbox.sql(port, "SELECT COUNT(*) FROM app.t WHERE v LIKE 'w-%'"),
            n -> Integer.parseInt(n) >= ackedCount);
      }
    }
  }

  /** Autocommit inserts until one fails; each acknowledged one is counted. */
  static void write(List<String> acked, AtomicBoolean failed) {
    String url = "jdbc:mysql://127.0.0.1:" + M + "/app?connectTimeout=2000&socketTimeout=10000";
    try (Connection c = DriverManager.getConnection(url, "app", "app");
        PreparedStatement ps = c.prepareStatement("INSERT INTO app.t(v) VALUES (?)")) {
      for (int i = 0; ; i++) {
        String v = "w-" + i;
        ps.setString(1, v);
        ps.executeUpdate();
        acked.add(v);
      }
    } catch (SQLException e) {
      failed.set(true);
    }
  }
}
