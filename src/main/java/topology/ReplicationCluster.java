package topology;

import java.util.List;

/**
 * One replication cluster: named after its top master's key-string, with its alias (from
 * DetectClusterAliasQuery, an override or ClusterNameToAlias; the name itself when none), its
 * domain and members ordered by host name and port.
 */
public record ReplicationCluster(
    String name,
    String alias,
    String domain,
    InstanceKey masterKey,
    List<InstanceKey> members) {

  public ReplicationCluster {
    members = List.copyOf(members);
    alias = alias == null || alias.isEmpty() ? name : alias;
    domain = domain == null ? "" : domain;
  }

  public int countInstances() {
    return members.size();
  }
}
