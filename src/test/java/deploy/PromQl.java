package deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL for a dashboard test: the metric names an expression selects and the label
 * names it matches on or aggregates by. Functions and aggregations (a name followed by "("),
 * keywords, numbers, durations, range and subquery brackets, string literals and Grafana
 * variables ({@code $instance}, {@code ${DS}}, {@code $__rate_interval}) are not metric names.
 */
final class PromQl {

  private PromQl() {}

  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring",
      "group_left", "group_right", "and", "or", "unless", "offset", "bool", "inf", "nan",
      "atan2");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)\\}");
  private static final Pattern MATCHER_LABEL =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)");
  private static final Pattern CLAUSE = Pattern.compile(
      "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern TOKEN =
      Pattern.compile("(\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)|([A-Za-z_:][A-Za-z0-9_:]*)");

  /** The metric names {@code expr} selects, in order of appearance. */
  static Set<String> metricNames(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    s = MATCHERS.matcher(s).replaceAll(" ");
    s = s.replaceAll("\\[[^\\]]*\\]", " "); // ranges and subqueries
    s = s.replaceAll("\\$\\{[^}]*\\}|\\$[A-Za-z_][A-Za-z0-9_]*", " "); // Grafana variables
    s = CLAUSE.matcher(s).replaceAll(" ");
    s = s.replaceAll("\\boffset\\s+-?[0-9A-Za-z]+", " ");
    Set<String> out = new LinkedHashSet<>();
    Matcher m = TOKEN.matcher(s);
    while (m.find()) {
      String name = m.group(2);
      if (name == null || KEYWORDS.contains(name)) {
        continue;
      }
      int i = m.end();
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i < s.length() && s.charAt(i) == '(') {
        continue; // a function or an aggregation
      }
      out.add(name);
    }
    return out;
  }

  /** The label names {@code expr} matches on ({@code {l="v"}}) or groups by (by, on, ...). */
  static Set<String> labelNames(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    Set<String> out = new LinkedHashSet<>();
    Matcher sel = MATCHERS.matcher(s);
    while (sel.find()) {
      Matcher l = MATCHER_LABEL.matcher(sel.group(1));
      while (l.find()) {
        out.add(l.group(1));
      }
    }
    Matcher c = CLAUSE.matcher(s);
    while (c.find()) {
      for (String l : c.group(2).split(",")) {
        if (!l.isBlank()) {
          out.add(l.trim());
        }
      }
    }
    return out;
  }

  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*([A-Za-z_:][A-Za-z0-9_:]*(?:\\{[^}]*\\})?)\\s*,");

  /** The series selector of a Grafana {@code label_values(metric, label)} variable query. */
  static String labelValuesSelector(String query) {
    Matcher m = LABEL_VALUES.matcher(query);
    if (!m.find()) {
      throw new IllegalArgumentException("not label_values(metric, label): " + query);
    }
    return m.group(1);
  }
}
