package contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import testkit.Eventually;
import testkit.OrchaFixture;
import testkit.Sandbox;

/**
 * One orcha node (HTTP and cluster ports given) on a real MariaDB star of its own: the master
 * on the first port, the replicas on the next ones, discovered and valid before any test runs.
 */
final class LiveTopology implements AutoCloseable {

  static final String HOST = "127.0.0.1";

  final Sandbox sandbox;
  final OrchaFixture orcha;
  final LiveApi api;
  final int master;
  final List<Integer> replicas = new ArrayList<>();

  private LiveTopology(Sandbox sandbox, OrchaFixture orcha, int master, int count, Path tmp) {
    this.sandbox = sandbox;
    this.orcha = orcha;
    this.master = master;
    for (int p = master + 1; p < master + count; p++) {
      replicas.add(p);
    }
    this.api = new LiveApi(orcha.apiUrl());
    api.sandbox = sandbox;
    api.tmp = tmp;
    api.isStar = this::isStar;
    api.set("H", HOST);
    api.set("M", master);
    for (int i = 0; i < replicas.size(); i++) {
      api.set("R" + (i + 1), replicas.get(i));
    }
    api.set("C", HOST + ":" + master);
    api.set("A", "sandbox"); // the sandbox's meta.cluster, read by the cluster-alias query
  }

  static LiveTopology start(String name, int firstPort, int count, int httpPort, int clusterPort,
      Path tmp) {
    Sandbox sb = Sandbox.up(name, firstPort, count, "star");
    OrchaFixture node = null;
    try {
      node = OrchaFixture.start(OrchaFixture.baseHocon(tmp.resolve(name + ".db")) + """
          orcha.http.listen-address = "127.0.0.1:%d"
          orcha.cluster.bind = "127.0.0.1:%d"
          orcha.mysql.replication-user = repl
          orcha.mysql.replication-password = repl
          """.formatted(httpPort, clusterPort));
      LiveTopology t = new LiveTopology(sb, node, firstPort, count, tmp);
      // a node answers before it leads (it claims a fence first): leader-only answers wait
      Eventually.await("the node leading", Duration.ofSeconds(30),
          () -> t.api.get("leader-check").status(), s -> s == 200);
      node.discoverAndAwaitValid(HOST, firstPort, count);
      t.awaitStar();
      return t;
    } catch (RuntimeException | Error e) {
      if (node != null) {
        node.close();
      }
      sb.close();
      throw e;
    }
  }

  /**
   * Waits until the picture is the sandbox's star again: the master writable and not a
   * replica, every replica replicating from it (both threads running) and read-only, nobody
   * downtimed, every server valid.
   */
  void awaitStar() {
    Eventually.await("the star of " + master, Duration.ofSeconds(30),
        () -> api.json("all-instances"), this::isStar);
  }

  boolean isStar(JsonNode all) {
    if (all.size() != replicas.size() + 1) {
      return false;
    }
    for (JsonNode i : all) {
      int port = i.at("/Key/Port").asInt();
      boolean valid = i.get("IsLastCheckValid").asBoolean() && !i.get("IsDowntimed").asBoolean()
          && !i.get("IsCoMaster").asBoolean();
      if (port == master) {
        if (!valid || i.get("ReadOnly").asBoolean() || i.at("/MasterKey/Port").asInt() != 0) {
          return false;
        }
      } else if (!replicas.contains(port) || !valid || !i.get("ReadOnly").asBoolean()
          || i.at("/MasterKey/Port").asInt() != master
          || i.get("ReplicationSQLThreadState").asInt() != 1
          || i.get("ReplicationIOThreadState").asInt() != 1) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    try {
      orcha.close();
    } finally {
      sandbox.close();
    }
  }
}
