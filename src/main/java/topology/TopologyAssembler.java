package topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the whole picture from every observed server: replication trees, cluster names and
 * aliases, depth, co-masters. Pure: the same observations give the same snapshot.
 *
 * <p>Cluster naming follows orchestrator: a cluster is named after its top master's key-string;
 * a server whose master is unknown names a cluster after itself (depth 0). In a co-master ring
 * the member whose name was already a cluster name keeps naming it (tie: the smaller key) and
 * has depth 0; the others count their depth from it.
 */
public final class TopologyAssembler {

  private TopologyAssembler() {}

  public static TopologySnapshot assemble(Collection<ObservedInstance> observed,
      Set<String> previousClusterNames, AliasRules aliasRules, Thresholds thresholds,
      Instant now) {
    return assemble(observed, previousClusterNames, aliasRules, thresholds, Map.of(), Map.of(),
        now);
  }

  /**
   * With what operators said: downtimes active at {@code now} and registered promotion rules
   * (register-candidate; the caller passes only unexpired ones) show on the instances.
   */
  public static TopologySnapshot assemble(Collection<ObservedInstance> observed,
      Set<String> previousClusterNames, AliasRules aliasRules, Thresholds thresholds,
      Map<InstanceKey, Downtime> downtimes, Map<InstanceKey, PromotionRule> candidates,
      Instant now) {
    Map<InstanceKey, Instance> reached = new HashMap<>();
    Map<InstanceKey, ObservedInstance> byKey = new HashMap<>();
    List<ObservedInstance> unreached = new ArrayList<>();
    for (ObservedInstance o : observed) {
      byKey.put(o.key(), o);
      if (o.everReached()) {
        reached.put(o.key(), o.instance());
      } else {
        unreached.add(o);
      }
    }
    Map<InstanceKey, Placement> placements = place(reached, previousClusterNames);

    Map<InstanceKey, InstanceView> views = new LinkedHashMap<>();
    reached.keySet().stream().sorted().forEach(k -> {
      Instance inst = reached.get(k);
      Placement p = placements.get(k);
      InstanceKey master = inst.masterKey();
      Instance masterInst = reached.get(master);
      boolean coMaster = inst.isReplica() && masterInst != null && masterInst.isReplica()
          && masterInst.masterKey().equals(k);
      Downtime d = downtimes.get(k);
      views.put(k, InstanceView.judge(inst, byKey.get(k).liveness(), p.clusterName(), p.depth(),
          coMaster, ErrantGtid.of(inst, reached, coMaster), thresholds, now)
          .withDowntime(d != null && d.activeAt(now) ? d : null)
          .withRegisteredPromotionRule(candidates.get(k)));
    });

    Map<InstanceKey, List<InstanceKey>> members = new TreeMap<>();
    for (InstanceView v : views.values()) {
      members.computeIfAbsent(placements.get(v.key()).root(), n -> new ArrayList<>()).add(v.key());
    }
    Map<String, ReplicationCluster> clusters = nameClusters(members, views, aliasRules);
    Map<InstanceKey, ObservedInstance> pending = new LinkedHashMap<>();
    unreached.stream().sorted(Comparator.comparing(ObservedInstance::key))
        .forEach(o -> pending.put(o.key(), o));
    return new TopologySnapshot(now, views, clusters, pending);
  }

  private record Placement(InstanceKey root, int depth) {
    String clusterName() {
      return root.displayString();
    }
  }

  /** Cluster name and depth of every reached server, iteratively (chains may be long). */
  private static Map<InstanceKey, Placement> place(Map<InstanceKey, Instance> reached,
      Set<String> previousClusterNames) {
    Map<InstanceKey, Placement> placed = new HashMap<>();
    for (InstanceKey start : reached.keySet()) {
      if (placed.containsKey(start)) {
        continue;
      }
      // walk up until a placed server, a root, or a server already on this path (a ring)
      List<InstanceKey> path = new ArrayList<>();
      Set<InstanceKey> onPath = new HashSet<>();
      InstanceKey cur = start;
      while (cur != null && !placed.containsKey(cur) && !onPath.contains(cur)) {
        path.add(cur);
        onPath.add(cur);
        cur = knownMaster(reached, cur);
      }
      if (cur != null && onPath.contains(cur)) {
        placeRing(reached, path.subList(path.indexOf(cur), path.size()), previousClusterNames,
            placed);
        path = path.subList(0, path.indexOf(cur));
      } else if (cur == null) {
        InstanceKey root = path.remove(path.size() - 1);
        placed.put(root, new Placement(root, 0));
      }
      // everything left on the path hangs below an already placed server
      for (int i = path.size() - 1; i >= 0; i--) {
        InstanceKey k = path.get(i);
        Placement up = placed.get(knownMaster(reached, k));
        placed.put(k, new Placement(up.root(), up.depth() + 1));
      }
    }
    return placed;
  }

  private static InstanceKey knownMaster(Map<InstanceKey, Instance> reached, InstanceKey k) {
    Instance i = reached.get(k);
    if (i == null || !i.isReplica()) {
      return null;
    }
    InstanceKey m = i.masterKey();
    return reached.containsKey(m) ? m : null;
  }

  /** A replication ring (co-masters): one member names the cluster at depth 0. */
  private static void placeRing(Map<InstanceKey, Instance> reached, List<InstanceKey> ring,
      Set<String> previousClusterNames, Map<InstanceKey, Placement> placed) {
    InstanceKey anchor = ring.stream()
        .filter(k -> previousClusterNames.contains(k.displayString()))
        .sorted().findFirst()
        .orElseGet(() -> ring.stream().sorted().findFirst().orElseThrow());
    placed.put(anchor, new Placement(anchor, 0));
    // members whose master is the anchor get depth 1, their replicas in the ring 2, ...
    int depth = 1;
    InstanceKey master = anchor;
    for (int n = 1; n < ring.size(); n++) {
      InstanceKey next = null;
      for (InstanceKey k : ring) {
        if (!placed.containsKey(k) && master.equals(knownMaster(reached, k))) {
          next = k;
          break;
        }
      }
      if (next == null) {
        break;
      }
      placed.put(next, new Placement(anchor, depth++));
      master = next;
    }
  }

  private static Map<String, ReplicationCluster> nameClusters(
      Map<InstanceKey, List<InstanceKey>> members, Map<InstanceKey, InstanceView> views,
      AliasRules rules) {
    // first pass: each cluster's wish; an alias already claimed by a better cluster is refused
    Map<String, String> wished = new TreeMap<>();
    Map<String, Integer> rank = new HashMap<>();
    for (var e : members.entrySet()) {
      String name = e.getKey().displayString();
      String override = rules.overrides().getOrDefault(name, "");
      String suggested = suggestedAlias(e.getValue(), views);
      String alias = !override.isEmpty() ? override
          : !suggested.isEmpty() ? suggested : rules.fromPatterns(name);
      wished.put(name, alias);
      InstanceView master = views.get(e.getKey());
      int r = !override.isEmpty() ? 0
          : master != null && master.lastCheckValid() && !master.instance().readOnly() ? 1 : 2;
      rank.put(name, r);
    }
    Map<String, String> aliasOwner = new HashMap<>();
    wished.entrySet().stream()
        .filter(e -> !e.getValue().isEmpty())
        .sorted(Comparator.<Map.Entry<String, String>>comparingInt(e -> rank.get(e.getKey()))
            .thenComparing(Map.Entry::getKey))
        .forEach(e -> aliasOwner.putIfAbsent(e.getValue(), e.getKey()));

    Map<String, ReplicationCluster> clusters = new LinkedHashMap<>();
    for (var e : members.entrySet()) {
      String name = e.getKey().displayString();
      String alias = wished.get(name);
      if (alias.isEmpty() || !name.equals(aliasOwner.get(alias))) {
        alias = name;
      }
      List<InstanceKey> sorted = e.getValue().stream().sorted().toList();
      InstanceKey masterKey = e.getKey();
      InstanceView master = views.get(masterKey);
      String domain = master == null ? "" : master.instance().labels().clusterDomain();
      clusters.put(name, new ReplicationCluster(name, alias, domain, masterKey, sorted));
    }
    return clusters;
  }

  /** Downtime reason of servers a recovery left behind (they suggest no alias any more). */
  public static final String LOST_IN_RECOVERY = "lost-in-recovery";

  /** Reachable writable servers' suggestions win over unreachable or read-only ones. */
  private static String suggestedAlias(List<InstanceKey> keys, Map<InstanceKey, InstanceView> views) {
    return keys.stream()
        .map(views::get)
        .filter(v -> !v.instance().labels().suggestedClusterAlias().isEmpty())
        .filter(v -> v.downtime() == null || !LOST_IN_RECOVERY.equals(v.downtime().reason()))
        .sorted(Comparator.<InstanceView>comparingInt(v ->
                v.lastCheckValid() && !v.instance().readOnly() ? 0 : v.lastCheckValid() ? 1 : 2)
            .thenComparingInt(InstanceView::replicationDepth)
            .thenComparing(InstanceView::key))
        .map(v -> v.instance().labels().suggestedClusterAlias())
        .findFirst().orElse("");
  }
}
