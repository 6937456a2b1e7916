package sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The simulated servers by address, and the lock that keeps their replication state consistent.
 * Variables and SHOW SLAVE STATUS columns come from answers captured from the sandbox's MariaDB
 * 10.11 (src/test/resources/mysql/mariadb-10.11-*.txt), so a simulated server looks like a real
 * one to the prober.
 */
public final class Fleet {

  public static final String VERSION = "10.11.19-MariaDB-sim-log";
  static final long TRX_PER_SECOND = 2;
  static final Map<String, String> VARIABLES_TEMPLATE;
  static final Map<String, String> STATUS_TEMPLATE;
  static final Map<String, String> REPLICA_STATUS_TEMPLATE;

  static {
    Map<String, Map<String, String>> s = sections("/mysql/mariadb-10.11-replica.txt");
    VARIABLES_TEMPLATE = s.get("variables");
    Map<String, String> status = new LinkedHashMap<>();
    // SHOW GLOBAL STATUS answers with the capitalised names
    s.get("status").forEach((k, v) -> status.put(Character.toUpperCase(k.charAt(0))
        + k.substring(1), v));
    STATUS_TEMPLATE = status;
    REPLICA_STATUS_TEMPLATE = s.get("replica status");
  }

  private final Map<String, SimServer> byKey = new ConcurrentHashMap<>();
  final LongSupplier clock;

  public Fleet(LongSupplier clock) {
    this.clock = clock;
  }

  public Fleet() {
    this(System::currentTimeMillis);
  }

  SimServer find(String host, int port) {
    return byKey.get(host + ":" + port);
  }

  public SimServer server(String host, int port) {
    SimServer s = find(host, port);
    if (s == null) {
      throw new IllegalArgumentException("no simulated server " + host + ":" + port);
    }
    return s;
  }

  public Collection<SimServer> servers() {
    return byKey.values();
  }

  /** A writable master with no channel. */
  public SimServer addMaster(String host, int port, long serverId) {
    SimServer s = add(host, port, serverId);
    synchronized (this) {
      s.changing(clock.getAsLong(), () -> s.readOnly = false);
    }
    return s;
  }

  /** A read-only replica of {@code master}, both threads running. */
  public SimServer addReplica(String host, int port, long serverId, SimServer master) {
    SimServer s = add(host, port, serverId);
    synchronized (this) {
      s.changing(clock.getAsLong(), () -> {
        s.readOnly = true;
        s.channel = true;
        s.masterHost = master.host;
        s.masterPort = master.port;
        s.ioRunning = true;
        s.sqlRunning = true;
      });
    }
    return s;
  }

  private SimServer add(String host, int port, long serverId) {
    SimServer s = new SimServer(this, host, port, serverId, clock.getAsLong());
    if (byKey.putIfAbsent(s.key(), s) != null) {
      throw new IllegalArgumentException("simulated server " + s.key() + " exists already");
    }
    return s;
  }

  /** Servers replicating from {@code master} whose IO thread is connected, for SHOW SLAVE HOSTS. */
  synchronized List<SimServer> connectedReplicas(SimServer master) {
    List<SimServer> out = new ArrayList<>();
    for (SimServer s : byKey.values()) {
      if (s.up() && s.channel && s.masterPort == master.port && s.masterHost.equals(master.host)
          && s.ioConnected()) {
        out.add(s);
      }
    }
    return out;
  }

  // --------------------------------------------------------------------------------------------
  // state changes from tests (faults); the wire's changes go through Statements

  public synchronized void setLag(SimServer s, long seconds) {
    s.changing(clock.getAsLong(), () -> s.lagSeconds = seconds);
  }

  /** The SQL thread stops with an error, as a duplicate key would stop it. */
  public synchronized void breakReplication(SimServer s, int errno, String error) {
    s.changing(clock.getAsLong(), () -> {
      s.sqlErrno = errno;
      s.sqlError = error;
    });
  }

  /**
   * The IO thread stops with an error, as it does when the master has purged the binlogs the
   * replica needs (1236); START SLAVE clears it.
   */
  public synchronized void breakIoThread(SimServer s, int errno, String error) {
    s.changing(clock.getAsLong(), () -> {
      s.ioErrno = errno;
      s.ioError = error;
    });
  }

  /** Clears the replication faults: both threads run again without error, no lag. */
  public synchronized void repairReplication(SimServer s) {
    s.changing(clock.getAsLong(), () -> {
      s.sqlErrno = 0;
      s.sqlError = "";
      s.ioErrno = 0;
      s.ioError = "";
      s.lagSeconds = 0;
    });
  }

  synchronized void kill(SimServer s) {
    s.changing(clock.getAsLong(), () -> s.dead = true);
  }

  /** Back from a kill with its configuration; a master comes back writable, as MariaDB does. */
  synchronized void restart(SimServer s) {
    s.changing(clock.getAsLong(), () -> s.dead = false);
  }

  /** Master of {@code s} as "host:port", or "" without a channel. */
  public synchronized String masterOf(SimServer s) {
    return s.channel ? s.masterHost + ":" + s.masterPort : "";
  }

  public synchronized boolean readOnly(SimServer s) {
    return s.readOnly;
  }

  public synchronized boolean threadsRunning(SimServer s) {
    return s.ioRunning && s.sqlRunning;
  }

  private static Map<String, Map<String, String>> sections(String resource) {
    try (InputStream in = Fleet.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no resource " + resource);
      }
      Map<String, Map<String, String>> out = new LinkedHashMap<>();
      Map<String, String> cur = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        if (line.startsWith("[")) {
          cur = new LinkedHashMap<>();
          out.put(line.substring(1, line.length() - 1), cur);
        } else if (cur != null && line.contains("=")) {
          int i = line.indexOf('=');
          String v = line.substring(i + 1);
          cur.put(line.substring(0, i), v.equals("\\N") ? null : v);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
