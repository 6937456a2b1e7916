package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tags as orchestrator parses them, and tagged?tag= expressions over a small fleet. */
class TagQueryTest {

  static final InstanceKey A = new InstanceKey("db-a", 3306);
  static final InstanceKey B = new InstanceKey("db-b", 3306);
  static final InstanceKey C = new InstanceKey("db-c", 3306);
  static final InstanceKey UNTAGGED = new InstanceKey("db-d", 3306);

  /** A: role=backup, dc=east; B: role=serving, dc=east; C: role=backup; D: no tags. */
  static final Map<InstanceKey, Map<String, String>> TAGS = Map.of(
      A, Map.of("role", "backup", "dc", "east"),
      B, Map.of("role", "serving", "dc", "east"),
      C, Map.of("role", "backup"));
  static final List<InstanceKey> KNOWN = List.of(A, B, C, UNTAGGED);

  record Parse(String text, String name, String value, boolean hasValue, boolean negate) {
    @Override
    public String toString() {
      return text;
    }
  }

  static Stream<Parse> parses() {
    return Stream.of(
        new Parse("role", "role", "", false, false),
        new Parse("role=backup", "role", "backup", true, false),
        new Parse("role=", "role", "", true, false),
        new Parse("~role", "role", "", false, true),
        new Parse("!role", "role", "", false, true),
        new Parse("~role=backup", "role", "backup", true, true),
        new Parse(" role = backup \n", "role", "backup", true, false),
        new Parse("url=http://x/?a=b", "url", "http://x/?a=b", true, false),
        new Parse("note=hi!", "note", "hi!", true, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parses")
  void parsesAsOrchestrator(Parse p) {
    InstanceTag t = InstanceTag.parse(p.text());
    assertEquals(new InstanceTag(p.name(), p.value(), p.hasValue(), p.negate()), t);
  }

  @Test
  void badTagsAreRefusedNamingTheText() {
    for (String bad : List.of("", "  ", "=x", "~", "~=x")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> InstanceTag.parse(bad));
      assertEquals("Unable to parse tag: " + bad.trim(), e.getMessage());
    }
    assertEquals("empty tag name",
        assertThrows(IllegalArgumentException.class, () -> new InstanceTag(" ", "v", true, false))
            .getMessage());
    assertEquals("Unable to parse tag: ", assertThrows(IllegalArgumentException.class,
        () -> TagQuery.parse("")).getMessage(), "orchestrator refuses an empty expression too");
    assertEquals("Unable to parse tag: ", assertThrows(IllegalArgumentException.class,
        () -> TagQuery.parse("role,")).getMessage());
  }

  record Select(String expression, List<InstanceKey> expected) {
    @Override
    public String toString() {
      return expression;
    }
  }

  static Stream<Select> selections() {
    return Stream.of(
        new Select("role", List.of(A, B, C)),
        new Select("role=backup", List.of(A, C)),
        new Select("role=nothing", List.of()),
        new Select("dc", List.of(A, B)),
        new Select("~dc", List.of(C, UNTAGGED)),
        new Select("!dc", List.of(C, UNTAGGED)),
        new Select("~role=backup", List.of(B)),
        new Select("role=backup,dc=east", List.of(A)),
        new Select("role=backup,~dc", List.of(C)),
        new Select("~role", List.of(UNTAGGED)),
        new Select("nothing", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selections")
  void selectsTheIntersectionSorted(Select s) {
    assertEquals(s.expected(), TagQuery.parse(s.expression()).select(TAGS, KNOWN));
  }

  @Test
  void aTaggedServerOrchaDoesNotKnowStillCounts() {
    InstanceKey gone = new InstanceKey("db-gone", 3306);
    Map<InstanceKey, Map<String, String>> tags = Map.of(gone, Map.of("x", "1"));
    assertEquals(List.of(gone), TagQuery.parse("x").select(tags, List.of(A)));
    assertEquals(List.of(A), TagQuery.parse("~x").select(tags, List.of(A)));
  }

  @Test
  void displayIsOrchestratorsNameEqualsValue() {
    assertEquals("role=backup", InstanceTag.parse("role=backup").display());
    assertEquals("role=", InstanceTag.parse("role").display());
  }
}
