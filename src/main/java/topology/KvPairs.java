package topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key-value pairs that publish each cluster's master (contract §8.3): under
 * {@code <prefix><alias>} its {@code host:port}, and {@code /hostname} and {@code /port}. (The
 * {@code /ipv4} and {@code /ipv6} pairs need name resolution: the caller adds them.)
 */
public final class KvPairs {

  private KvPairs() {}

  /** orchestrator normalises the prefix to end with "/". */
  public static String normalizePrefix(String prefix) {
    String p = prefix == null ? "" : prefix.trim();
    return p.isEmpty() || p.endsWith("/") ? p : p + "/";
  }

  /** Pairs for one cluster's writeable master (none when it has none). */
  public static Map<String, String> forCluster(TopologySnapshot s, String clusterName, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    ReplicationCluster c = s.clusters().get(clusterName);
    if (c == null) {
      return out;
    }
    for (InstanceView m : s.masters()) {
      if (m.clusterName().equals(clusterName)) {
        String base = normalizePrefix(prefix) + c.alias();
        out.put(base, m.key().displayString());
        out.put(base + "/hostname", m.key().hostname());
        out.put(base + "/port", String.valueOf(m.key().port()));
      }
    }
    return out;
  }

  /** Pairs for every cluster, in cluster order. */
  public static Map<String, String> forAll(TopologySnapshot s, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : new ArrayList<>(s.clusters().keySet())) {
      out.putAll(forCluster(s, name, prefix));
    }
    return out;
  }

  public static List<Map.Entry<String, String>> entries(Map<String, String> pairs) {
    return new ArrayList<>(pairs.entrySet());
  }
}
