package http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** §8.3: a published master's /ipv4 and /ipv6 pairs follow its /port pair when its name resolves. */
class MasterAddressesTest {

  static Map<String, String> master(String base, String host, int port) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(base, host + ":" + port);
    m.put(base + "/hostname", host);
    m.put(base + "/port", String.valueOf(port));
    return m;
  }

  @Test
  void addressesFollowThePortPairEmptyWhenTheFamilyHasNone() {
    Map<String, String> pairs = master("mysql/master/ci", "127.0.0.1", 10111);
    Map<String, String> out = MasterAddresses.withAddresses(pairs).toCompletableFuture().join();
    assertEquals(List.of("mysql/master/ci", "mysql/master/ci/hostname", "mysql/master/ci/port",
        "mysql/master/ci/ipv4", "mysql/master/ci/ipv6"), List.copyOf(out.keySet()));
    assertEquals("127.0.0.1", out.get("mysql/master/ci/ipv4"));
    assertEquals("", out.get("mysql/master/ci/ipv6"));
  }

  @Test
  void everyMasterGetsItsOwnAddressesAndAnUnresolvedNameNone() {
    Map<String, String> pairs = master("mysql/master/a", "::1", 1);
    pairs.putAll(master("mysql/master/b", "no-such-host.invalid", 2));
    Map<String, String> out = MasterAddresses.withAddresses(pairs).toCompletableFuture().join();
    assertEquals("", out.get("mysql/master/a/ipv4"));
    assertEquals("0:0:0:0:0:0:0:1", out.get("mysql/master/a/ipv6"));
    assertEquals(List.of("mysql/master/a", "mysql/master/a/hostname", "mysql/master/a/port",
        "mysql/master/a/ipv4", "mysql/master/a/ipv6", "mysql/master/b", "mysql/master/b/hostname",
        "mysql/master/b/port"), List.copyOf(out.keySet()));
  }
}
