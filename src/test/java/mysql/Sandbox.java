package mysql;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's MariaDB sandbox script for this package's tests: deploy/sandbox/sandbox under the
 * system property {@code orcha.repo} (surefire sets it to the project directory), else
 * /work/main's. Output goes to a file, not a pipe: the mariadbd processes the script starts
 * inherit its stdout and would keep a pipe open.
 */
final class Sandbox {

  private static final Path FALLBACK = Path.of("/work/main/deploy/sandbox/sandbox");

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

  /** (Re)creates the sandbox: {@code ports} like "10211-10214", shape star/chain/im. */
  void up(String ports, String shape) {
    run(Duration.ofMinutes(5), "up", "--ports", ports, "--shape", shape);
  }

  void down() {
    run(Duration.ofMinutes(2), "down");
  }

  /** kill -9 one server and wait until it is gone. */
  void kill(int port) {
    run(Duration.ofMinutes(1), "kill", String.valueOf(port));
  }

  /** Starts a killed or stopped server again and waits until it accepts connections. */
  void start(int port) {
    run(Duration.ofMinutes(1), "start", String.valueOf(port));
  }

  /** SQL as root over the server's socket; tab-separated output without headers. */
  String sql(int port, String statement) {
    return run(Duration.ofSeconds(60), "sql", String.valueOf(port), statement).strip();
  }

  private String run(Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(script().toString());
    cmd.addAll(List.of(args));
    cmd.add("--dir");
    cmd.add(dir.toString());
    Path out = null;
    try {
      out = Files.createTempFile("orcha-sb-mysql-", ".out");
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
