package sim;

import java.io.IOException;

/**
 * Runs a simulated fleet in its own JVM, so that a benchmark can measure an orcha node's CPU
 * and memory apart from the simulator's: {@code java -cp target/test-classes:target/classes:<deps>
 * sim.FleetMain SERVERS PORT [FIRST]} serves SERVERS/10 clusters of a master and 9 replicas at
 * 127.78.x.y:PORT, server i at {@link SimulatorScaleTest#address}(FIRST + i), until stdin closes
 * or the process is killed. Commands on stdin, one per line, for benchmarks: {@code kill HOST}
 * (a kill -9 of that server), {@code churn N} (N replicas, taken in turn, have their
 * replication broken with a duplicate-key error, or mended when the last churn broke them),
 * {@code mend} (every broken replica replicates again), {@code queries} (prints
 * {@code queries Q connections C}: statements answered so far, connections open). FIRST lets several processes share a fleet: each listener and each
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
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
          java.nio.charset.StandardCharsets.UTF_8));
      Commands commands = new Commands(sim, port);
      for (String line; (line = in.readLine()) != null; ) {
        try {
          commands.run(line.trim().split("\\s+"));
        } catch (RuntimeException e) {
          System.out.println("error: " + line + ": " + e.getMessage());
        }
        System.out.flush();
      }
    }
  }

  /** The stdin commands; churn takes the replicas in turn. */
  private static final class Commands {
    private final FleetSimulator sim;
    private final int port;
    private final java.util.List<SimServer> replicas;
    private final java.util.Set<SimServer> broken = new java.util.HashSet<>();
    private int next;

    Commands(FleetSimulator sim, int port) {
      this.sim = sim;
      this.port = port;
      this.replicas = sim.fleet.servers().stream().filter(x -> (x.serverId - 1) % 10 != 0)
          .toList();
    }

    void run(String[] w) {
      switch (w[0]) {
        case "kill" -> sim.kill(sim.fleet.server(w[1], port));
        case "churn" -> churn(Integer.parseInt(w[1]));
        case "mend" -> {
          broken.forEach(r -> sim.fleet.breakReplication(r, 0, ""));
          broken.clear();
        }
        case "queries" -> System.out.println("queries " + sim.queries() + " connections "
            + sim.openConnections());
        case "" -> { }
        default -> System.out.println("unknown command: " + String.join(" ", w));
      }
    }

    private void churn(int n) {
      for (; n > 0; n--, next = (next + 1) % replicas.size()) {
        SimServer r = replicas.get(next);
        if (broken.remove(r)) {
          sim.fleet.breakReplication(r, 0, "");
        } else {
          broken.add(r);
          sim.fleet.breakReplication(r, 1062, "Duplicate entry '1' for key 'PRIMARY'");
        }
      }
    }
  }
}
