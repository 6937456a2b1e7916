package http;

import actors.recovery.RecoveryLog;
import actors.recovery.RecoveryProcedure;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import topology.InstanceKey;
import topology.InstanceView;
import topology.TopologySnapshot;

/**
 * Manual and forced recoveries (§4.4, §7.6): {@code recover}, {@code recover-lite}, graceful
 * master takeover (plain and auto), forced master failover and takeover. Each route names the
 * failed server (for the master routes: the cluster master, found from a cluster hint or a
 * {@code :host/:port} of the cluster) and hands a request to the node's recovery coordinator,
 * then answers once the recovery resolved.
 */
final class FailoverRoutes {

  static final String NOT_ATTEMPTED = "Recovery not attempted: ";

  private final NodeApi api;
  private final Clock clock;

  FailoverRoutes(NodeApi api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  void register(RouteTable t) {
    t.add("recover/:host/:port", r -> recover(r, false));
    t.add("recover/:host/:port/:candidateHost/:candidatePort", r -> recover(r, false));
    t.add("recover-lite/:host/:port", r -> recover(r, true));
    t.add("recover-lite/:host/:port/:candidateHost/:candidatePort", r -> recover(r, true));
    for (String route : List.of("graceful-master-takeover", "graceful-master-takeover-auto")) {
      RecoveryProcedure.Kind kind = route.endsWith("-auto")
          ? RecoveryProcedure.Kind.GRACEFUL_AUTO : RecoveryProcedure.Kind.GRACEFUL;
      t.add(route + "/:clusterHint", r -> graceful(r, kind));
      t.add(route + "/:clusterHint/:designatedHost/:designatedPort", r -> graceful(r, kind));
      t.add(route + "/:host/:port", r -> graceful(r, kind));
      t.add(route + "/:host/:port/:designatedHost/:designatedPort", r -> graceful(r, kind));
    }
    t.add("force-master-failover/:clusterHint", this::forceFailover);
    t.add("force-master-failover/:host/:port", this::forceFailover);
    t.add("force-master-takeover/:clusterHint/:designatedHost/:designatedPort", this::forceTakeover);
    t.add("force-master-takeover/:host/:port/:designatedHost/:designatedPort", this::forceTakeover);
  }

  private static RecoveryProcedure.Request request(ApiRequest r, RecoveryProcedure.Kind kind,
      InstanceKey failed, InstanceKey candidate, boolean skipProcesses) {
    // the coordinator sets the command hint from the kind; the user is the authenticated one
    // ("" → the node's name)
    return new RecoveryProcedure.Request(kind, failed, candidate, null, skipProcesses, "",
        r.user());
  }

  /** An optional pair of path parameters; {@link InstanceKey#NONE} when the route has none. */
  private static InstanceKey optionalKey(ApiRequest r, String host, String port) {
    return r.param(host).isEmpty() ? InstanceKey.NONE
        : ApiParams.instanceKey(r.param(host), r.param(port));
  }

  private static boolean promoted(RecoveryLog.Recovery rec) {
    RecoveryLog.Resolution res = rec.resolution();
    return res != null && res.successful() && res.successor() != null && res.successor().isValid();
  }

  private static List<String> errors(RecoveryLog.Recovery rec) {
    return rec.resolution() == null ? List.of() : rec.resolution().errors();
  }

  private static String withErrors(String message, RecoveryLog.Recovery rec) {
    List<String> errors = errors(rec);
    return errors.isEmpty() ? message : message + ": " + String.join("; ", errors);
  }

  /**
   * Runs the request; a refusal to start (an {@link ApiException}) is answered by
   * {@code notStarted}, anything else fails the stage for {@link ErrorMapping}.
   */
  private CompletionStage<ApiReply> run(RecoveryProcedure.Request req,
      Function<RecoveryLog.Recovery, ApiReply> resolved, Function<String, ApiReply> notStarted) {
    return api.recover(req).handle((rec, failure) -> {
      if (failure == null) {
        return resolved.apply(rec);
      }
      Throwable t = ErrorMapping.unwrap(failure);
      if (t instanceof ApiException) {
        return notStarted.apply(t.getMessage());
      }
      throw new CompletionException(t);
    });
  }

  private JsonNode topologyRecovery(RecoveryLog.Recovery rec) {
    return RecoveryJson.topologyRecovery(rec, clock.instant(), api.settings().recoveryPeriodBlock());
  }

  // ---- recover -------------------------------------------------------------------------------

  private CompletionStage<ApiReply> recover(ApiRequest r, boolean lite) {
    InstanceKey failed = ApiParams.instanceKey(r);
    InstanceKey candidate = optionalKey(r, "candidateHost", "candidatePort");
    boolean skipProcesses = lite || r.query("skipProcesses").map("true"::equals).orElse(false);
    JsonNode failedKey = ApiJson.key(failed);
    return run(request(r, RecoveryProcedure.Kind.RECOVER, failed, candidate, skipProcesses),
        rec -> promoted(rec)
            ? ApiReply.ok("Recovery executed on " + failed, ApiJson.key(rec.resolution().successor()))
            : ApiReply.error(withErrors("Recovery attempted but no instance promoted", rec), failedKey),
        message -> ApiReply.error(message, failedKey));
  }

  // ---- the cluster master ------------------------------------------------------------------

  /**
   * The master of the cluster named by {@code :clusterHint} or by {@code :host/:port} (any
   * server of it); exactly one is required, as orchestrator's graceful and forced takeovers do.
   */
  private InstanceView clusterMaster(TopologySnapshot s, ApiRequest r) {
    String hint = r.param("host").isEmpty() ? r.param("clusterHint")
        : ApiParams.instanceKey(r).displayString();
    String name = ApiParams.clusterName(s, hint, api.settings().defaultInstancePort());
    List<InstanceView> masters = masters(s, name);
    if (masters.size() != 1) {
      throw new ApiException("Cannot deduce cluster master for " + name + ". Found "
          + masters.size() + " potential masters");
    }
    return masters.get(0);
  }

  /**
   * orchestrator's ReadClusterMaster: the top master whether writable or not, or the writable
   * co-master(s).
   */
  static List<InstanceView> masters(TopologySnapshot s, String clusterName) {
    return s.clusterInstances(clusterName).stream()
        .filter(v -> v != null)
        .filter(v -> v.coMaster() ? !v.instance().readOnly() : v.replicationDepth() == 0)
        .toList();
  }

  // ---- graceful master takeover --------------------------------------------------------------

  private CompletionStage<ApiReply> graceful(ApiRequest r, RecoveryProcedure.Kind kind) {
    InstanceKey designated = optionalKey(r, "designatedHost", "designatedPort");
    return api.snapshot().thenCompose(s -> {
      InstanceKey master = clusterMaster(s, r).key();
      return run(request(r, kind, master, designated, false),
          rec -> promoted(rec)
              ? ApiReply.ok("graceful-master-takeover: successor promoted", topologyRecovery(rec))
              : ApiReply.error(errors(rec).isEmpty()
                  ? "graceful-master-takeover: no successor promoted" : errors(rec).get(0),
                  topologyRecovery(rec)),
          // scripts grep the takeover's own words (§7.9): no prefix of ours in front of them
          message -> ApiReply.error(message.startsWith(NOT_ATTEMPTED)
              ? message.substring(NOT_ATTEMPTED.length()) : message));
    });
  }

  // ---- forced failover and takeover ----------------------------------------------------------

  private CompletionStage<ApiReply> forceFailover(ApiRequest r) {
    return api.snapshot().thenCompose(s -> {
      InstanceKey master = clusterMaster(s, r).key();
      return run(request(r, RecoveryProcedure.Kind.FORCE_FAILOVER, master, InstanceKey.NONE, false),
          rec -> promoted(rec)
              ? ApiReply.ok("Master failed over", topologyRecovery(rec))
              : ApiReply.error(withErrors("Master not failed over", rec), topologyRecovery(rec)),
          ApiReply::error);
    });
  }

  private CompletionStage<ApiReply> forceTakeover(ApiRequest r) {
    InstanceKey designated =
        ApiParams.instanceKey(r.param("designatedHost"), r.param("designatedPort"));
    return api.snapshot().thenCompose(s -> {
      InstanceView d = s.instance(designated)
          .orElseThrow(() -> new ApiException("Instance not found: " + designated));
      InstanceKey master = clusterMaster(s, r).key();
      if (!d.instance().masterKey().equals(master)) {
        throw new ApiException("You may only promote a direct child of the master " + master
            + ". The master of " + designated + " is " + d.instance().masterKey() + ".");
      }
      return run(request(r, RecoveryProcedure.Kind.FORCE_TAKEOVER, master, designated, false),
          rec -> promoted(rec)
              ? ApiReply.ok("Master failed over", topologyRecovery(rec))
              : ApiReply.error(withErrors("Recovery attempted yet no replica promoted", rec),
                  topologyRecovery(rec)),
          ApiReply::error);
    });
  }
}
