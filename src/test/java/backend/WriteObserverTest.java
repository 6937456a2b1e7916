package backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audit rows and heartbeats tell the node's observer (its metrics) how each write went. */
class WriteObserverTest {

  @TempDir
  Path tmp;

  record Written(String store, Duration took, boolean ok) {}

  static final class Recorder implements WriteObserver {
    final List<Written> seen = new ArrayList<>();

    @Override
    public synchronized void written(String store, Duration took, boolean ok) {
      seen.add(new Written(store, took, ok));
    }
  }

  @Test
  void writesAreTimedAndFailuresToo() {
    BackendSettings s = BackendSettings.sqlite(tmp.resolve("o.db"));
    Schema.ensure(s);
    Recorder r = new Recorder();
    new AuditStore(s, r).append(Instant.EPOCH, "t", "h", 1, "", "", "m");
    new BackendHealth(s, r).recordHeartbeat("node-1", Instant.EPOCH);
    new AuditStore(s, r).page(null, 0, 0, 10); // a read: not told
    assertEquals(List.of("audit", "heartbeat"), r.seen.stream().map(Written::store).toList());
    assertTrue(r.seen.stream().allMatch(w -> w.ok() && !w.took().isNegative()), r.seen.toString());

    BackendSettings broken = BackendSettings.sqlite(tmp.resolve("no/such/dir/o.db"));
    assertThrows(BackendUnavailableException.class,
        () -> new AuditStore(broken, r).append(Instant.EPOCH, "t", "h", 1, "", "", "m"));
    assertThrows(BackendUnavailableException.class,
        () -> new BackendHealth(broken, r).recordHeartbeat("node-1", Instant.EPOCH));
    assertEquals(new Written("audit", r.seen.get(2).took(), false), r.seen.get(2));
    assertEquals(new Written("heartbeat", r.seen.get(3).took(), false), r.seen.get(3));
  }

  @Test
  void theJournalIsTheMeteredOne() {
    assertEquals(MeteredJournal.class.getName(), PersistenceConfig.forBackend(
        BackendSettings.sqlite(tmp.resolve("o.db"))).getString("jdbc-journal.class"));
  }
}
