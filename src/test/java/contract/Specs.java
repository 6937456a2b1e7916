package contract;

/**
 * The objects of /work/shared/orchestrator-api.md, field by field as the contract lists them
 * (names are case-sensitive and keep upstream's quirks: {@code ReplicationSQLThreadRuning},
 * {@code Binlog_format}, {@code SlaveLagSeconds}, nullable ints as {@code {"Int64","Valid"}}).
 */
final class Specs {

  private Specs() {}

  /** KEY (§5). */
  static final Spec KEY = Spec.of("key", "Hostname:s Port:n");
  /** COORD (§5). */
  static final Spec COORD = Spec.of("coord", "LogFile:s LogPos:n Type:n");
  /** NULLINT (§5). */
  static final Spec NULLINT = Spec.of("nullint", "Int64:n Valid:b");

  /** Instance JSON (§5): every field "always present". */
  static final Spec INSTANCE = Spec.of("Instance", """
      Key:key InstanceAlias:s Uptime:n ServerID:n ServerUUID:s Version:s VersionComment:s
      FlavorName:s ReadOnly:b Binlog_format:s BinlogRowImage:s LogBinEnabled:b
      LogSlaveUpdatesEnabled:b LogReplicationUpdatesEnabled:b SelfBinlogCoordinates:coord
      MasterKey:key MasterUUID:s AncestryUUID:s IsDetachedMaster:b Slave_SQL_Running:b
      ReplicationSQLThreadRuning:b Slave_IO_Running:b ReplicationIOThreadRuning:b
      ReplicationSQLThreadState:n ReplicationIOThreadState:n HasReplicationFilters:b GTIDMode:s
      SupportsOracleGTID:b UsingOracleGTID:b UsingMariaDBGTID:b UsingPseudoGTID:b
      ReadBinlogCoordinates:coord ExecBinlogCoordinates:coord IsDetached:b
      RelaylogCoordinates:coord LastSQLError:s LastIOError:s SecondsBehindMaster:nullint
      SQLDelay:n ExecutedGtidSet:s GtidPurged:s GtidErrant:s SlaveLagSeconds:nullint
      ReplicationLagSeconds:nullint SlaveHosts:keylist Replicas:keylist ClusterName:s
      SuggestedClusterAlias:s DataCenter:s Region:s PhysicalEnvironment:s ReplicationDepth:n
      IsCoMaster:b HasReplicationCredentials:b ReplicationCredentialsAvailable:b
      SemiSyncAvailable:b SemiSyncPriority:n SemiSyncMasterEnabled:b SemiSyncReplicaEnabled:b
      SemiSyncMasterTimeout:n SemiSyncMasterWaitForReplicaCount:n SemiSyncMasterStatus:b
      SemiSyncMasterClients:n SemiSyncReplicaStatus:b LastSeenTimestamp:ts IsLastCheckValid:b
      IsUpToDate:b IsRecentlyChecked:b SecondsSinceLastSeen:nullint CountMySQLSnapshots:n
      IsCandidate:b PromotionRule:s IsDowntimed:b DowntimeReason:s DowntimeOwner:s
      DowntimeEndTimestamp:ts ElapsedDowntime:n UnresolvedHostname:s AllowTLS:b Problems:strings
      LastDiscoveryLatency:n ReplicationGroupName:s ReplicationGroupIsSinglePrimary:b
      ReplicationGroupMemberState:s ReplicationGroupMemberRole:s ReplicationGroupMembers:keylist
      ReplicationGroupPrimaryInstanceKey:key
      """);

  /** ClusterInfo (§8.1). */
  static final Spec CLUSTER_INFO = Spec.of("ClusterInfo", """
      ClusterName:s ClusterAlias:s ClusterDomain:s CountInstances:n HeuristicLag:n
      HasAutomatedMasterRecovery:b HasAutomatedIntermediateMasterRecovery:b
      """);

  /** ReplicationAnalysis (§7.1); StructureAnalysis "may be null when none". */
  static final Spec ANALYSIS = Spec.of("ReplicationAnalysis", """
      AnalyzedInstanceKey:key AnalyzedInstanceMasterKey:key ClusterDetails:ClusterInfo
      AnalyzedInstanceDataCenter:s AnalyzedInstanceRegion:s AnalyzedInstancePhysicalEnvironment:s
      AnalyzedInstanceBinlogCoordinates:coord IsMaster:b IsReplicationGroupMember:b IsCoMaster:b
      LastCheckValid:b LastCheckPartialSuccess:b CountReplicas:n CountValidReplicas:n
      CountValidReplicatingReplicas:n CountReplicasFailingToConnectToMaster:n
      CountDowntimedReplicas:n ReplicationDepth:n Replicas:keylist SlaveHosts:keylist
      IsFailingToConnectToMaster:b Analysis:s Description:s StructureAnalysis:strings?
      IsDowntimed:b IsReplicasDowntimed:b DowntimeEndTimestamp:s DowntimeRemainingSeconds:n
      IsBinlogServer:b PseudoGTIDImmediateTopology:b OracleGTIDImmediateTopology:b
      MariaDBGTIDImmediateTopology:b BinlogServerImmediateTopology:b SemiSyncMasterEnabled:b
      SemiSyncMasterStatus:b SemiSyncMasterWaitForReplicaCount:n SemiSyncMasterClients:n
      CountSemiSyncReplicasEnabled:n CountLoggingReplicas:n CountStatementBasedLoggingReplicas:n
      CountMixedBasedLoggingReplicas:n CountRowBasedLoggingReplicas:n
      CountDistinctMajorVersionsLoggingReplicas:n CountDelayedReplicas:n CountLaggingReplicas:n
      IsActionableRecovery:b ProcessingNodeHostname:s ProcessingNodeToken:s
      CountAdditionalAgreeingNodes:n StartActivePeriod:s SkippableDueToDowntime:b GTIDMode:s
      MinReplicaGTIDMode:s MaxReplicaGTIDMode:s MaxReplicaGTIDErrant:s CommandHint:s IsReadOnly:b
      """);

  /**
   * TopologyRecovery (§7.4); also the shape of audit-failure-detection records. SuccessorKey and
   * SuccessorBinlogCoordinates may be null.
   */
  static final Spec TOPOLOGY_RECOVERY = Spec.of("TopologyRecovery", """
      Id:n UID:s AnalysisEntry:ReplicationAnalysis SuccessorKey:key? SuccessorAlias:s
      SuccessorBinlogCoordinates:coord? IsActive:b IsSuccessful:b LostReplicas:keylist
      ParticipatingInstanceKeys:keylist AllErrors:strings RecoveryStartTimestamp:ts
      RecoveryEndTimestamp:ts ProcessingNodeHostname:s ProcessingNodeToken:s Acknowledged:b
      AcknowledgedAt:s AcknowledgedBy:s AcknowledgedComment:s LastDetectionId:n
      RelatedRecoveryId:n Type:s RecoveryType:s
      """);

  /** audit-recovery-steps entries (§7.4). */
  static final Spec RECOVERY_STEP = Spec.of("RecoveryStep", "Id:n RecoveryUID:s AuditAt:s Message:s");

  /** blocked-recoveries entries (§4.4). */
  static final Spec BLOCKED_RECOVERY = Spec.of("BlockedRecovery", """
      FailedInstanceKey:key ClusterName:s Analysis:s LastBlockedTimestamp:s BlockingRecoveryId:n
      """);

  /** HealthStatus's ActiveNode and AvailableNodes entries (§6.3). */
  static final Spec NODE_HEALTH = Spec.of("NodeHealth", """
      Hostname:s Token:s AppVersion:s FirstSeenActive:s LastSeenActive:s ExtraInfo:s Command:s
      DBBackend:s LastReported:rfc3339
      """);

  /** HealthStatus (§6.3), Details of health and status. */
  static final Spec HEALTH = Spec.of("HealthStatus", """
      Healthy:b Hostname:s Token:s IsActiveNode:b ActiveNode:NodeHealth Error:obj?
      AvailableNodes:NodeHealth[] RaftLeader:s IsRaftLeader:b RaftLeaderURI:s RaftAdvertise:s
      RaftHealthyMembers:strings
      """);

  /** raft-status (§6.2). */
  static final Spec RAFT_STATUS = Spec.of("RaftStatus", """
      RaftBind:s RaftAdvertise:s State:s Healthy:b IsPartOfQuorum:b Leader:s LeaderURI:s
      Peers:strings
      """);

  /** automated-recovery-filters Details (§4.4). */
  static final Spec RECOVERY_FILTERS = Spec.of("RecoveryFilters", """
      RecoverMasterClusterFilters:strings RecoverIntermediateMasterClusterFilters:strings
      RecoveryIgnoreHostnameFilters:strings
      """);

  /** submit-masters-to-kv-stores Details entries (§8.3). */
  static final Spec KV_PAIR = Spec.of("KVPair", "Key:s Value:s");

  /**
   * bulk-promotion-rules entries: the contract says "compact lists"; these are the names of
   * upstream's CandidateDatabaseInstance.
   */
  static final Spec PROMOTION_RULE = Spec.of("PromotionRule", """
      Hostname:s Port:n PromotionRule:s LastSuggestedString:s PromotionRuleExpiry:s
      """);

  /**
   * maintenance entries: the contract only says "active maintenance entries"; these are the
   * names of upstream's Maintenance struct.
   */
  static final Spec MAINTENANCE = Spec.of("Maintenance", """
      MaintenanceId:n Key:key BeginTimestamp:s SecondsElapsed:n IsActive:b Owner:s Reason:s
      """);

  /** audit rows: upstream's Audit struct ("audit rows (page size 20)"). */
  static final Spec AUDIT = Spec.of("Audit", """
      AuditId:n AuditTimestamp:s AuditType:s AuditInstanceKey:key Message:s
      """);
}
