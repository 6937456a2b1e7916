package backend;

import java.time.Duration;

/**
 * Told of every write to the backend (how long it took, whether it succeeded): the node's
 * metrics implement it; the backend package itself knows nothing of metrics.
 */
@FunctionalInterface
public interface WriteObserver {

  /** A batch of events written by Pekko Persistence ({@link MeteredJournal}). */
  String JOURNAL = "journal";
  /** An audit row ({@link AuditStore#append}). */
  String AUDIT = "audit";
  /** The node's health row ({@link BackendHealth#recordHeartbeat}). */
  String HEARTBEAT = "heartbeat";
  /** Topology history entries ({@link HistoryStore#append}, {@link HistoryStore#purge}). */
  String HISTORY = "history";
  /** Snapshots of event-sourced actors ({@link MeteredSnapshotStore}). */
  String SNAPSHOT = "snapshot";

  void written(String store, Duration took, boolean ok);

  /**
   * {@code rows} rows were written to {@code store} (a journal batch counts its events): what
   * the scale benchmark reads as "backend rows written per second".
   */
  default void rows(String store, long rows) {
  }

  WriteObserver NONE = (store, took, ok) -> { };

  /**
   * A write of {@code rows} rows that started at {@code startNanos} (System.nanoTime) ended:
   * its time is recorded, and its rows when it succeeded.
   */
  default void finished(String store, long startNanos, long rows, boolean ok) {
    written(store, Duration.ofNanos(System.nanoTime() - startNanos), ok);
    if (ok) {
      rows(store, rows);
    }
  }

  /** Runs a write of one row and tells this observer; the write's result or failure is passed on. */
  default <T> T timed(String store, java.util.function.Supplier<T> write) {
    return timed(store, 1, write);
  }

  /** Runs a write of {@code rows} rows and tells this observer (rows counted when it succeeds). */
  default <T> T timed(String store, long rows, java.util.function.Supplier<T> write) {
    long start = System.nanoTime();
    boolean ok = false;
    try {
      T result = write.get();
      ok = true;
      rows(store, rows);
      return result;
    } finally {
      written(store, Duration.ofNanos(System.nanoTime() - start), ok);
    }
  }
}
