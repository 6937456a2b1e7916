package contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The contract run covers every route orcha serves: a route added without a contract case (or
 * a commented exclusion) fails the build here, without starting any server.
 */
class RouteCoverageTest {

  static final List<String> PATTERNS = RouteCoverage.routerPatterns();
  static final http.RouteTable TABLE = RouteCoverage.table(PATTERNS);

  static Set<String> covered() {
    Set<String> covered = new TreeSet<>();
    for (Step s : ContractPlan.steps()) {
      if (s.pathTemplate() != null) {
        RouteCoverage.patternOf(TABLE, s.pathTemplate()).ifPresent(covered::add);
      }
    }
    return covered;
  }

  @Test
  void everyRouteOfTheRouterHasAContractCaseOrACommentedExclusion() {
    Set<String> covered = covered();
    List<String> missing = new ArrayList<>();
    for (String p : PATTERNS) {
      if (!covered.contains(p) && !RouteCoverage.EXCLUDED.containsKey(p)) {
        missing.add(p);
      }
    }
    assertEquals(List.of(), missing, "routes without a contract case: add a line to ContractPlan"
        + " (or an exclusion with its reason to RouteCoverage.EXCLUDED)");
  }

  @Test
  void exclusionsAreRealRoutesWithoutACaseAndSayWhy() {
    Set<String> covered = covered();
    RouteCoverage.EXCLUDED.forEach((pattern, why) -> {
      assertTrue(PATTERNS.contains(pattern), "excluded but not a route: " + pattern);
      assertTrue(!covered.contains(pattern), "excluded but covered by a case: " + pattern);
      assertTrue(why != null && why.length() > 10, "exclusion without a reason: " + pattern);
    });
  }

  @Test
  void routesRefusedOnPurposeAreNotServed() {
    List<String> served = new ArrayList<>();
    for (String path : RouteCoverage.REFUSED) {
      Optional<String> p = RouteCoverage.patternOf(TABLE, path.replaceAll(":[A-Za-z]+", "x"));
      p.ifPresent(x -> served.add(path + " (served as " + x + ")"));
    }
    assertEquals(List.of(), served, "served now: give each a contract case in ContractPlan and"
        + " take it out of RouteCoverage.REFUSED (and http.UnsupportedRoutes)");
  }

  @Test
  void routesListedAsRefusedAreRefusedByTheServer() {
    List<String> unknown = new ArrayList<>();
    for (String path : RouteCoverage.REFUSED) {
      if (!http.UnsupportedRoutes.commands().contains(RouteCoverage.command(path))) {
        unknown.add(path);
      }
    }
    assertEquals(List.of(), unknown, "listed as refused, but http.UnsupportedRoutes does not"
        + " refuse them (they would answer 404 Unknown API path)");
  }

  @Test
  void everyCommandRefusedOnPurposeHasAContractCase() {
    Set<String> checked = new TreeSet<>();
    for (Step s : ContractPlan.steps()) {
      if (s.pathTemplate() != null && s.name().startsWith(ContractPlan.REFUSED_CASE)) {
        checked.add(RouteCoverage.command(s.pathTemplate()));
      }
    }
    Set<String> missing = new TreeSet<>(http.UnsupportedRoutes.commands());
    missing.removeAll(checked);
    assertEquals(Set.of(), missing, "commands http.UnsupportedRoutes refuses without a contract"
        + " case: add their contract path to RouteCoverage.REFUSED");
  }

  @Test
  void everyCaseReachesARouteUnlessItIsAboutUnknownPaths() {
    List<String> lost = new ArrayList<>();
    for (Step s : ContractPlan.steps()) {
      String t = s.pathTemplate();
      if (t != null && RouteCoverage.patternOf(TABLE, t).isEmpty()
          && !s.name().contains("unknown path")
          && !s.name().startsWith(ContractPlan.REFUSED_CASE)) {
        lost.add(s.name() + " → " + t);
      }
    }
    assertEquals(List.of(), lost, "cases whose path reaches no route (a typo?)");
  }

  @Test
  void caseNamesAreUnique() {
    Set<String> seen = new TreeSet<>();
    List<String> twice = new ArrayList<>();
    for (Step s : ContractPlan.steps()) {
      if (s.pathTemplate() != null && !seen.add(s.name())) {
        twice.add(s.name());
      }
    }
    assertEquals(List.of(), twice, "give repeated cases a name of their own (.named(...))");
  }
}
