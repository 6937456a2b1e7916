package actors.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backend.BackendSettings;
import backend.HistorySettings;
import backend.HistoryStore;
import backend.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Eventually;
import topology.InstanceKey;
import topology.TopologyChange;

/** The recorder writes in batches, retries a failed write, trims to the retention. */
class HistoryRecorderTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final ExecutorService blocking = Executors.newFixedThreadPool(2);
  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);

  @TempDir
  Path tmp;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
    blocking.shutdownNow();
  }

  static List<TopologyChange> changes(int from, int count) {
    List<TopologyChange> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      out.add(new TopologyChange(T0.plusMillis(i), new InstanceKey("127.0.0.1", 10111), "c", "",
          TopologyChange.Kind.REPLICATION_STOPPED, "", "", "change " + i));
    }
    return out;
  }

  @Test
  void manyChangesGoInFewBatchesInOrder() {
    BackendSettings s = BackendSettings.sqlite(tmp.resolve("h.db"));
    Schema.ensure(s);
    AtomicInteger writes = new AtomicInteger();
    HistoryStore store = new HistoryStore(s, (name, took, ok) -> writes.incrementAndGet());
    ActorRef<HistoryRecorder.Command> recorder = testKit.spawn(HistoryRecorder.create(store,
        HistorySettings.DEFAULT, blocking, CLOCK, Duration.ofMillis(100), Duration.ofHours(1),
        Duration.ofHours(1)));
    for (int i = 0; i < 12; i++) {
      recorder.tell(new HistoryRecorder.Record(changes(i * 100, 100)));
    }
    Eventually.await("1200 entries", Duration.ofSeconds(10), store::count, n -> n == 1200);
    assertTrue(writes.get() >= 3 && writes.get() <= 12, "batches of at most "
        + HistoryRecorder.MAX_BATCH + ", coalesced while one is written: " + writes.get());
    List<HistoryStore.Row> oldest = store.query(new HistoryStore.Query(
        new HistoryStore.Key("127.0.0.1", 10111), null, null, null, null, null, 3, true));
    assertEquals(List.of("change 0", "change 1", "change 2"),
        oldest.stream().map(HistoryStore.Row::message).toList());
  }

  @Test
  void aFailedWriteIsRetriedUntilTheBackendIsBack() throws Exception {
    Path dir = tmp.resolve("later");
    BackendSettings s = BackendSettings.sqlite(dir.resolve("h.db"));
    AtomicInteger failed = new AtomicInteger();
    HistoryStore store = new HistoryStore(s, (name, took, ok) -> {
      if (!ok) {
        failed.incrementAndGet();
      }
    });
    ActorRef<HistoryRecorder.Command> recorder = testKit.spawn(HistoryRecorder.create(store,
        HistorySettings.DEFAULT, blocking, CLOCK, Duration.ofMillis(100), Duration.ofHours(1),
        Duration.ofHours(1)));
    recorder.tell(new HistoryRecorder.Record(changes(0, 5)));
    Eventually.await("a failed write", Duration.ofSeconds(10), failed::get, n -> n >= 1);
    recorder.tell(new HistoryRecorder.Record(changes(5, 5)));
    // the backend appears (its directory did not exist: every write so far failed)
    Files.createDirectories(dir);
    Schema.ensure(s);
    Eventually.await("the ten entries, kept while the backend was away", Duration.ofSeconds(10),
        store::count, n -> n == 10);
  }

  @Test
  void theRetentionIsApplied() {
    BackendSettings s = BackendSettings.sqlite(tmp.resolve("r.db"));
    Schema.ensure(s);
    HistoryStore store = new HistoryStore(s, backend.WriteObserver.NONE);
    store.append(changes(0, 300).stream().map(TopologyHistory::row).toList());
    // 300 entries, at most 100 kept (none is older than the 2 h kept: CLOCK is T0 + 1 h)
    testKit.spawn(HistoryRecorder.create(store, new HistorySettings(true, 100,
        Duration.ofHours(2)), blocking, CLOCK, Duration.ofMillis(100), Duration.ZERO,
        Duration.ofHours(1)));
    Eventually.await("the newest 100", Duration.ofSeconds(10), store::count, n -> n == 100);
    assertEquals("change 200", store.query(new HistoryStore.Query(
        new HistoryStore.Key("127.0.0.1", 10111), null, null, null, null, null, 1, true)).get(0)
        .message());
  }
}
