package actors.node;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/** Finds the leader's advertised API URL: the advertiser registered on the leader's address. */
final class LeaderDirectory {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final Leadership leadership;

  LeaderDirectory(ActorSystem<?> system, Leadership leadership) {
    this.system = system;
    this.leadership = leadership;
  }

  /** Empty when no leader is known, or this node is the leader. */
  CompletionStage<Optional<String>> leaderUrl() {
    var view = leadership.view();
    if (view.leader().isEmpty() || view.leader().equals(view.self())) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            r -> Receptionist.find(HttpAdvertiser.KEY, r), TIMEOUT, system.scheduler())
        .thenCompose(listing -> {
          for (ActorRef<HttpAdvertiser.Command> ref : listing.getServiceInstances(HttpAdvertiser.KEY)) {
            if (Leadership.hostPort(ref.path().address()).equals(view.leader())) {
              return AskPattern.<HttpAdvertiser.Command, HttpAdvertiser.Url>ask(ref,
                      HttpAdvertiser.GetUrl::new, TIMEOUT, system.scheduler())
                  .thenApply(u -> Optional.of(u.apiUrl()));
            }
          }
          return CompletableFuture.completedFuture(Optional.<String>empty());
        })
        .exceptionally(e -> Optional.empty());
  }
}
