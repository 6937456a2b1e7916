package actors.control;

import backend.AuditStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import topology.InstanceKey;

/**
 * Writes and reads the audit log (who did what to which server, and how it ended) in the node's
 * backend, on the blocking executor. A failed write is logged, never thrown at the operation
 * being audited: the operation already happened.
 */
public final class Auditor {

  private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);

  /** One audit row. */
  public record AuditEntry(long id, java.time.Instant at, String type, InstanceKey key,
      String clusterName, String user, String message) {}

  private final AuditStore store;
  private final Executor blocking;
  private final Clock clock;

  public Auditor(AuditStore store, Executor blocking, Clock clock) {
    this.store = store;
    this.blocking = blocking;
    this.clock = clock;
  }

  /** Records an operation; completes when written (or when the write failed and was logged). */
  public CompletionStage<Void> record(String type, InstanceKey key, String clusterName,
      String user, String message) {
    InstanceKey k = key == null ? InstanceKey.NONE : key;
    LOG.info("audit {} {} by {}: {}", type, k, user, message);
    return CompletableFuture.runAsync(() -> {
      try {
        store.append(clock.instant(), type, k.hostname(), k.port(), clusterName, user, message);
      } catch (RuntimeException e) {
        LOG.error("audit not written ({} {}): {}", type, k, e.getMessage());
      }
    }, blocking);
  }

  /** A page of the audit log, newest first; of one server when {@code key} is not null. */
  public CompletionStage<List<AuditEntry>> page(InstanceKey key, int page, int pageSize) {
    return CompletableFuture.supplyAsync(() -> store.page(key == null ? null : key.hostname(),
            key == null ? 0 : key.port(), page, pageSize).stream()
        .map(e -> new AuditEntry(e.id(), e.at(), e.type(), new InstanceKey(e.hostname(), e.port()),
            e.clusterName(), e.user(), e.message()))
        .toList(), blocking);
  }
}
