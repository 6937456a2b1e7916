package testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code bin/orcha-client} as a script would: a fresh environment for what it reads. */
public final class OrchaClient {

  /** The variables the client reads; removed before each run, then set from the caller's map. */
  private static final List<String> CLIENT_ENV = List.of("ORCHESTRATOR_API", "ORCHA_API",
      "ORCHESTRATOR_AUTH_USER", "ORCHESTRATOR_AUTH_PASSWORD", "CURL_CA_BUNDLE", "ORCHA_TLS_CERT",
      "ORCHA_TLS_KEY");

  private OrchaClient() {}

  /** What a run printed and how it exited (stdout and stderr stripped). */
  public record Run(int exit, String out, String err) {

    public List<String> lines() {
      return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }

    @Override
    public String toString() {
      return "exit " + exit + ", stdout <" + out + ">, stderr <" + err + ">";
    }
  }

  public static Run run(Map<String, String> env, Duration within, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("user.dir"), "bin", "orcha-client").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    CLIENT_ENV.forEach(pb.environment()::remove);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      if (!p.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("orcha-client " + String.join(" ", args) + " did not finish");
      }
      return new Run(p.exitValue(), out.join().strip(), err.join().strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
