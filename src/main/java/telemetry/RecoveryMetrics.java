package telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Detections and recoveries. Labels come from fixed sets: analysis codes (topology.AnalysisCode,
 * about forty), results, skip reasons and phases — never a server or a cluster.
 *
 * <ul>
 *   <li>{@code orcha_detections_total{analysis}}: failures registered (leader only, once per
 *       failure and detection period, as OnFailureDetectionProcesses run);
 *   <li>{@code orcha_recoveries_total{analysis,result}}: recoveries that ended, result one of
 *       {@code success}, {@code failure} (it acted, no successor), {@code refused} (ended before
 *       changing anything: no plan, a pre-hook failed, the failure no longer held),
 *       {@code unresolved} (its end could not be recorded);
 *   <li>{@code orcha_recovery_duration_seconds{result}}: registration to resolution;
 *   <li>{@code orcha_recovery_skips_total{analysis,reason}}: automated recovery decided not to
 *       act (topology.SkipReason in lower case, or {@code quorum});
 *   <li>{@code orcha_recovery_phase_duration_seconds{phase}}: per recovery, the time spent in
 *       each {@link Phase} it reached.
 * </ul>
 */
public final class RecoveryMetrics {

  /** The phases of a recovery's timeline, as measured. */
  public enum Phase {
    /**
     * From the failed server's last successful probe to the analysis that found the failure
     * (an upper bound of the detection time: the failure happened in between).
     */
    DETECT("detect"),
    /** From that analysis to the registered recovery: policy, quorum, majority-held registration. */
    DECIDE("decide"),
    /**
     * Waiting for a majority to acknowledge the leader's fence before each step that changes a
     * server (this time is inside the promote and re-point phases' wall time too).
     */
    FENCE("fence"),
    /** The ordered phases of the plan: catch up, promote (or demote), afterwards. */
    PROMOTE("promote"),
    /** The parallel phases of the plan: replicas moved below the new master. */
    REPOINT("repoint"),
    /** Pre- and post-recovery hooks (PreFailoverProcesses, PostMasterFailoverProcesses, ...). */
    HOOKS("hooks");

    private final String label;

    Phase(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final MeterRegistry registry;
  private final Map<Phase, Timer> phases = new EnumMap<>(Phase.class);

  /** Metrics nobody reads (tests, tools): recording is a no-op. */
  public static RecoveryMetrics unreported() {
    return new RecoveryMetrics(new io.micrometer.core.instrument.composite.CompositeMeterRegistry());
  }

  RecoveryMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Phase p : Phase.values()) {
      phases.put(p, Timer.builder("orcha.recovery.phase.duration")
          .description("Time a recovery spent in a phase (one observation per recovery and phase)")
          .tag("phase", p.label())
          .serviceLevelObjectives(Buckets.PHASE)
          .register(registry));
    }
  }

  /** A failure was registered. */
  public void detected(String analysisCode) {
    Counter.builder("orcha.detections")
        .description("Failures detected and registered, by analysis code")
        .tag("analysis", analysisCode)
        .register(registry)
        .increment();
  }

  /** Automated recovery left an actionable failure alone. */
  public void skipped(String analysisCode, String reason) {
    Counter.builder("orcha.recovery.skips")
        .description("Automated recoveries not started, by analysis code and reason")
        .tag("analysis", analysisCode)
        .tag("reason", reason.toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  /** A recovery ended; {@code took} from its registration to its resolution. */
  public void ended(String analysisCode, String result, Duration took) {
    Counter.builder("orcha.recoveries")
        .description("Recoveries that ended, by analysis code and result")
        .tag("analysis", analysisCode)
        .tag("result", result)
        .register(registry)
        .increment();
    Timer.builder("orcha.recovery.duration")
        .description("Recoveries from registration to resolution, by result")
        .tag("result", result)
        .serviceLevelObjectives(Buckets.PHASE)
        .register(registry)
        .record(took.isNegative() ? Duration.ZERO : took);
  }

  /** One recovery spent {@code took} in {@code phase}. */
  public void phase(Phase phase, Duration took) {
    phases.get(phase).record(took.isNegative() ? Duration.ZERO : took);
  }
}
