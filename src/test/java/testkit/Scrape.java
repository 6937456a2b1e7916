package testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A parsed Prometheus text exposition (format 0.0.4): one sample per line,
 * {@code name{label="value",...} number}. Enough for tests to read the values they check.
 */
public final class Scrape {

  /** One sample. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private Scrape(List<Sample> samples) {
    this.samples = List.copyOf(samples);
  }

  public static Scrape parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        int close = line.lastIndexOf('}');
        parseLabels(line.substring(brace + 1, close), labels);
      } else {
        name = line.substring(0, space);
      }
      out.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1).trim())));
    }
    return new Scrape(out);
  }

  private static void parseLabels(String s, Map<String, String> labels) {
    int i = 0;
    while (i < s.length()) {
      int eq = s.indexOf('=', i);
      String key = s.substring(i, eq).trim();
      StringBuilder v = new StringBuilder();
      int j = eq + 2; // after ="
      while (s.charAt(j) != '"') {
        if (s.charAt(j) == '\\') {
          j++;
        }
        v.append(s.charAt(j++));
      }
      labels.put(key, v.toString());
      i = j + 1;
      while (i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == ' ')) {
        i++;
      }
    }
  }

  public List<Sample> samples() {
    return samples;
  }

  /** Samples of {@code name} whose labels include {@code labels} ("k", "v", ...). */
  public List<Sample> find(String name, String... labels) {
    Predicate<Sample> match = x -> {
      if (!x.name().equals(name)) {
        return false;
      }
      for (int i = 0; i < labels.length; i += 2) {
        if (!labels[i + 1].equals(x.labels().get(labels[i]))) {
          return false;
        }
      }
      return true;
    };
    return samples.stream().filter(match).toList();
  }

  /** The sum of the matching samples; NaN when none matches (the series is not exposed). */
  public double value(String name, String... labels) {
    List<Sample> l = find(name, labels);
    return l.isEmpty() ? Double.NaN : l.stream().mapToDouble(Sample::value).sum();
  }

  public boolean has(String name, String... labels) {
    return !find(name, labels).isEmpty();
  }
}
