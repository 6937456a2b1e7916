package telemetry;

import actors.probe.ProbeClient;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import topology.InstanceKey;
import topology.ProbeResult;

/** A {@link ProbeClient} that records every probe it makes in {@link ProbeMetrics}. */
public final class MeteredProbeClient implements ProbeClient {

  private final ProbeClient delegate;
  private final ProbeMetrics metrics;

  public MeteredProbeClient(ProbeClient delegate, ProbeMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<ProbeResult> probe(InstanceKey key) {
    return delegate.probe(key).whenComplete((result, error) -> {
      if (result != null) {
        metrics.recorded(result);
      }
    });
  }

  @Override
  public void forget(InstanceKey key) {
    delegate.forget(key);
  }

  @Override
  public void onConnectionLost(Consumer<InstanceKey> listener) {
    delegate.onConnectionLost(listener);
  }
}
