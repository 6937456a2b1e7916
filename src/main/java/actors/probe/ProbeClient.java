package actors.probe;

import java.util.concurrent.CompletionStage;
import topology.InstanceKey;
import topology.ProbeResult;

/**
 * How probers reach servers: implemented by {@code mysql.Prober} over R2DBC. The stage always
 * completes (the implementation has its own deadline); a failure is a {@link ProbeResult.Failed}
 * value, not an exceptional stage.
 */
public interface ProbeClient {

  CompletionStage<ProbeResult> probe(InstanceKey key);

  /** Releases what is held for {@code key} (its open connection). */
  void forget(InstanceKey key);

  /**
   * Asks to be told when the connection to a server drops outside a probe (the server died or
   * closed it), so the server can be probed at once. Optional: the default never tells.
   */
  default void onConnectionLost(java.util.function.Consumer<InstanceKey> listener) {}
}
