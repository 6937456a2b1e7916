package http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import topology.Instance;
import topology.InstanceKey;
import topology.InstanceView;
import topology.Thresholds;

/**
 * The ASCII topology of one cluster, as orchestrator prints it for {@code topology},
 * {@code topology-tabulated} and {@code topology-tags} (orchestrator-api.md §8.2). Pure.
 */
public final class TopologyText {

  public enum Format {
    /** {@code host:port [lag,status,version,ro,format,extras]}, the {@code [} aligned. */
    PLAIN,
    /** {@code host:port|lag|status|version|ro|format|extras}, columns padded. */
    TABULATED,
    /** like PLAIN, plus {@code  [tag=value,...]} per line. */
    TAGS
  }

  private static final String FILLER = " ";

  private TopologyText() {}

  /**
   * Renders a cluster's instances. Lines are joined with {@code \n}, without a trailing newline.
   *
   * @param tags an instance's tags as {@code name=value} (only read for {@link Format#TAGS})
   */
  public static String render(List<InstanceView> clusterInstances, Format format,
      Thresholds thresholds, Function<InstanceKey, List<String>> tags) {
    List<InstanceView> ordered = clusterInstances.stream()
        .sorted(Comparator.comparing(InstanceView::key)).toList();
    Map<InstanceKey, InstanceView> byKey = new LinkedHashMap<>();
    ordered.forEach(v -> byKey.put(v.key(), v));

    Map<InstanceKey, List<InstanceView>> children = new LinkedHashMap<>();
    InstanceView root = null;
    for (InstanceView v : ordered) {
      InstanceKey master = v.instance().masterKey();
      if (byKey.containsKey(master)) {
        children.computeIfAbsent(master, k -> new ArrayList<>()).add(v);
      } else {
        root = v; // orchestrator: the (last) instance whose master is outside the cluster
      }
    }

    List<String> entries = new ArrayList<>();
    Line line = new Line(format, thresholds, tags);
    if (root != null) {
      walk(root, 0, children, line, entries, new HashSet<>());
    } else {
      // a co-master ring: each co-master its own branch at depth 1
      for (InstanceView v : ordered) {
        if (v.coMaster()) {
          walk(v, 1, children, line, entries, new HashSet<>());
        }
      }
    }
    return String.join("\n", format == Format.TABULATED ? tabulate(entries) : alignBrackets(entries));
  }

  private static void walk(InstanceView v, int depth, Map<InstanceKey, List<InstanceView>> children,
      Line line, List<String> out, Set<InstanceKey> onPath) {
    // a co-master is never printed below depth 1: that would walk the ring forever
    if ((v.coMaster() && depth > 1) || !onPath.add(v.key())) {
      return;
    }
    out.add(line.entry(v, depth));
    for (InstanceView child : children.getOrDefault(v.key(), List.of())) {
      walk(child, depth + 1, children, line, out, onPath);
    }
    onPath.remove(v.key());
  }

  /** Builds one entry of the tree. */
  private record Line(Format format, Thresholds thresholds,
      Function<InstanceKey, List<String>> tags) {

    String entry(InstanceView v, int depth) {
      StringBuilder sb = new StringBuilder();
      if (depth > 0) {
        sb.append(FILLER.repeat((depth - 1) * 2));
        sb.append(v.healthyReplica() ? "+ " : "- ");
      }
      sb.append(v.key().displayString());
      String alias = v.instance().labels().instanceAlias();
      if (!alias.isEmpty()) {
        sb.append(" (").append(alias).append(')');
      }
      List<String> tokens = descriptionTokens(v, thresholds);
      if (format == Format.TABULATED) {
        sb.append('|').append(String.join("|", tokens));
      } else {
        sb.append(FILLER).append('[')
            .append(String.join(",", tokens.stream().filter(t -> !t.isEmpty()).toList()))
            .append(']');
      }
      if (format == Format.TAGS) {
        sb.append(" [").append(String.join(",", tags.apply(v.key()))).append(']');
      }
      return sb.toString();
    }
  }

  /** lag, status, version, ro/rw, binlog format or nobinlog, extras (comma-joined, maybe ""). */
  static List<String> descriptionTokens(InstanceView v, Thresholds t) {
    Instance i = v.instance();
    List<String> tokens = new ArrayList<>();
    tokens.add(lagToken(v));
    tokens.add(statusToken(v, t));
    tokens.add(i.version());
    tokens.add(i.readOnly() ? "ro" : "rw");
    tokens.add(i.logBinEnabled() ? i.binlogFormat() : "nobinlog");
    List<String> extras = new ArrayList<>();
    if (i.logBinEnabled() && i.logReplicationUpdatesEnabled()) {
      extras.add(">>");
    }
    boolean usingGtid = i.replication().autoPosition()
        || i.replication().usingMariaDbGtidReplication();
    if (usingGtid || i.supportsGtid()) {
      extras.add(v.gtidErrant().isEmpty() ? "GTID" : "GTID:errant");
    }
    if (i.semiSync().masterStatus()) {
      extras.add("semi:master");
    }
    if (i.semiSync().replicaStatus()) {
      extras.add("semi:replica");
    }
    tokens.add(String.join(",", extras));
    return tokens;
  }

  static String lagToken(InstanceView v) {
    Instance i = v.instance();
    if (ApiJson.isDetached(i)) {
      return "detached";
    }
    if (!v.lastCheckValid() || !v.recentlyChecked()) {
      return "unknown";
    }
    if (i.isReplica()
        && (!i.replication().isRunning() || i.replication().secondsBehindMaster() == null)) {
      return "null";
    }
    Long lag = i.replicationLagSeconds();
    return (lag == null ? 0 : lag) + "s";
  }

  static String statusToken(InstanceView v, Thresholds t) {
    Instance i = v.instance();
    if (!v.lastCheckValid()) {
      return "invalid";
    }
    if (!v.recentlyChecked()) {
      return "unchecked";
    }
    if (i.isReplica() && !i.replication().isRunning()) {
      return "nonreplicating";
    }
    if (i.isReplica() && !reasonableMaintenanceLag(i, t)) {
      return "lag";
    }
    return "ok";
  }

  /** Seconds_Behind_Master (less SQL_Delay when delayed) within the maintenance limit. */
  private static boolean reasonableMaintenanceLag(Instance i, Thresholds t) {
    Long sbm = i.replication().secondsBehindMaster();
    long behind = sbm == null ? 0 : sbm;
    long delay = i.replication().sqlDelay();
    long effective = delay > 0 ? Math.abs(behind - delay) : behind;
    return effective <= t.reasonableMaintenanceLagSeconds();
  }

  /** Pads every entry before its first {@code [} so that all of them line up. */
  static List<String> alignBrackets(List<String> entries) {
    int max = entries.stream().mapToInt(e -> width(e, e.indexOf('['))).max().orElse(0);
    List<String> out = new ArrayList<>();
    for (String e : entries) {
      int at = e.indexOf('[');
      if (at < 0) {
        out.add(e);
        continue;
      }
      out.add(e.substring(0, at) + FILLER.repeat(max - width(e, at)) + e.substring(at));
    }
    return out;
  }

  /** Splits on {@code |}, pads columns to their widest cell (column 2 right-aligned). */
  static List<String> tabulate(List<String> entries) {
    List<String[]> rows = entries.stream().map(e -> e.split("\\|", -1)).toList();
    int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] widths = new int[columns];
    for (String[] r : rows) {
      for (int c = 0; c < r.length; c++) {
        widths[c] = Math.max(widths[c], width(r[c], r[c].length()));
      }
    }
    List<String> out = new ArrayList<>();
    for (String[] r : rows) {
      List<String> cells = new ArrayList<>();
      for (int c = 0; c < r.length; c++) {
        String pad = FILLER.repeat(widths[c] - width(r[c], r[c].length()));
        cells.add(c == 1 ? pad + r[c] : r[c] + pad);
      }
      out.add(String.join("|", cells));
    }
    return out;
  }

  private static int width(String s, int end) {
    return end < 0 ? -1 : s.codePointCount(0, end);
  }
}
