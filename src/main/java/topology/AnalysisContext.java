package topology;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Everything besides the topology that failure detection reads, taken at one moment: active
 * downtimes, when each server's binlog coordinates last moved, configuration, the time, and the
 * node that runs the analysis.
 *
 * @param downtimes downtimes by server; entries not active at {@code now} are ignored
 * @param binlogUnchangedSince since when each server's own binlog coordinates have not moved
 *     (kept by the caller from successive probes); absent = unknown, never stale
 * @param now the analysis time (no clock is read in {@code topology})
 */
public record AnalysisContext(
    Map<InstanceKey, Downtime> downtimes,
    Map<InstanceKey, Instant> binlogUnchangedSince,
    AnalysisSettings settings,
    Instant now,
    String processingNodeHostname,
    String processingNodeToken) {

  public AnalysisContext {
    downtimes = downtimes == null ? Map.of() : Map.copyOf(downtimes);
    binlogUnchangedSince = binlogUnchangedSince == null ? Map.of()
        : Map.copyOf(binlogUnchangedSince);
    settings = settings == null ? AnalysisSettings.DEFAULTS : settings;
    if (now == null) {
      throw new IllegalArgumentException("now is required");
    }
    processingNodeHostname = processingNodeHostname == null ? "" : processingNodeHostname;
    processingNodeToken = processingNodeToken == null ? "" : processingNodeToken;
  }

  /** A context without downtimes or binlog history, with default settings. */
  public static AnalysisContext of(Instant now) {
    return new AnalysisContext(Map.of(), Map.of(), AnalysisSettings.DEFAULTS, now, "", "");
  }

  /** The server's downtime if one is active now. */
  public Optional<Downtime> activeDowntime(InstanceKey key) {
    Downtime d = downtimes.get(key);
    return d != null && d.activeAt(now) ? Optional.of(d) : Optional.empty();
  }

  /**
   * Whether the server's binlog coordinates have not moved for at least the locked semi-sync
   * window ({@link AnalysisSettings#lockedSemiSyncMasterWindow()}).
   */
  public boolean binlogStale(InstanceKey key) {
    Instant since = binlogUnchangedSince.get(key);
    return since != null && Duration.between(since, now)
        .compareTo(settings.lockedSemiSyncMasterWindow()) >= 0;
  }

  public AnalysisContext withSettings(AnalysisSettings s) {
    return new AnalysisContext(downtimes, binlogUnchangedSince, s, now, processingNodeHostname,
        processingNodeToken);
  }

  public AnalysisContext withDowntimes(Map<InstanceKey, Downtime> d) {
    return new AnalysisContext(d, binlogUnchangedSince, settings, now, processingNodeHostname,
        processingNodeToken);
  }

  public AnalysisContext withBinlogUnchangedSince(Map<InstanceKey, Instant> b) {
    return new AnalysisContext(downtimes, b, settings, now, processingNodeHostname,
        processingNodeToken);
  }

  public AnalysisContext withProcessingNode(String hostname, String token) {
    return new AnalysisContext(downtimes, binlogUnchangedSince, settings, now, hostname, token);
  }
}
