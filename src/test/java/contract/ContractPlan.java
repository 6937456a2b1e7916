package contract;

import static contract.Checks.at;
import static contract.Checks.await;
import static contract.Checks.awaitStar;
import static contract.Checks.call;
import static contract.Checks.contains;
import static contract.Checks.instance;
import static contract.Checks.portsAre;
import static contract.Checks.remember;
import static contract.Checks.successorNamesTheCluster;
import static contract.ContractCase.read;
import static contract.ContractCase.write;
import static contract.Specs.ANALYSIS;
import static contract.Specs.AUDIT;
import static contract.Specs.BLOCKED_RECOVERY;
import static contract.Specs.CLUSTER_INFO;
import static contract.Specs.HEALTH;
import static contract.Specs.INSTANCE;
import static contract.Specs.KEY;
import static contract.Specs.KV_PAIR;
import static contract.Specs.MAINTENANCE;
import static contract.Specs.PROMOTION_RULE;
import static contract.Specs.RAFT_STATUS;
import static contract.Specs.RECOVERY_FILTERS;
import static contract.Specs.RECOVERY_STEP;
import static contract.Specs.TOPOLOGY_RECOVERY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract run, in order, against a 4-server star ({M} master; {R1} {R2} {R3} replicas;
 * {H} their host; {C} the cluster's name, {A} its alias): one case per route of
 * orchestrator-api.md §4, §6.2 and §6.3, the §7.9 error texts and the §1 rules. Reads come
 * first; every state-changing case is followed by what puts the topology back, so that the
 * next case starts from the star again (checked at each section's end).
 */
final class ContractPlan {

  private ContractPlan() {}

  /** The name prefix of the cases of routes orcha refuses on purpose. */
  static final String REFUSED_CASE = "refused: ";

  static List<Step> steps() {
    List<Step> s = new ArrayList<>();
    s.addAll(meta());
    s.addAll(reads());
    s.addAll(analysis());
    s.addAll(control());
    s.addAll(tagsAndPools());
    s.addAll(serverOperations());
    s.addAll(brokenReplica());
    s.addAll(refactorings());
    s.addAll(recoveries());
    s.addAll(crossRegionRefusal());
    s.addAll(lifecycle());
    s.addAll(rules());
    s.addAll(errantGtid());
    s.addAll(refusedOnPurpose());
    s.add(awaitStar());
    return s;
  }

  // ---- §4.5, §6.2, §6.3: the node itself -------------------------------------------------

  static List<Step> meta() {
    return List.of(
        read("health").ok("Application node is healthy").details(HEALTH)
            .check(at("/Details/Healthy", "true")).check(at("/Details/IsActiveNode", "true")),
        read("status").ok("Application node is healthy").details(HEALTH),
        read("leader-check").string("OK"),
        // on the leader the given status is not used
        read("leader-check/503").string("OK"),
        read("routed-leader-check").string("OK"),
        read("lb-check").string("OK"),
        read("_ping").string("OK"),
        read("raft-state").string("Leader"),
        read("raft-leader").string(null).check(remember("RAFT", "")),
        read("raft-peers").array(null, 1).check((b, api) -> {
          List<String> peers = new ArrayList<>();
          b.forEach(p -> peers.add(p.asText()));
          assertTrue(peers.contains(api.var("RAFT")), "raft-peers lists the leader: " + b);
        }),
        read("raft-status").object(RAFT_STATUS).check(at("/State", "Leader"))
            .check(at("/Leader", "{RAFT}")).check(at("/IsPartOfQuorum", "true")),
        read("raft-health").string("healthy"),
        // orcha's own: the caller and whether a change of theirs would pass (the web UI's)
        read("whoami").object(null).check(at("/CanWrite", "true")).check(at("/ReadOnly", "false")),
        read("headers").object(null).check((b, api) -> {
          assertEquals("[\"yes\"]", b.path(LiveApi.PROBE_HEADER).toString(), "headers: " + b);
          assertTrue(!b.has("Authorization"), "no credentials echoed");
        }),
        write("raft-yield/{RAFT}").ok("Asynchronously yielded").detailsString("{RAFT}"),
        write("raft-yield-hint/{H}").ok("Asynchronously yielded by hint {H}").detailsString("{H}"),
        await("this node leads again", "raft-state", n -> n.asText().equals("Leader")),
        write("reload-configuration").ok("Config reloaded").detailsString(""),
        write("reload-cluster-alias").error("This API call has been retired"),
        // orcha takes host names as given: the cache is empty, and clearing it changes nothing
        read("hostname-resolve-cache").ok("Cache retrieved").details(null),
        write("reset-hostname-resolve-cache").ok("Hostname cache cleared").detailsNull());
  }

  // ---- §4.1 reads on the star ---------------------------------------------------------------

  static List<Step> reads() {
    return List.of(
        // orcha's own topology history (not in orchestrator): bare JSON like the other reads;
        // the servers appeared when they were discovered, so there is at least that
        read("history/instance/{H}/{M}").array(null, 1),
        read("history/cluster/{A}?order=asc&limit=5").named("history/cluster/:clusterHint")
            .array(null, 1),
        read("decisions/cluster/{A}").object(null),
        read("decisions/instance/{H}/{M}?window=1h").named("decisions/instance/:host/:port")
            .object(null),
        read("instance/{H}/{M}").object(INSTANCE).check(at("/Key/Port", "{M}"))
            .check(at("/MasterKey/Port", "0")).check(at("/ClusterName", "{C}"))
            .check(at("/ReplicationDepth", "0")).check(at("/ReadOnly", "false")),
        read("instance/{H}/{R1}").named("instance/:host/:port (a replica)").object(INSTANCE)
            .check(at("/MasterKey/Port", "{M}")).check(at("/ReplicationSQLThreadRuning", "true"))
            .check(at("/ReplicationIOThreadRuning", "true"))
            .check(at("/ReplicationSQLThreadState", "1")).check(at("/ReplicationIOThreadState", "1"))
            .check(at("/SecondsBehindMaster/Valid", "true")).check(at("/GtidErrant", ""))
            .check(at("/DataCenter", "dc1")).check(at("/SuggestedClusterAlias", "{A}")),
        read("instance-replicas/{H}/{M}").array(INSTANCE, 3).check(portsAre("", "R1", "R2", "R3")),
        // §4.1: by depth, then replica count, cluster, host, port
        read("all-instances").array(INSTANCE, 4).check(portsAre("", "M", "R1", "R2", "R3")),
        read("search/{R2}").array(INSTANCE, 1).check(contains("", "R2")),
        read("search?s={R2}%0A").named("search?s= (trimmed)").array(INSTANCE, 1)
            .check(contains("", "R2")),
        read("problems").array(INSTANCE),
        read("problems/{C}").array(INSTANCE),
        read("cluster/{C}").array(INSTANCE, 4).check(portsAre("", "M", "R1", "R2", "R3")),
        read("cluster/{A}").named("cluster/:clusterHint (alias)").array(INSTANCE, 4),
        read("cluster/{H}:{R2}").named("cluster/:clusterHint (host:port)").array(INSTANCE, 4),
        read("cluster/alias/{A}").array(INSTANCE, 4),
        read("cluster/instance/{H}/{R3}").array(INSTANCE, 4),
        read("clusters").array(null, 1).check(at("/0", "{C}")),
        read("clusters-info").array(CLUSTER_INFO, 1).check(at("/0/ClusterName", "{C}"))
            .check(at("/0/ClusterAlias", "{A}")).check(at("/0/CountInstances", "4")),
        read("cluster-info/{A}").object(CLUSTER_INFO).check(at("/ClusterName", "{C}")),
        read("cluster-info/alias/{A}").object(CLUSTER_INFO).check(at("/ClusterName", "{C}")),
        read("masters").array(INSTANCE, 1).check(contains("", "M")),
        // §11.8: the client prints the master's ClusterName, its own key-string
        read("master/{A}").object(INSTANCE).check(at("/ClusterName", "{H}:{M}")),
        read("topology/{A}").ok("Topology for cluster {C}").detailsString(null)
            .check((b, api) -> assertTrue(b.get("Details").asText().startsWith(api.resolve("{H}:{M}")),
                "topology starts at the master: " + b)),
        read("topology-tabulated/{A}").ok("Topology for cluster {C}").detailsString(null)
            .check((b, api) -> assertTrue(b.get("Details").asText()
                .contains(api.resolve("+ {H}:{R1}|0s|ok")), "§8.2 line of a replica: " + b)),
        read("topology-tags/{A}").ok("Topology for cluster {C}").detailsString(null),
        // a server names its cluster
        read("topology/{H}/{R2}").ok("Topology for cluster {C}").detailsString(null)
            .check(topologyStartsAtTheMaster()),
        read("topology-tabulated/{H}/{M}").ok("Topology for cluster {C}").detailsString(null)
            .check(topologyStartsAtTheMaster()),
        read("topology-tags/{H}/{R3}").ok("Topology for cluster {C}").detailsString(null)
            .check(topologyStartsAtTheMaster()),
        // orchestrator's heuristic on a star: the first two replicas without replicas
        read("cluster-osc-replicas/{A}").array(INSTANCE, 2).check(portsAre("", "R1", "R2")),
        read("cluster-osc-slaves/{C}").named("cluster-osc-slaves (legacy)").array(INSTANCE, 2)
            .check(portsAre("", "R1", "R2")),
        read("bulk-instances").array(KEY, 4).check(samePorts("M", "R1", "R2", "R3")),
        read("resolve/{H}/{M}").ok("Instance resolved").details(KEY).check(at("/Details/Port", "{M}")),
        // nothing listens on port 9: the connect error names the server
        read("resolve/{H}/9").named("resolve (nothing listening)").error("{H}:9: "),
        read("snapshot-topologies").okContaining("").detailsString(null)
            .check((b, api) -> assertTrue(b.get("Details").asText().matches("Took [0-9.]+(ns|µs|ms|s)"),
                "Details 'Took <duration>': " + b)),
        read("restart-replica-statements/{H}/{R3}?q=select%201%0A").okContaining("{H}:{R3}")
            .detailsArray(null, 3).check(statementsAround("select 1;")),
        read("restart-slave-statements/{H}/{R3}?q=select%202").named("restart-slave-statements (legacy)")
            .okContaining("{H}:{R3}").detailsArray(null, 3).check(statementsAround("select 2;")),
        read("locate-gtid-errant/{H}/{R3}").named("locate-gtid-errant (no errant GTID)")
            .error("no errant GTID on {H}:{R3}"),
        read("downtimed").array(INSTANCE),
        read("downtimed/{A}").array(INSTANCE),
        read("maintenance").array(MAINTENANCE),
        read("in-maintenance/{H}/{R3}").ok("false").detailsString(""),
        read("audit").array(AUDIT, 1),
        read("audit/0").array(AUDIT, 1),
        read("audit/instance/{H}/{M}").array(AUDIT, 1),
        read("audit/instance/{H}/{M}/0").array(AUDIT, 1),
        read("can-replicate-from/{H}/{R2}/{H}/{R3}").ok("true").details(KEY)
            .check(at("/Details/Port", "{R3}")),
        read("can-replicate-from-gtid/{H}/{R2}/{H}/{R3}").ok("true").details(KEY),
        read("check-global-recoveries").ok("Global recoveries enabled").detailsString("enabled"),
        read("automated-recovery-filters").okContaining("").details(RECOVERY_FILTERS),
        read("blocked-recoveries").array(BLOCKED_RECOVERY),
        read("blocked-recoveries/cluster/{C}").array(BLOCKED_RECOVERY),
        read("replication-analysis").ok("Analysis").detailsArray(ANALYSIS, 0));
  }

  // ---- §4.4 detection: a semi-sync master without acknowledging replicas ----------------------

  static List<Step> analysis() {
    return List.of(
        write("enable-semi-sync-master/{H}/{M}").ok("master semi-sync set to true").details(INSTANCE)
            .check(at("/Details/SemiSyncMasterEnabled", "true")),
        await("LockedSemiSyncMaster on {M}", "replication-analysis", (n, api) ->
            n.get("Details").findValuesAsText("Analysis").contains("LockedSemiSyncMaster")),
        read("replication-analysis").named("replication-analysis (LockedSemiSyncMaster)")
            .ok("Analysis").detailsArray(ANALYSIS, 1)
            .check(at("/Details/0/AnalyzedInstanceKey/Port", "{M}"))
            .check(at("/Details/0/ClusterDetails/ClusterName", "{C}"))
            .check(at("/Details/0/ClusterDetails/ClusterAlias", "{A}")),
        read("replication-analysis/{A}").ok("Analysis").detailsArray(ANALYSIS, 1),
        read("replication-analysis/instance/{H}/{M}").ok("Analysis").detailsArray(ANALYSIS, 1),
        await("the failure detection", "audit-failure-detection", n -> n.size() > 0),
        read("audit-failure-detection").array(TOPOLOGY_RECOVERY, 1)
            .check(at("/0/AnalysisEntry/Analysis", "LockedSemiSyncMaster"))
            .check(remember("DETECTION", "/0/Id")),
        read("audit-failure-detection/0").array(TOPOLOGY_RECOVERY, 1),
        // §11.13: the API's analysis includes downtimed entries
        write("begin-downtime/{H}/{M}/contract/analysis").named("begin-downtime (the analysed master)")
            .ok("Downtime begun: {H}:{M}").details(KEY),
        await("the analysis entry downtimed", "replication-analysis",
            n -> n.at("/Details/0/IsDowntimed").asBoolean()),
        read("replication-analysis").named("replication-analysis (a downtimed entry)").ok("Analysis")
            .detailsArray(ANALYSIS, 1).check(at("/Details/0/Analysis", "LockedSemiSyncMaster"))
            .check(at("/Details/0/SkippableDueToDowntime", "true")),
        write("end-downtime/{H}/{M}").named("end-downtime (the analysed master)")
            .ok("Downtime ended: {H}:{M}").details(KEY),
        read("audit-failure-detection/id/{DETECTION}").array(TOPOLOGY_RECOVERY, 1)
            .check(at("/0/Id", "{DETECTION}")),
        read("audit-failure-detection/alias/{A}").array(TOPOLOGY_RECOVERY, 1),
        read("audit-failure-detection/alias/{A}/0").array(TOPOLOGY_RECOVERY, 1),
        write("disable-semi-sync-master/{H}/{M}").ok("master semi-sync set to false").details(INSTANCE)
            .check(at("/Details/SemiSyncMasterEnabled", "false")),
        write("ack-recovery/instance/{H}/{M}?comment=contract%0A").ok("Acknowledged instance recoveries")
            .details(KEY).check(at("/Details/Port", "{M}")),
        // §1.1: the client's encoded newline is trimmed from the comment
        await("the detection acknowledged with the trimmed comment",
            "audit-failure-detection/id/{DETECTION}",
            n -> n.at("/0/Acknowledged").asBoolean()
                && n.at("/0/AcknowledgedComment").asText().equals("contract")),
        write("ack-recovery/cluster/{A}?comment=contract").ok("Acknowledged cluster recoveries")
            .detailsString("{C}"),
        write("ack-recovery/cluster/alias/{A}?comment=contract").ok("Acknowledged cluster recoveries")
            .detailsString("{C}"),
        write("ack-all-recoveries?comment=all%20done%0A").ok("Acknowledged all recoveries")
            .detailsString("all done"),
        write("ack-all-recoveries").named("ack-all-recoveries without a comment")
            .error("No acknowledge comment given"),
        await("no more analysis entries", "replication-analysis", n -> n.get("Details").isEmpty()));
  }

  /** Whole minutes from now to a {@code YYYY-MM-DD hh:mm:ss} (UTC) time, rounded. */
  static long minutesAhead(String ts) {
    if (ts.isEmpty()) {
      return -1;
    }
    java.time.Instant at = java.time.LocalDateTime.parse(ts.replace(' ', 'T'))
        .toInstant(java.time.ZoneOffset.UTC);
    return Math.round(java.time.Duration.between(java.time.Instant.now(), at).toSeconds() / 60.0);
  }

  // ---- §4.2 downtime, maintenance, candidates, switches -------------------------------------

  static List<Step> control() {
    return List.of(
        write("begin-downtime/{H}/{R3}/contract%0A/maintenance%20window%0A")
            .ok("Downtime begun: {H}:{R3}").details(KEY).check(at("/Details/Port", "{R3}")),
        await("{R3} downtimed 10 minutes with the trimmed owner and reason", "downtimed", (n, api) -> {
          JsonNode i = instance(n, api.port("R3"));
          return i.path("IsDowntimed").asBoolean() && i.path("DowntimeOwner").asText().equals("contract")
              && i.path("DowntimeReason").asText().equals("maintenance window")
              && minutesAhead(i.path("DowntimeEndTimestamp").asText()) == 10;
        }),
        read("downtimed").named("downtimed ({R3} downtimed)").array(INSTANCE, 1)
            .check(portsAre("", "R3")),
        read("downtimed/{A}").named("downtimed/:clusterHint ({R3} downtimed)").array(INSTANCE, 1)
            .check(portsAre("", "R3")),
        write("begin-downtime/{H}/{R3}/contract/longer/2h").ok("Downtime begun: {H}:{R3}").details(KEY),
        write("end-downtime/{H}/{R3}").ok("Downtime ended: {H}:{R3}").details(KEY),
        await("no downtime left", "downtimed", n -> n.isEmpty()),
        write("begin-downtime/{H}/{R3}/contract/why/-1h").named("begin-downtime (negative duration)")
            .error("Cannot parse simple time"),
        write("begin-downtime/{H}/{R3}/contract/why/1y").named("begin-downtime (unknown unit)")
            .error("Cannot parse simple time"),
        write("begin-maintenance/{H}/{R3}/contract%0A/upgrade%0A").okContaining("{H}:{R3}").details(KEY),
        read("maintenance").named("maintenance ({R3} in maintenance)").array(MAINTENANCE, 1)
            .check(at("/0/Key/Port", "{R3}"))
            .check(at("/0/Owner", "contract")).check(at("/0/Reason", "upgrade"))
            .check(remember("MAINTENANCE", "/0/MaintenanceId")),
        read("in-maintenance/{H}/{R3}").named("in-maintenance/:host/:port (in maintenance)")
            .ok("true").detailsString("{H}:{R3}"),
        write("end-maintenance/{MAINTENANCE}").okContaining("").detailsNumber()
            .check(at("/Details", "{MAINTENANCE}")),
        write("begin-maintenance/{H}/{R3}/contract/again").okContaining("{H}:{R3}").details(KEY),
        write("end-maintenance/{H}/{R3}").okContaining("{H}:{R3}").details(KEY),
        read("maintenance").named("maintenance (none left)").array(MAINTENANCE, 0)
            .check((b, api) -> assertTrue(b.isEmpty(), "no maintenance left: " + b)),
        write("register-candidate/{H}/{R1}/prefer").ok("Registered candidate").details(KEY),
        await("{R1} a prefer candidate", "instance/{H}/{R1}",
            n -> n.path("PromotionRule").asText().equals("prefer") && n.path("IsCandidate").asBoolean()),
        read("bulk-promotion-rules").array(PROMOTION_RULE, 1).check(at("/0/Port", "{R1}"))
            .check(at("/0/PromotionRule", "prefer")),
        write("register-candidate/{H}/{R1}/neutral").ok("Registered candidate").details(KEY),
        write("register-candidate/{H}/{R1}/must").error("CandidatePromotionRule: must not supported yet"),
        write("register-candidate/{H}/{R1}/sometimes").error("Invalid CandidatePromotionRule: sometimes"),
        await("{R1} neutral again", "instance/{H}/{R1}",
            n -> n.path("PromotionRule").asText().equals("neutral")),
        write("disable-global-recoveries").ok("Globally disabled recoveries").detailsString("disabled"),
        read("check-global-recoveries").named("check-global-recoveries (disabled)")
            .ok("Global recoveries disabled").detailsString("disabled"),
        write("enable-global-recoveries").ok("Globally enabled recoveries").detailsString("enabled"),
        write("set-cluster-alias/{C}?alias=contract-alias%0A").okContaining("").detailsNull(),
        await("the new alias", "clusters-info",
            n -> n.at("/0/ClusterAlias").asText().equals("contract-alias")),
        read("cluster-info/alias/contract-alias").named("cluster-info/alias/:clusterAlias (new alias)")
            .object(CLUSTER_INFO).check(at("/ClusterName", "{C}")),
        write("set-cluster-alias/{C}?alias={A}").named("set-cluster-alias (back)").okContaining("")
            .detailsNull(),
        await("the alias back", "clusters-info", (n, api) ->
            n.at("/0/ClusterAlias").asText().equals(api.var("A"))),
        // §8.3: alias → host:port, /hostname, /port, and the resolved /ipv4, /ipv6
        write("submit-masters-to-kv-stores/").ok("Submitted 5 masters").detailsArray(KV_PAIR, 5)
            .check(at("/Details/0/Key", "mysql/master/{A}")).check(at("/Details/0/Value", "{H}:{M}"))
            .check(at("/Details/3/Key", "mysql/master/{A}/ipv4")).check(at("/Details/3/Value", "{H}"))
            .check(at("/Details/4/Key", "mysql/master/{A}/ipv6")),
        write("submit-masters-to-kv-stores/{A}").okContaining("Submitted").detailsArray(KV_PAIR, 1)
            .check(at("/Details/0/Value", "{H}:{M}")),
        awaitStar());
  }

  // ---- §4.3 operations on one server ---------------------------------------------------------

  static List<Step> serverOperations() {
    return List.of(
        write("stop-replica/{H}/{R3}").ok("Replica stopped: {H}:{R3}").details(INSTANCE)
            .check(at("/Details/ReplicationSQLThreadState", "0"))
            .check(at("/Details/ReplicationIOThreadState", "0"))
            .locksReleased(),
        write("start-replica/{H}/{R3}").ok("Replica started: {H}:{R3}").details(INSTANCE)
            .check(at("/Details/ReplicationSQLThreadState", "1"))
            .locksReleased(),
        write("restart-replica/{H}/{R3}").okContaining("{H}:{R3}").details(INSTANCE)
            .locksReleased(),
        write("stop-replica-nice/{H}/{R3}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/ReplicationSQLThreadState", "0"))
            .locksReleased(),
        // §2.1: the legacy *-slave* spellings
        write("start-slave/{H}/{R3}").named("start-slave (legacy)").ok("Replica started: {H}:{R3}")
            .details(INSTANCE)
            .locksReleased(),
        write("stop-slave/{H}/{R3}").named("stop-slave (legacy)").ok("Replica stopped: {H}:{R3}")
            .details(INSTANCE)
            .locksReleased(),
        write("restart-slave/{H}/{R3}").named("restart-slave (legacy)").okContaining("{H}:{R3}")
            .details(INSTANCE).check(at("/Details/ReplicationSQLThreadState", "1"))
            .locksReleased(),
        write("set-writeable/{H}/{R3}").ok("Server set as writeable").details(INSTANCE)
            .check(at("/Details/ReadOnly", "false"))
            .locksReleased(),
        write("make-co-master/{H}/{R3}").named("make-co-master (writable replica)")
            .error("instance {H}:{R3} is not read-only; first make it read-only before making it co-master"),
        write("set-read-only/{H}/{R3}").ok("Server set as read-only").details(INSTANCE)
            .check(at("/Details/ReadOnly", "true"))
            .locksReleased(),
        write("delay-replication/{H}/{R3}/7").okContaining("").detailsNumber().check(at("/Details", "7"))
            .locksReleased(),
        await("{R3} delayed 7 s", "instance/{H}/{R3}", n -> n.path("SQLDelay").asInt() == 7),
        write("delay-replication/{H}/{R3}/0").named("delay-replication (back to 0)").okContaining("")
            .detailsNumber().check(at("/Details", "0"))
            .locksReleased(),
        write("delay-replication/{H}/{R3}/soon").error("Invalid value provided for seconds"),
        write("detach-replica/{H}/{R3}").okContaining("{H}:{R3}").details(INSTANCE)
            .locksReleased(),
        write("reattach-replica/{H}/{R3}").okContaining("{H}:{R3}").details(INSTANCE)
            .locksReleased(),
        write("detach-replica-master-host/{H}/{R3}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Hostname", "//{H}")).check(at("/Details/IsDetachedMaster", "true"))
            .locksReleased(),
        write("reattach-replica-master-host/{H}/{R3}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Hostname", "{H}"))
            .locksReleased(),
        write("detach-slave-master-host/{H}/{R3}").named("detach-slave-master-host (legacy)")
            .okContaining("{H}:{R3}").details(INSTANCE)
            .locksReleased(),
        write("reattach-slave-master-host/{H}/{R3}").named("reattach-slave-master-host (legacy)")
            .okContaining("{H}:{R3}").details(INSTANCE)
            .locksReleased(),
        write("enable-semi-sync-replica/{H}/{R3}").ok("replica semi-sync set to true").details(INSTANCE)
            .check(at("/Details/SemiSyncReplicaEnabled", "true"))
            .locksReleased(),
        write("disable-semi-sync-replica/{H}/{R3}").ok("replica semi-sync set to false").details(INSTANCE)
            .check(at("/Details/SemiSyncReplicaEnabled", "false"))
            .locksReleased(),
        write("flush-binary-logs/{H}/{M}").ok("Binary logs flushed on: {H}:{M}").details(INSTANCE)
            .check(remember("BINLOG", "/Details/SelfBinlogCoordinates/LogFile"))
            .locksReleased(),
        await("every replica reading {BINLOG}", "all-instances", (n, api) -> {
          for (String r : List.of("R1", "R2", "R3")) {
            if (!instance(n, api.port(r)).at("/ReadBinlogCoordinates/LogFile").asText()
                .equals(api.var("BINLOG"))) {
              return false;
            }
          }
          return true;
        }),
        write("purge-binary-logs/{H}/{M}/latest").okContaining("{H}:{M}").details(INSTANCE)
            .locksReleased(),
        Step.action("a session on {M} running SELECT SLEEP(60)", api ->
            api.set("PROCESS", IdleSession.openSleeping(api))),
        write("kill-query/{H}/{M}/{PROCESS}").okContaining("{H}:{M}").details(INSTANCE)
            .locksReleased(),
        Step.action("the sleep ended by the kill", api -> {
          assertTrue(IdleSession.sleepEnded());
          IdleSession.close();
        }),
        // orchestrator refuses too: nothing to skip while the SQL thread runs (brokenReplica skips)
        write("skip-query/{H}/{R3}").named("skip-query (a healthy replica: refused)")
            .error("{H}:{R3}").check(messageContains("SQL thread is running"))
            .locksReleased(),
        // §7.9
        write("gtid-errant-reset-master/{H}/{R3}")
            .error("gtid-errant-reset-master will not operate on {H}:{R3}"),
        write("gtid-errant-inject-empty/{H}/{R3}")
            .error("gtid-errant-inject-empty will not operate on {H}:{R3}"),
        awaitStar());
  }

  // ---- §4.3 refactorings, each undone -------------------------------------------------------

  static List<Step> refactorings() {
    return List.of(
        // §11.10: Details is the instance after the move
        write("relocate/{H}/{R3}/{H}/{R1}").ok("Instance {H}:{R3} relocated below {H}:{R1}")
            .details(INSTANCE).check(at("/Details/Key/Port", "{R3}")).check(at("/Details/MasterKey/Port", "{R1}"))
            .locksReleased(),
        write("relocate/{H}/{R3}/{H}/{M}").named("relocate (back)").ok("Instance {H}:{R3} relocated below {H}:{M}")
            .details(INSTANCE).check(at("/Details/MasterKey/Port", "{M}"))
            .locksReleased(),
        write("relocate/{H}/{M}/{H}/{R1}").named("relocate (below a descendant)")
            .error("relocate: {H}:{R1} is a descendant of {H}:{M}"),
        write("relocate-below/{H}/{R3}/{H}/{R2}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{R2}"))
            .locksReleased(),
        // §11.11: Details is the array of the moved instances
        write("relocate-replicas/{H}/{R2}/{H}/{M}").okContaining("Relocated 1 replicas of {H}:{R2} below {H}:{M}")
            .detailsArray(INSTANCE, 1).check(at("/Details/0/Key/Port", "{R3}"))
            .check(at("/Details/0/MasterKey/Port", "{M}"))
            .locksReleased(),
        write("move-below/{H}/{R3}/{H}/{R2}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{R2}"))
            .locksReleased(),
        write("move-up/{H}/{R3}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{M}"))
            .locksReleased(),
        write("move-gtid/{H}/{R3}/{H}/{R1}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{R1}"))
            .locksReleased(),
        write("move-below-gtid/{H}/{R3}/{H}/{M}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{M}"))
            .locksReleased(),
        write("match/{H}/{R3}/{H}/{R2}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{R2}"))
            .locksReleased(),
        write("match-up/{H}/{R3}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{M}"))
            .locksReleased(),
        // orchestrator moves by equivalent binlog coordinates; orcha by GTID
        write("move-equivalent/{H}/{R3}/{H}/{R2}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{R2}"))
            .locksReleased(),
        write("match-below/{H}/{R3}/{H}/{R1}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{R1}"))
            .locksReleased(),
        // the client's own spelling: legacy name, trailing slash (§1.1)
        write("move-up-slaves/{H}/{R1}/").named("move-up-slaves (legacy, trailing slash)")
            .okContaining("Relocated 1 replicas").detailsArray(INSTANCE, 1)
            .check(at("/Details/0/MasterKey/Port", "{M}"))
            .locksReleased(),
        write("take-siblings/{H}/{R1}").okContaining("{H}:{R1}").details(INSTANCE)
            .locksReleased(),
        await("{R2} and {R3} below {R1}", "instance-replicas/{H}/{R1}", n -> n.size() == 2),
        write("move-up-replicas/{H}/{R1}/").okContaining("Relocated 2 replicas").detailsArray(INSTANCE, 2)
            .locksReleased(),
        write("enslave-siblings/{H}/{R2}").named("enslave-siblings (legacy)").okContaining("{H}:{R2}")
            .details(INSTANCE)
            .locksReleased(),
        write("relocate-slaves/{H}/{R2}/{H}/{M}").named("relocate-slaves (legacy)")
            .okContaining("Relocated 2 replicas").detailsArray(INSTANCE, 2)
            .locksReleased(),
        write("regroup-replicas/{H}/{M}").okContaining("Regrouped replicas of {H}:{M}").details(INSTANCE)
            .check(remember("REGROUPED", "/Details/Key/Port"))
            .locksReleased(),
        write("relocate-replicas/{H}/{REGROUPED}/{H}/{M}").named("relocate-replicas (back)")
            .okContaining("Relocated 2 replicas").detailsArray(INSTANCE, 2)
            .locksReleased(),
        write("regroup-replicas-gtid/{H}/{M}").okContaining("Regrouped replicas of {H}:{M}")
            .details(INSTANCE).check(remember("REGROUPED_GTID", "/Details/Key/Port"))
            .locksReleased(),
        write("relocate-replicas/{H}/{REGROUPED_GTID}/{H}/{M}")
            .named("relocate-replicas (back after regroup-replicas-gtid)")
            .okContaining("Relocated 2 replicas").detailsArray(INSTANCE, 2)
            .locksReleased(),
        // Details = the destination KEY (§4.3)
        write("move-replicas-gtid/{H}/{M}/{H}/{R1}").okContaining("Relocated 2 replicas").details(KEY)
            .check(at("/Details/Port", "{R1}"))
            .locksReleased(),
        // upstream's Details is the new master's KEY (§3 row 34)
        write("match-up-replicas/{H}/{R1}/").okContaining("Relocated 2 replicas").details(KEY)
            .check(at("/Details/Port", "{M}"))
            .locksReleased(),
        write("match-replicas/{H}/{M}/{H}/{R2}").okContaining("Relocated 2 replicas").details(KEY)
            .check(at("/Details/Port", "{R2}"))
            .locksReleased(),
        write("match-up-replicas/{H}/{R2}").named("match-up-replicas (back)")
            .okContaining("Relocated 2 replicas").details(KEY).check(at("/Details/Port", "{M}"))
            .locksReleased(),
        write("repoint/{H}/{R3}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{M}"))
            .locksReleased(),
        write("repoint/{H}/{R3}/{H}/{M}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{M}"))
            .locksReleased(),
        write("repoint-replicas/{H}/{M}/").okContaining("Relocated 3 replicas").detailsArray(INSTANCE, 3)
            .locksReleased(),
        write("move-below/{H}/{R3}/{H}/{R2}").named("move-below (a chain for take-master)")
            .okContaining("{H}:{R3}").details(INSTANCE)
            .locksReleased(),
        write("take-master/{H}/{R3}").okContaining("{H}:{R3}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "{M}"))
            .locksReleased(),
        write("enslave-master/{H}/{R2}").named("enslave-master (legacy)").okContaining("{H}:{R2}")
            .details(INSTANCE).check(at("/Details/MasterKey/Port", "{M}"))
            .locksReleased(),
        write("move-up/{H}/{R3}").named("move-up (back to the star)").okContaining("{H}:{R3}")
            .details(INSTANCE)
            .locksReleased(),
        write("make-co-master/{H}/{R1}").ok("Instance made co-master: {H}:{R1}").details(INSTANCE)
            .check(at("/Details/IsCoMaster", "true"))
            .locksReleased(),
        // §7.9
        write("make-co-master/{H}/{R1}").named("make-co-master (already co-master)")
            .error("instance {H}:{R1} is already co master of {H}:{M}"),
        write("stop-replica/{H}/{M}").named("stop-replica (the co-master ring)").ok("Replica stopped: {H}:{M}")
            .details(INSTANCE)
            .locksReleased(),
        write("reset-replica/{H}/{M}").ok("Replica reset on {H}:{M}").details(INSTANCE)
            .check(at("/Details/MasterKey/Port", "0"))
            .locksReleased(),
        awaitStar());
  }

  // ---- §4.4 recoveries: every takeover shape, undone ----------------------------------------

  static List<Step> recoveries() {
    List<Step> s = new ArrayList<>(List.of(
        // a healthy server: nothing to recover; Details = the failed KEY
        write("recover/{H}/{M}").error("Recovery not attempted").check(at("/Details/Port", "{M}")),
        write("recover/{H}/{M}/{H}/{R1}").error("Recovery not attempted"),
        write("recover-lite/{H}/{M}").error("Recovery not attempted"),
        write("recover-lite/{H}/{M}/{H}/{R1}").error("Recovery not attempted"),
        // §7.9
        write("graceful-master-takeover/{A}").error("GracefulMasterTakeover: target instance not indicated"),
        write("graceful-master-takeover/{H}/{M}")
            .error("GracefulMasterTakeover: target instance not indicated"),
        write("graceful-master-takeover/{A}/{H}/9").named("graceful-master-takeover (unknown designated)")
            .error("{H}:9 must be directly replicating from the master"),
        // §11.12: Details.SuccessorKey
        write("graceful-master-takeover/{A}/{H}/{R1}").ok("graceful-master-takeover: successor promoted")
            .details(TOPOLOGY_RECOVERY).check(at("/Details/SuccessorKey/Port", "{R1}"))
            .check(remember("RECOVERY", "/Details/Id")).check(remember("UID", "/Details/UID"))
            .check(successorNamesTheCluster("NEW"))));
    s.add(afterTakeover("M", "NEW", false));
    s.addAll(List.of(
        read("audit-recovery").array(TOPOLOGY_RECOVERY, 1).check(at("/0/Id", "{RECOVERY}")),
        read("audit-recovery/0").array(TOPOLOGY_RECOVERY, 1),
        read("audit-recovery/id/{RECOVERY}").array(TOPOLOGY_RECOVERY, 1).check(at("/0/UID", "{UID}")),
        read("audit-recovery/uid/{UID}").array(TOPOLOGY_RECOVERY, 1).check(at("/0/Id", "{RECOVERY}")),
        // recorded under the name the cluster had
        read("audit-recovery/cluster/{H}:{M}").array(TOPOLOGY_RECOVERY, 1),
        read("audit-recovery/cluster/{H}:{M}/0").array(TOPOLOGY_RECOVERY, 1),
        read("audit-recovery/alias/{A}").array(TOPOLOGY_RECOVERY, 1),
        read("audit-recovery/alias/{A}/0").array(TOPOLOGY_RECOVERY, 1),
        read("audit-recovery-steps/{UID}").array(RECOVERY_STEP, 1).check(at("/0/RecoveryUID", "{UID}")),
        read("active-cluster-recovery/{C}").array(TOPOLOGY_RECOVERY),
        read("recently-active-cluster-recovery/{H}:{M}").array(TOPOLOGY_RECOVERY, 1),
        read("recently-active-instance-recovery/{H}/{M}").array(TOPOLOGY_RECOVERY, 1),
        write("ack-recovery/{RECOVERY}?comment=contract").ok("Acknowledged recovery")
            .detailsString("{RECOVERY}"),
        write("ack-recovery/uid/{UID}?comment=contract").ok("Acknowledged recovery").detailsString("{UID}"),
        write("graceful-master-takeover/{H}/{R1}/{H}/{M}").ok("graceful-master-takeover: successor promoted")
            .details(TOPOLOGY_RECOVERY).check(at("/Details/SuccessorKey/Port", "{M}"))
            .check(successorNamesTheCluster("NEW"))));
    s.add(afterTakeover("R1", "M", false));
    s.add(write("graceful-master-takeover-auto/{A}").ok("graceful-master-takeover: successor promoted")
        .details(TOPOLOGY_RECOVERY).check(successorNamesTheCluster("NEW")));
    s.add(afterTakeover("M", "NEW", true));
    s.add(write("graceful-master-takeover-auto/{A}/{H}/{M}").ok("graceful-master-takeover: successor promoted")
        .details(TOPOLOGY_RECOVERY).check(at("/Details/SuccessorKey/Port", "{M}"))
        .check(successorNamesTheCluster("BACK")));
    s.add(afterTakeover("NEW", "M", true));
    s.add(write("graceful-master-takeover-auto/{H}/{M}").ok("graceful-master-takeover: successor promoted")
        .details(TOPOLOGY_RECOVERY).check(successorNamesTheCluster("NEW")));
    s.add(afterTakeover("M", "NEW", true));
    s.add(write("graceful-master-takeover-auto/{H}/{NEW}/{H}/{M}")
        .ok("graceful-master-takeover: successor promoted").details(TOPOLOGY_RECOVERY)
        .check(at("/Details/SuccessorKey/Port", "{M}")).check(successorNamesTheCluster("BACK")));
    s.add(afterTakeover("NEW", "M", true));
    s.add(awaitStar());

    s.add(write("force-master-takeover/{A}/{H}/9").named("force-master-takeover (unknown designated)")
        .error("Instance not found"));
    s.add(write("force-master-takeover/{A}/{H}/{R1}").ok("Master failed over").details(TOPOLOGY_RECOVERY)
        .check(at("/Details/SuccessorKey/Port", "{R1}")).check(successorNamesTheCluster("NEW")));
    s.add(await("{M} downtimed lost-in-recovery", "instance/{H}/{M}",
        n -> n.path("DowntimeReason").asText().equals("lost-in-recovery")));
    // §11.15: downtimed shows the downtime a recovery created
    s.add(read("downtimed").named("downtimed (lost-in-recovery)").array(INSTANCE, 1)
        .check(at("/0/Key/Port", "{M}")).check(at("/0/DowntimeReason", "lost-in-recovery")));
    s.add(afterForcedFailover("M", "NEW"));
    s.add(write("force-master-takeover/{H}/{R1}/{H}/{M}").ok("Master failed over").details(TOPOLOGY_RECOVERY)
        .check(at("/Details/SuccessorKey/Port", "{M}")).check(successorNamesTheCluster("NEW")));
    s.add(afterForcedFailover("R1", "M"));
    s.add(write("force-master-failover/{A}").ok("Master failed over").details(TOPOLOGY_RECOVERY)
        .check(successorNamesTheCluster("NEW")));
    s.add(afterForcedFailover("M", "NEW"));
    s.add(write("force-master-failover/{H}/{NEW}").ok("Master failed over").details(TOPOLOGY_RECOVERY)
        .check(successorNamesTheCluster("NEWER")));
    s.add(afterForcedFailover("NEW", "NEWER"));
    s.add(masterBackTo("M", "NEWER"));
    s.add(awaitStar());
    return s;
  }

  /**
   * After a graceful takeover from {@code {old}} to {@code {successor}}: the demoted master
   * replicates from the new one (started unless {@code auto} already did) and its
   * lost-in-recovery downtime ends.
   */
  static Step afterTakeover(String old, String successor, boolean auto) {
    return Step.action("the demoted {" + old + "} replicates from {" + successor + "}", api -> {
      JsonNode demoted = testkit.Eventually.await("{" + old + "} below {" + successor + "}",
          java.time.Duration.ofSeconds(30), () -> api.json("instance/{H}/{" + old + "}"),
          i -> i.at("/MasterKey/Port").asInt() == api.port(successor));
      if (!auto) {
        // a plain graceful takeover leaves the demoted master's replication stopped (§7.6 step 9)
        assertEquals(0, demoted.path("ReplicationSQLThreadState").asInt(), "stopped: " + demoted);
        call(api, "start-replica/{H}/{" + old + "}");
      }
      call(api, "end-downtime/{H}/{" + old + "}");
      testkit.Eventually.await("{" + old + "} replicating from {" + successor + "}",
          java.time.Duration.ofSeconds(30), () -> api.json("instance/{H}/{" + old + "}"),
          i -> i.at("/MasterKey/Port").asInt() == api.port(successor)
              && i.path("ReplicationSQLThreadState").asInt() == 1
              && i.path("ReplicationIOThreadState").asInt() == 1 && !i.path("IsDowntimed").asBoolean());
    });
  }

  /**
   * After a forced failover from {@code {old}} to {@code {successor}}: the old master, left
   * standalone and downtimed lost-in-recovery, is relocated below the new one.
   */
  static Step afterForcedFailover(String old, String successor) {
    return Step.action("{" + old + "} back as a replica of {" + successor + "}", api -> {
      testkit.Eventually.await("{" + old + "} lost-in-recovery",
          java.time.Duration.ofSeconds(30), () -> api.json("instance/{H}/{" + old + "}"),
          i -> i.path("DowntimeReason").asText().equals("lost-in-recovery"));
      call(api, "relocate/{H}/{" + old + "}/{H}/{" + successor + "}");
      call(api, "end-downtime/{H}/{" + old + "}");
      testkit.Eventually.await("{" + old + "} replicating from {" + successor + "}",
          java.time.Duration.ofSeconds(30), () -> api.json("instance/{H}/{" + old + "}"),
          i -> i.at("/MasterKey/Port").asInt() == api.port(successor)
              && i.path("ReplicationSQLThreadState").asInt() == 1 && !i.path("IsDowntimed").asBoolean());
    });
  }

  /** The cluster's master is {@code {target}} again (a graceful takeover if it is not). */
  static Step masterBackTo(String target, String current) {
    return Step.action("{" + target + "} master again", api -> {
      if (api.port(target) == api.port(current)) {
        return;
      }
      JsonNode r = call(api, "graceful-master-takeover/{A}/{H}/{" + target + "}");
      assertEquals(api.port(target), r.at("/Details/SuccessorKey/Port").asInt(), r.toString());
      api.set("C", api.resolve("{H}:{" + target + "}"));
      call(api, "start-replica/{H}/{" + current + "}");
      call(api, "end-downtime/{H}/{" + current + "}");
    });
  }

  // ---- §7.9 PreventCrossRegionMasterFailover, through reload-configuration?config= ---------

  static List<Step> crossRegionRefusal() {
    return List.of(
        Step.action("{R1} in another region", api -> {
          api.sandbox.sql(api.port("M"),
              "update meta.instance set region = 'region2' where port = " + api.port("R1"));
          Path on = api.tmp.resolve("prevent-cross-region.json");
          Path off = api.tmp.resolve("allow-cross-region.json");
          Files.writeString(on, "{\"PreventCrossRegionMasterFailover\": true}");
          Files.writeString(off, "{\"PreventCrossRegionMasterFailover\": false}");
          api.set("ON", on);
          api.set("OFF", off);
        }),
        await("{R1} in region2", "instance/{H}/{R1}", n -> n.path("Region").asText().equals("region2")),
        write("reload-configuration?config={ON}").named("reload-configuration?config=")
            .ok("Config reloaded").detailsString("{ON}"),
        write("graceful-master-takeover/{A}/{H}/{R1}").named("graceful-master-takeover (cross-region)")
            .error("PreventCrossRegionMasterFailover"),
        Step.action("§7.6 step 8: the master has its writes back and is not taken for lost", api -> {
          // a takeover that promoted nobody must not downtime the master lost-in-recovery (orcha
          // would then fence it read-only as a returned former master)
          assertTrue(!api.json("instance/{H}/{M}").path("IsDowntimed").asBoolean(),
              "the master is downtimed after a refused takeover");
          assertEquals("0", api.sandbox.sql(api.port("M"), "SELECT @@global.read_only").strip(),
              "the master is read-only after a refused takeover");
        }),
        Step.action("back to one region and the star", api -> {
          call(api, "reload-configuration?config={OFF}");
          api.sandbox.sql(api.port("M"),
              "update meta.instance set region = 'region1' where port = " + api.port("R1"));
          call(api, "relocate-replicas/{H}/{R1}/{H}/{M}");
        }),
        await("{R1} in region1", "instance/{H}/{R1}", n -> n.path("Region").asText().equals("region1")),
        awaitStar());
  }

  // ---- §4.2 discovery and forgetting -------------------------------------------------------

  static List<Step> lifecycle() {
    return List.of(
        write("forget/{H}/{R3}").ok("Instance forgotten: {H}:{R3}").details(KEY),
        write("async-discover/{H}/{R3}").ok("Asynchronous discovery initiated for Instance: {H}:{R3}")
            .detailsNull(),
        write("refresh/{H}/{R3}").okContaining("{H}:{R3}").details(KEY).check(at("/Details/Port", "{R3}")),
        write("discover/{H}/{R3}").ok("Instance discovered: {H}:{R3}").details(INSTANCE)
            .check(at("/Details/Key/Port", "{R3}")),
        write("forget-cluster/{A}").okContaining("").detailsNull(),
        write("discover/{H}/{M}").named("discover/:host/:port (the master, after forget-cluster)")
            .ok("Instance discovered: {H}:{M}").details(INSTANCE).check(at("/Details/ReadOnly", "false")),
        awaitStar());
  }

  // ---- §1 rules and error texts -------------------------------------------------------------

  static List<Step> rules() {
    return List.of(
        read("instance/127%2E0%2E0%2E1/{M}").named("§1.1 path segments are percent-decoded")
            .object(INSTANCE).check(at("/Key/Hostname", "{H}")),
        read("cluster/{A}%0A").named("§1.1 a hint's encoded newline is trimmed").array(INSTANCE, 4),
        read("search?s=%20{R2}%0A").named("§1.1 a search string is trimmed").array(INSTANCE, 1),
        read("nosuchroute").named("§1.1 unknown path: 404 and a JSON error").error("Unknown API path")
            .status(404),
        // asked once: with a trailing slash, the empty segment would be the port ("Invalid port")
        write("instance/{H}").named("§1.1 missing segment: unknown path").error("Unknown API path")
            .status(404),
        read("instance/{H}/{M}/extra").named("§1.1 extra segment: unknown path").error("Unknown API path")
            .status(404),
        // refusals are by command, not by prefix
        read("last-pseudo-gtids/{H}/{M}").named("§1.1 unknown path near a refused command")
            .error("Unknown API path").status(404),
        read("instance/{H}/abc").error("Invalid port: abc"),
        read("instance/{H}/70000").error("Invalid port: 70000"),
        read("instance/{H}/9").named("instance (unknown)").error("Cannot read instance: {H}:9"),
        read("cluster/").named("§1.3 empty hint").error("Unable to determine cluster name by empty hint"),
        read("cluster/nosuchcluster").error("Unable to determine cluster name"),
        read("replication-analysis/nosuchcluster").error("Cannot get cluster name: nosuchcluster"),
        read("downtimed/").named("downtimed/ (empty hint: all)").array(INSTANCE),
        // {R2} has no replicas: nothing could move even if the pattern were taken
        write("relocate-replicas/{H}/{R2}/{H}/{M}?pattern=%28").named("?pattern= with a bad regex")
            .error("Invalid pattern: ("));
  }

  // ---- §4.1, §4.2 tags and pools -------------------------------------------------------------

  static List<Step> tagsAndPools() {
    return List.of(
        read("tags/{H}/{R1}").array(null, 0).check(strings()),
        // §1.1: the client's encoded newline is trimmed from ?tag=
        write("tag/{H}/{R1}?tag=role%3Dbackup%0A").ok("{H}:{R1} tagged with role=backup").details(KEY)
            .check(at("/Details/Port", "{R1}")),
        write("tag/{H}/{R2}/role/serving").ok("{H}:{R2} tagged with role=serving").details(KEY)
            .check(at("/Details/Port", "{R2}")),
        write("tag/{H}/{R3}?tag=role%3Dserving").named("tag/:host/:port (another server)")
            .ok("{H}:{R3} tagged with role=serving").details(KEY),
        // upstream's Tag.String(): name=value, also without a value
        write("tag/{H}/{R1}?tag=maintenance").named("tag/:host/:port (no value)")
            .ok("{H}:{R1} tagged with maintenance=").details(KEY),
        read("tags/{H}/{R1}").named("tags/:host/:port (two tags)").array(null, 2).check(strings())
            .check((b, api) -> assertEquals("[\"maintenance=\",\"role=backup\"]", b.toString())),
        read("tag-value/{H}/{R1}?tag=role").string("backup"),
        read("tag-value/{H}/{R2}/role").string("serving"),
        read("tag-value/{H}/{M}?tag=role").named("tag-value (missing)")
            .error("tag role not found for {H}:{M}"),
        read("tagged?tag=role").array(KEY, 3).check(portsAre("", "R1", "R2", "R3")),
        read("tagged?tag=role%3Dserving").named("tagged?tag=name=value").array(KEY, 2)
            .check(portsAre("", "R2", "R3")),
        read("tagged?tag=%21role").named("tagged?tag=!name").array(KEY, 1).check(portsAre("", "M")),
        read("tagged?tag=~role%3Dbackup").named("tagged?tag=~name=value").array(KEY, 2)
            .check(portsAre("", "R2", "R3")),
        read("tagged?tag=role,maintenance").named("tagged?tag=a,b (intersection)").array(KEY, 1)
            .check(portsAre("", "R1")),
        read("tagged/{H}/{R2}?tag=role").array(KEY, 1).check(portsAre("", "R2")),
        read("topology-tags/{A}").named("topology-tags/:clusterHint (tagged servers)")
            .ok("Topology for cluster {C}").detailsString(null)
            .check((b, api) -> assertTrue(b.get("Details").asText().contains("role=backup"),
                "§8.2 tags shown: " + b)),
        // Details: the KEYs untagged
        write("untag/{H}/{R1}?tag=maintenance").ok("maintenance removed from 1 instances")
            .detailsArray(KEY, 1).check(portsAre("/Details", "R1")),
        write("untag/{H}/{R1}/role").ok("role removed from 1 instances").detailsArray(KEY, 1)
            .check(portsAre("/Details", "R1")),
        write("untag-all?tag=role").named("untag-all (no value: refused)")
            .error("Untag: either indicate an instance or a tag value"),
        write("untag-all/role/serving").ok("role removed from 2 instances").detailsArray(KEY, 2)
            .check(portsAre("/Details", "R2", "R3")),
        write("untag-all?tag=role%3Dserving").named("untag-all?tag= (none left)")
            .ok("role removed from 0 instances").detailsArray(KEY, 0),
        read("tagged?tag=role").named("tagged (none left)").array(KEY, 0)
            .check((b, api) -> assertTrue(b.isEmpty(), "no server tagged: " + b)),

        write("submit-pool-instances/contract?instances={H}:{R1},{H}:{R2}%0A")
            .ok("Applied contract pool instances").detailsString("contract"),
        // Details: pool name → the cluster's pooled KEYs
        read("cluster-pool-instances/{C}").ok("Read pool instances for cluster {C}").details(null)
            .check(portsAre("/Details/contract", "R1", "R2")),
        read("cluster-pool-instances/{A}/contract").ok("Read pool instances for cluster {C}")
            .details(null).check(portsAre("/Details/contract", "R1", "R2")),
        read("heuristic-cluster-pool-instances/{A}").ok("Heuristic pool instances for cluster {C}")
            .detailsArray(INSTANCE, 2).check(portsAre("/Details", "R1", "R2")),
        read("heuristic-cluster-pool-instances/{A}/contract")
            .ok("Heuristic pool instances for cluster {C}").detailsArray(INSTANCE, 2)
            .check(portsAre("/Details", "R1", "R2")),
        read("heuristic-cluster-pool-lag/{C}").ok("Heuristic pool lag for cluster {C}").detailsNumber(),
        read("heuristic-cluster-pool-lag/{A}/contract").ok("Heuristic pool lag for cluster {C}")
            .detailsNumber(),
        read("heuristic-cluster-pool-lag/{C}/nosuchpool").named("heuristic-cluster-pool-lag (empty pool)")
            .error("No instances found"),
        write("submit-pool-instances/contract").named("submit-pool-instances (emptied)")
            .ok("Applied contract pool instances").detailsString("contract"),
        read("cluster-pool-instances/{C}").named("cluster-pool-instances (emptied)")
            .ok("Read pool instances for cluster {C}").details(null)
            .check((b, api) -> assertTrue(b.get("Details").isEmpty(), "no pool left: " + b)),
        awaitStar());
  }

  // ---- §4.3 skip-query on a replica stopped by an SQL error -----------------------------------

  static List<Step> brokenReplica() {
    return List.of(
        Step.action("{R3} stopped on a duplicate key", api -> {
          int m = api.port("M");
          int r3 = api.port("R3");
          api.sandbox.sql(m, "CREATE TABLE app.skipq (id INT PRIMARY KEY)");
          testkit.Eventually.await("app.skipq on {R3}", java.time.Duration.ofSeconds(30),
              () -> api.sandbox.sql(r3, "SELECT COUNT(*) FROM information_schema.TABLES"
                  + " WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'skipq'"), n -> n.endsWith("1"));
          // a row written on the replica only (not binlogged): the master's same row breaks it
          api.sandbox.sql(r3, "SET SESSION sql_log_bin = 0; INSERT INTO app.skipq VALUES (1)");
          api.sandbox.sql(m, "INSERT INTO app.skipq VALUES (1)");
        }),
        await("{R3} stopped on the duplicate key", "instance/{H}/{R3}",
            n -> n.path("ReplicationSQLThreadState").asInt() == 0
                && n.path("LastSQLError").asText().contains("Duplicate entry")),
        read("instance/{H}/{R3}").named("instance/:host/:port (SQL thread stopped by an error)")
            .object(INSTANCE).check(at("/ReplicationSQLThreadRuning", "false"))
            .check(at("/ReplicationIOThreadRuning", "true")),
        write("skip-query/{H}/{R3}").ok("Query skipped on {H}:{R3}").details(INSTANCE)
            .check(at("/Details/Key/Port", "{R3}"))
            .locksReleased(),
        Step.action("the next row reaches {R3}; app.skipq dropped", api -> {
          api.sandbox.sql(api.port("M"), "INSERT INTO app.skipq VALUES (2)");
          testkit.Eventually.await("row 2 on {R3}", java.time.Duration.ofSeconds(30),
              () -> api.sandbox.sql(api.port("R3"), "SELECT COUNT(*) FROM app.skipq WHERE id = 2"),
              n -> n.endsWith("1"));
          api.sandbox.sql(api.port("M"), "DROP TABLE app.skipq");
        }),
        awaitStar());
  }

  // ---- §4.3 locate-gtid-errant and gtid-errant-reset-master on an errant replica --------------

  /**
   * Last of the state-changing sections: a write on {R3} in a replication domain of its own
   * (the master's domain is untouched, so replication keeps running under gtid_strict_mode);
   * gtid-errant-reset-master then removes it.
   */
  static List<Step> errantGtid() {
    return List.of(
        Step.action("an errant write on {R3}, in domain 99", api -> {
          int r3 = api.port("R3");
          api.sandbox.sql(r3, "FLUSH BINARY LOGS");
          String base = api.sandbox.sql(r3, "SELECT @@log_bin_basename").replaceAll("(?s).*/", "")
              .trim();
          api.sandbox.sql(r3, "SET SESSION gtid_domain_id = 99;"
              + " INSERT INTO app.t (v) VALUES ('errant')");
          String file = api.sandbox.sql(r3, "SHOW MASTER STATUS").lines()
              .filter(l -> l.startsWith(base)).findFirst().orElseThrow().split("\\s+")[0];
          api.sandbox.sql(r3, "FLUSH BINARY LOGS");
          api.set("ERRANT_LOG", file);
        }),
        await("{R3} has an errant GTID", "instance/{H}/{R3}",
            n -> !n.path("GtidErrant").asText().isEmpty()),
        // sandbox servers have server_id = port
        read("instance/{H}/{R3}").named("instance/:host/:port (errant GTID)").object(INSTANCE)
            .check(at("/GtidErrant", "99-{R3}-1")),
        read("locate-gtid-errant/{H}/{R3}").ok("located errant GTID").detailsArray(null, 1)
            .check(strings("/Details")).check(at("/Details/0", "{ERRANT_LOG}")),
        write("gtid-errant-reset-master/{H}/{R3}").named("gtid-errant-reset-master (an errant replica)")
            .okContaining("{H}:{R3}").details(INSTANCE)
            .locksReleased(),
        await("{R3} without errant GTID", "instance/{H}/{R3}",
            n -> n.path("GtidErrant").asText().isEmpty()),
        awaitStar());
  }

  // ---- routes orcha refuses on purpose ------------------------------------------------------

  /**
   * The contract routes orcha refuses on purpose (http.UnsupportedRoutes, README "Not served,
   * on purpose"): HTTP 500 and an ERROR envelope {@code <command>: <reason>}, so that
   * orchestrator-client prints why instead of "Unknown API path". Also under the legacy names.
   */
  static List<Step> refusedOnPurpose() {
    List<Step> s = new ArrayList<>();
    for (String path : RouteCoverage.REFUSED) {
      String p = path.replace(":host/:port", "{H}/{M}").replaceAll(":[A-Za-z]+", "x");
      s.add(read(p).named(REFUSED_CASE + path).refused(RouteCoverage.command(path)));
    }
    s.add(read("regroup-slaves-pgtid/{H}/{M}").named(REFUSED_CASE + "regroup-slaves-pgtid (legacy)")
        .refused("regroup-replicas-pgtid"));
    s.add(read("regroup-slaves-bls/{H}/{M}").named(REFUSED_CASE + "regroup-slaves-bls (legacy)")
        .refused("regroup-replicas-bls"));
    return s;
  }

  // ---- checks used above ---------------------------------------------------------------------

  /** A topology answer's text starts with the master's line. */
  static java.util.function.BiConsumer<JsonNode, LiveApi> topologyStartsAtTheMaster() {
    return (b, api) -> assertTrue(b.get("Details").asText().startsWith(api.resolve("{H}:{M}")),
        "topology starts at the master: " + b);
  }

  /** The array (the whole body) lists exactly these servers, in any order. */
  static java.util.function.BiConsumer<JsonNode, LiveApi> samePorts(String... vars) {
    return (b, api) -> {
      List<Integer> expected = new ArrayList<>();
      for (String v : vars) {
        expected.add(api.port(v));
      }
      List<Integer> actual = new ArrayList<>(Checks.ports(b));
      java.util.Collections.sort(actual);
      assertEquals(expected, actual, Checks.abbreviate(b));
    };
  }

  /** The body (an array) holds strings only. */
  static java.util.function.BiConsumer<JsonNode, LiveApi> strings() {
    return strings("");
  }

  static java.util.function.BiConsumer<JsonNode, LiveApi> strings(String pointer) {
    return (b, api) -> b.at(pointer).forEach(e -> assertTrue(e.isTextual(),
        "an array of strings: " + Checks.abbreviate(b)));
  }

  /**
   * restart-replica-statements: SQL strings that stop replication, run the query, start it again.
   */
  static java.util.function.BiConsumer<JsonNode, LiveApi> statementsAround(String query) {
    return (b, api) -> {
      JsonNode d = b.get("Details");
      List<String> sql = new ArrayList<>();
      d.forEach(e -> sql.add(e.isTextual() ? e.asText() : "(not a string) " + e));
      int at = sql.indexOf(query);
      assertTrue(at > 0 && at < sql.size() - 1, query + " between stop and start: " + sql);
      assertTrue(sql.get(0).toUpperCase(java.util.Locale.ROOT).startsWith("STOP "), sql.toString());
      assertTrue(sql.get(sql.size() - 1).toUpperCase(java.util.Locale.ROOT).startsWith("START "),
          sql.toString());
    };
  }

  static java.util.function.BiConsumer<JsonNode, LiveApi> messageContains(String fragment) {
    return (b, api) -> assertTrue(b.path("Message").asText().contains(fragment),
        "Message should contain <" + fragment + ">: " + b);
  }
}
