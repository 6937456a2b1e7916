package hooks;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Substitutes placeholders into a hook command so that bash sees each value as data, never as
 * code (pure; no I/O).
 *
 * <p>orchestrator pastes values into the text with {@code strings.Replace}, so a cluster alias or
 * host name read from a MySQL server could run shell code. Here a small scanner walks the
 * template, tracks bash's quoting context at each placeholder, and inserts the value in the form
 * that context needs:
 * <ul>
 *   <li>unquoted: one single-quoted word, each {@code '} written as {@code '\''} (an empty value
 *       inserts nothing, as in orchestrator);
 *   <li>inside {@code '...'}: each {@code '} closes, is escaped and reopens ({@code '\''});
 *   <li>inside {@code "..."}: {@code \ " $} and backquote are backslash-escaped;
 *   <li>inside {@code $'...'}: {@code \} and {@code '} are backslash-escaped;
 *   <li>inside a {@code #} comment: newlines become spaces (a newline would end the comment);
 *   <li>a backslash directly before a placeholder is dropped (it was meant to escape the value's
 *       first character) and a {@code $} directly before one is escaped, so neither can join
 *       the value;
 *   <li>{@code $(...)} and {@code <(...)} nest: their inside is unquoted again, even within
 *       double quotes.
 * </ul>
 * Where exact quoting is not modelled — backquotes, {@code ${...}}, and everything after a
 * here-document or after {@code case} inside {@code $(...)} — a value is inserted only if it is
 * plain ({@link #PLAIN}: letters, digits, space, {@code _.:,/@%+-}); inside {@code $((...))} or
 * {@code ((...))} only an integer; inside {@code [[ ... ]]} (whose {@code -eq} evaluates operands
 * arithmetically) no value may contain {@code [ ] $ ( )} or a backquote. Otherwise the result is
 * {@link Refused} and the hook must not run. Values are inserted in one pass: a value that
 * contains a placeholder name is never substituted again. NUL characters are removed (bash
 * cannot hold them).
 *
 * <p>Out of scope: commands that parse their arguments as shell code again ({@code eval},
 * {@code sh -c}, {@code ssh host "..."}), and option injection (a value starting with {@code -}).
 */
public final class CommandRenderer {

  /** Characters that are literal in every bash context this class does not model exactly. */
  public static final Pattern PLAIN = Pattern.compile("[\\p{L}\\p{N} _.:,/@%+-]*");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
  private static final Pattern TEST_UNSAFE = Pattern.compile("[\\[\\]$()`]");

  private CommandRenderer() {}

  /** The outcome of rendering one template. */
  public sealed interface Result permits Rendered, Refused {}

  /** The command text, safe to hand to bash. */
  public record Rendered(String text) implements Result {}

  /** A placeholder whose value cannot be inserted safely where it stands. */
  public record Refused(String placeholder, String context, String reason) implements Result {
    /** For audit lines: names the placeholder and the context, never the value. */
    public String message() {
      return "refusing to substitute " + placeholder + " " + context + ": " + reason;
    }
  }

  /**
   * Replaces every occurrence of each key of {@code values} (keys include the braces, e.g.
   * {@code {failedHost}}; literal and case-sensitive) in {@code template}. Text that is not a
   * key, such as {@code {successorHost}} without a successor, is left as it is.
   */
  public static Result render(String template, Map<String, String> values) {
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(values, "values");
    return new Scanner(template, values).run();
  }

  private enum Ctx { CODE, SINGLE, DOUBLE, ANSI_C, COMMENT, BACKTICK, PARAM, ARITH }

  private static final class Frame {
    final Ctx ctx;
    /** A CODE frame opened by {@code $(} or {@code <(}: it ends at its unmatched {@code )}. */
    final boolean cmdSubst;
    int depth;
    boolean inTest;

    Frame(Ctx ctx, boolean cmdSubst) {
      this.ctx = ctx;
      this.cmdSubst = cmdSubst;
    }
  }

  /** One pass over one template; the state always describes the text emitted so far. */
  private static final class Scanner {
    private final String t;
    private final int n;
    private final Map<String, String> values;
    private final StringBuilder out;
    private final Deque<Frame> stack = new ArrayDeque<>();
    /** In a CODE frame: the next character starts a word (so {@code #} starts a comment). */
    private boolean wordStart = true;
    /** The output ends with an unescaped {@code $name} that a following letter would extend. */
    private boolean inVarName;
    private String uncertainSince;
    private Refused refusal;

    Scanner(String template, Map<String, String> values) {
      this.t = template;
      this.n = template.length();
      this.values = values;
      this.out = new StringBuilder(template.length() + 64);
      stack.push(new Frame(Ctx.CODE, false));
    }

    Result run() {
      int i = 0;
      while (i < n && refusal == null) {
        String ph = placeholderAt(i);
        if (ph != null) {
          insert(ph, values.get(ph));
          i += ph.length();
        } else {
          if (inVarName && !isNameChar(t.charAt(i))) {
            inVarName = false;
          }
          i = step(i);
        }
      }
      return refusal != null ? refusal : new Rendered(out.toString());
    }

    private String placeholderAt(int i) {
      if (i >= n || t.charAt(i) != '{') {
        return null;
      }
      int end = t.indexOf('}', i + 1);
      if (end < 0) {
        return null;
      }
      String key = t.substring(i, end + 1);
      return values.containsKey(key) ? key : null;
    }

    private char at(int i) {
      return i < n ? t.charAt(i) : '\0';
    }

    // ---- inserting a value -------------------------------------------------------------

    private void insert(String ph, String raw) {
      String v = raw == null ? "" : raw.replace("\0", "");
      Frame f = stack.peek();
      if (f.ctx == Ctx.ARITH) {
        if (!INTEGER.matcher(v).matches()) {
          refuse(ph, "inside arithmetic ((...))", "only an integer may be substituted there");
          return;
        }
        append(v);
        return;
      }
      if (uncertainSince != null || f.ctx == Ctx.BACKTICK || f.ctx == Ctx.PARAM) {
        String where = uncertainSince != null ? "after " + uncertainSince
            : f.ctx == Ctx.BACKTICK ? "inside a `...` command substitution" : "inside ${...}";
        if (!PLAIN.matcher(v).matches()) {
          refuse(ph, where, "there the value may only contain letters, digits, space and _.:,/@%+-");
          return;
        }
        append(v);
        return;
      }
      if (inTest() && TEST_UNSAFE.matcher(v).find()) {
        refuse(ph, "inside [[ ... ]]",
            "its operands may be evaluated arithmetically, so [ ] $ ( ) and ` are not allowed");
        return;
      }
      switch (f.ctx) {
        case CODE:
          if (!v.isEmpty()) {
            append("'" + v.replace("'", "'\\''") + "'");
          }
          break;
        case SINGLE:
          append(v.replace("'", "'\\''"));
          break;
        case DOUBLE:
          if (inVarName && !v.isEmpty() && isNameChar(v.charAt(0))) {
            out.append("\"\""); // "$NAME""value": the value must not extend the variable name
          }
          append(escapeDouble(v));
          break;
        case ANSI_C:
          append(v.replace("\\", "\\\\").replace("'", "\\'"));
          break;
        case COMMENT:
          append(v.replace('\n', ' '));
          break;
        default:
          throw new IllegalStateException("unhandled context " + f.ctx);
      }
    }

    /** Appends inserted text; an empty value leaves the scanner state exactly as it was. */
    private void append(String s) {
      if (!s.isEmpty()) {
        out.append(s);
        wordStart = false;
        inVarName = false;
      }
    }

    private static String escapeDouble(String v) {
      StringBuilder b = new StringBuilder(v.length() + 8);
      for (int k = 0; k < v.length(); k++) {
        char c = v.charAt(k);
        if (c == '\\' || c == '"' || c == '$' || c == '`') {
          b.append('\\');
        }
        b.append(c);
      }
      return b.toString();
    }

    private void refuse(String ph, String context, String reason) {
      refusal = new Refused(ph, context, reason);
    }

    private boolean inTest() {
      for (Frame f : stack) {
        if (f.inTest) {
          return true;
        }
      }
      return false;
    }

    private boolean inCmdSubst() {
      for (Frame f : stack) {
        if (f.cmdSubst) {
          return true;
        }
      }
      return false;
    }

    private void markUncertain(String why) {
      if (uncertainSince == null) {
        uncertainSince = why;
      }
    }

    // ---- scanning template text ----------------------------------------------------------

    /** Copies template text at {@code i} to the output, updates the context, returns next i. */
    private int step(int i) {
      switch (stack.peek().ctx) {
        case CODE:
          return code(i);
        case SINGLE:
          return single(i);
        case DOUBLE:
          return dbl(i);
        case ANSI_C:
          return ansiC(i);
        case COMMENT:
          return comment(i);
        case BACKTICK:
          return backtick(i);
        case PARAM:
          return param(i);
        case ARITH:
          return arith(i);
        default:
          throw new IllegalStateException("unhandled context " + stack.peek().ctx);
      }
    }

    private void push(Ctx ctx, boolean cmdSubst) {
      stack.push(new Frame(ctx, cmdSubst));
    }

    private void pop() {
      if (stack.size() > 1) {
        stack.pop();
      }
    }

    private int code(int i) {
      Frame f = stack.peek();
      char c = t.charAt(i);
      char next = at(i + 1);
      switch (c) {
        case '\\':
          if (placeholderAt(i + 1) != null) {
            return i + 1; // drop: bash would apply it to the value's first character
          }
          out.append(c);
          if (i + 1 < n) {
            out.append(next);
            wordStart = next == '\n' && wordStart; // backslash-newline joins lines
            return i + 2;
          }
          wordStart = false;
          return i + 1;
        case '\'':
          out.append(c);
          push(Ctx.SINGLE, false);
          wordStart = false;
          return i + 1;
        case '"':
          out.append(c);
          push(Ctx.DOUBLE, false);
          wordStart = false;
          return i + 1;
        case '`':
          out.append(c);
          push(Ctx.BACKTICK, false);
          wordStart = false;
          return i + 1;
        case '$':
          return dollar(i, true);
        case '#':
          out.append(c);
          if (wordStart) {
            push(Ctx.COMMENT, false);
          }
          wordStart = false;
          return i + 1;
        case '(':
          if (wordStart && next == '(') {
            out.append("((");
            push(Ctx.ARITH, false);
            return i + 2;
          }
          out.append(c);
          if (f.cmdSubst) {
            f.depth++;
          }
          wordStart = true;
          return i + 1;
        case ')':
          out.append(c);
          if (f.cmdSubst) {
            if (f.depth == 0) {
              pop();
              wordStart = false;
              return i + 1;
            }
            f.depth--;
          }
          wordStart = true;
          return i + 1;
        case '<':
        case '>':
          if (next == '(') {
            out.append(c).append('(');
            push(Ctx.CODE, true);
            wordStart = true;
            return i + 2;
          }
          if (c == '<' && next == '<') {
            if (at(i + 2) == '<') {
              out.append("<<<");
              wordStart = true;
              return i + 3;
            }
            markUncertain("a here-document (<<)");
            out.append("<<");
            wordStart = true;
            return i + 2;
          }
          out.append(c);
          wordStart = true;
          return i + 1;
        case '[':
          if (wordStart && next == '[' && (i + 2 >= n || isBlank(at(i + 2)))) {
            out.append("[[");
            f.inTest = true;
            wordStart = false;
            return i + 2;
          }
          break;
        case ']':
          if (f.inTest && wordStart && next == ']'
              && (i + 2 >= n || isSeparator(at(i + 2)))) {
            out.append("]]");
            f.inTest = false;
            wordStart = false;
            return i + 2;
          }
          break;
        case ' ':
        case '\t':
        case '\n':
        case ';':
        case '&':
        case '|':
          out.append(c);
          wordStart = true;
          return i + 1;
        default:
          break;
      }
      if (wordStart && inCmdSubst() && t.startsWith("case", i) && isBlank(at(i + 4))) {
        // case patterns end in an unmatched ')', which this scanner would take for the end
        // of the $(...): from here on it no longer knows the context for sure.
        markUncertain("'case' inside a $(...) command substitution");
      }
      out.append(c);
      wordStart = false;
      return i + 1;
    }

    /** {@code $} in CODE ({@code inCode}) or inside double quotes. */
    private int dollar(int i, boolean inCode) {
      char next = at(i + 1);
      if (placeholderAt(i + 1) != null) {
        out.append("\\$"); // a literal $, so it cannot combine with the value
        wordStart = false;
        return i + 1;
      }
      if (inCode && next == '\'') {
        out.append("$'");
        push(Ctx.ANSI_C, false);
        wordStart = false;
        return i + 2;
      }
      if (inCode && next == '"') {
        out.append("$\"");
        push(Ctx.DOUBLE, false);
        wordStart = false;
        return i + 2;
      }
      if (next == '(' && at(i + 2) == '(') {
        out.append("$((");
        push(Ctx.ARITH, false);
        wordStart = false;
        return i + 3;
      }
      if (next == '(') {
        out.append("$(");
        push(Ctx.CODE, true);
        wordStart = true;
        return i + 2;
      }
      if (next == '{') {
        out.append("${");
        push(Ctx.PARAM, false);
        wordStart = false;
        return i + 2;
      }
      if (next == '[') {
        markUncertain("$[...] arithmetic");
      }
      out.append('$');
      inVarName = isNameStart(next);
      wordStart = false;
      return i + 1;
    }

    private int single(int i) {
      char c = t.charAt(i);
      out.append(c);
      if (c == '\'') {
        pop();
        wordStart = false;
      }
      return i + 1;
    }

    private int dbl(int i) {
      char c = t.charAt(i);
      switch (c) {
        case '\\':
          if (placeholderAt(i + 1) != null) {
            return i + 1;
          }
          return copyEscaped(i);
        case '"':
          out.append(c);
          pop();
          wordStart = false;
          return i + 1;
        case '`':
          out.append(c);
          push(Ctx.BACKTICK, false);
          return i + 1;
        case '$':
          return dollar(i, false);
        default:
          out.append(c);
          return i + 1;
      }
    }

    private int ansiC(int i) {
      char c = t.charAt(i);
      if (c == '\\') {
        if (placeholderAt(i + 1) != null) {
          return i + 1;
        }
        return copyEscaped(i);
      }
      out.append(c);
      if (c == '\'') {
        pop();
        wordStart = false;
      }
      return i + 1;
    }

    private int comment(int i) {
      char c = t.charAt(i);
      out.append(c);
      if (c == '\n') {
        pop();
        wordStart = true;
      }
      return i + 1;
    }

    private int backtick(int i) {
      char c = t.charAt(i);
      switch (c) {
        case '\\':
          if (placeholderAt(i + 1) != null) {
            return i + 1;
          }
          return copyEscaped(i);
        case '`':
          out.append(c);
          pop();
          wordStart = false;
          return i + 1;
        case '$':
          return restrictedDollar(i, "inside a `...` command substitution");
        default:
          out.append(c);
          return i + 1;
      }
    }

    private int param(int i) {
      Frame f = stack.peek();
      char c = t.charAt(i);
      switch (c) {
        case '\\':
          if (placeholderAt(i + 1) != null) {
            return i + 1;
          }
          return copyEscaped(i);
        case '{':
          f.depth++;
          break;
        case '}':
          if (f.depth == 0) {
            out.append(c);
            pop();
            wordStart = false;
            return i + 1;
          }
          f.depth--;
          break;
        case '\'':
        case '"':
        case '`':
          markUncertain("quotes inside ${...}");
          break;
        case '$':
          if (at(i + 1) == '(') {
            markUncertain("a substitution inside ${...}");
          }
          return restrictedDollar(i, "inside ${...}");
        default:
          break;
      }
      out.append(c);
      return i + 1;
    }

    private int arith(int i) {
      Frame f = stack.peek();
      char c = t.charAt(i);
      switch (c) {
        case '(':
          f.depth++;
          break;
        case ')':
          if (f.depth > 0) {
            f.depth--;
            break;
          }
          if (at(i + 1) == ')') {
            out.append("))");
            pop();
            wordStart = false;
            return i + 2;
          }
          markUncertain("unbalanced parentheses in ((...))");
          out.append(c);
          pop();
          return i + 1;
        case '\'':
        case '"':
        case '`':
        case '\\':
          markUncertain("quotes inside ((...))");
          break;
        case '$':
          if (at(i + 1) == '(') {
            markUncertain("a substitution inside ((...))");
          }
          return restrictedDollar(i, "inside arithmetic ((...))");
        default:
          break;
      }
      out.append(c);
      return i + 1;
    }

    /** A {@code $} in a context without exact quoting: it must not precede a placeholder. */
    private int restrictedDollar(int i, String where) {
      String ph = placeholderAt(i + 1);
      if (ph != null) {
        refuse(ph, where, "a $ directly before a placeholder would expand the value");
        return n;
      }
      out.append('$');
      return i + 1;
    }

    /** A backslash and the character it escapes, copied as they are. */
    private int copyEscaped(int i) {
      out.append('\\');
      if (i + 1 < n) {
        out.append(t.charAt(i + 1));
        return i + 2;
      }
      return i + 1;
    }

    private static boolean isBlank(char c) {
      return c == ' ' || c == '\t' || c == '\n';
    }

    private static boolean isSeparator(char c) {
      return isBlank(c) || c == ';' || c == '&' || c == '|' || c == ')';
    }

    private static boolean isNameStart(char c) {
      return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNameChar(char c) {
      return isNameStart(c) || (c >= '0' && c <= '9');
    }
  }
}
