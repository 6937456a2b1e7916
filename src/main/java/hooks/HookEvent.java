package hooks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a hook sees of a failure or recovery: the values behind the placeholders (api §9.2) and
 * the {@code ORC_*} environment (api §9.3). Host names, cluster names, aliases and descriptions
 * come from MySQL servers and operators, so they are data: {@link CommandRenderer} quotes them.
 *
 * <p>{@code isSuccessful} is not a component: as in orchestrator it is true exactly when there is
 * a successor. Lists are {@code host:port} strings, in the order given.
 */
public record HookEvent(String failureType, String instanceType, boolean isMaster,
    boolean isCoMaster, String failureDescription, String command, String failedHost,
    int failedPort, String failureCluster, String failureClusterAlias, String failureClusterDomain,
    int countReplicas, boolean isDowntimed, boolean autoMasterRecovery,
    boolean autoIntermediateMasterRecovery, String orchestratorHost, String recoveryUID,
    Optional<Successor> successor, List<String> lostReplicas, List<String> replicaHosts) {

  /**
   * The promoted server. {@code binlogCoordinates} is {@code file:pos} when known; {@code alias}
   * is its InstanceAlias and may be empty.
   */
  public record Successor(String host, int port, Optional<String> binlogCoordinates,
      String alias) {
    public Successor {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(binlogCoordinates, "binlogCoordinates");
      Objects.requireNonNull(alias, "alias");
    }
  }

  public HookEvent {
    Objects.requireNonNull(failureType, "failureType");
    Objects.requireNonNull(instanceType, "instanceType");
    Objects.requireNonNull(failureDescription, "failureDescription");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(failedHost, "failedHost");
    Objects.requireNonNull(failureCluster, "failureCluster");
    Objects.requireNonNull(failureClusterAlias, "failureClusterAlias");
    Objects.requireNonNull(failureClusterDomain, "failureClusterDomain");
    Objects.requireNonNull(orchestratorHost, "orchestratorHost");
    Objects.requireNonNull(recoveryUID, "recoveryUID");
    Objects.requireNonNull(successor, "successor");
    lostReplicas = List.copyOf(lostReplicas);
    replicaHosts = List.copyOf(replicaHosts);
  }

  /** True when the recovery produced a successor ({@code {isSuccessful}}, ORC_IS_SUCCESSFUL). */
  public boolean isSuccessful() {
    return successor.isPresent();
  }

  /**
   * Placeholder (with braces) to value, per api §9.2, synonyms included. The {@code successor*}
   * placeholders are present only with a successor (and the coordinates only when known), so a
   * template's {@code {successorHost}} stays literal otherwise, as in orchestrator.
   */
  public Map<String, String> placeholders() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("{failureType}", failureType);
    m.put("{instanceType}", instanceType);
    m.put("{isMaster}", Boolean.toString(isMaster));
    m.put("{isCoMaster}", Boolean.toString(isCoMaster));
    m.put("{failureDescription}", failureDescription);
    m.put("{command}", command);
    m.put("{failedHost}", failedHost);
    m.put("{failedPort}", Integer.toString(failedPort));
    m.put("{failureCluster}", failureCluster);
    m.put("{failureClusterAlias}", failureClusterAlias);
    m.put("{failureClusterDomain}", failureClusterDomain);
    m.put("{countReplicas}", Integer.toString(countReplicas));
    m.put("{countSlaves}", Integer.toString(countReplicas));
    m.put("{isDowntimed}", Boolean.toString(isDowntimed));
    m.put("{autoMasterRecovery}", Boolean.toString(autoMasterRecovery));
    m.put("{autoIntermediateMasterRecovery}", Boolean.toString(autoIntermediateMasterRecovery));
    m.put("{orchestratorHost}", orchestratorHost);
    m.put("{recoveryUID}", recoveryUID);
    m.put("{isSuccessful}", Boolean.toString(isSuccessful()));
    successor.ifPresent(s -> {
      m.put("{successorHost}", s.host());
      m.put("{successorPort}", Integer.toString(s.port()));
      s.binlogCoordinates().ifPresent(c -> m.put("{successorBinlogCoordinates}", c));
      m.put("{successorAlias}", s.alias());
    });
    String lost = String.join(",", lostReplicas);
    m.put("{lostReplicas}", lost);
    m.put("{lostSlaves}", lost);
    m.put("{countLostReplicas}", Integer.toString(lostReplicas.size()));
    String replicas = String.join(",", replicaHosts);
    m.put("{replicaHosts}", replicas);
    m.put("{slaveHosts}", replicas);
    return Collections.unmodifiableMap(m);
  }

  /**
   * The {@code ORC_*} variables of api §9.3, added to the process environment. The
   * {@code ORC_SUCCESSOR_*} ones exist only with a successor (the coordinates only when known).
   */
  public Map<String, String> environment() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("ORC_FAILURE_TYPE", failureType);
    m.put("ORC_INSTANCE_TYPE", instanceType);
    m.put("ORC_IS_MASTER", Boolean.toString(isMaster));
    m.put("ORC_IS_CO_MASTER", Boolean.toString(isCoMaster));
    m.put("ORC_FAILURE_DESCRIPTION", failureDescription);
    m.put("ORC_COMMAND", command);
    m.put("ORC_FAILED_HOST", failedHost);
    m.put("ORC_FAILED_PORT", Integer.toString(failedPort));
    m.put("ORC_FAILURE_CLUSTER", failureCluster);
    m.put("ORC_FAILURE_CLUSTER_ALIAS", failureClusterAlias);
    m.put("ORC_FAILURE_CLUSTER_DOMAIN", failureClusterDomain);
    m.put("ORC_COUNT_REPLICAS", Integer.toString(countReplicas));
    m.put("ORC_IS_DOWNTIMED", Boolean.toString(isDowntimed));
    m.put("ORC_AUTO_MASTER_RECOVERY", Boolean.toString(autoMasterRecovery));
    m.put("ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY", Boolean.toString(autoIntermediateMasterRecovery));
    m.put("ORC_ORCHESTRATOR_HOST", orchestratorHost);
    m.put("ORC_IS_SUCCESSFUL", Boolean.toString(isSuccessful()));
    m.put("ORC_LOST_REPLICAS", String.join(",", lostReplicas));
    m.put("ORC_REPLICA_HOSTS", String.join(",", replicaHosts));
    m.put("ORC_RECOVERY_UID", recoveryUID);
    successor.ifPresent(s -> {
      m.put("ORC_SUCCESSOR_HOST", s.host());
      m.put("ORC_SUCCESSOR_PORT", Integer.toString(s.port()));
      s.binlogCoordinates().ifPresent(c -> m.put("ORC_SUCCESSOR_BINLOG_COORDINATES", c));
      m.put("ORC_SUCCESSOR_ALIAS", s.alias());
    });
    return Collections.unmodifiableMap(m);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Fills the many components by name; unset strings are empty, flags false, counts 0. */
  public static final class Builder {
    private String failureType = "";
    private String instanceType = "";
    private boolean isMaster;
    private boolean isCoMaster;
    private String failureDescription = "";
    private String command = "";
    private String failedHost = "";
    private int failedPort;
    private String failureCluster = "";
    private String failureClusterAlias = "";
    private String failureClusterDomain = "";
    private int countReplicas;
    private boolean isDowntimed;
    private boolean autoMasterRecovery;
    private boolean autoIntermediateMasterRecovery;
    private String orchestratorHost = "";
    private String recoveryUID = "";
    private Optional<Successor> successor = Optional.empty();
    private List<String> lostReplicas = List.of();
    private List<String> replicaHosts = List.of();

    private Builder() {}

    public Builder failureType(String v) {
      failureType = v;
      return this;
    }

    public Builder instanceType(String v) {
      instanceType = v;
      return this;
    }

    public Builder isMaster(boolean v) {
      isMaster = v;
      return this;
    }

    public Builder isCoMaster(boolean v) {
      isCoMaster = v;
      return this;
    }

    public Builder failureDescription(String v) {
      failureDescription = v;
      return this;
    }

    public Builder command(String v) {
      command = v;
      return this;
    }

    public Builder failed(String host, int port) {
      failedHost = host;
      failedPort = port;
      return this;
    }

    public Builder failureCluster(String v) {
      failureCluster = v;
      return this;
    }

    public Builder failureClusterAlias(String v) {
      failureClusterAlias = v;
      return this;
    }

    public Builder failureClusterDomain(String v) {
      failureClusterDomain = v;
      return this;
    }

    public Builder countReplicas(int v) {
      countReplicas = v;
      return this;
    }

    public Builder isDowntimed(boolean v) {
      isDowntimed = v;
      return this;
    }

    public Builder autoMasterRecovery(boolean v) {
      autoMasterRecovery = v;
      return this;
    }

    public Builder autoIntermediateMasterRecovery(boolean v) {
      autoIntermediateMasterRecovery = v;
      return this;
    }

    public Builder orchestratorHost(String v) {
      orchestratorHost = v;
      return this;
    }

    public Builder recoveryUID(String v) {
      recoveryUID = v;
      return this;
    }

    public Builder successor(Successor v) {
      successor = Optional.of(v);
      return this;
    }

    public Builder lostReplicas(List<String> v) {
      lostReplicas = v;
      return this;
    }

    public Builder replicaHosts(List<String> v) {
      replicaHosts = v;
      return this;
    }

    public HookEvent build() {
      return new HookEvent(failureType, instanceType, isMaster, isCoMaster, failureDescription,
          command, failedHost, failedPort, failureCluster, failureClusterAlias,
          failureClusterDomain, countReplicas, isDowntimed, autoMasterRecovery,
          autoIntermediateMasterRecovery, orchestratorHost, recoveryUID, successor, lostReplicas,
          replicaHosts);
    }
  }
}
