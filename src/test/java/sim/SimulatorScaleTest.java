package sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mysql.Prober;
import mysql.ProberSettings;
import org.junit.jupiter.api.Test;
import topology.InstanceKey;
import topology.ProbeResult;

/**
 * Ten thousand simulated servers (1,000 clusters of a master and 9 replicas, each at its own
 * 127.78.x.y address) listen on one thread with a bounded heap per server, and a fifth of them
 * answer orcha's prober at once. The numbers go to the test's output for issue 9's benchmark.
 */
class SimulatorScaleTest {

  static final int PORT = 11203;
  static final int SERVERS = 10_000;
  static final int PROBED = 2_000;

  @Test
  void tenThousandListenersOnOneThreadWithBoundedMemory() throws Exception {
    var threads = ManagementFactory.getThreadMXBean();
    long heap0 = usedHeapAfterGc();
    int threads0 = threads.getThreadCount();
    long t0 = System.nanoTime();
    Fleet fleet = new Fleet();
    List<SimServer> all = new ArrayList<>();
    for (int i = 0; i < SERVERS; i += 10) {
      SimServer m = fleet.addMaster(address(i), PORT, i + 1);
      all.add(m);
      for (int r = 1; r < 10; r++) {
        all.add(fleet.addReplica(address(i + r), PORT, i + r + 1, m));
      }
    }
    try (FleetSimulator sim = new FleetSimulator(fleet)) {
      sim.listenAll();
      long listenMs = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(SERVERS, sim.listening());
      int addedThreads = threads.getThreadCount() - threads0;
      long perServer = (usedHeapAfterGc() - heap0) / SERVERS;
      assertTrue(addedThreads <= 2, "threads added: " + addedThreads);
      assertTrue(perServer < 8 * 1024, "heap per listening server: " + perServer + " B");

      Prober prober = new Prober(ProberSettings.builder("orcha", "pw")
          .connectTimeout(Duration.ofSeconds(5)).queryTimeout(Duration.ofSeconds(5))
          .probeTimeout(Duration.ofSeconds(20)).build());
      try {
        long p0 = System.nanoTime();
        List<CompletableFuture<ProbeResult>> probes = new ArrayList<>();
        for (int i = 0; i < PROBED; i++) {
          SimServer s = all.get(i * (SERVERS / PROBED));
          probes.add(prober.probe(new InstanceKey(s.host, s.port)).toCompletableFuture());
        }
        CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        long probeMs = (System.nanoTime() - p0) / 1_000_000;
        long reached = probes.stream().filter(f -> f.join() instanceof ProbeResult.Reached).count();
        long perConnection = (usedHeapAfterGc() - heap0) / SERVERS;
        System.out.printf("fleet scale: %d servers listening in %d ms on %d added thread(s),"
                + " %d B heap per server; %d probes (first, with connect) in %d ms, %d reached;"
                + " heap per server with %d connections open: %d B; simulator %d queries%n",
            SERVERS, listenMs, addedThreads, perServer, PROBED, probeMs, reached,
            sim.openConnections(), perConnection, sim.queries());
        assertEquals(PROBED, reached);
      } finally {
        prober.close();
      }
    }
  }

  /** 127.78.x.y for server i, skipping .0 and .255 in the last byte. */
  static String address(int i) {
    return "127.78." + (i / 250) + "." + (i % 250 + 1);
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
