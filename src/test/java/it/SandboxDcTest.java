package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.Sandbox;

/**
 * The sandbox's data center mode (up --netns --dcs, --upstreams): DC1 holds the master and a
 * replica of it, DC2 a replica of the master and that replica's own replica. Cutting DC1 off
 * silences only the links that cross the bridge: replication inside DC1 and inside DC2 goes
 * on, the replica in DC2 loses its master until the DC is healed.
 */
@Tag("sandbox")
class SandboxDcTest {

  static final int M = 10961; // DC1: M (master), M + 1; DC2: M + 2 (from M), M + 3 (from M + 2)
  static Sandbox sandbox;
  static String nsPrefix; // osb-<id>-: every namespace of this sandbox starts with it

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    sandbox = Sandbox.upDcs("dc", M, "1,1,2,2", "-,1,1,3");
    String dc1 = sandbox.dcNs(1);
    assertTrue(dc1.endsWith("-dc1"), dc1);
    nsPrefix = dc1.substring(0, dc1.length() - "dc1".length());
  }

  @AfterAll
  static void down() throws IOException {
    if (sandbox == null) {
      return;
    }
    sandbox.close();
    try (Stream<Path> left = Files.list(Path.of("/run/netns"))) {
      List<String> names = left.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(nsPrefix)).toList();
      assertEquals(List.of(), names, "namespaces left after down");
    }
    String rootVeth = nsPrefix.substring(0, nsPrefix.length() - 1);
    assertFalse(Files.exists(Path.of("/sys/class/net", rootVeth)), rootVeth + " left after down");
  }

  @Test
  void serversOfADataCenterShareItsNamespaceAndAddress() {
    assertEquals(sandbox.dcNs(1), sandbox.ns(M));
    assertEquals(sandbox.dcNs(1), sandbox.ns(M + 1));
    assertEquals(sandbox.dcNs(2), sandbox.ns(M + 2));
    assertEquals(sandbox.dcNs(2), sandbox.ns(M + 3));
    assertEquals(sandbox.dcAddr(1), sandbox.addr(M));
    assertEquals(sandbox.dcAddr(1), sandbox.addr(M + 1));
    assertEquals(sandbox.dcAddr(2), sandbox.addr(M + 3));
    assertNotEquals(sandbox.dcAddr(1), sandbox.dcAddr(2));
    assertEquals("dc1", sandbox.sql(M, "SELECT data_center FROM meta.instance WHERE port = " + M));
    assertEquals("dc2", sandbox.sql(M, "SELECT data_center FROM meta.instance WHERE port = " + (M + 3)));
    // a process in the DC's namespace reaches its servers on the DC address, and 127.0.0.1
    // there is live (lo up: "refused", not "Network is unreachable")
    Result r = exec(10, "ip", "netns", "exec", sandbox.dcNs(2), "bash", "-c",
        "exec 3<>/dev/tcp/" + sandbox.dcAddr(2) + "/" + (M + 3) + " && echo reached; "
            + "exec 4<>/dev/tcp/127.0.0.1/1");
    assertTrue(r.out().contains("reached"), r.toString());
    assertTrue(r.err().contains("Connection refused"), r.toString());
  }

  @Test
  void cuttingTheMastersDataCenterStopsOnlyTheCrossingLink() {
    insertAndAwait("before", M + 1, M + 2, M + 3);
    for (int p = M + 1; p <= M + 3; p++) {
      assertEquals("Yes", slaveField(p, "Slave_IO_Running"), "replica " + p);
      assertEquals("Yes", slaveField(p, "Slave_SQL_Running"), "replica " + p);
    }
    assertEquals(String.valueOf(M + 2), slaveField(M + 3, "Master_Port"));

    sandbox.cutDc(1);
    try {
      Eventually.await(M + 2 + " (DC2) loses its master in DC1", Duration.ofSeconds(15),
          () -> slaveField(M + 2, "Slave_IO_Running"), io -> !io.equals("Yes"));
      // inside DC1 replication goes on
      sandbox.sql(M, "INSERT INTO app.t (v) VALUES ('during-cut')");
      Eventually.await("'during-cut' on " + (M + 1), Duration.ofSeconds(10),
          () -> count(M + 1, "during-cut"), "1"::equals);
      assertEquals("Yes", slaveField(M + 1, "Slave_IO_Running"));
      // inside DC2 too: M + 3 keeps its link to M + 2 (heartbeats arrive, IO thread Yes)
      long beats = heartbeats(M + 3);
      Eventually.await(M + 3 + " gets heartbeats from " + (M + 2), Duration.ofSeconds(10),
          () -> heartbeats(M + 3), b -> b >= beats + 2);
      assertEquals("Yes", slaveField(M + 3, "Slave_IO_Running"));
      assertEquals(String.valueOf(M + 2), slaveField(M + 3, "Master_Port"));
      assertEquals("0", count(M + 2, "during-cut"), "the cut DC's write crossed the bridge");
    } finally {
      sandbox.healDc(1);
    }
    Eventually.await(M + 2 + " replicates again", Duration.ofSeconds(15),
        () -> slaveField(M + 2, "Slave_IO_Running"), "Yes"::equals);
    insertAndAwait("after-heal", M + 1, M + 2, M + 3);
    assertEquals("1", count(M + 3, "during-cut"));
  }

  @Test
  void aBadDcsValueIsAUsageErrorNamingTheOption() {
    Path dir = tmp.resolve("usage");
    String ports = M + "-" + (M + 3);
    for (List<String> bad : List.of(
        List.of("--netns", "--dcs", "1,1,0,2"),
        List.of("--netns", "--dcs", "1,1,2"),
        List.of("--dcs", "1,1,2,2"))) {
      List<String> cmd = new java.util.ArrayList<>(List.of(Sandbox.script().toString(), "up",
          "--ports", ports, "--dir", dir.toString()));
      cmd.addAll(bad);
      Result r = exec(30, cmd.toArray(String[]::new));
      assertEquals(2, r.code(), bad + ": " + r);
      assertTrue(r.err().contains("--dcs"), bad + ": " + r);
      assertFalse(Files.exists(dir), bad + " created " + dir);
    }
  }

  private static void insertAndAwait(String v, int... replicas) {
    sandbox.sql(M, "INSERT INTO app.t (v) VALUES ('" + v + "')");
    for (int p : replicas) {
      Eventually.await("'" + v + "' on " + p, Duration.ofSeconds(15), () -> count(p, v), "1"::equals);
    }
  }

  private static String count(int port, String v) {
    return sandbox.sql(port, "SELECT COUNT(*) FROM app.t WHERE v = '" + v + "'");
  }

  private static long heartbeats(int port) {
    String row = sandbox.sql(port, "SHOW GLOBAL STATUS LIKE 'Slave_received_heartbeats'");
    return Long.parseLong(row.split("\t")[1].strip());
  }

  /** One field of SHOW SLAVE STATUS ("" when the server is no replica). */
  private static String slaveField(int port, String field) {
    for (String line : sandbox.sql(port, "SHOW SLAVE STATUS\\G").split("\n")) {
      String l = line.strip();
      if (l.startsWith(field + ":")) {
        return l.substring(field.length() + 1).strip();
      }
    }
    return "";
  }

  private record Result(int code, String out, String err) {}

  private static Result exec(int timeoutSeconds, String... cmd) {
    try {
      Path out = Files.createTempFile(tmp, "out", ".txt");
      Path err = Files.createTempFile(tmp, "err", ".txt");
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
          .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " timed out");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
