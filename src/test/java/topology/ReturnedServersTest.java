package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static topology.Fixtures.NOW;
import static topology.Fixtures.key;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which servers a master recovery left behind are fenced when they answer again. */
class ReturnedServersTest {

  /**
   * One server (port 10111) as last probed ({@link Fixtures#seen}: 500 ms before NOW), with a
   * downtime begun {@code downtimeBegan} before NOW.
   */
  record Case(String name, boolean writable, boolean reachable, String reason,
      Duration downtimeBegan, boolean fenced) {

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    Duration longAgo = Duration.ofMinutes(5);
    Duration justNow = Duration.ofMillis(100);
    return Stream.of(
        new Case("old master back and writable: fenced", true, true, "lost-in-recovery", longAgo, true),
        new Case("back but read-only: nothing to do", false, true, "lost-in-recovery", longAgo, false),
        new Case("still unreachable: nothing to do", true, false, "lost-in-recovery", longAgo, false),
        new Case("writable only in a probe from before it was left behind: not fenced", true, true,
            "lost-in-recovery", justNow, false),
        new Case("another downtime reason: an operator's business", true, true, "maintenance",
            longAgo, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fenced(Case c) {
    Fleet.Server s = Fleet.mariaDb(10111);
    if (c.writable()) {
      s.writable();
    }
    s.reachable = c.reachable();
    Instance i = s.build();
    ObservedInstance o = c.reachable() ? Fixtures.seen(i) : Fixtures.unreachable(i);
    Downtime d = new Downtime(i.key(), "orcha", c.reason(), NOW.minus(c.downtimeBegan()),
        NOW.plus(Duration.ofDays(365)));
    TopologySnapshot snapshot = TopologyAssembler.assemble(List.of(o), Set.of(), AliasRules.NONE,
        Thresholds.DEFAULTS, Map.of(i.key(), d), Map.of(), NOW);
    assertEquals(c.fenced() ? List.of(key(10111)) : List.of(), ReturnedServers.toFence(snapshot));
  }
}
