package contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What {@link HostileInputTest} sends, checked without a server: every route the router serves
 * is fuzzed (a route added later is fuzzed without a change there), and no request names a
 * server of the fuzz's sandbox — the state-changing routes only ever reach hosts that do not
 * exist, so the fuzz cannot skip a query, tag a server or stop its replication.
 */
class HostileInputPlanTest {

  static final List<HostileInputTest.Probe> PROBES = HostileInputTest.probes();

  /** The write routes added with tags, pools and skip-query, named in the brief of the fuzz. */
  static final Set<String> NEW_WRITES = Set.of("tag", "untag", "untag-all", "skip-query",
      "submit-pool-instances");

  static String patternOf(HostileInputTest.Probe p) {
    return p.what().split(" ", 2)[0];
  }

  @Test
  void everyServedRouteIsFuzzed() {
    Set<String> fuzzed = new TreeSet<>();
    PROBES.forEach(p -> fuzzed.add(patternOf(p)));
    assertEquals(new TreeSet<>(RouteCoverage.routerPatterns()), fuzzed);
  }

  @Test
  void theFillerHostCannotResolve() {
    // RFC 6761: names under .invalid never resolve
    assertTrue(HostileInputTest.filler("host").endsWith(".invalid"));
    assertTrue(HostileInputTest.filler("belowHost").endsWith(".invalid"));
  }

  @Test
  void noRequestNamesAServerOfTheSandbox() {
    List<String> live = new ArrayList<>();
    for (int p = HostileInputTest.FIRST_PORT; p < HostileInputTest.FIRST_PORT + 2; p++) {
      live.add(String.valueOf(p));
    }
    List<String> naming = new ArrayList<>();
    for (HostileInputTest.Probe p : PROBES) {
      String decoded = p.raw() ? p.path() : URLDecoder.decode(p.path(), StandardCharsets.UTF_8);
      if (live.stream().anyMatch(decoded::contains)) {
        naming.add(p.what());
      }
    }
    assertEquals(List.of(), naming);
  }

  @Test
  void theNewWriteRoutesAreFuzzedOnlyAgainstHostsThatDoNotExist() {
    Map<String, Integer> probesPerCommand = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    for (HostileInputTest.Probe p : PROBES) {
      String pattern = patternOf(p);
      String command = RouteCoverage.command(pattern);
      if (!NEW_WRITES.contains(command)) {
        continue;
      }
      probesPerCommand.merge(command, 1, Integer::sum);
      List<String> patternSegments = List.of(pattern.split("/"));
      int hostSegment = patternSegments.indexOf(":host");
      int portSegment = patternSegments.indexOf(":port");
      if (hostSegment < 0) {
        continue;
      }
      // the host is the filler, unless it is the parameter given a hostile value: then the
      // port is the filler, where no sandbox server listens
      String[] segments = p.path().split("\\?", 2)[0].split("/", -1);
      boolean fillerHost = segments[hostSegment].equals(HostileInputTest.filler("host"));
      boolean fillerPort = segments[portSegment].equals(HostileInputTest.filler("port"));
      if (!fillerHost && !fillerPort) {
        wrong.add(p.what() + " → " + p.path());
      }
    }
    assertEquals(NEW_WRITES, probesPerCommand.keySet(), "each new write route is fuzzed");
    assertEquals(List.of(), wrong, "host and port both hostile at once");
  }
}
