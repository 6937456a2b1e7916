package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GtidSetTest {

  static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  static final String B = "4f22ab58-82db-22f2-af44-d91bba530673";
  static final String C = "00000000-0000-0000-0000-000000010111";

  record Parse(String name, String text, String canonical) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Parse> parses() {
    return Stream.of(
        new Parse("empty text is the empty set", "", ""),
        new Parse("null is the empty set", null, ""),
        new Parse("single transaction", A + ":7", A + ":7"),
        new Parse("interval", A + ":1-5", A + ":1-5"),
        new Parse("upper-case UUID is lowered", A.toUpperCase() + ":1-5", A + ":1-5"),
        new Parse("UUID without dashes", A.replace("-", "") + ":1-5", A + ":1-5"),
        new Parse("intervals sorted and merged", A + ":7:1-3:4-5:9-10:10-12", A + ":1-5:7:9-12"),
        new Parse("overlapping intervals merge", A + ":1-10:5-7:2-3", A + ":1-10"),
        new Parse("UUIDs sorted", B + ":1-3," + A + ":1-5", A + ":1-5," + B + ":1-3"),
        new Parse("gtid_executed newlines and spaces", A + ":1-5,\n " + B + ":1-3",
            A + ":1-5," + B + ":1-3"),
        new Parse("same UUID twice is one member", A + ":1-3," + A + ":5", A + ":1-3:5"),
        new Parse("MySQL 8.4 tags kept per tag, untagged first",
            A + ":Blue:1-2," + A + ":1-5:alpha:7", A + ":1-5:alpha:7:blue:1-2"),
        new Parse("trailing comma ignored", A + ":1-5,", A + ":1-5"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parses")
  void parsesToCanonicalText(Parse p) {
    GtidSet s = GtidSet.parse(p.text());
    assertEquals(p.canonical(), s.toString());
    assertEquals(s, GtidSet.parse(s.toString()), "canonical text parses back to the same set");
  }

  record Bad(String name, String text) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> bad() {
    return Stream.of(
        new Bad("not a UUID", "nonsense:1-5"),
        new Bad("no intervals", A),
        new Bad("interval backwards", A + ":5-1"),
        new Bad("transaction zero", A + ":0"),
        new Bad("letters for numbers", A + ":1-x"),
        new Bad("tag without intervals", A + ":1-5:tag"),
        new Bad("MariaDB text", "0-10111-42"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bad")
  void rejectsBadTextNamingIt(Bad b) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GtidSet.parse(b.text()));
    assertTrue(e.getMessage().contains(b.text()), e.getMessage());
  }

  record Op(String name, String left, String right, String minus, String plus) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Op> ops() {
    return Stream.of(
        new Op("equal sets", A + ":1-5", A + ":1-5", "", A + ":1-5"),
        new Op("subset", A + ":1-3", A + ":1-5", "", A + ":1-5"),
        new Op("hole in the middle", A + ":1-10", A + ":4-6", A + ":1-3:7-10", A + ":1-10"),
        new Op("several UUIDs and intervals", A + ":1-10:20-30," + B + ":1-5",
            A + ":5-25," + C + ":1-2", A + ":1-4:26-30," + B + ":1-5",
            C + ":1-2," + A + ":1-30," + B + ":1-5"),
        new Op("other UUID only", A + ":1-3", B + ":1-3", A + ":1-3",
            A + ":1-3," + B + ":1-3"),
        new Op("removing from the empty set", "", A + ":1-3", "", A + ":1-3"),
        new Op("tags are separate", A + ":1-3:t:1-3", A + ":t:1-3", A + ":1-3", A + ":1-3:t:1-3"),
        new Op("edges", A + ":1-9223372036854775807", A + ":2-9223372036854775807", A + ":1",
            A + ":1-9223372036854775807"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ops")
  void subtractsAndUnites(Op o) {
    GtidSet l = GtidSet.parse(o.left());
    GtidSet r = GtidSet.parse(o.right());
    assertEquals(GtidSet.parse(o.minus()), l.subtract(r));
    assertEquals(GtidSet.parse(o.plus()), l.union(r));
    assertEquals(o.minus().isEmpty(), l.subtract(r).isEmpty());
  }

  @Test
  void withoutUuidsDropsEveryTagOfThem() {
    GtidSet s = GtidSet.parse(A + ":1-5:t:1," + B + ":1-3");
    assertEquals(B + ":1-3", s.withoutUuids(List.of(A.toUpperCase())).toString());
    assertTrue(s.withoutUuids(List.of(A, B)).isEmpty());
    assertFalse(s.isEmpty());
    assertTrue(s.containsAll(GtidSet.parse(A + ":2-4")));
    assertFalse(s.containsAll(GtidSet.parse(A + ":2-6")));
  }

  @Test
  void mariaDbPositionsParseSortAndRender() {
    MariaDbGtidPosition p = MariaDbGtidPosition.parse(" 1-10112-7,\n0-10111-42 ");
    assertEquals("0-10111-42,1-10112-7", p.toString());
    assertEquals(42, p.sequence(0).orElseThrow());
    assertTrue(p.sequence(2).isEmpty());
    assertEquals(java.util.Set.of(10111L, 10112L), p.serverIds());
    assertTrue(MariaDbGtidPosition.parse("").isEmpty());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MariaDbGtidPosition.parse("0-10111"));
    assertTrue(e.getMessage().contains("0-10111"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MariaDbGtidPosition.parse(A + ":1-5"));
  }
}
