package actors.probe;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import topology.InstanceKey;
import topology.ProbeAssignment;

/**
 * The {@link ProbeManager}'s working memory for shared probing: which of the known servers this
 * node probes regularly, given the live nodes (topology.ProbeAssignment). Off, or with one live
 * node, every server is this node's. Publishes the count (orcha_probes_assigned). Not state:
 * rebuilt from the probe set and the live nodes.
 */
final class ProbeAssignments {

  private final SharedProbingSettings settings;
  private final String self;
  private final IntConsumer assignedGauge;
  private Set<String> live;
  // read by the probers when they (re)start: a concurrent set
  private final Set<InstanceKey> regular = java.util.concurrent.ConcurrentHashMap.newKeySet();

  ProbeAssignments(SharedProbingSettings settings, String self, IntConsumer assignedGauge) {
    this.settings = settings;
    this.self = self;
    this.assignedGauge = assignedGauge;
    this.live = Set.of(self);
  }

  boolean sharing() {
    return settings.enabled();
  }

  private boolean compute(InstanceKey key) {
    return !settings.enabled() || live.size() <= 1
        || ProbeAssignment.assigned(key, self, live, settings.observers());
  }

  /** Whether this node polls {@code key} (as last computed). */
  boolean regular(InstanceKey key) {
    return regular.contains(key);
  }

  /** A server got a prober: whether it polls. */
  boolean admit(InstanceKey key) {
    boolean r = compute(key);
    if (r) {
      regular.add(key);
    } else {
      regular.remove(key);
    }
    assignedGauge.accept(regular.size());
    return r;
  }

  void remove(InstanceKey key) {
    if (regular.remove(key)) {
      assignedGauge.accept(regular.size());
    }
  }

  /** The live nodes changed: the servers whose probers must change, and to what. */
  Map<InstanceKey, Boolean> liveNodes(Set<String> nodes, Set<InstanceKey> known) {
    Set<String> l = new HashSet<>(nodes);
    l.add(self);
    live = Set.copyOf(l);
    Map<InstanceKey, Boolean> changed = new HashMap<>();
    for (InstanceKey k : known) {
      boolean r = compute(k);
      if (r != regular.contains(k)) {
        changed.put(k, r);
        if (r) {
          regular.add(k);
        } else {
          regular.remove(k);
        }
      }
    }
    assignedGauge.accept(regular.size());
    return changed;
  }
}
