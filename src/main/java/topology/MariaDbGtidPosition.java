package topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A MariaDB GTID position such as {@code gtid_binlog_pos} or {@code gtid_current_pos}: a list
 * of {@code domain-server-seq} entries ({@code 0-10111-42,1-10112-7}). Entries are kept sorted by
 * domain, server id and sequence, without duplicates. Immutable.
 */
public record MariaDbGtidPosition(List<Gtid> entries) {

  /** One MariaDB GTID: replication domain, originating server_id, sequence number. */
  public record Gtid(long domainId, long serverId, long sequence) {
    public Gtid {
      if (domainId < 0 || serverId < 0 || sequence < 0) {
        throw new IllegalArgumentException(
            "bad MariaDB GTID " + domainId + "-" + serverId + "-" + sequence);
      }
    }

    @Override
    public String toString() {
      return domainId + "-" + serverId + "-" + sequence;
    }
  }

  private static final Comparator<Gtid> ORDER = Comparator.comparingLong(Gtid::domainId)
      .thenComparingLong(Gtid::serverId).thenComparingLong(Gtid::sequence);
  private static final Pattern GTID = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");
  private static final Pattern BLANKS = Pattern.compile("\\s+");
  /**
   * Positions already parsed, by their text: the topology is assembled (and errant GTIDs judged)
   * far more often than a server's position text changes, and parsing was a large share of the
   * assembly of a big fleet. Weak keys: an entry lives as long as some Instance holds its text.
   */
  private static final java.util.Map<String, MariaDbGtidPosition> PARSED =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  // after ORDER: the constructor sorts with it
  public static final MariaDbGtidPosition EMPTY = new MariaDbGtidPosition(List.of());

  public MariaDbGtidPosition {
    entries = entries.stream().distinct().sorted(ORDER).toList();
  }

  /**
   * Parses {@code domain-server-seq[,domain-server-seq...]}; whitespace is ignored and blank
   * text is the empty position.
   *
   * @throws IllegalArgumentException naming the text when it is not a MariaDB GTID list
   */
  public static MariaDbGtidPosition parse(String text) {
    if (text == null || text.isBlank()) {
      return EMPTY;
    }
    MariaDbGtidPosition known = PARSED.get(text);
    if (known != null) {
      return known;
    }
    MariaDbGtidPosition parsed = parseText(text);
    PARSED.put(text, parsed);
    return parsed;
  }

  private static MariaDbGtidPosition parseText(String text) {
    List<Gtid> out = new ArrayList<>();
    for (String part : BLANKS.matcher(text).replaceAll("").split(",", -1)) {
      if (part.isEmpty()) {
        continue;
      }
      Matcher m = GTID.matcher(part);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "Invalid MariaDB GTID position '" + text + "': bad entry " + part);
      }
      try {
        out.add(new Gtid(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
            Long.parseLong(m.group(3))));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Invalid MariaDB GTID position '" + text + "': bad number in " + part, e);
      }
    }
    return new MariaDbGtidPosition(out);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The highest sequence number this position has in a domain, if it has the domain. */
  public OptionalLong sequence(long domainId) {
    return entries.stream().filter(g -> g.domainId() == domainId)
        .mapToLong(Gtid::sequence).max();
  }

  /** Every server_id that appears in this position. */
  public Set<Long> serverIds() {
    return entries.stream().map(Gtid::serverId).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Both positions' entries (MariaDB positions are per domain; this keeps every entry). */
  public MariaDbGtidPosition plus(MariaDbGtidPosition other) {
    List<Gtid> all = new ArrayList<>(entries);
    all.addAll(other.entries);
    return new MariaDbGtidPosition(all);
  }

  @Override
  public String toString() {
    return entries.stream().map(Gtid::toString).collect(Collectors.joining(","));
  }
}
