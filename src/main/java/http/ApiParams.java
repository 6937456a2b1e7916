package http;

import topology.InstanceKey;
import topology.ReplicationCluster;
import topology.TopologySnapshot;

/**
 * Parses and resolves path parameters; every bad input becomes an {@link ApiException} whose
 * message names it (orchestrator's texts where the contract quotes them).
 */
public final class ApiParams {

  private ApiParams() {}

  /** {@code :host/:port} as given (no resolution): {@code Invalid port: <p>} etc. */
  public static InstanceKey instanceKey(ApiRequest req) {
    return instanceKey(req.param("host"), req.param("port"));
  }

  public static InstanceKey instanceKey(String host, String port) {
    try {
      return InstanceKey.of(host, port);
    } catch (IllegalArgumentException e) {
      throw new ApiException(e.getMessage());
    }
  }

  /**
   * A cluster hint resolved to a cluster name: name, alias, {@code host[:port]}, fuzzy host.
   */
  public static String clusterName(TopologySnapshot snapshot, String hint, int defaultPort) {
    String h = hint == null ? "" : hint.trim();
    if (h.isEmpty()) {
      throw new ApiException("Unable to determine cluster name by empty hint");
    }
    return snapshot.resolveClusterHint(h, defaultPort).orElseThrow(
        () -> new ApiException("Unable to determine cluster name. clusterHint=" + h));
  }

  /** A cluster by its alias (or its exact name, as upstream's alias lookup also accepts). */
  public static ReplicationCluster clusterByAlias(TopologySnapshot snapshot, String alias) {
    String a = alias == null ? "" : alias.trim();
    return snapshot.clusterByAlias(a)
        .or(() -> java.util.Optional.ofNullable(snapshot.clusters().get(a)))
        .orElseThrow(() -> new ApiException("No cluster found for alias " + a));
  }
}
