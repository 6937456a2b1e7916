package topology;

import java.time.Duration;

/**
 * The outcome of one probe of one server: a value, so that probing and persisting stay apart.
 */
public sealed interface ProbeResult {

  InstanceKey key();

  Duration latency();

  /** The probe read everything it needed (custom-query failures are warnings inside). */
  record Reached(Instance instance, Duration latency) implements ProbeResult {
    @Override
    public InstanceKey key() {
      return instance.key();
    }
  }

  /**
   * The probe did not complete. {@code partial} is orchestrator's LastCheckPartialSuccess: the
   * server accepted the connection but the probe failed afterwards.
   */
  record Failed(InstanceKey key, ProbeFailure failure, boolean partial, Duration latency)
      implements ProbeResult {}
}
