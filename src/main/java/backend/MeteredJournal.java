package backend;

import com.typesafe.config.Config;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.jdbc.journal.JdbcAsyncWriteJournal;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * The Pekko Persistence JDBC journal, timing each batch it writes for the node's
 * {@link WriteObserver} ({@link WriteObserver#JOURNAL}). Configured as the {@code jdbc-journal}
 * plugin's class by {@link PersistenceConfig}; the observer comes with the actor system
 * ({@link WriteObserverSetup}), so that every node of a JVM reports to its own metrics. Without
 * one it is the plain journal.
 */
public class MeteredJournal extends JdbcAsyncWriteJournal {

  private final WriteObserver observer;

  public MeteredJournal(Config config) {
    super(config);
    this.observer = WriteObserverSetup.observerOf(context().system());
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    if (observer == WriteObserver.NONE) {
      return super.asyncWriteMessages(messages);
    }
    long start = System.nanoTime();
    long events = 0;
    var it = messages.iterator();
    while (it.hasNext()) {
      events += it.next().size();
    }
    long rows = events;
    Future<Seq<Try<BoxedUnit>>> written = super.asyncWriteMessages(messages);
    written.onComplete(result -> {
      observer.finished(WriteObserver.JOURNAL, start, rows, result.isSuccess());
      return BoxedUnit.UNIT;
    }, context().dispatcher());
    return written;
  }
}
