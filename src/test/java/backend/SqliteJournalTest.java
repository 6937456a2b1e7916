package backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pekko Persistence JDBC on an SQLite file: restart/recovery, snapshot, queries, measurements. */
class SqliteJournalTest {

  @TempDir
  Path dir;

  @Test
  void persistRestartRecoverAndQuery() throws Exception {
    BackendSettings s = BackendSettings.sqlite(dir.resolve("orcha.db"));
    Schema.ensure(s);
    JournalScenarios.persistRestartRecover(s, "sqlite");
    assertEquals(13 + 1 + 1, JournalScenarios.journalRows(s, "TestCounter|sqlite-restart"));
  }

  @Test
  void measureSchemaStartAndThroughput() throws Exception {
    BackendSettings s = BackendSettings.sqlite(dir.resolve("measure.db"));
    long t0 = System.nanoTime();
    Schema.ensure(s);
    long ensureFirstMicros = (System.nanoTime() - t0) / 1000;
    t0 = System.nanoTime();
    Schema.ensure(s);
    long ensureAgainMicros = (System.nanoTime() - t0) / 1000;

    long startNanos = System.nanoTime();
    ActorTestKit kit = JournalScenarios.start(s, "measure");
    try {
      ActorRef<TestCounter.Command> first = kit.spawn(TestCounter.create("first"));
      TestCounter.Summary firstReply = JournalScenarios.add(kit, first, 1);
      long startToFirstEventMillis = (System.nanoTime() - startNanos) / 1_000_000;
      assertEquals(1, firstReply.count());

      JournalScenarios.measure(kit, "warmup", 5, 20); // JIT and pool warm-up, not reported
      JournalScenarios.Throughput one = JournalScenarios.measure(kit, "one", 1, 500);
      JournalScenarios.Throughput fifty = JournalScenarios.measure(kit, "fifty", 50, 40);

      assertEquals(500, JournalScenarios.journalRows(s, "TestCounter|one-"));
      assertEquals(2000, JournalScenarios.journalRows(s, "TestCounter|fifty-"));
      assertTrue(one.eventsPerSecond() > 0 && fifty.eventsPerSecond() > 0);

      System.out.printf("MEASURE sqlite Schema.ensure: first %d us, again %d us%n",
          ensureFirstMicros, ensureAgainMicros);
      System.out.printf("MEASURE sqlite ActorSystem start -> first persisted event: %d ms%n",
          startToFirstEventMillis);
      System.out.println("MEASURE sqlite sequential: " + one);
      System.out.println("MEASURE sqlite concurrent: " + fifty);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
