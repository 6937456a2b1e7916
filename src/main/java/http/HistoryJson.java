package http;

import actors.detection.DetectionLog;
import actors.recovery.RecoveryLog;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import topology.InstanceKey;
import topology.TopologyChange;

/**
 * The JSON of the topology history and of the decisions around a moment (README "Topology
 * history"): one entry per change of a server, failure detection (with its evidence), recovery
 * decision (ran or skipped, and why) and recovery end, in orchestrator's PascalCase style.
 * Timestamps are RFC 3339 in UTC with milliseconds (several entries often share a second).
 * Pure.
 */
final class HistoryJson {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** Where an entry comes from; orders entries of the same millisecond (cause before effect). */
  enum Source {
    TOPOLOGY("topology"), DETECTION("detection"), RECOVERY("recovery");

    final String label;

    Source(String label) {
      this.label = label;
    }
  }

  /** One timeline entry. */
  record Entry(Instant at, Source source, ObjectNode json) {}

  private HistoryJson() {}

  static String time(Instant at) {
    return at == null ? "" : TIME.format(at);
  }

  private static ObjectNode base(Instant at, Source source, String kind, InstanceKey key,
      String clusterName, String clusterAlias) {
    ObjectNode n = F.objectNode();
    n.put("Timestamp", time(at));
    n.put("Source", source.label);
    n.put("Kind", kind);
    n.set("Key", ApiJson.key(key));
    n.put("ClusterName", nz(clusterName));
    n.put("ClusterAlias", nz(clusterAlias));
    return n;
  }

  static Entry change(TopologyChange c) {
    ObjectNode n = base(c.at(), Source.TOPOLOGY, c.kind().label(), c.key(), c.clusterName(),
        c.clusterAlias());
    n.put("Before", c.before());
    n.put("After", c.after());
    n.put("Message", c.message());
    return new Entry(c.at(), Source.TOPOLOGY, n);
  }

  /** A registered failure detection; {@code full} adds the analysis entry it was made of. */
  static Entry detection(DetectionLog.Detection d, boolean full) {
    DetectionLog.Candidate c = d.candidate();
    ObjectNode n = base(d.detectedAt(), Source.DETECTION, "Detection", c.key(), c.clusterName(),
        c.clusterAlias());
    n.put("Analysis", c.analysisCode());
    n.put("DetectionId", d.id());
    n.put("DetectionUID", d.uid());
    n.put("Actionable", c.actionable());
    String description = c.analysis() == null ? "" : c.analysis().analysis().description();
    n.put("Message", "detected " + c.analysisCode() + " on " + c.key().displayString()
        + (description.isEmpty() ? "" : ": " + description));
    n.set("Evidence", AnalysisRoutes.evidence(c.evidence()));
    n.put("Acknowledged", d.acknowledged());
    if (full && c.analysis() != null) {
      n.set("AnalysisEntry", AnalysisJson.analysis(c.analysis()));
    }
    return new Entry(d.detectedAt(), Source.DETECTION, n);
  }

  /**
   * The decision to run a recovery (its registration); {@code full} adds its steps (the
   * timeline) and how it ended.
   */
  static Entry ran(RecoveryLog.Recovery r, boolean full) {
    RecoveryLog.Start s = r.start();
    ObjectNode n = base(r.startedAt(), Source.RECOVERY, "RecoveryDecision", s.failedKey(),
        s.clusterName(), s.clusterAlias());
    n.put("Decision", "ran");
    n.put("Analysis", nz(s.analysisCode()));
    n.put("RecoveryId", r.id());
    n.put("RecoveryUID", s.uid());
    n.put("RecoveryType", nz(s.type()));
    n.put("Forced", s.forced());
    n.put("ProcessingNode", nz(s.processingNode()));
    String reason = r.steps().stream().filter(st -> st.phase().equals("agreed")).findFirst()
        .map(st -> "; " + st.message()).orElse("");
    n.put("Reason", (s.forced() ? "requested (" + (nz(s.commandHint()).isEmpty() ? "recover"
        : s.commandHint()) + ")" : "automated recovery of " + s.analysisCode()) + reason);
    n.put("Message", "recovery " + r.id() + " started: " + s.type() + " for " + s.analysisCode()
        + " on " + s.failedKey().displayString());
    if (full) {
      ArrayNode steps = n.putArray("Steps");
      for (RecoveryLog.Step st : r.steps()) {
        ObjectNode o = steps.addObject();
        o.put("Timestamp", time(st.at()));
        o.put("Phase", st.phase());
        o.put("Message", st.message());
      }
      n.set("Outcome", r.ended() ? outcome(r) : F.nullNode());
    }
    return new Entry(r.startedAt(), Source.RECOVERY, n);
  }

  /** How a recovery ended; null when it has not. */
  static Entry ended(RecoveryLog.Recovery r) {
    if (!r.ended()) {
      return null;
    }
    RecoveryLog.Start s = r.start();
    ObjectNode n = base(r.endedAt(), Source.RECOVERY, "RecoveryEnded", s.failedKey(),
        s.clusterName(), s.clusterAlias());
    n.put("Analysis", nz(s.analysisCode()));
    n.put("RecoveryId", r.id());
    n.put("RecoveryUID", s.uid());
    n.setAll(outcome(r));
    return new Entry(r.endedAt(), Source.RECOVERY, n);
  }

  private static ObjectNode outcome(RecoveryLog.Recovery r) {
    RecoveryLog.Resolution res = r.resolution();
    ObjectNode n = F.objectNode();
    boolean ok = res != null && res.successful();
    n.put("Successful", ok);
    n.set("SuccessorKey", ApiJson.key(res == null ? InstanceKey.NONE : res.successor()));
    n.set("LostReplicas", ApiJson.keyList(res == null ? List.of() : res.lostReplicas()));
    n.set("Errors", ApiJson.strings(res == null ? List.of() : res.errors()));
    n.put("EndTimestamp", time(r.endedAt()));
    n.put("Message", "recovery " + r.id() + " ended: " + (ok
        ? "successful, successor " + res.successor().displayString()
        : res != null && res.refused() ? "refused before any change" + errors(res)
            : "unsuccessful" + (res == null ? "" : errors(res))));
    return n;
  }

  private static String errors(RecoveryLog.Resolution res) {
    return res.errors().isEmpty() ? "" : ": " + String.join("; ", res.errors());
  }

  /**
   * An automated recovery decided against, and why. {@code standing}: recorded before the
   * window asked about, and not followed by a recovery of the server since (the same skip is
   * recorded once however long it lasts).
   */
  static Entry skipped(RecoveryLog.Skip s, RecoveryLog.State log, boolean standing) {
    ObjectNode n = base(s.at(), Source.RECOVERY, "RecoveryDecision", s.key(), s.clusterName(),
        "");
    n.put("Decision", "skipped");
    n.put("Analysis", nz(s.analysisCode()));
    n.put("Reason", nz(s.reason()));
    String blocking = nz(s.blockingUid());
    n.put("BlockingRecoveryUID", blocking);
    n.put("BlockingRecoveryId", blocking.isEmpty() ? 0
        : log.byUid(blocking).map(RecoveryLog.Recovery::id).orElse(0L));
    n.put("Standing", standing);
    n.put("Message", "skipped: " + why(s));
    return new Entry(s.at(), Source.RECOVERY, n);
  }

  /** The policy's reason without its "DeadMaster on h:p (cluster c): " preamble. */
  static String why(RecoveryLog.Skip s) {
    String reason = nz(s.reason());
    String preamble = s.analysisCode() + " on " + s.key() + " (cluster " + s.clusterName() + "): ";
    return reason.startsWith(preamble) ? reason.substring(preamble.length()) : reason;
  }

  /** Entries by time (same millisecond: topology, detection, recovery), at most {@code limit}. */
  static ArrayNode timeline(List<Entry> entries, boolean oldestFirst, int limit) {
    Comparator<Entry> order = Comparator.comparing(Entry::at)
        .thenComparing(e -> e.source().ordinal());
    ArrayNode a = F.arrayNode();
    entries.stream().sorted(oldestFirst ? order : order.reversed()).limit(limit)
        .forEach(e -> a.add(e.json()));
    return a;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
