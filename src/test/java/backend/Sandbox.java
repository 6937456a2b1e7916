package backend;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The MariaDB sandbox script (deploy/sandbox/sandbox) for tests: found under the system property
 * {@code orcha.repo} (surefire sets it to the project directory), else /work/main. Output goes to
 * a file, not a pipe, because the mariadbd processes the script starts inherit its stdout.
 */
final class Sandbox {

  static final Path FALLBACK = Path.of("/work/main/deploy/sandbox/sandbox");

  private final Path dir;

  Sandbox(Path dir) {
    this.dir = dir;
  }

  static Path script() {
    String repo = System.getProperty("orcha.repo");
    if (repo != null && !repo.isBlank()) {
      Path inRepo = Path.of(repo, "deploy", "sandbox", "sandbox");
      if (Files.isExecutable(inRepo)) {
        return inRepo;
      }
    }
    return FALLBACK;
  }

  /** Starts (re-creates) one standalone MariaDB per port. */
  void up(int... ports) {
    StringBuilder spec = new StringBuilder();
    for (int p : ports) {
      spec.append(spec.length() == 0 ? "" : ",").append(p);
    }
    run(Duration.ofMinutes(5), "up", "--ports", spec.toString());
  }

  void down() {
    run(Duration.ofMinutes(2), "down");
  }

  /** Graceful shutdown of one server (data kept). */
  void stop(int port) {
    run(Duration.ofMinutes(1), "stop", String.valueOf(port));
  }

  /** Starts a stopped server again and waits until it accepts connections. */
  void start(int port) {
    run(Duration.ofMinutes(1), "start", String.valueOf(port));
  }

  /** SQL as root over the server's socket; tab-separated output without headers. */
  String sql(int port, String statement) {
    return run(Duration.ofSeconds(60), "sql", String.valueOf(port), statement);
  }

  private String run(Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(script().toString());
    cmd.addAll(List.of(args));
    cmd.add("--dir");
    cmd.add(dir.toString());
    Path out = null;
    try {
      out = Files.createTempFile("orcha-sandbox-", ".out");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        fail(String.join(" ", cmd) + " did not finish within " + timeout + ":\n"
            + Files.readString(out));
      }
      String output = Files.readString(out);
      if (p.exitValue() != 0) {
        fail(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }
}
