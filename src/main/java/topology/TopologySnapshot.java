package topology;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable picture of every server a node probes, at one moment: what the HTTP API reads.
 * Built by {@link TopologyAssembler}; the lookups here follow orchestrator's orderings.
 *
 * @param instances servers reached at least once, by key (sorted)
 * @param clusters clusters by name
 * @param pending servers being probed that were never reached (e.g. an unreachable seed)
 */
public record TopologySnapshot(
    Instant builtAt,
    Map<InstanceKey, InstanceView> instances,
    Map<String, ReplicationCluster> clusters,
    Map<InstanceKey, ObservedInstance> pending) {

  public static final TopologySnapshot EMPTY =
      new TopologySnapshot(Instant.EPOCH, Map.of(), Map.of(), Map.of());

  /** orchestrator's all-instances order: depth, replica count desc, cluster, host, port. */
  public static final Comparator<InstanceView> LISTING_ORDER =
      Comparator.comparingInt(InstanceView::replicationDepth)
          .thenComparing(v -> -v.instance().replicas().size())
          .thenComparing(InstanceView::clusterName)
          .thenComparing(InstanceView::key);

  public TopologySnapshot {
    instances = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(instances));
    clusters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(clusters));
    pending = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(pending));
  }

  /**
   * The same picture with {@code keys} judged unreachable: servers that did not answer a
   * recovery's re-read in time are planned around (lost), never waited for.
   */
  public TopologySnapshot withUnreachable(java.util.Set<InstanceKey> keys) {
    if (keys.isEmpty()) {
      return this;
    }
    java.util.Map<InstanceKey, InstanceView> m = new java.util.LinkedHashMap<>(instances);
    for (InstanceKey k : keys) {
      m.computeIfPresent(k, (key, v) -> v.unreachable());
    }
    return new TopologySnapshot(builtAt, m, clusters, pending);
  }

  public Optional<InstanceView> instance(InstanceKey key) {
    return Optional.ofNullable(instances.get(key));
  }

  public List<InstanceView> allInstances() {
    return instances.values().stream().sorted(LISTING_ORDER).toList();
  }

  /** Servers whose MasterKey is {@code key}, by host and port. */
  public List<InstanceView> replicasOf(InstanceKey key) {
    return instances.values().stream()
        .filter(v -> v.instance().masterKey().equals(key))
        .sorted(Comparator.comparing(InstanceView::key))
        .toList();
  }

  public List<InstanceView> clusterInstances(String clusterName) {
    ReplicationCluster c = clusters.get(clusterName);
    if (c == null) {
      return List.of();
    }
    return c.members().stream().map(instances::get).toList();
  }

  public Optional<ReplicationCluster> clusterByAlias(String alias) {
    return clusters.values().stream().filter(c -> c.alias().equals(alias)).findFirst();
  }

  /**
   * Resolves a cluster hint as orchestrator does: exact cluster name, exact alias, then an
   * instance {@code host[:port]} (default port when none) and its cluster, then a unique fuzzy
   * match: an instance whose host name contains the hint's host and whose port is the hint's
   * port (orchestrator's ReadFuzzyInstanceKey). An IPv4 address is never matched fuzzily
   * ({@code 10.0.0.1} must not find {@code 10.0.0.15}), and the port never is: a hint such as
   * {@code 127.0.0.1:3306} must not name the cluster of {@code 127.0.0.1:10111}, or a forced
   * failover sent with a mistyped port would fail over a real cluster.
   */
  public Optional<String> resolveClusterHint(String hint, int defaultPort) {
    String h = hint == null ? "" : hint.trim();
    if (h.isEmpty()) {
      return Optional.empty();
    }
    if (clusters.containsKey(h)) {
      return Optional.of(h);
    }
    Optional<ReplicationCluster> byAlias = clusterByAlias(h);
    if (byAlias.isPresent()) {
      return Optional.of(byAlias.get().name());
    }
    InstanceKey key;
    try {
      key = InstanceKey.parse(h, defaultPort);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // neither a key nor a host name: nothing to match
    }
    InstanceView v = instances.get(key);
    if (v != null) {
      return Optional.of(v.clusterName());
    }
    if (IPV4.matcher(key.hostname()).matches()) {
      return Optional.empty();
    }
    String host = key.hostname().toLowerCase(Locale.ROOT);
    List<String> fuzzy = instances.values().stream()
        .filter(i -> i.key().port() == key.port()
            && i.key().hostname().toLowerCase(Locale.ROOT).contains(host))
        .map(InstanceView::clusterName).distinct().toList();
    return fuzzy.size() == 1 ? Optional.of(fuzzy.get(0)) : Optional.empty();
  }

  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private static boolean masterLike(InstanceView v) {
    return v.replicationDepth() == 0 || v.coMaster();
  }

  /** The cluster's master: depth 0 or co-master, writable first, then by depth. */
  public Optional<InstanceView> master(String clusterName) {
    return clusterInstances(clusterName).stream()
        .filter(TopologySnapshot::masterLike)
        .sorted(Comparator.comparing((InstanceView v) -> v.instance().readOnly())
            .thenComparingInt(InstanceView::replicationDepth)
            .thenComparing(InstanceView::key))
        .findFirst();
  }

  /** One writeable master per cluster, by cluster name. */
  public List<InstanceView> masters() {
    return clusters.values().stream()
        .sorted(Comparator.comparing(ReplicationCluster::name))
        .flatMap(c -> clusterInstances(c.name()).stream()
            .filter(v -> masterLike(v) && !v.instance().readOnly())
            .sorted(Comparator.comparingInt(InstanceView::replicationDepth)
                .thenComparing(InstanceView::key))
            .limit(1))
        .toList();
  }

  /**
   * orchestrator's search: host name, cluster name, version, version comment, host:port or
   * suggested alias contains the text, or server_id or port equals it.
   */
  public List<InstanceView> search(String text) {
    String s = text == null ? "" : text.trim();
    if (s.isEmpty()) {
      return List.of();
    }
    return instances.values().stream().filter(v -> {
      Instance i = v.instance();
      return i.key().hostname().contains(s) || v.clusterName().contains(s)
          || i.version().contains(s) || i.versionComment().contains(s)
          || i.key().displayString().contains(s)
          || i.labels().suggestedClusterAlias().contains(s)
          || String.valueOf(i.serverId()).equals(s) || String.valueOf(i.key().port()).equals(s);
    }).sorted(LISTING_ORDER).toList();
  }
}
