package orcha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example configurations under deploy/cluster/examples load and say what they claim. */
class ClusterExamplesTest {

  static Settings load(String file, String bind) {
    Path p = Path.of(System.getProperty("user.dir"), "deploy", "cluster", "examples", file);
    return new ConfigLoader(List.of(p), ConfigFactory.parseString(
        "orcha.cluster.bind = \"" + bind + "\"")).load().settings();
  }

  @Test
  void threeNodes() {
    Settings s = load("three-nodes.conf", "10.0.2.11:10008");
    assertEquals(3, s.cluster().nodes().size());
    assertTrue(s.cluster().nodes().contains(s.cluster().bindHost() + ":" + s.cluster().bindPort()));
    assertTrue(s.cluster().restartWhenDowned());
    assertEquals(List.of("*"), s.recovery().masterClusterFilters());
  }

  @Test
  void fiveNodes() {
    Settings s = load("five-nodes.conf", "10.0.3.11:10008");
    assertEquals(5, s.cluster().nodes().size());
    assertTrue(s.cluster().nodes().contains(s.cluster().bindHost() + ":" + s.cluster().bindPort()));
  }
}
