package mysql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one probe read from a server, as the server said it: rows of column name to text value
 * (SQL NULL as Java null). {@link InstanceParser} turns this into a {@code topology.Instance};
 * test fixtures are written in this shape, so the parsing is tested on captured answers.
 *
 * @param variables global variables, names lower-cased (absent = the server has no such variable)
 * @param status global status, names lower-cased
 * @param replicaStatus rows of SHOW SLAVE STATUS / SHOW REPLICA STATUS (none = not a replica)
 * @param binlogStatus rows of SHOW MASTER STATUS / SHOW BINARY LOG STATUS (none = no binlog)
 * @param replicaHosts rows of SHOW SLAVE HOSTS / SHOW REPLICAS (none when not asked)
 * @param binlogDumpHosts client hosts of the binlog dump threads (none when not asked)
 * @param custom the custom queries that ran, with their answers
 * @param warnings what could not be read while the probe otherwise succeeded
 */
public record ServerAnswers(
    Map<String, String> variables,
    Map<String, String> status,
    List<Map<String, String>> replicaStatus,
    List<Map<String, String>> binlogStatus,
    List<Map<String, String>> replicaHosts,
    List<String> binlogDumpHosts,
    Map<CustomQuery, CustomAnswer> custom,
    List<String> warnings) {

  public ServerAnswers {
    variables = lowerKeys(variables);
    status = lowerKeys(status);
    replicaStatus = rows(replicaStatus);
    binlogStatus = rows(binlogStatus);
    replicaHosts = rows(replicaHosts);
    binlogDumpHosts = binlogDumpHosts == null ? List.of() : List.copyOf(binlogDumpHosts);
    EnumMap<CustomQuery, CustomAnswer> c = new EnumMap<>(CustomQuery.class);
    if (custom != null) {
      c.putAll(custom);
    }
    custom = Collections.unmodifiableMap(c);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** The answer of one custom query: its first column of its first row, no row, or an error. */
  public record CustomAnswer(boolean hasRow, String value, String error) {

    public static CustomAnswer value(String value) {
      return new CustomAnswer(true, value, null);
    }

    public static CustomAnswer noRow() {
      return new CustomAnswer(false, null, null);
    }

    public static CustomAnswer failed(String error) {
      return new CustomAnswer(false, null, error == null ? "failed" : error);
    }

    public boolean failed() {
      return error != null;
    }
  }

  /** Turns {@code SHOW ... VARIABLES/STATUS} rows (Variable_name, Value) into name → value. */
  public static Map<String, String> nameValue(List<Map<String, String>> rows) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Map<String, String> row : rows) {
      Map<String, String> ci = caseInsensitive(row);
      String name = ci.get("Variable_name");
      if (name != null) {
        m.put(name.toLowerCase(Locale.ROOT), ci.get("Value"));
      }
    }
    return m;
  }

  public ServerAnswers withWarnings(List<String> more) {
    List<String> w = new ArrayList<>(warnings);
    w.addAll(more);
    return new ServerAnswers(variables, status, replicaStatus, binlogStatus, replicaHosts,
        binlogDumpHosts, custom, w);
  }

  static Map<String, String> caseInsensitive(Map<String, String> row) {
    Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    m.putAll(row);
    return m;
  }

  private static Map<String, String> lowerKeys(Map<String, String> in) {
    Map<String, String> m = new LinkedHashMap<>();
    if (in != null) {
      in.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    }
    return Collections.unmodifiableMap(m);
  }

  private static List<Map<String, String>> rows(List<Map<String, String>> in) {
    if (in == null) {
      return List.of();
    }
    List<Map<String, String>> out = new ArrayList<>(in.size());
    for (Map<String, String> row : in) {
      // keeps NULLs (Map.copyOf would refuse them) and the server's column order
      out.add(Collections.unmodifiableMap(new LinkedHashMap<>(row)));
    }
    return Collections.unmodifiableList(out);
  }
}
