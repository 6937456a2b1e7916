package topology;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Shared probing: which orcha nodes probe a server regularly. A rendezvous (highest random
 * weight) hash of (server, node) over the live nodes picks the {@code k} nodes with the highest
 * weights. Every node computes the same answer from the same live set without talking; when a
 * node leaves, only the servers it probed move (each to the node with the next highest weight),
 * and when one joins it takes about 1/n of the servers from the others. Pure.
 */
public final class ProbeAssignment {

  private ProbeAssignment() {}

  /**
   * The {@code k} nodes (of {@code liveNodes}, by address) that probe {@code key}, highest
   * weight first; every node when {@code k} is at least their number.
   */
  public static List<String> observers(InstanceKey key, Collection<String> liveNodes, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("observers must be at least 1, got " + k);
    }
    String server = key.displayString();
    List<String> nodes = new ArrayList<>(liveNodes.stream().distinct().toList());
    // ties (practically impossible with 64 bits) fall back to the address: still a total order
    nodes.sort(Comparator.comparingLong((String n) -> weight(server, n)).reversed()
        .thenComparing(Comparator.naturalOrder()));
    return List.copyOf(nodes.subList(0, Math.min(k, nodes.size())));
  }

  /** Whether {@code self} is one of the {@code k} observers of {@code key}. */
  public static boolean assigned(InstanceKey key, String self, Collection<String> liveNodes,
      int k) {
    return observers(key, liveNodes, k).contains(self);
  }

  /**
   * The weight of a (server, node) pair: FNV-1a over both names (a separator between them, so
   * that "a"+"bc" and "ab"+"c" differ), then the splitmix64 finalizer so that similar names get
   * unrelated weights. The same on every JVM (no String.hashCode, no random seed).
   */
  static long weight(String server, String node) {
    long h = 0xcbf29ce484222325L;
    for (byte b : server.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h = (h ^ 0x1f) * 0x100000001b3L;
    for (byte b : node.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return h;
  }
}
