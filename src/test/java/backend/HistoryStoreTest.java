package backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology history table on SQLite: append, read by server or cluster, retention. */
class HistoryStoreTest {

  static final Instant T = Instant.parse("2026-11-25T12:00:00Z");

  @TempDir
  Path tmp;

  HistoryStore store;
  final List<String> writes = new ArrayList<>();

  @BeforeEach
  void open() {
    BackendSettings s = BackendSettings.sqlite(tmp.resolve("history.db"));
    Schema.ensure(s);
    store = new HistoryStore(s, (name, took, ok) -> writes.add(name + (ok ? " ok" : " error")));
  }

  static HistoryStore.Row row(long millis, int port, String cluster, String alias, String kind) {
    return new HistoryStore.Row(0, T.plusMillis(millis), "127.0.0.1", port, cluster, alias, kind,
        "b", "a", kind + " of " + port);
  }

  static HistoryStore.Query cluster(Set<String> names, Set<String> aliases,
      List<HistoryStore.Key> members, Instant since, Instant until, int limit, boolean oldest) {
    return new HistoryStore.Query(null, names, aliases, members, since, until, limit, oldest);
  }

  @Test
  void aBatchIsOneWriteAndReadsBackByServerNewestFirst() {
    store.append(List.of(row(0, 1, "c1", "a", "Unreachable"), row(5, 2, "c1", "a", "Promoted"),
        row(5, 3, "c1", "a", "MasterChanged"), row(9, 1, "c1", "a", "DowntimeBegun")));
    assertEquals(List.of("history ok"), writes, "one batch, one observed write");
    assertEquals(4, store.count());

    List<HistoryStore.Row> one = store.query(new HistoryStore.Query(
        new HistoryStore.Key("127.0.0.1", 1), null, null, null, null, null, 10, false));
    assertEquals(List.of("DowntimeBegun", "Unreachable"), one.stream().map(HistoryStore.Row::kind)
        .toList());
    assertEquals(T.plusMillis(9), one.get(0).at(), "milliseconds kept");
    assertEquals("DowntimeBegun of 1", one.get(0).message());
    List<HistoryStore.Row> oldest = store.query(new HistoryStore.Query(
        new HistoryStore.Key("127.0.0.1", 1), null, null, null, null, null, 10, true));
    assertEquals("Unreachable", oldest.get(0).kind());
  }

  @Test
  void aClusterIsItsNamesItsAliasesAndItsServers() {
    store.append(List.of(row(0, 1, "old", "", "Unreachable"), row(1, 2, "new", "", "Promoted"),
        row(2, 3, "elsewhere", "", "MasterChanged"), row(3, 4, "x", "shop", "Appeared"),
        row(4, 5, "other", "", "Appeared")));
    List<HistoryStore.Row> rows = store.query(cluster(Set.of("old", "new"), Set.of("shop"),
        List.of(new HistoryStore.Key("127.0.0.1", 3)), null, null, 100, true));
    assertEquals(List.of(1, 2, 3, 4), rows.stream().map(HistoryStore.Row::port).toList());
    assertEquals(List.of(), store.query(cluster(Set.of(), Set.of(), List.of(), null, null, 100,
        true)), "nothing asked, nothing answered");
  }

  @Test
  void timeRangeAndLimit() {
    List<HistoryStore.Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(row(i * 1000L, 1, "c", "", "Kind" + i));
    }
    store.append(rows);
    HistoryStore.Key k = new HistoryStore.Key("127.0.0.1", 1);
    List<HistoryStore.Row> mid = store.query(new HistoryStore.Query(k, null, null, null,
        T.plusSeconds(3), T.plusSeconds(6), 100, true));
    assertEquals(List.of("Kind3", "Kind4", "Kind5", "Kind6"),
        mid.stream().map(HistoryStore.Row::kind).toList(), "both ends included");
    List<HistoryStore.Row> newest = store.query(new HistoryStore.Query(k, null, null, null, null,
        null, 2, false));
    assertEquals(List.of("Kind9", "Kind8"), newest.stream().map(HistoryStore.Row::kind).toList());
    List<HistoryStore.Row> oldest = store.query(new HistoryStore.Query(k, null, null, null, null,
        null, 2, true));
    assertEquals(List.of("Kind0", "Kind1"), oldest.stream().map(HistoryStore.Row::kind).toList());
  }

  @Test
  void purgeKeepsTheNewestAndNothingTooOldAndWritesOnlyWhenNeeded() {
    List<HistoryStore.Row> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      rows.add(row(i * 1000L, 1, "c", "", "K" + i));
    }
    store.append(rows);
    writes.clear();
    assertEquals(0, store.purge(T.minusSeconds(1), 1000), "nothing too old, not too many");
    assertEquals(List.of(), writes, "a purge with nothing to delete writes nothing");

    assertEquals(100, store.purge(T.minusSeconds(1), 200));
    assertEquals(200, store.count());
    assertEquals(50, store.purge(T.plusSeconds(150), 1000), "older than 150 s");
    assertEquals(150, store.count());
    assertEquals(List.of("history ok", "history ok"), writes);
    List<HistoryStore.Row> left = store.query(new HistoryStore.Query(
        new HistoryStore.Key("127.0.0.1", 1), null, null, null, null, null, 1, true));
    assertEquals("K150", left.get(0).kind());
  }

  @Test
  void longValuesAreCut() {
    String longText = "x".repeat(5000);
    store.append(List.of(new HistoryStore.Row(0, T, "127.0.0.1", 1, "c", "", "ReplicationBroken",
        longText, longText, longText)));
    HistoryStore.Row r = store.query(new HistoryStore.Query(new HistoryStore.Key("127.0.0.1", 1),
        null, null, null, null, null, 1, true)).get(0);
    assertEquals(HistoryStore.MAX_VALUE, r.before().length());
    assertEquals(HistoryStore.MAX_MESSAGE, r.message().length());
    assertTrue(r.message().endsWith("…"));
  }

  @Test
  void aBrokenBackendIsAClearErrorAndAFailedWrite() {
    BackendSettings s = BackendSettings.sqlite(tmp.resolve("no/such/dir/history.db"));
    List<String> seen = new ArrayList<>();
    HistoryStore broken = new HistoryStore(s, (name, took, ok) -> seen.add(name + " " + ok));
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> broken.append(List.of(row(0, 1, "c", "", "Appeared"))));
    assertTrue(e.getMessage().contains("writing the topology history"), e.getMessage());
    assertEquals(List.of("history false"), seen);
  }

  @Test
  void settingsAreCheckedNamingTheKey() {
    var bad = com.typesafe.config.ConfigFactory.parseString("orcha.history.max-rows = 5");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HistorySettings.from(bad));
    assertTrue(e.getMessage().contains("orcha.history.max-rows"), e.getMessage());
    var wrong = com.typesafe.config.ConfigFactory.parseString("orcha.history.max-age = soon");
    e = assertThrows(IllegalArgumentException.class, () -> HistorySettings.from(wrong));
    assertTrue(e.getMessage().contains("orcha.history.max-age"), e.getMessage());
    assertEquals(new HistorySettings(true, 100_000, Duration.ofDays(30)),
        HistorySettings.from(com.typesafe.config.ConfigFactory.empty()));
  }
}
