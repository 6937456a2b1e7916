package http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import refactor.Refactorer;
import refactor.ServerOperation;
import topology.InstanceKey;
import topology.InstanceView;
import topology.MovePlanner;
import topology.MoveSettings;
import topology.Planned;
import topology.RefactoringPlan;
import topology.ReplicationRules;
import topology.TopologySnapshot;
import topology.Verdict;

/**
 * Topology refactorings and operations on one server (§4.3). Every route is a command handed to
 * the node's refactorer, which re-reads the servers, plans, locks, runs, verifies and audits;
 * Details is the instance as re-read afterwards (the client prints {@code Key<MasterKey}).
 */
final class RefactorRoutes {

  private final NodeApi api;

  RefactorRoutes(NodeApi api) {
    this.api = api;
  }

  void register(RouteTable t) {
    t.add("relocate/:host/:port/:belowHost/:belowPort", r -> move(r, "relocated below",
        (s, ms) -> MovePlanner.relocate(s, key(r), below(r), ms)));
    t.add("relocate-below/:host/:port/:belowHost/:belowPort", r -> move(r, "relocated below",
        (s, ms) -> MovePlanner.relocate(s, key(r), below(r), ms)));
    t.add("relocate-replicas/:host/:port/:belowHost/:belowPort", r -> moveReplicas(r,
        (s, ms) -> MovePlanner.relocateReplicas(s, key(r), below(r), pattern(r), ms), false));
    t.add("move-up/:host/:port", r -> single(r, "Instance moved up: ",
        (s, ms) -> MovePlanner.moveUp(s, key(r), ms)));
    t.add("move-up-replicas/:host/:port", r -> moveReplicas(r,
        (s, ms) -> MovePlanner.moveUpReplicas(s, key(r), pattern(r), ms), false));
    t.add("move-below/:host/:port/:siblingHost/:siblingPort", r -> single(r, "Instance moved below sibling: ",
        (s, ms) -> MovePlanner.moveBelow(s, key(r), sibling(r), ms)));
    t.add("move-below-gtid/:host/:port/:belowHost/:belowPort", r -> move(r, "moved below",
        (s, ms) -> MovePlanner.moveBelowGtid(s, key(r), below(r), ms)));
    t.add("move-gtid/:host/:port/:belowHost/:belowPort", r -> move(r, "moved below",
        (s, ms) -> MovePlanner.moveBelowGtid(s, key(r), below(r), ms)));
    t.add("move-replicas-gtid/:host/:port/:belowHost/:belowPort", r -> moveReplicas(r,
        (s, ms) -> MovePlanner.moveReplicasGtid(s, key(r), below(r), pattern(r), ms), true));
    t.add("match/:host/:port/:belowHost/:belowPort", r -> move(r, "matched below",
        (s, ms) -> MovePlanner.moveBelowGtid(s, key(r), below(r), ms)));
    t.add("match-below/:host/:port/:belowHost/:belowPort", r -> move(r, "matched below",
        (s, ms) -> MovePlanner.moveBelowGtid(s, key(r), below(r), ms)));
    t.add("match-replicas/:host/:port/:belowHost/:belowPort", r -> moveReplicas(r,
        (s, ms) -> MovePlanner.moveReplicasGtid(s, key(r), below(r), pattern(r), ms), true));
    // orchestrator moves by equivalent binlog coordinates here; orcha by GTID, which is exact
    t.add("move-equivalent/:host/:port/:belowHost/:belowPort", r -> move(r, "moved below",
        (s, ms) -> MovePlanner.moveBelowGtid(s, key(r), below(r), ms)));
    t.add("match-up/:host/:port", r -> single(r, "Instance matched up: ",
        (s, ms) -> MovePlanner.matchUp(s, key(r), ms)));
    t.add("match-up-replicas/:host/:port", r -> moveReplicas(r,
        (s, ms) -> MovePlanner.matchUpReplicas(s, key(r), pattern(r), ms), true));
    t.add("repoint/:host/:port", r -> single(r, "Instance repointed: ",
        (s, ms) -> MovePlanner.repoint(s, key(r), null, ms)));
    t.add("repoint/:host/:port/:belowHost/:belowPort", r -> single(r, "Instance repointed: ",
        (s, ms) -> MovePlanner.repoint(s, key(r), below(r), ms)));
    t.add("repoint-replicas/:host/:port", r -> moveReplicas(r,
        (s, ms) -> MovePlanner.repointReplicas(s, key(r), pattern(r), ms), false));
    t.add("take-siblings/:host/:port", r -> single(r, "Instance took its siblings: ",
        (s, ms) -> MovePlanner.takeSiblings(s, key(r), ms)));
    t.add("take-master/:host/:port", r -> single(r, "Instance took its master: ",
        (s, ms) -> MovePlanner.takeMaster(s, key(r), false, ms)));
    t.add("make-co-master/:host/:port", r -> single(r, "Instance made co-master: ",
        (s, ms) -> MovePlanner.makeCoMaster(s, key(r), ms)));
    t.add("regroup-replicas/:host/:port", this::regroup);
    t.add("regroup-replicas-gtid/:host/:port", this::regroup);

    t.add("start-replica/:host/:port", r -> op(r, new ServerOperation.StartReplica(key(r)), "Replica started: "));
    t.add("stop-replica/:host/:port", r -> op(r, new ServerOperation.StopReplica(key(r)), "Replica stopped: "));
    t.add("skip-query/:host/:port", r -> op(r, new ServerOperation.SkipQuery(key(r)),
        "Query skipped on "));
    t.add("restart-replica-statements/:host/:port", this::restartStatements);
    t.add("locate-gtid-errant/:host/:port", this::locateErrant);
    t.add("restart-replica/:host/:port", r -> op(r, new ServerOperation.RestartReplica(key(r)), "Replica restarted: "));
    t.add("stop-replica-nice/:host/:port", r -> op(r, new ServerOperation.StopReplicaNicely(key(r),
        java.time.Duration.ofSeconds(api.settings().thresholds().reasonableMaintenanceLagSeconds())),
        "Replica stopped nicely: "));
    t.add("reset-replica/:host/:port", r -> op(r, new ServerOperation.ResetReplica(key(r)), "Replica reset on "));
    t.add("detach-replica/:host/:port", r -> op(r,
        new ServerOperation.DetachReplica(key(r), "detach-replica"), "Replica detached: "));
    t.add("reattach-replica/:host/:port", r -> op(r,
        new ServerOperation.ReattachReplica(key(r), "reattach-replica"), "Replica reattached: "));
    t.add("detach-replica-master-host/:host/:port", r -> op(r,
        new ServerOperation.DetachReplica(key(r), "detach-replica-master-host"), "Replica detached: "));
    t.add("reattach-replica-master-host/:host/:port", r -> op(r,
        new ServerOperation.ReattachReplica(key(r), "reattach-replica-master-host"), "Replica reattached: "));
    t.add("set-read-only/:host/:port", r -> op(r, new ServerOperation.SetReadOnly(key(r), true),
        m -> "Server set as read-only"));
    t.add("set-writeable/:host/:port", r -> op(r, new ServerOperation.SetReadOnly(key(r), false),
        m -> "Server set as writeable"));
    t.add("enable-semi-sync-master/:host/:port", r -> op(r,
        new ServerOperation.SemiSyncMaster(key(r), true), m -> "master semi-sync set to true"));
    t.add("disable-semi-sync-master/:host/:port", r -> op(r,
        new ServerOperation.SemiSyncMaster(key(r), false), m -> "master semi-sync set to false"));
    t.add("enable-semi-sync-replica/:host/:port", r -> op(r,
        new ServerOperation.SemiSyncReplica(key(r), true), m -> "replica semi-sync set to true"));
    t.add("disable-semi-sync-replica/:host/:port", r -> op(r,
        new ServerOperation.SemiSyncReplica(key(r), false), m -> "replica semi-sync set to false"));
    t.add("flush-binary-logs/:host/:port", r -> op(r, new ServerOperation.FlushBinaryLogs(key(r)),
        "Binary logs flushed on: "));
    t.add("purge-binary-logs/:host/:port/:logFile", this::purge);
    t.add("kill-query/:host/:port/:process", this::killQuery);
    t.add("delay-replication/:host/:port/:seconds", this::delay);
    t.add("gtid-errant-reset-master/:host/:port", r -> op(r,
        new ServerOperation.GtidErrantResetMaster(key(r)), "Removed errant GTID on "));
    t.add("gtid-errant-inject-empty/:host/:port", this::injectEmpty);
    t.add("can-replicate-from/:host/:port/:belowHost/:belowPort", r -> canReplicate(r, false));
    t.add("can-replicate-from-gtid/:host/:port/:belowHost/:belowPort", r -> canReplicate(r, true));
  }

  private static InstanceKey key(ApiRequest r) {
    return ApiParams.instanceKey(r);
  }

  private static InstanceKey below(ApiRequest r) {
    return ApiParams.instanceKey(r.param("belowHost"), r.param("belowPort"));
  }

  private static InstanceKey sibling(ApiRequest r) {
    return ApiParams.instanceKey(r.param("siblingHost"), r.param("siblingPort"));
  }

  private static String pattern(ApiRequest r) {
    String p = r.query("pattern").orElse("");
    if (!p.isEmpty()) {
      try {
        java.util.regex.Pattern.compile(p);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new ApiException("Invalid pattern: " + p);
      }
    }
    return p;
  }

  /** Every server a plan may touch, re-read before planning: the named ones and their kin. */
  private CompletionStage<List<InstanceKey>> involved(List<InstanceKey> named) {
    return api.snapshot().thenApply(s -> {
      List<InstanceKey> keys = new ArrayList<>();
      for (InstanceKey k : named) {
        keys.add(k);
        s.instance(k).ifPresent(v -> {
          InstanceKey m = v.instance().masterKey();
          if (m.isValid()) {
            keys.add(m);
            s.instance(m).map(mv -> mv.instance().masterKey()).filter(InstanceKey::isValid)
                .ifPresent(keys::add);
          }
          s.replicasOf(k).forEach(rv -> keys.add(rv.key()));
          if (m.isValid()) {
            s.replicasOf(m).forEach(rv -> keys.add(rv.key()));
          }
        });
        if (s.instance(k).isEmpty()) {
          throw new ApiException("Cannot read instance: " + k);
        }
      }
      return keys.stream().distinct().filter(k -> s.instance(k).isPresent()).toList();
    });
  }

  private CompletionStage<Refactorer.Outcome> refactor(ApiRequest r, List<InstanceKey> named,
      BiFunction<TopologySnapshot, MoveSettings, Planned<RefactoringPlan>> planner) {
    return involved(named).thenCompose(keys -> api.refactor(r.user(), keys, planner)).thenApply(o -> {
      if (!o.succeeded()) {
        throw new ApiException(o.plan().operation() + " on " + o.plan().instance() + " failed: "
            + String.join("; ", o.errors()));
      }
      return o;
    });
  }

  private CompletionStage<ApiReply> move(ApiRequest r, String verb,
      BiFunction<TopologySnapshot, MoveSettings, Planned<RefactoringPlan>> planner) {
    InstanceKey k = key(r);
    InstanceKey t = below(r);
    return refactor(r, List.of(k, t), planner).thenApply(o -> ApiReply.ok(
        "Instance " + k + " " + verb + " " + t, instance(o.after(), k)));
  }

  private CompletionStage<ApiReply> single(ApiRequest r, String message,
      BiFunction<TopologySnapshot, MoveSettings, Planned<RefactoringPlan>> planner) {
    InstanceKey k = key(r);
    List<InstanceKey> named = new ArrayList<>(List.of(k));
    if (!r.param("belowHost").isEmpty()) {
      named.add(below(r));
    }
    if (!r.param("siblingHost").isEmpty()) {
      named.add(sibling(r));
    }
    return refactor(r, named, planner).thenApply(o -> ApiReply.ok(message + k, instance(o.after(), k)));
  }

  /** Multi-replica moves: Details is the array of moved instances (or the target's KEY). */
  private CompletionStage<ApiReply> moveReplicas(ApiRequest r,
      BiFunction<TopologySnapshot, MoveSettings, Planned<RefactoringPlan>> planner,
      boolean detailsIsTarget) {
    InstanceKey k = key(r);
    List<InstanceKey> named = new ArrayList<>(List.of(k));
    if (!r.param("belowHost").isEmpty()) {
      named.add(below(r));
    }
    return involved(named).thenCompose(keys -> api.refactor(r.user(), keys, planner)).thenApply(o -> {
      List<InstanceKey> moved = o.plan().movedServers();
      String message = "Relocated " + moved.size() + " replicas of " + k + " below "
          + o.plan().target() + "; " + o.errors().size() + " errors: " + o.errors();
      if (detailsIsTarget) {
        return ApiReply.ok(message, ApiJson.key(o.plan().target()));
      }
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      moved.forEach(m -> o.after().instance(m).ifPresent(v -> a.add(ApiJson.instance(v, o.after()))));
      return o.errors().isEmpty() ? ApiReply.ok(message, a) : ApiReply.error(message, a);
    });
  }

  private CompletionStage<ApiReply> regroup(ApiRequest r) {
    InstanceKey k = key(r);
    return refactor(r, List.of(k), (s, ms) -> MovePlanner.regroupReplicas(s, k, ms)).thenApply(o ->
        ApiReply.ok("Regrouped replicas of " + k + " below " + o.plan().target(),
            instance(o.after(), o.plan().target())));
  }

  private static com.fasterxml.jackson.databind.JsonNode instance(TopologySnapshot s, InstanceKey k) {
    return s.instance(k).map(v -> (com.fasterxml.jackson.databind.JsonNode) ApiJson.instance(v, s))
        .orElse(ApiJson.key(k));
  }

  private CompletionStage<ApiReply> op(ApiRequest r, ServerOperation op, String messagePrefix) {
    return op(r, op, k -> messagePrefix + k);
  }

  private CompletionStage<ApiReply> op(ApiRequest r, ServerOperation op,
      java.util.function.Function<InstanceKey, String> message) {
    return api.operate(op, r.user()).thenApply(o ->
        ApiReply.ok(message.apply(op.key()), instance(o.after(), op.key())));
  }

  private CompletionStage<ApiReply> purge(ApiRequest r) {
    InstanceKey k = key(r);
    String file = r.param("logFile");
    boolean force = r.query("force").map(v -> v.equals("true")).orElse(false);
    return api.snapshot().thenCompose(s -> {
      InstanceView v = s.instance(k).orElseThrow(() -> new ApiException("Cannot read instance: " + k));
      String target = file.equals("latest") ? v.instance().selfCoordinates().logFile() : file;
      if (!force) {
        // replicas still reading older logs would break: refuse unless forced
        for (InstanceView rv : s.replicasOf(k)) {
          String reading = rv.instance().replication().readCoordinates().logFile();
          if (!reading.isEmpty() && reading.compareTo(target) < 0) {
            throw new ApiException("Replica " + rv.key() + " still reads " + reading
                + "; not purging binary logs up to " + target + " (use ?force=true)");
          }
        }
      }
      return op(r, new ServerOperation.PurgeBinaryLogs(k, target), x -> "Binary logs purged on: " + x);
    });
  }

  /**
   * The statements that run {@code ?q=} with replication stopped and restore the threads as
   * they are now (mysql.RestartStatements), in the server's own dialect; nothing is run.
   */
  private CompletionStage<ApiReply> restartStatements(ApiRequest r) {
    InstanceKey k = key(r);
    String query = r.query("q").orElse("");
    return api.snapshot().thenApply(s -> {
      InstanceView v = s.instance(k).orElseThrow(() -> new ApiException("Cannot read instance: " + k));
      mysql.Dialect d = mysql.Dialect.of(v.instance().version(), v.instance().versionComment());
      var repl = v.instance().replication();
      List<String> statements = mysql.RestartStatements.around(d, repl.ioThread(),
          repl.sqlThread(), query);
      return ApiReply.ok("statements for: " + k, ApiJson.strings(statements));
    });
  }

  /**
   * The binary logs holding the server's errant GTIDs (its GtidErrant, as the picture computed
   * it), oldest first; Message {@code located errant GTID}. Reads the logs' first events only.
   */
  private CompletionStage<ApiReply> locateErrant(ApiRequest r) {
    InstanceKey k = key(r);
    return api.snapshot().thenCompose(s -> {
      InstanceView v = s.instance(k).orElseThrow(() -> new ApiException("Cannot read instance: " + k));
      String errant = v.gtidErrant();
      if (errant.isEmpty()) {
        throw new ApiException("locate-gtid-errant: no errant GTID on " + k);
      }
      topology.Instance master = s.instance(v.instance().masterKey())
          .map(InstanceView::instance).orElse(null);
      return api.binlogHistory(k).thenApply(h -> {
        List<String> files;
        try {
          files = topology.ErrantBinlogs.locate(v.instance(), errant, master, h.logs(),
              h.stateNow());
        } catch (IllegalArgumentException e) {
          throw new ApiException("locate-gtid-errant on " + k + ": " + e.getMessage());
        }
        return ApiReply.ok("located errant GTID", ApiJson.strings(files));
      });
    });
  }

  private CompletionStage<ApiReply> killQuery(ApiRequest r) {
    long id;
    try {
      id = Long.parseLong(r.param("process"));
    } catch (NumberFormatException e) {
      throw new ApiException("Invalid process id: " + r.param("process"));
    }
    return op(r, new ServerOperation.KillQuery(key(r), id), k -> "Query killed on " + k);
  }

  private CompletionStage<ApiReply> delay(ApiRequest r) {
    long seconds;
    try {
      seconds = Long.parseLong(r.param("seconds"));
      if (seconds < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new ApiException("Invalid value provided for seconds");
    }
    long s = seconds;
    return api.operate(new ServerOperation.DelayReplication(key(r), s), r.user()).thenApply(o ->
        ApiReply.ok("Replication delayed: " + key(r), JsonNodeFactory.instance.numberNode(s)));
  }

  private CompletionStage<ApiReply> injectEmpty(ApiRequest r) {
    InstanceKey k = key(r);
    return api.operate(new ServerOperation.GtidErrantInjectEmpty(k), r.user()).thenApply(o -> {
      Object v = o.result().value();
      int n = v instanceof List<?> l ? l.size() : 0;
      return ApiReply.ok("Have injected " + n + " transactions on cluster master "
          + o.result().key(), instance(o.after(), k));
    });
  }

  private CompletionStage<ApiReply> canReplicate(ApiRequest r, boolean gtid) {
    InstanceKey k = key(r);
    InstanceKey t = below(r);
    return api.snapshot().thenApply(s -> {
      InstanceView x = s.instance(k).orElseThrow(() -> new ApiException("Cannot read instance: " + k));
      InstanceView y = s.instance(t).orElseThrow(() -> new ApiException("Cannot read instance: " + t));
      Verdict v = ReplicationRules.canReplicateFrom(x, y, api.moveSettings());
      if (v.allowed() && gtid) {
        v = MovePlanner.plan(s, k, t, topology.MoveConstraint.GTID_ONLY, api.moveSettings()).verdict();
      }
      return ApiReply.ok(String.valueOf(v.allowed()), ApiJson.key(t));
    });
  }
}
