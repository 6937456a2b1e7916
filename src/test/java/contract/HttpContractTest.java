package contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP contract (/work/shared/orchestrator-api.md) against one live orcha node on a real
 * 4-server MariaDB star: every route of §4, §6.2 and §6.3 with its status, its form and the
 * field names the contract lists; the §7.9 error texts; the §1 rules. One dynamic test per
 * step of {@link ContractPlan}, run in order (state-changing cases are undone as the plan goes).
 * {@link RouteCoverageTest} makes sure the plan reaches every route the router serves.
 */
@Tag("sandbox")
class HttpContractTest {

  static final int FIRST_PORT = 11041;
  static final int HTTP_PORT = 11050;
  static final int CLUSTER_PORT = 11051;

  static LiveTopology live;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void up() {
    live = LiveTopology.start("contract", FIRST_PORT, 4, HTTP_PORT, CLUSTER_PORT, tmp);
  }

  @AfterAll
  static void down() throws Exception {
    IdleSession.close();
    if (live != null) {
      live.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> contract() {
    Stream<DynamicTest> plan = ContractPlan.steps().stream()
        .map(s -> dynamicTest(s.name(), () -> s.run(live.api)));
    // every step asserts its own answer (ContractCase, Checks); at the end the node that went
    // through all of them must still be a healthy leader
    return Stream.concat(plan, Stream.of(dynamicTest("the node is healthy after the plan", () -> {
      assertEquals("OK", live.api.json("health").path("Code").asText());
      assertEquals("\"OK\"", live.api.json("leader-check").toString());
    })));
  }
}
