package topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A MySQL GTID set ({@code uuid:1-5:7,uuid2:1-3}), normalised: UUIDs in lower case and sorted,
 * intervals sorted and merged, empty members dropped. MySQL 8.3+ tagged GTIDs
 * ({@code uuid:1-5:tag:1-3}) are kept per tag. Immutable; {@link #toString()} is MySQL's canonical
 * text with {@code ","} between UUIDs (MySQL itself prints {@code ",\n"}; orcha keeps API
 * strings on one line).
 */
public final class GtidSet {

  /** A closed interval of transaction numbers, {@code start <= end}, both at least 1. */
  public record Interval(long start, long end) {
    public Interval {
      if (start < 1 || end < start) {
        throw new IllegalArgumentException("bad GTID interval " + start + "-" + end);
      }
    }

    @Override
    public String toString() {
      return start == end ? Long.toString(start) : start + "-" + end;
    }
  }

  public static final GtidSet EMPTY = new GtidSet(new TreeMap<>());

  private static final Pattern UUID_DASHED =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern UUID_BARE = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern TAG = Pattern.compile("[a-z_][a-z0-9_]{0,31}");
  private static final Pattern INTERVAL = Pattern.compile("(\\d+)(?:-(\\d+))?");

  /** uuid -> tag ("" = untagged) -> sorted, disjoint, non-adjacent intervals. */
  private final SortedMap<String, SortedMap<String, List<Interval>>> members;

  private GtidSet(SortedMap<String, SortedMap<String, List<Interval>>> members) {
    this.members = members;
  }

  /**
   * Parses MySQL's text form. Whitespace (including the newlines of {@code @@gtid_executed}) is
   * ignored; {@code null} and blank text are the empty set.
   *
   * @throws IllegalArgumentException naming the text when it is not a GTID set
   */
  public static GtidSet parse(String text) {
    if (text == null || text.isBlank()) {
      return EMPTY;
    }
    String compact = text.replaceAll("\\s+", "");
    Builder b = new Builder();
    for (String member : compact.split(",", -1)) {
      if (member.isEmpty()) {
        continue;
      }
      String[] parts = member.split(":", -1);
      String uuid = uuid(parts[0], text);
      if (parts.length < 2) {
        throw bad(text, "no intervals after " + parts[0]);
      }
      String tag = "";
      boolean sawInterval = false;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].toLowerCase(Locale.ROOT);
        var m = INTERVAL.matcher(p);
        if (m.matches()) {
          long start = number(m.group(1), text);
          long end = m.group(2) == null ? start : number(m.group(2), text);
          if (start < 1 || end < start) {
            throw bad(text, "bad interval " + parts[i]);
          }
          b.add(uuid, tag, new Interval(start, end));
          sawInterval = true;
        } else if (TAG.matcher(p).matches()) {
          if (i == parts.length - 1) {
            throw bad(text, "tag " + parts[i] + " without intervals");
          }
          tag = p;
        } else {
          throw bad(text, "bad interval " + parts[i]);
        }
      }
      if (!sawInterval) {
        throw bad(text, "no intervals after " + parts[0]);
      }
    }
    return b.build();
  }

  private static String uuid(String s, String text) {
    String u = s.toLowerCase(Locale.ROOT);
    if (UUID_DASHED.matcher(u).matches()) {
      return u;
    }
    if (UUID_BARE.matcher(u).matches()) {
      return u.substring(0, 8) + "-" + u.substring(8, 12) + "-" + u.substring(12, 16) + "-"
          + u.substring(16, 20) + "-" + u.substring(20);
    }
    throw bad(text, "bad UUID " + s);
  }

  private static long number(String s, String text) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw bad(text, "bad number " + s);
    }
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("Invalid GTID set '" + text + "': " + why);
  }

  public boolean isEmpty() {
    return members.isEmpty();
  }

  /** The UUIDs with at least one transaction, sorted. */
  public Set<String> uuids() {
    return Collections.unmodifiableSet(members.keySet());
  }

  /** The intervals of one UUID (untagged), empty when none. */
  public List<Interval> intervals(String uuid) {
    var tags = members.get(uuid.toLowerCase(Locale.ROOT));
    return tags == null ? List.of() : tags.getOrDefault("", List.of());
  }

  /** Transactions in this set and not in {@code other} (MySQL's GTID_SUBTRACT). */
  public GtidSet subtract(GtidSet other) {
    Builder b = new Builder();
    members.forEach((uuid, tags) -> tags.forEach((tag, intervals) -> {
      List<Interval> remove = other.members.getOrDefault(uuid, Collections.emptySortedMap())
          .getOrDefault(tag, List.of());
      for (Interval i : subtract(intervals, remove)) {
        b.add(uuid, tag, i);
      }
    }));
    return b.build();
  }

  /** Transactions in either set. */
  public GtidSet union(GtidSet other) {
    Builder b = new Builder();
    for (GtidSet s : List.of(this, other)) {
      s.members.forEach((uuid, tags) -> tags.forEach((tag, intervals) ->
          intervals.forEach(i -> b.add(uuid, tag, i))));
    }
    return b.build();
  }

  /** This set without any transaction of the given UUIDs (all their tags). */
  public GtidSet withoutUuids(Collection<String> uuids) {
    Set<String> drop = new HashSet<>();
    uuids.forEach(u -> drop.add(u.trim().toLowerCase(Locale.ROOT)));
    SortedMap<String, SortedMap<String, List<Interval>>> kept = new TreeMap<>(members);
    kept.keySet().removeAll(drop);
    return kept.size() == members.size() ? this : new GtidSet(kept);
  }

  /** Every transaction of {@code other} is in this set. */
  public boolean containsAll(GtidSet other) {
    return other.subtract(this).isEmpty();
  }

  private static List<Interval> subtract(List<Interval> from, List<Interval> remove) {
    List<Interval> out = new ArrayList<>();
    for (Interval i : from) {
      long start = i.start();
      long end = i.end();
      for (Interval r : remove) {
        if (r.end() < start || r.start() > end) {
          continue;
        }
        if (r.start() > start) {
          out.add(new Interval(start, r.start() - 1));
        }
        if (r.end() >= end) {
          start = 0; // the rest is removed (and r.end() + 1 could overflow)
          break;
        }
        start = r.end() + 1;
      }
      if (start >= 1 && start <= end) {
        out.add(new Interval(start, end));
      }
    }
    return out;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    members.forEach((uuid, tags) -> {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(uuid);
      tags.forEach((tag, intervals) -> {
        if (!tag.isEmpty()) {
          sb.append(':').append(tag);
        }
        intervals.forEach(i -> sb.append(':').append(i));
      });
    });
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GtidSet g && members.equals(g.members);
  }

  @Override
  public int hashCode() {
    return members.hashCode();
  }

  /** Collects intervals in any order and normalises them. */
  private static final class Builder {
    private final SortedMap<String, SortedMap<String, List<Interval>>> raw = new TreeMap<>();

    void add(String uuid, String tag, Interval i) {
      raw.computeIfAbsent(uuid, u -> new TreeMap<>())
          .computeIfAbsent(tag, t -> new ArrayList<>()).add(i);
    }

    GtidSet build() {
      if (raw.isEmpty()) {
        return EMPTY;
      }
      SortedMap<String, SortedMap<String, List<Interval>>> out = new TreeMap<>();
      for (Map.Entry<String, SortedMap<String, List<Interval>>> u : raw.entrySet()) {
        SortedMap<String, List<Interval>> tags = new TreeMap<>();
        u.getValue().forEach((tag, intervals) -> tags.put(tag, merge(intervals)));
        out.put(u.getKey(), Collections.unmodifiableSortedMap(tags));
      }
      return new GtidSet(Collections.unmodifiableSortedMap(out));
    }

    private static List<Interval> merge(List<Interval> intervals) {
      List<Interval> sorted = new ArrayList<>(intervals);
      sorted.sort((a, b) -> Long.compare(a.start(), b.start()));
      List<Interval> merged = new ArrayList<>();
      for (Interval i : sorted) {
        if (!merged.isEmpty()) {
          Interval last = merged.get(merged.size() - 1);
          // adjacent intervals merge too: 1-3:4-5 is 1-5
          if (i.start() - 1 <= last.end()) {
            merged.set(merged.size() - 1,
                new Interval(last.start(), Math.max(last.end(), i.end())));
            continue;
          }
        }
        merged.add(i);
      }
      return List.copyOf(merged);
    }
  }
}
