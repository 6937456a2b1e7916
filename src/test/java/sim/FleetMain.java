package sim;

import java.io.IOException;

/**
 * Runs a simulated fleet in its own JVM, so that a benchmark can measure an orcha node's CPU
 * and memory apart from the simulator's: {@code java -cp target/test-classes:target/classes:<deps>
 * sim.FleetMain SERVERS PORT [FIRST]} serves SERVERS/10 clusters of a master and 9 replicas at
 * 127.78.x.y:PORT, server i at {@link SimulatorScaleTest#address}(FIRST + i), until stdin closes
 * or the process is killed. FIRST lets several processes share a fleet: each listener and each
 * accepted connection is a file descriptor, and this machine's hard limit is 20,000 per process,
 * so 10,000 servers with a connection each need two simulator processes of 5,000.
 */
public final class FleetMain {

  private FleetMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3
        || !java.util.Arrays.stream(args).allMatch(a -> a.matches("\\d{1,6}"))) {
      throw new IllegalArgumentException("usage: FleetMain SERVERS PORT [FIRST] (got "
          + String.join(" ", args) + ")");
    }
    int servers = Integer.parseInt(args[0]);
    int port = Integer.parseInt(args[1]);
    int first = args.length == 3 ? Integer.parseInt(args[2]) : 0;
    if (first % 10 != 0) {
      throw new IllegalArgumentException("FIRST must be a multiple of 10: " + first);
    }
    if (servers < 10 || servers % 10 != 0 || servers > 60_000) {
      throw new IllegalArgumentException("SERVERS must be a multiple of 10 in 10..60000: " + servers);
    }
    Fleet fleet = new Fleet();
    for (int i = first; i < first + servers; i += 10) {
      SimServer m = fleet.addMaster(SimulatorScaleTest.address(i), port, i + 1);
      for (int r = 1; r < 10; r++) {
        fleet.addReplica(SimulatorScaleTest.address(i + r), port, i + r + 1, m);
      }
    }
    try (FleetSimulator sim = new FleetSimulator(fleet)) {
      sim.listenAll();
      System.out.println("fleet: " + sim.listening() + " servers listening on port " + port
          + " from " + SimulatorScaleTest.address(first) + ", masters at 127.78.x.y with y-1"
          + " divisible by 10; close stdin to stop");
      while (System.in.read() >= 0) {
        // wait for the end of stdin
      }
    }
  }
}
