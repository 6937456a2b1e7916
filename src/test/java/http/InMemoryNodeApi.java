package http;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import topology.InstanceKey;
import topology.InstanceView;
import topology.Thresholds;
import topology.TopologySnapshot;

/**
 * A NodeApi over a fixed snapshot, for route tests. Records the writes it receives; can be
 * told to fail every call or never to answer.
 */
class InMemoryNodeApi implements NodeApi {

  volatile ApiSettings settings = defaultSettings();
  volatile TopologySnapshot snapshot = TopologySnapshot.EMPTY;
  volatile boolean leader = true;
  volatile NodeHealth health = new NodeHealth(true, "orcha-1", "token-1", true, "sqlite", "");
  /** When set, every asynchronous call fails with it. */
  volatile Throwable failure;
  /** When true, every asynchronous call returns a stage that never completes. */
  volatile boolean silent;
  /** When set, reloadConfiguration fails with this message. */
  volatile String reloadError;
  final List<String> calls = new CopyOnWriteArrayList<>();

  static ApiSettings defaultSettings() {
    return new ApiSettings("", "/api/status", 3306, Thresholds.DEFAULTS, "orcha-1");
  }

  void reset() {
    settings = defaultSettings();
    snapshot = TopologySnapshot.EMPTY;
    leader = true;
    health = new NodeHealth(true, "orcha-1", "token-1", true, "sqlite", "");
    failure = null;
    silent = false;
    reloadError = null;
    calls.clear();
  }

  private <T> CompletionStage<T> answer(java.util.function.Supplier<T> value) {
    if (silent) {
      return new CompletableFuture<>();
    }
    if (failure != null) {
      return CompletableFuture.failedFuture(failure);
    }
    try {
      return CompletableFuture.completedFuture(value.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public ApiSettings settings() {
    return settings;
  }

  @Override
  public CompletionStage<TopologySnapshot> snapshot() {
    return answer(() -> snapshot);
  }

  @Override
  public CompletionStage<InstanceView> discover(InstanceKey key) {
    return answer(() -> {
      calls.add("discover " + key);
      return snapshot.instance(key).orElseThrow(
          () -> new ApiException("Cannot probe " + key + ": connection refused"));
    });
  }

  @Override
  public CompletionStage<Void> discoverAsync(InstanceKey key) {
    return answer(() -> {
      calls.add("discoverAsync " + key);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> forget(InstanceKey key) {
    return answer(() -> {
      calls.add("forget " + key);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> forgetCluster(String clusterName) {
    return answer(() -> {
      calls.add("forgetCluster " + clusterName);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> reloadConfiguration(Optional<String> extraFile) {
    return answer(() -> {
      calls.add("reload " + extraFile.orElse("<none>"));
      if (reloadError != null) {
        throw new ApiException(reloadError);
      }
      return null;
    });
  }

  @Override
  public CompletionStage<NodeHealth> health() {
    return answer(() -> health);
  }

  @Override
  public boolean isLeader() {
    return leader;
  }
}
