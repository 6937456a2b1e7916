package topology;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * One entry of the topology history: something about one server changed, as this node saw it
 * (orcha's addition to orchestrator, README "Topology history"). Recorded only when it happens,
 * never per probe; {@code clusterName}/{@code clusterAlias} are the server's cluster at that
 * moment (a failover renames a cluster: the history keeps the old name).
 *
 * @param before the value before ("" when it does not apply)
 * @param after the value after ("" when it does not apply)
 * @param message one sentence for people
 */
public record TopologyChange(Instant at, InstanceKey key, String clusterName, String clusterAlias,
    Kind kind, String before, String after, String message) {

  public TopologyChange {
    clusterName = clusterName == null ? "" : clusterName;
    clusterAlias = clusterAlias == null ? "" : clusterAlias;
    before = before == null ? "" : before;
    after = after == null ? "" : after;
    message = message == null ? "" : message;
  }

  /** What changed. {@link #label()} is the API's {@code Kind} and the stored value. */
  public enum Kind {
    APPEARED("Appeared"),
    FORGOTTEN("Forgotten"),
    UNREACHABLE("Unreachable"),
    REACHABLE("Reachable"),
    MASTER_CHANGED("MasterChanged"),
    PROMOTED("Promoted"),
    DEMOTED("Demoted"),
    READ_ONLY_CHANGED("ReadOnlyChanged"),
    REPLICATION_STARTED("ReplicationStarted"),
    REPLICATION_STOPPED("ReplicationStopped"),
    REPLICATION_BROKEN("ReplicationBroken"),
    VERSION_CHANGED("VersionChanged"),
    LAG_ABOVE_THRESHOLD("LagAboveThreshold"),
    LAG_BELOW_THRESHOLD("LagBelowThreshold"),
    DOWNTIME_BEGUN("DowntimeBegun"),
    DOWNTIME_ENDED("DowntimeEnded");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    public static Optional<Kind> fromLabel(String label) {
      return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst();
    }
  }

  /** A change of one server before it is placed in time and in a cluster. */
  public record Change(Kind kind, String before, String after, String message) {}

  /**
   * Which entries to read: of one server ({@code key} not null), else of any of the cluster
   * names, aliases or member servers; within {@code [since, until]} (null: open); at most
   * {@code limit}, the newest ones newest first, or with {@code oldestFirst} the oldest ones
   * oldest first.
   */
  public record Query(InstanceKey key, java.util.Set<String> clusterNames,
      java.util.Set<String> clusterAliases, java.util.Set<InstanceKey> members, Instant since,
      Instant until, int limit, boolean oldestFirst) {
    public Query {
      clusterNames = clusterNames == null ? java.util.Set.of() : java.util.Set.copyOf(clusterNames);
      clusterAliases = clusterAliases == null ? java.util.Set.of()
          : java.util.Set.copyOf(clusterAliases);
      members = members == null ? java.util.Set.of() : java.util.Set.copyOf(members);
    }
  }

  public static TopologyChange of(Instant at, InstanceKey key, String clusterName,
      String clusterAlias, Change c) {
    return new TopologyChange(at, key, clusterName, clusterAlias, c.kind(), c.before(), c.after(),
        c.message());
  }
}
