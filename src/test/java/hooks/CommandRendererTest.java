package hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case renders a template with a value, runs the result with bash, and checks that bash
 * printed exactly the expected text and that no injected command ran (the marker file that a
 * hostile value tries to create must not exist).
 */
class CommandRendererTest {

  /** Replaced in hostile values by the marker file's path. */
  private static final String MARK = "@MARK@";
  private static final String PH = "{failureClusterAlias}";

  @TempDir
  Path dir;

  /** A quoting context: a template around {@code PH} and what bash prints for value v. */
  private record Context(String name, String template, String prefix, String suffix,
      boolean valueVisible) {
    String expected(String v) {
      return valueVisible ? prefix + v + suffix : prefix + suffix;
    }
  }

  private static final List<Context> CONTEXTS = List.of(
      new Context("unquoted", "printf '%s' " + PH, "", "", true),
      new Context("unquoted, joined to words", "printf '%s' pre" + PH + "post", "pre", "post",
          true),
      new Context("single quotes", "printf '%s' 'pre " + PH + " post'", "pre ", " post", true),
      new Context("double quotes", "printf '%s' \"pre " + PH + " post\"", "pre ", " post", true),
      new Context("after a backslash, unquoted", "printf '%s' \\" + PH, "", "", true),
      new Context("after a backslash, in double quotes", "printf '%s' \"\\" + PH + "\"", "", "",
          true),
      new Context("ANSI-C quotes", "printf '%s' $'a" + PH + "b'", "a", "b", true),
      new Context("after a $, unquoted", "printf '%s' $" + PH, "$", "", true),
      new Context("after a $, in double quotes", "printf '%s' \"$" + PH + "\"", "$", "", true),
      new Context("after $NAME in double quotes", "V=pre; printf '%s' \"$V" + PH + "\"", "pre",
          "", true),
      new Context("$(...) inside double quotes",
          "printf '%s' \"$(printf '%s.' " + PH + ")\"", "", ".", true),
      new Context("double quotes inside $(...) inside double quotes",
          "printf '%s' \"$(printf '%s.' \"" + PH + "\")\"", "", ".", true),
      new Context("comment", "printf '%s' ok # " + PH, "ok", "", false),
      new Context("orchestrator's typical echo",
          "echo -n 'Detected on " + PH + ". Affected replicas: {countSlaves}'",
          "Detected on ", ". Affected replicas: 2", true));

  private record Hostile(String name, String value) {}

  private static final List<Hostile> VALUES = List.of(
      new Hostile("plain host", "db-1.example.com"),
      new Hostile("empty", ""),
      new Hostile("single quote breakout", "x'; touch " + MARK + "; echo '"),
      new Hostile("command substitution", "$(touch " + MARK + ")"),
      new Hostile("backquotes", "`touch " + MARK + "`"),
      new Hostile("double quote", "a\"b"),
      new Hostile("double quote breakout", "a\"; touch " + MARK + "; echo \""),
      new Hostile("backslash", "\\"),
      new Hostile("trailing backslash", "a\\"),
      new Hostile("backslash quote", "\\'; touch " + MARK + "; echo \\'"),
      new Hostile("newline", "a\ntouch " + MARK + "\n"),
      new Hostile("parenthesis breakout", "a); touch " + MARK + "; (echo"),
      new Hostile("variable", "$HOME ${HOME} $((1+1))"),
      new Hostile("glob and spaces", "*  ? [a]  b"),
      new Hostile("lone single quote", "'"),
      new Hostile("ANSI-C breakout", "$'\\x27'; touch " + MARK + " #"),
      new Hostile("placeholder-looking value", "{failedPort}{countSlaves}"),
      new Hostile("semicolon and pipe", "a; touch " + MARK + " | cat & wait"),
      new Hostile("tab and unicode", "tab\there ü ✓"));

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Context c : CONTEXTS) {
      for (Hostile h : VALUES) {
        all.add(Arguments.of(c.name() + " / " + h.name(), c, h));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void bashSeesExactlyTheValue(String name, Context context, Hostile hostile) throws Exception {
    Path marker = dir.resolve("pwned");
    String value = hostile.value().replace(MARK, marker.toString());
    Map<String, String> values = Map.of(PH, value, "{countSlaves}", "2", "{failedPort}", "3306");

    CommandRenderer.Result r = CommandRenderer.render(context.template(), values);

    CommandRenderer.Rendered rendered = assertInstanceOf(CommandRenderer.Rendered.class, r);
    Bash run = bash(rendered.text());
    assertEquals(0, run.exit(), () -> "bash failed on: " + rendered.text() + "\n" + run.err());
    assertEquals(context.expected(value), run.out(), () -> "rendered: " + rendered.text());
    assertFalse(Files.exists(marker), () -> "injected command ran; rendered: " + rendered.text());
  }

  @Test
  void unquotedValuesAreSingleQuotedWords() {
    assertEquals("notify 'db1' '3306'", text("notify {failedHost} {failedPort}",
        Map.of("{failedHost}", "db1", "{failedPort}", "3306")));
    assertEquals("x 'a'\\''b'", text("x {failedHost}", Map.of("{failedHost}", "a'b")));
  }

  @Test
  void doubleQuotedValuesAreBackslashEscaped() {
    assertEquals("curl -s \"http://x/?host=a\\$b\\\"c\\`d\\\\e\"",
        text("curl -s \"http://x/?host={failedHost}\"", Map.of("{failedHost}", "a$b\"c`d\\e")));
  }

  @Test
  void absentPlaceholdersStayLiteral() {
    String t = "echo '{successorHost}:{successorPort}' {failedHost}";
    assertEquals("echo '{successorHost}:{successorPort}' 'db1'",
        text(t, Map.of("{failedHost}", "db1")));
  }

  @Test
  void valuesAreNotSubstitutedAgain() {
    assertEquals("echo '{failedPort}' '3306'", text("echo {failedHost} {failedPort}",
        Map.of("{failedHost}", "{failedPort}", "{failedPort}", "3306")));
  }

  @Test
  void allOccurrencesAreReplacedAndNamesAreCaseSensitive() {
    assertEquals("echo 'a' 'a' {FailedHost}", text("echo {failedHost} {failedHost} {FailedHost}",
        Map.of("{failedHost}", "a")));
  }

  @Test
  void nulCharactersAreRemoved() {
    assertEquals("echo 'ab'", text("echo {failedHost}", Map.of("{failedHost}", "a\0b")));
  }

  /** Contexts without exact quoting: plain values pass (and run), others are refused. */
  private record Restricted(String name, String template, String plainValue, String expected) {}

  static Stream<Arguments> restricted() {
    return Stream.of(
        new Restricted("backquotes", "printf '%s' `printf '%s' " + PH + "`", "db-1.x:3306",
            "db-1.x:3306"),
        new Restricted("${...} default", "printf '%s' \"${UNSET_VAR:-" + PH + "}\"",
            "db-1 x", "db-1 x"),
        new Restricted("here-document", "cat <<EOF\n" + PH + "\nEOF", "db 1", "db 1\n"),
        new Restricted("after a here-document", "cat <<EOF\nx\nEOF\nprintf '%s' \"" + PH + "\"",
            "db1", "x\ndb1"),
        new Restricted("case inside $(...)",
            "printf '%s' \"$(case a in a) printf '%s' " + PH + ";; esac)\"", "db1", "db1"))
        .map(r -> Arguments.of(r.name(), r));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("restricted")
  void restrictedContextsTakePlainValues(String name, Restricted c) throws Exception {
    CommandRenderer.Rendered r = assertInstanceOf(CommandRenderer.Rendered.class,
        CommandRenderer.render(c.template(), Map.of(PH, c.plainValue())));
    Bash run = bash(r.text());
    assertEquals(c.expected(), run.out(), () -> "rendered: " + r.text() + "\n" + run.err());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("restricted")
  void restrictedContextsRefuseOtherValues(String name, Restricted c) {
    for (String v : List.of("$(touch x)", "a'b", "a\nb", "`id`", "a\\b", "a=b", "a;b", "*")) {
      CommandRenderer.Refused refused = assertInstanceOf(CommandRenderer.Refused.class,
          CommandRenderer.render(c.template(), Map.of(PH, v)), v);
      assertEquals(PH, refused.placeholder());
      assertFalse(refused.message().contains(v), "the refusal must not repeat the value");
    }
  }

  @Test
  void arithmeticTakesOnlyIntegers() throws Exception {
    String t = "printf '%s' $(( {countReplicas} + 1 )); (( {countReplicas} > 0 )) && echo -n y";
    CommandRenderer.Rendered ok = assertInstanceOf(CommandRenderer.Rendered.class,
        CommandRenderer.render(t, Map.of("{countReplicas}", "2")));
    assertEquals("3y", bash(ok.text()).out());
    for (String v : List.of("x[$(touch p)]", "ORC_FAILED_HOST", "1+1", "")) {
      assertInstanceOf(CommandRenderer.Refused.class,
          CommandRenderer.render(t, Map.of("{countReplicas}", v)), v);
    }
  }

  @Test
  void doubleBracketTestsRefuseArithmeticInjection() throws Exception {
    Path marker = dir.resolve("pwned");
    String t = "[[ '{failedHost}' -eq 0 ]] && printf y";
    assertInstanceOf(CommandRenderer.Refused.class, CommandRenderer.render(t,
        Map.of("{failedHost}", "a[$(touch " + marker + ")]")));
    CommandRenderer.Rendered ok = assertInstanceOf(CommandRenderer.Rendered.class,
        CommandRenderer.render("[[ \"{failureType}\" == DeadMaster ]] && printf y",
            Map.of("{failureType}", "DeadMaster")));
    assertEquals("y", bash(ok.text()).out());
    assertFalse(Files.exists(marker));
  }

  @Test
  void aDollarBeforeAPlaceholderInBackquotesIsRefused() {
    CommandRenderer.Refused r = assertInstanceOf(CommandRenderer.Refused.class,
        CommandRenderer.render("echo `echo ${failedHost}`", Map.of("{failedHost}", "db1")));
    assertTrue(r.message().contains("{failedHost}"), r.message());
  }

  // ---- running bash -------------------------------------------------------------------------

  private record Bash(int exit, String out, String err) {}

  private static String text(String template, Map<String, String> values) {
    return assertInstanceOf(CommandRenderer.Rendered.class,
        CommandRenderer.render(template, values)).text();
  }

  private Bash bash(String script) throws IOException, InterruptedException {
    Path file = Files.createTempFile(dir, "render-", ".sh");
    Files.writeString(file, script, StandardCharsets.UTF_8);
    Path out = dir.resolve(file.getFileName() + ".out");
    Path err = dir.resolve(file.getFileName() + ".err");
    Process p = new ProcessBuilder("bash", file.toString()).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bash did not finish: " + script);
    }
    return new Bash(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
