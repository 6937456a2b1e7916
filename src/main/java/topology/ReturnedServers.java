package topology;

import java.util.List;

/**
 * Servers a master recovery left behind (downtimed {@code lost-in-recovery}) that answer again
 * and are writable: an old master back after a crash or a partition, ready to take writes as a
 * second master under the cluster's old name. They are fenced (read-only, client sessions
 * ended), never re-attached automatically, and never get the cluster's alias back.
 */
public final class ReturnedServers {

  private ReturnedServers() {}

  public static List<InstanceKey> toFence(TopologySnapshot s) {
    return s.instances().values().stream()
        .filter(v -> v.downtime() != null
            && TopologyAssembler.LOST_IN_RECOVERY.equals(v.downtime().reason()))
        .filter(InstanceView::lastCheckValid)
        // answered since it was left behind: a probe from before (the recovery demotes the
        // old master first) still shows it writable, and is no reason to end its sessions
        .filter(v -> v.liveness().lastSeen() != null
            && v.liveness().lastSeen().isAfter(v.downtime().begunAt()))
        .filter(v -> !v.instance().readOnly())
        .map(InstanceView::key)
        .sorted()
        .toList();
  }
}
