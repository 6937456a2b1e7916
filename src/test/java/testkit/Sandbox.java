package testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real MariaDB servers for tests, started by the project's own sandbox script
 * (deploy/sandbox/sandbox): each test class takes its own port range and directory.
 */
public final class Sandbox implements AutoCloseable {

  private final Path dir;
  private int firstPort;
  private int count;

  /** A sandbox living in {@code dir}; nothing runs until {@link #up(String, String)}. */
  public Sandbox(Path dir) {
    this.dir = dir;
  }

  public static Path script() {
    String repo = System.getProperty("user.dir"); // surefire runs in the project directory
    Path p = Path.of(repo, "deploy", "sandbox", "sandbox");
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException("sandbox script not found at " + p);
    }
    return p;
  }

  /** Starts {@code count} servers from {@code firstPort} in the given shape (star, chain, im). */
  public static Sandbox up(String name, int firstPort, int count, String shape) {
    Sandbox sb = new Sandbox(Path.of("/tmp", "orcha-sb-" + name));
    String ports = count == 1 ? String.valueOf(firstPort) : firstPort + "-" + (firstPort + count - 1);
    sb.up(ports, shape);
    return sb;
  }

  /** (Re)creates the servers: {@code ports} like "10211-10214", shape star, chain or im. */
  public void up(String ports, String shape) {
    String[] range = ports.split("-");
    firstPort = Integer.parseInt(range[0]);
    count = range.length == 1 ? 1 : Integer.parseInt(range[1]) - firstPort + 1;
    run(300, "up", "--ports", ports, "--shape", shape);
  }

  /** The sandbox's account that REQUIREs X509 (with --tls); its password is the same. */
  public static final String X509_USER = "orcha_x509";

  /**
   * Like {@link #up(String, int, int, String)} with TLS ("up --tls"): every server has a
   * certificate of a CA generated for this sandbox ({@link #caFile()}), every replica replicates
   * over TLS verifying its master's certificate, the replication user REQUIREs SSL and
   * {@link #X509_USER} REQUIREs a client certificate ({@link #clientCertFile()}).
   */
  public static Sandbox upTls(String name, int firstPort, int count, String shape) {
    Sandbox sb = new Sandbox(Path.of("/tmp", "orcha-sb-" + name));
    sb.firstPort = firstPort;
    sb.count = count;
    sb.run(300, "up", "--tls", "--ports", firstPort + "-" + (firstPort + count - 1), "--shape", shape);
    return sb;
  }

  /** The CA that signed every certificate of a --tls sandbox (PEM). */
  public Path caFile() {
    return dir.resolve("tls").resolve("ca.pem");
  }

  /** A client certificate of that CA (CN=orcha-client), for {@link #X509_USER}. */
  public Path clientCertFile() {
    return dir.resolve("tls").resolve("client-cert.pem");
  }

  /** Its key, PKCS#8 PEM. */
  public Path clientKeyFile() {
    return dir.resolve("tls").resolve("client-key.pem");
  }

  /**
   * Like {@link #up(String, int, int, String)}, each server in its own network namespace behind
   * a bridge (addresses 198.18.0.x): links can then be cut silently.
   */
  public static Sandbox upNetns(String name, int firstPort, int count, String shape) {
    Sandbox sb = new Sandbox(Path.of("/tmp", "orcha-sb-" + name));
    sb.firstPort = firstPort;
    sb.count = count;
    sb.run(300, "up", "--netns", "--ports", firstPort + "-" + (firstPort + count - 1), "--shape", shape);
    return sb;
  }

  /**
   * Like {@link #upNetns(String, int, int, String)} in data center mode: {@code dcs} gives one
   * data center 1-9 per server in port order ("1,1,2,2"); the servers of a data center share
   * one namespace and address. {@code upstreams} is the replication tree ("-,1,1,3": "-" for
   * the master, else the 1-based index of the upstream), or null for a star.
   */
  public static Sandbox upDcs(String name, int firstPort, String dcs, String upstreams) {
    Sandbox sb = new Sandbox(Path.of("/tmp", "orcha-sb-" + name));
    sb.firstPort = firstPort;
    sb.count = dcs.split(",").length;
    List<String> args = new ArrayList<>(List.of("up", "--netns",
        "--ports", firstPort + "-" + (firstPort + sb.count - 1), "--dcs", dcs));
    if (upstreams != null) {
      args.add("--upstreams");
      args.add(upstreams);
    }
    sb.run(300, args.toArray(String[]::new));
    return sb;
  }

  /** Data center {@code k}'s link goes silent; its servers still reach each other. */
  public void cutDc(int k) {
    run(30, "cut-dc", String.valueOf(k));
  }

  public void healDc(int k) {
    run(30, "heal-dc", String.valueOf(k));
  }

  /** The network namespace a server runs in (netns sandboxes). */
  public String ns(int port) {
    return run(30, "ns", String.valueOf(port)).strip();
  }

  /** The network namespace of data center {@code k}: run a process there with ip netns exec. */
  public String dcNs(int k) {
    return run(30, "dc-ns", String.valueOf(k)).strip();
  }

  /** The address of data center {@code k}, shared by its servers. */
  public String dcAddr(int k) {
    return run(30, "dc-addr", String.valueOf(k)).strip();
  }

  /** The address a server listens on (127.0.0.1, or its namespace address). */
  public String addr(int port) {
    return run(30, "addr", String.valueOf(port)).strip();
  }

  /** The server's link goes silent (netns sandboxes): no reset, packets dropped. */
  public void cut(int port) {
    run(30, "cut", String.valueOf(port));
  }

  public void heal(int port) {
    run(30, "heal", String.valueOf(port));
  }

  /** Adds {@code ms} to every round trip of the server (netns sandboxes). */
  public void delay(int port, int ms) {
    run(30, "delay", String.valueOf(port), String.valueOf(ms));
  }

  public void undelay(int port) {
    run(30, "undelay", String.valueOf(port));
  }

  /** One standalone server (e.g. a backend database). */
  public void up(int port) {
    up(String.valueOf(port), "star");
  }

  public void down() {
    run(120, "down");
  }

  public int port(int i) {
    return firstPort + i;
  }

  public List<Integer> ports() {
    List<Integer> l = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      l.add(firstPort + i);
    }
    return l;
  }

  public Path dir() {
    return dir;
  }

  /** kill -9 of one server. */
  public void kill(int port) {
    run(60, "kill", String.valueOf(port));
  }

  public void start(int port) {
    run(120, "start", String.valueOf(port));
  }

  public void stop(int port) {
    run(120, "stop", String.valueOf(port));
  }

  /** Runs SQL as root on one server; returns its tab-separated output. */
  public String sql(int port, String statement) {
    return run(60, "sql", String.valueOf(port), statement).strip();
  }

  @Override
  public void close() {
    down();
  }

  private String run(int timeoutSeconds, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(script().toString());
    cmd.addAll(List.of(args));
    cmd.add("--dir");
    cmd.add(dir.toString());
    Path out = null;
    try {
      // a file, not a pipe: the mariadbd processes the script starts would keep a pipe open
      out = Files.createTempFile("orcha-sandbox", ".out");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("sandbox " + String.join(" ", args) + " timed out");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("sandbox " + String.join(" ", args) + " failed ("
            + p.exitValue() + "): " + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run the sandbox script: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
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
