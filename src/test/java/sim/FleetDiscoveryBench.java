package sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import testkit.OrchaFixture;

/**
 * A first scale reading for issue 9 (not the benchmark itself): one orcha node and the simulator
 * in one JVM, {@code -Dfleet.servers} (default 2,000) simulated servers at the default 5 s poll:
 * time until all are valid, then process CPU and heap over 30 s of steady probing.
 */
@Tag("bench")
class FleetDiscoveryBench {

  static final int PORT = 11205;

  @TempDir
  static Path tmp;

  @Test
  void oneNodeProbesTheFleet() throws Exception {
    int servers = Integer.getInteger("fleet.servers", 2000);
    Fleet fleet = new Fleet();
    for (int i = 0; i < servers; i += 10) {
      SimServer m = fleet.addMaster(SimulatorScaleTest.address(i), PORT, i + 1);
      for (int r = 1; r < 10; r++) {
        fleet.addReplica(SimulatorScaleTest.address(i + r), PORT, i + r + 1, m);
      }
    }
    String hocon = OrchaFixture.baseHocon(tmp.resolve("bench.db")).lines()
        .filter(l -> !l.contains("orcha.queries.") && !l.contains("poll-interval"))
        .collect(Collectors.joining("\n")) + "\norcha.discovery.poll-interval = 5s\n";
    try (FleetSimulator sim = new FleetSimulator(fleet); OrchaFixture orcha = OrchaFixture.start(hocon)) {
      sim.listenAll();
      long t0 = System.nanoTime();
      for (int i = 0; i < servers; i += 10) {
        assertEquals("OK", orcha.get("discover/" + SimulatorScaleTest.address(i) + "/" + PORT)
            .get("Code").asText());
      }
      Eventually.await(servers + " valid", Duration.ofSeconds(300), () -> orcha.get("all-instances"),
          a -> a.size() == servers && a.findValues("IsLastCheckValid").stream()
              .allMatch(JsonNode::asBoolean));
      long validMs = (System.nanoTime() - t0) / 1_000_000;
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long q0 = sim.queries();
      long w0 = System.nanoTime();
      Thread.sleep(30_000); // a measurement window, not a wait for a condition
      double secs = (System.nanoTime() - w0) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      long batches = sim.queries() - q0;
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf("fleet bench: %d servers valid %d ms after discover; steady 5 s poll:"
              + " %.0f probe batches/s (wanted %.0f), process CPU %.0f%% of one core"
              + " (orcha + simulator), %.2f ms CPU per batch, heap %d MiB, %d threads,"
              + " %d connections%n", servers, validMs, batches / secs, servers / 5.0,
          100 * cpu / secs, 1000 * cpu / batches, heap >> 20,
          ManagementFactory.getThreadMXBean().getThreadCount(), sim.openConnections());
    }
  }
}
