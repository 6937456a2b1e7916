package orcha;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;

class NodeRunnerTest {

  static Settings settings(boolean restart) {
    return new ConfigLoader(List.of(), ConfigFactory.parseString(
        "orcha.cluster.restart-when-downed = " + restart)).load().settings();
  }

  @Test
  void restartsOnlyWhenTheClusterDownedTheNode() {
    Settings on = settings(true);
    assertEquals(true, NodeRunner.restartAfter(
        Optional.of(CoordinatedShutdown.clusterDowningReason()), on), "downed");
    assertEquals(false, NodeRunner.restartAfter(
        Optional.of(CoordinatedShutdown.actorSystemTerminateReason()), on), "terminated");
    assertEquals(false, NodeRunner.restartAfter(
        Optional.of(CoordinatedShutdown.jvmExitReason()), on), "signal");
    assertEquals(false, NodeRunner.restartAfter(
        Optional.of(CoordinatedShutdown.clusterLeavingReason()), on), "left");
    assertEquals(false, NodeRunner.restartAfter(Optional.empty(), on), "no reason");
    assertEquals(false, NodeRunner.restartAfter(
        Optional.of(CoordinatedShutdown.clusterDowningReason()), settings(false)), "switched off");
  }
}
