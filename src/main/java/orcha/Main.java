package orcha;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts one orcha node: {@code orcha [--config FILE.json|FILE.conf]...}. An orchestrator JSON
 * file is mapped onto orcha's settings; a .conf file is HOCON. Exit codes: 2 bad arguments or
 * configuration, 3 backend unusable, 4 the API could not be served.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ((a.equals("--config") || a.equals("-config")) && i + 1 < args.length) {
        files.add(Path.of(args[++i]));
      } else if (a.startsWith("--config=")) {
        files.add(Path.of(a.substring("--config=".length())));
      } else if (a.equals("--help") || a.equals("-h")) {
        System.out.println("usage: orcha [--config FILE.json|FILE.conf]...");
        System.out.println("  FILE.json: an orchestrator configuration file (keys mapped onto orcha's)");
        System.out.println("  FILE.conf: HOCON overriding src/main/resources/application.conf");
        return;
      } else {
        System.err.println("orcha: unknown argument: " + a + " (try --help)");
        System.exit(2);
      }
    }
    NodeRunner runner = new NodeRunner(
        new ConfigLoader(files, com.typesafe.config.ConfigFactory.empty()), Clock.systemUTC())
        // the downed actor system could not stop: exit, so that the supervisor starts us again
        .onStuck(() -> System.exit(75));
    try {
      runner.run(node -> System.out.println("orcha API listening at " + node.apiUrl()));
    } catch (IllegalArgumentException e) {
      System.err.println("orcha: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    } catch (backend.BackendUnavailableException e) {
      System.err.println("orcha: backend error: " + e.getMessage());
      System.exit(3);
      return;
    } catch (IllegalStateException e) {
      System.err.println("orcha: " + e.getMessage());
      System.exit(4);
      return;
    }
    System.exit(0);
  }
}
