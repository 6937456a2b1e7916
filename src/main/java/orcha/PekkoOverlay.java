package orcha;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/** The Pekko settings that follow from orcha's: cluster address, seed nodes, backend. */
final class PekkoOverlay {

  private PekkoOverlay() {}

  static Config forSettings(Settings s) {
    Settings.ClusterNodes c = s.cluster();
    List<String> seeds = c.nodes().stream()
        .map(n -> {
          String[] hp = n.split(":");
          String port = hp.length > 1 ? hp[hp.length - 1] : "10008";
          return "pekko://orcha@" + hp[0] + ":" + port;
        })
        .toList();
    Config cluster = ConfigFactory.empty()
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(c.bindHost()))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(c.bindPort()))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    return cluster.withFallback(backend.PersistenceConfig.forBackend(s.backend()));
  }
}
