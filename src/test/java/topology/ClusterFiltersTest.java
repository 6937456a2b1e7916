package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterFiltersTest {

  record Case(String name, List<String> filters, String cluster, String alias, boolean matches) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String NAME = "db-1.example.com:3306";

  static Stream<Case> cases() {
    return Stream.of(
        new Case("no filters: no automated recovery", List.of(), NAME, "ci", false),
        new Case("empty filter matches nothing", List.of(""), NAME, "ci", false),
        new Case("cluster name", List.of(NAME), NAME, "ci", true),
        new Case("alias", List.of("ci"), NAME, "ci", true),
        new Case("alias=exact", List.of("alias=ci"), NAME, "ci", true),
        new Case("alias=exact, other alias", List.of("alias=c"), NAME, "ci", false),
        new Case("alias~=regex", List.of("alias~=^c"), NAME, "ci", true),
        new Case("alias~=regex, no match", List.of("alias~=^prod"), NAME, "ci", false),
        new Case("star", List.of("*"), NAME, "ci", true),
        new Case("regex on the name", List.of("example\\.com"), NAME, "ci", true),
        new Case("regex on the name is not tried on the alias", List.of("^ci$"), NAME, "x", false),
        new Case("any filter of several", List.of("alias=x", "db-1"), NAME, "ci", true),
        new Case("invalid regex matches nothing", List.of("db-(1"), NAME, "ci", false),
        new Case("without an alias the name is the alias", List.of("alias=" + NAME), NAME, "",
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matches(Case c) {
    assertEquals(c.matches(), ClusterFilters.matches(c.filters(), c.cluster(), c.alias()));
  }
}
