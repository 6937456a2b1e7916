package topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import topology.TopologyChange.Change;
import topology.TopologyChange.Kind;

/**
 * What changed about a server between two observations, as topology history entries. Pure; the
 * caller keeps the last {@link ServerState} of every server and asks only when the new state
 * differs, so an idle healthy topology asks nothing and records nothing.
 *
 * <p>One diff may give several entries, in this order: reachability, replication source
 * (promoted, demoted, master changed), read_only, replication threads, lag, version. Error
 * texts are compared through their error numbers only: some servers put a retry counter in the
 * text, which would otherwise be a change on every probe.
 */
public final class ChangeDetector {

  private ChangeDetector() {}

  /**
   * The entries between {@code before} (null: the server was not known) and {@code after}.
   * A server first reached gives one {@link Kind#APPEARED} entry describing it; a server never
   * reached gives none.
   */
  public static List<Change> changes(ServerState before, ServerState after) {
    List<Change> out = new ArrayList<>();
    if (before == null || !before.known()) {
      if (after.known()) {
        out.add(new Change(Kind.APPEARED, "", describe(after), "first seen: " + describe(after)));
      }
      return out;
    }
    if (before.reachable() && !after.reachable()) {
      out.add(new Change(Kind.UNREACHABLE, "reachable", "unreachable",
          after.failure().isEmpty() ? "stopped answering" : "stopped answering: " + after.failure()));
    } else if (!before.reachable() && after.reachable()) {
      out.add(new Change(Kind.REACHABLE, "unreachable", "reachable", "answers again"));
    }
    if (!after.reachable()) {
      return out; // facts are the last seen ones: nothing else can have been observed
    }
    source(before, after, out);
    if (before.readOnly() != after.readOnly()) {
      out.add(new Change(Kind.READ_ONLY_CHANGED, onOff(before.readOnly()), onOff(after.readOnly()),
          "read_only " + onOff(before.readOnly()) + " -> " + onOff(after.readOnly())));
    }
    if (after.replica()) {
      threads(before, after, out);
    }
    lag(before, after, out);
    if (!before.version().isEmpty() && !after.version().isEmpty()
        && !before.version().equals(after.version())) {
      out.add(new Change(Kind.VERSION_CHANGED, before.version(), after.version(),
          "version " + before.version() + " -> " + after.version()));
    }
    return out;
  }

  /** The entry of a server that is no longer probed. */
  public static Change forgotten() {
    return new Change(Kind.FORGOTTEN, "", "", "forgotten: no longer probed");
  }

  private static void source(ServerState before, ServerState after, List<Change> out) {
    String was = before.master().displayString();
    String now = after.master().displayString();
    if (before.replica() && !after.replica()) {
      out.add(new Change(Kind.PROMOTED, was, "", "no longer replicates from " + was));
    } else if (!before.replica() && after.replica()) {
      out.add(new Change(Kind.DEMOTED, "", now, "now replicates from " + now));
    } else if (before.replica() && !before.master().equals(after.master())) {
      out.add(new Change(Kind.MASTER_CHANGED, was, now, "master " + was + " -> " + now));
    }
  }

  private static void threads(ServerState before, ServerState after, List<Change> out) {
    boolean wasReplica = before.replica();
    String was = wasReplica ? threads(before) : "";
    String now = threads(after);
    List<String> broken = new ArrayList<>();
    if (after.ioErrno() != 0 && (!wasReplica || after.ioErrno() != before.ioErrno())) {
      broken.add("IO thread error " + after.ioErrno() + ": " + after.ioError());
    }
    if (after.sqlErrno() != 0 && (!wasReplica || after.sqlErrno() != before.sqlErrno())) {
      broken.add("SQL thread error " + after.sqlErrno() + ": " + after.sqlError());
    }
    boolean wasRunning = wasReplica && before.replicating();
    if (!broken.isEmpty()) {
      out.add(new Change(Kind.REPLICATION_BROKEN, was, now, String.join("; ", broken)));
    } else if (after.replicating() && !wasRunning) {
      out.add(new Change(Kind.REPLICATION_STARTED, was, now, "replication running (" + now + ")"));
    } else if (!after.replicating() && (wasRunning
        || newlyStopped(before.ioThread(), after.ioThread(), wasReplica)
        || newlyStopped(before.sqlThread(), after.sqlThread(), wasReplica))) {
      out.add(new Change(Kind.REPLICATION_STOPPED, was, now, "replication stopped (" + now + ")"));
    }
  }

  private static boolean newlyStopped(ThreadState before, ThreadState after, boolean wasReplica) {
    return after == ThreadState.STOPPED && (!wasReplica || before != ThreadState.STOPPED);
  }

  private static void lag(ServerState before, ServerState after, List<Change> out) {
    Boolean was = before.lagAboveThreshold();
    Boolean now = after.lagAboveThreshold();
    if (was == null || now == null || was.equals(now)) {
      return;
    }
    String lag = after.lagSeconds() == null ? "unknown" : after.lagSeconds() + "s";
    if (now) {
      out.add(new Change(Kind.LAG_ABOVE_THRESHOLD, lagOf(before), lag,
          "replication lag " + lag + ", above the reasonable replication lag"));
    } else {
      out.add(new Change(Kind.LAG_BELOW_THRESHOLD, lagOf(before), lag,
          "replication lag " + lag + ", back under the reasonable replication lag"));
    }
  }

  private static String lagOf(ServerState s) {
    return s.lagSeconds() == null ? "" : s.lagSeconds() + "s";
  }

  /** Downtimes begun, replaced and ended between two control states. */
  public static List<KeyedChange> downtimes(Map<InstanceKey, Downtime> before,
      Map<InstanceKey, Downtime> after, Instant now) {
    List<KeyedChange> out = new ArrayList<>();
    for (Downtime d : after.values()) {
      Downtime old = before.get(d.key());
      if (old == null || !old.begunAt().equals(d.begunAt()) || !old.endsAt().equals(d.endsAt())) {
        if (!d.endsAt().isAfter(now)) {
          continue; // already over when we learned of it
        }
        out.add(new KeyedChange(d.key(), d.begunAt(), new Change(Kind.DOWNTIME_BEGUN, "",
            d.endsAt().toString(), "downtimed" + by(d) + " until " + d.endsAt()
                + (d.reason().isEmpty() ? "" : ": " + d.reason()))));
      }
    }
    for (Downtime d : before.values()) {
      if (!after.containsKey(d.key())) {
        boolean expired = !d.endsAt().isAfter(now);
        out.add(new KeyedChange(d.key(), expired ? d.endsAt() : now, new Change(
            Kind.DOWNTIME_ENDED, d.endsAt().toString(), "", expired
                ? "downtime" + by(d) + " expired" : "downtime" + by(d) + " ended")));
      }
    }
    return out;
  }

  /** A change of a server at a moment of its own (downtimes say when they began). */
  public record KeyedChange(InstanceKey key, Instant at, Change change) {}

  private static String by(Downtime d) {
    return d.owner().isEmpty() ? "" : " by " + d.owner();
  }

  private static String onOff(boolean b) {
    return b ? "ON" : "OFF";
  }

  private static String threads(ServerState s) {
    return "IO: " + thread(s.ioThread()) + ", SQL: " + thread(s.sqlThread());
  }

  private static String thread(ThreadState t) {
    return switch (t) {
      case RUNNING -> "Yes";
      case STOPPED -> "No";
      case OTHER -> "Connecting";
      default -> "-";
    };
  }

  /** A server in one phrase: its replication source, read_only, version. */
  static String describe(ServerState s) {
    String role = s.replica() ? "replica of " + s.master().displayString() + " (" + threads(s) + ")"
        : "replicates from nobody";
    return role + ", read_only " + onOff(s.readOnly())
        + (s.version().isEmpty() ? "" : ", version " + s.version());
  }
}
