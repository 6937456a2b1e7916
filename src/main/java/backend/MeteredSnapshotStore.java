package backend;

import com.typesafe.config.Config;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.jdbc.snapshot.JdbcSnapshotStore;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;

/**
 * Pekko Persistence JDBC's snapshot store, telling the node's {@link WriteObserver} of every
 * snapshot saved ({@link WriteObserver#SNAPSHOT}), as {@link MeteredJournal} does for events:
 * snapshots are backend rows too, and the scale benchmark counts every row written.
 */
public class MeteredSnapshotStore extends JdbcSnapshotStore {

  private final WriteObserver observer;

  public MeteredSnapshotStore(Config config) {
    super(config);
    this.observer = WriteObserverSetup.observerOf(context().system());
  }

  @Override
  public Future<BoxedUnit> saveAsync(SnapshotMetadata metadata, Object snapshot) {
    if (observer == WriteObserver.NONE) {
      return super.saveAsync(metadata, snapshot);
    }
    long start = System.nanoTime();
    Future<BoxedUnit> saved = super.saveAsync(metadata, snapshot);
    saved.onComplete(result -> {
      observer.finished(WriteObserver.SNAPSHOT, start, 1, result.isSuccess());
      return BoxedUnit.UNIT;
    }, context().dispatcher());
    return saved;
  }
}
