package topology;

/**
 * Semi-synchronous replication state. MariaDB has no wait-count variable (it always waits for
 * one acknowledgement), so the prober reports 1 there. MySQL 8.0.26+ names are
 * {@code rpl_semi_sync_source_*}/{@code replica}; both map here.
 */
public record SemiSync(
    boolean available,
    boolean masterEnabled,
    boolean replicaEnabled,
    long masterTimeoutMillis,
    int masterWaitForReplicaCount,
    boolean masterStatus,
    int masterClients,
    boolean replicaStatus) {

  public static final SemiSync NONE = new SemiSync(false, false, false, 0, 0, false, 0, false);
}
