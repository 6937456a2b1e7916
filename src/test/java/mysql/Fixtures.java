package mysql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Server answers as text fixtures under src/test/resources/mysql/. Format:
 *
 * <pre>
 * # comment
 * [variables]            name=value per line (also [status])
 * [replica status]       Column=value per line; "---" alone separates rows
 * [binlog status]        (also [replicas])
 * [binlog dump hosts]    one host per line
 * </pre>
 *
 * {@code \N} is SQL NULL; a line starting with a space continues the previous value on a new
 * line (MySQL prints long GTID sets over several lines).
 */
final class Fixtures {

  private Fixtures() {}

  static ServerAnswers load(String name) {
    String path = "/mysql/" + name;
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ServerAnswers parse(String text) {
    Map<String, List<Map<String, String>>> sections = new LinkedHashMap<>();
    List<String> dumpHosts = new ArrayList<>();
    String section = null;
    Map<String, String> row = null;
    String lastKey = null;
    for (String line : text.split("\n", -1)) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1);
        row = null;
        sections.computeIfAbsent(section, k -> new ArrayList<>());
        continue;
      }
      if (section == null) {
        throw new IllegalArgumentException("fixture line outside a section: " + line);
      }
      if (section.equals("binlog dump hosts")) {
        dumpHosts.add(line.trim());
        continue;
      }
      if (line.equals("---")) {
        row = null;
        continue;
      }
      if (line.startsWith(" ") && row != null && lastKey != null) {
        row.put(lastKey, row.get(lastKey) + "\n" + line.trim());
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("fixture line without '=': " + line);
      }
      if (row == null) {
        row = new LinkedHashMap<>();
        sections.get(section).add(row);
      }
      lastKey = line.substring(0, eq).trim();
      String value = line.substring(eq + 1);
      row.put(lastKey, value.equals("\\N") ? null : value);
    }
    return new ServerAnswers(
        single(sections.get("variables")),
        single(sections.get("status")),
        sections.getOrDefault("replica status", List.of()),
        sections.getOrDefault("binlog status", List.of()),
        sections.getOrDefault("replicas", List.of()),
        dumpHosts, Map.of(), List.of());
  }

  private static Map<String, String> single(List<Map<String, String>> rows) {
    Map<String, String> m = new LinkedHashMap<>();
    if (rows != null) {
      rows.forEach(m::putAll);
    }
    return m;
  }

  /** Writes answers in the fixture format (for capturing real servers). */
  static String format(ServerAnswers a, String header) {
    StringBuilder sb = new StringBuilder();
    for (String h : header.split("\n")) {
      sb.append("# ").append(h).append('\n');
    }
    sb.append("[variables]\n");
    a.variables().forEach((k, v) -> sb.append(k).append('=').append(value(v)).append('\n'));
    sb.append("[status]\n");
    a.status().forEach((k, v) -> sb.append(k).append('=').append(value(v)).append('\n'));
    rows(sb, "replica status", a.replicaStatus());
    rows(sb, "binlog status", a.binlogStatus());
    rows(sb, "replicas", a.replicaHosts());
    sb.append("[binlog dump hosts]\n");
    a.binlogDumpHosts().forEach(h -> sb.append(h).append('\n'));
    return sb.toString();
  }

  static void write(Path file, ServerAnswers a, String header) {
    try {
      Files.writeString(file, format(a, header));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void rows(StringBuilder sb, String name, List<Map<String, String>> rows) {
    sb.append('[').append(name).append("]\n");
    for (int i = 0; i < rows.size(); i++) {
      if (i > 0) {
        sb.append("---\n");
      }
      rows.get(i).forEach((k, v) -> sb.append(k).append('=').append(value(v)).append('\n'));
    }
  }

  private static String value(String v) {
    if (v == null) {
      return "\\N";
    }
    return v.replace("\n", "\n ");
  }
}
