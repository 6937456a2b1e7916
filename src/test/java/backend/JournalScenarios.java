package backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The journal scenarios both backends must pass (SQLite and MySQL run the same code), plus the
 * measurements. Every scenario starts real ActorSystems with the configuration composed exactly
 * as Main composes it.
 */
final class JournalScenarios {

  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private JournalScenarios() {}

  /** overlay > backend-test.conf (includes persistence.conf, serialization.conf) > reference. */
  static Config config(BackendSettings s) {
    return PersistenceConfig.compose(s, ConfigFactory.parseResources("backend-test.conf"));
  }

  static ActorTestKit start(BackendSettings s, String name) {
    return ActorTestKit.create(name, config(s));
  }

  static TestCounter.Summary add(ActorTestKit kit, ActorRef<TestCounter.Command> ref, int amount) {
    TestProbe<TestCounter.Summary> probe = kit.createTestProbe();
    ref.tell(new TestCounter.Add(amount, probe.getRef()));
    return probe.receiveMessage(TIMEOUT);
  }

  static TestCounter.Summary get(ActorTestKit kit, ActorRef<TestCounter.Command> ref) {
    TestProbe<TestCounter.Summary> probe = kit.createTestProbe();
    ref.tell(new TestCounter.Get(probe.getRef()));
    return probe.receiveMessage(TIMEOUT);
  }

  /**
   * Persists 13 events (a snapshot at 10), stops the ActorSystem, starts a new one on the same
   * backend and checks the state came back from the snapshot plus 3 replayed events; then the
   * read journal lists the persistence ids and replays the tagged events.
   */
  static void persistRestartRecover(BackendSettings s, String prefix) throws Exception {
    String id = prefix + "-restart";
    int events = 13;
    long expectedTotal = 0;

    ActorTestKit first = start(s, "first");
    try {
      ActorRef<TestCounter.Command> counter = first.spawn(TestCounter.create(id));
      // a second entity, so persistenceIds has more than one id to list
      ActorRef<TestCounter.Command> other = first.spawn(TestCounter.create(id + "-other"));
      TestCounter.Summary last = null;
      for (int i = 1; i <= events; i++) {
        last = add(first, counter, i);
        expectedTotal += i;
      }
      assertEquals(expectedTotal, last.total());
      assertEquals(events, last.count());
      assertEquals(0, last.replayedEvents(), "a new entity replays nothing");
      add(first, other, 100);
      // the snapshot at seq 10 is written asynchronously after the persist of event 10
      ActorRef<TestCounter.Command> c = counter;
      awaitTrue(first, "snapshot at sequence 10 reported", Duration.ofSeconds(10),
          () -> get(first, c).lastSnapshotSeqNr() == 10);
    } finally {
      first.shutdownTestKit();
    }
    assertTrue(first.system().getWhenTerminated().toCompletableFuture().isDone(),
        "first ActorSystem terminated");
    assertEquals(1, snapshotRows(s, "TestCounter|" + id), "snapshot row in the backend");

    ActorTestKit second = start(s, "second");
    try {
      ActorRef<TestCounter.Command> counter = second.spawn(TestCounter.create(id));
      TestCounter.Summary recovered = get(second, counter);
      assertEquals(expectedTotal, recovered.total(), "state recovered after restart");
      assertEquals(events, recovered.count());
      assertEquals(events, recovered.recoveredToSeqNr());
      assertEquals(events - TestCounter.SNAPSHOT_EVERY, recovered.replayedEvents(),
          "recovery started from the snapshot at 10 and replayed only the events after it");
      TestCounter.Summary after = add(second, counter, 1000);
      assertEquals(expectedTotal + 1000, after.total(), "persisting continues after recovery");

      JdbcReadJournal journal = readJournal(second.system());
      List<String> ids = journal.currentPersistenceIds()
          .runWith(Sink.seq(), second.system()).toCompletableFuture()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(ids.contains("TestCounter|" + id), "currentPersistenceIds lists " + id
          + ": " + ids);
      assertTrue(ids.contains("TestCounter|" + id + "-other"), "currentPersistenceIds: " + ids);

      // the live query: emits the ids already there, then keeps polling
      Set<String> wanted = Set.of("TestCounter|" + id, "TestCounter|" + id + "-other");
      List<String> live = journal.persistenceIds()
          .filter(wanted::contains)
          .take(2)
          .runWith(Sink.seq(), second.system()).toCompletableFuture()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(wanted, new HashSet<>(live), "persistenceIds (live) lists the ids");

      List<EventEnvelope> replay = journal
          .currentEventsByPersistenceId("TestCounter|" + id, 0, Long.MAX_VALUE)
          .runWith(Sink.seq(), second.system()).toCompletableFuture()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(events + 1, replay.size(), "currentEventsByPersistenceId");
      assertEquals(new TestCounter.Added(1), replay.get(0).event());

      List<EventEnvelope> tagged = journal.currentEventsByTag(TestCounter.TAG, Offset.noOffset())
          .filter(e -> e.persistenceId().startsWith("TestCounter|" + prefix))
          .runWith(Sink.seq(), second.system()).toCompletableFuture()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(events + 2, tagged.size(), "currentEventsByTag sees every tagged event");
    } finally {
      second.shutdownTestKit();
    }
  }

  static JdbcReadJournal readJournal(ActorSystem<?> system) {
    return PersistenceQuery.get(Adapter.toClassic(system))
        .getReadJournalFor(JdbcReadJournal.class, PersistenceConfig.READ_JOURNAL_PLUGIN);
  }

  static long snapshotRows(BackendSettings s, String persistenceId) throws SQLException {
    try (Connection c = Jdbc.open(s);
         PreparedStatement ps = c.prepareStatement(
             "SELECT COUNT(*) FROM snapshot WHERE persistence_id = ?")) {
      ps.setString(1, persistenceId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static long journalRows(BackendSettings s, String persistenceIdPrefix) throws SQLException {
    try (Connection c = Jdbc.open(s);
         PreparedStatement ps = c.prepareStatement(
             "SELECT COUNT(*) FROM event_journal WHERE persistence_id LIKE ?")) {
      ps.setString(1, persistenceIdPrefix + "%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Polls {@code condition} (the testkit's awaitAssert) until it holds or the deadline passes. */
  static void awaitTrue(ActorTestKit kit, String what, Duration within, BooleanSupplier condition) {
    kit.createTestProbe().awaitAssert(within, () -> {
      assertTrue(condition.getAsBoolean(), what);
      return null;
    });
  }

  record Throughput(int actors, int eventsPerActor, long millis) {
    int events() {
      return actors * eventsPerActor;
    }

    double eventsPerSecond() {
      return events() * 1000.0 / Math.max(1, millis);
    }

    @Override
    public String toString() {
      return String.format(
          "%d actor(s) x %d sequential persists = %d events in %d ms: %.0f events/s",
          actors, eventsPerActor, events(), millis, eventsPerSecond());
    }
  }

  /**
   * {@code actors} entities, each persisting {@code eventsPerActor} events one after the other
   * (the next Add only after the previous reply), all entities at once.
   */
  static Throughput measure(ActorTestKit kit, String prefix, int actors, int eventsPerActor) {
    List<ActorRef<TestCounter.Command>> refs = new ArrayList<>();
    for (int a = 0; a < actors; a++) {
      ActorRef<TestCounter.Command> ref = kit.spawn(TestCounter.create(prefix + "-" + a));
      get(kit, ref); // recovered, so the measurement counts persists only
      refs.add(ref);
    }
    long start = System.nanoTime();
    List<CompletableFuture<TestCounter.Summary>> runs = new ArrayList<>();
    for (ActorRef<TestCounter.Command> ref : refs) {
      CompletionStage<TestCounter.Summary> run = CompletableFuture.completedFuture(null);
      for (int i = 0; i < eventsPerActor; i++) {
        run = run.thenCompose(prev -> AskPattern.ask(
            ref, (ActorRef<TestCounter.Summary> r) -> new TestCounter.Add(1, r),
            TIMEOUT, kit.scheduler()));
      }
      runs.add(run.toCompletableFuture());
    }
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
        .orTimeout(5, TimeUnit.MINUTES).join();
    long millis = (System.nanoTime() - start) / 1_000_000;
    for (CompletableFuture<TestCounter.Summary> run : runs) {
      assertEquals(eventsPerActor, run.join().count(), "every persist of every actor acknowledged");
    }
    return new Throughput(actors, eventsPerActor, millis);
  }
}
