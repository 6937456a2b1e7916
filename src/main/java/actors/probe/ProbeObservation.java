package actors.probe;

import java.time.Duration;
import java.time.Instant;
import orcha.CborSerializable;
import topology.Instance;
import topology.InstanceKey;
import topology.ProbeFailure;
import topology.ProbeResult;

/**
 * One probe result as shared between orcha nodes (shared probing): the server, when the probe
 * finished on the observing node, and either what it read ({@code instance}) or why it failed.
 */
public record ProbeObservation(InstanceKey key, Instant at, Instance instance,
    ProbeFailure failure, boolean partial, Duration latency) implements CborSerializable {

  public static ProbeObservation of(ProbeResult result, Instant at) {
    if (result instanceof ProbeResult.Reached r) {
      return new ProbeObservation(r.key(), at, r.instance(), null, false, r.latency());
    }
    ProbeResult.Failed f = (ProbeResult.Failed) result;
    return new ProbeObservation(f.key(), at, null, f.failure(), f.partial(), f.latency());
  }

  public ProbeResult result() {
    Duration l = latency == null ? Duration.ZERO : latency;
    return instance != null ? new ProbeResult.Reached(instance, l)
        : new ProbeResult.Failed(key, failure, partial, l);
  }
}
