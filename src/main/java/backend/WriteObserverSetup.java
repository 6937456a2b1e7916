package backend;

import org.apache.pekko.actor.setup.Setup;

/**
 * Hands a node's {@link WriteObserver} to the parts of its actor system Pekko creates itself
 * (the journal plugin), through the actor system's setup rather than a static field.
 */
public final class WriteObserverSetup extends Setup {

  private final WriteObserver observer;

  public WriteObserverSetup(WriteObserver observer) {
    this.observer = java.util.Objects.requireNonNull(observer, "observer");
  }

  public WriteObserver observer() {
    return observer;
  }

  /** The observer {@code system} was set up with, or {@link WriteObserver#NONE}. */
  public static WriteObserver observerOf(org.apache.pekko.actor.ActorSystem system) {
    return system.settings().setup().get(WriteObserverSetup.class)
        .map(WriteObserverSetup::observer).orElse(WriteObserver.NONE);
  }
}
