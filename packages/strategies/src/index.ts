export { AWS_SERVICES, type AwsService, operationName, ROUTE53_CONTROL_PLANE_REGION, serviceFromClientName } from './aws/aws-service.js';
export { iamActionFor } from './aws/iam-action.js';
export { iamActionsOfPlan, PERMISSIONS_CHECK_ACTIONS, PLAN_OPERATIONS, sideOfCall } from './strategies/readiness-permissions.js';
export {
  type AwsCallSite,
  type AwsErrorCategory,
  type AwsErrorReason,
  type ClassifiedAwsError,
  classifyAwsError,
  isRetryableAwsError,
  toStepFailure,
} from './aws/classify-error.js';
export {
  type AwsClientPlugin,
  type AwsClientTarget,
  type AwsMiddlewareStack,
  type AwsPluggable,
  pluginFor,
} from './aws/aws-pluggable.js';
export {
  type AwsClientDefaults,
  AwsClientPool,
  type AwsClients,
  type AwsClientsOptions,
  type AwsCredentials,
  type AwsEndpoints,
  type AwsRoleOptions,
  createAwsClients,
} from './aws/client-factory.js';
export { type RateBucketDraw, rateBucketsFor, type TokenBucketSpec } from './aws/rate-limits.js';
export { type RateLimitedCall, RateLimiter, type RateLimiterOptions, type RateLimiterStats } from './aws/rate-limiter.js';
export { RATE_LIMIT_MIDDLEWARE_NAME, rateLimitPlugin, type RateLimitPluginOptions } from './aws/rate-limit-plugin.js';
export {
  type Acceptor,
  type AcceptorResult,
  type AcceptorState,
  defineWaiter,
  type WaiterDefinition,
} from './aws/waiters/acceptor.js';
export { nextPollDelay, type PollScheduleInput } from './aws/waiters/poll-schedule.js';
export { PollCounter } from './aws/waiters/poll-counter.js';
export { type WaiterName, type WaiterOutput, type WaiterParams, waiters } from './aws/waiters/waiter-registry.js';
export { waitFor, waitForDefinition, type WaitForOptions, type WaitPoll, type WaitResult } from './aws/waiters/wait-for.js';
export {
  dbClusterAvailable,
  dbClusterFailoverComplete,
  type DbClusterFailoverParams,
  dbInstanceAvailable,
  dbInstanceDeleted,
  dbInstancePromoted,
  dbSnapshotAvailable,
  type GlobalClusterSwitchParams,
  globalClusterWriterMoved,
  type RdsResourceParams,
} from './aws/waiters/rds-waiters.js';
export {
  type Ec2ImageParams,
  type Ec2InstancesParams,
  type Ec2SnapshotsParams,
  imageAvailable,
  instancesRunning,
  instancesStopped,
  instancesTerminated,
  snapshotsCompleted,
} from './aws/waiters/ec2-waiters.js';
export { type AutoScalingGroupParams, groupInService, groupScaledIn } from './aws/waiters/auto-scaling-waiters.js';
export { changeInSync, type HealthCheckParams, healthCheckHealthy, type Route53ChangeParams } from './aws/waiters/route53-waiters.js';
export { objectReplicated, type S3ObjectParams } from './aws/waiters/s3-waiters.js';
export { type ActionOutcome, type AdapterCallOptions } from './aws/aws-call.js';
export {
  createCrossRegionReadReplica,
  type CreateReadReplicaOptions,
  deleteDbInstance,
  type DeleteDbInstanceOptions,
  describeDbInstance,
  type DbInstanceOptions,
  type DbInstanceSummary,
  failoverMultiAzInstance,
  modifyDbInstance,
  type ModifyDbInstanceOptions,
  promoteReadReplica,
  type PromoteReadReplicaOptions,
} from './aws/rds-instances.js';
export {
  copyDbSnapshot,
  type CopyDbSnapshotOptions,
  createDbSnapshot,
  type CreateDbSnapshotOptions,
  type DbSnapshotSummary,
  describeDbSnapshot,
  describeNewestSnapshot,
  type NewestSnapshotOptions,
} from './aws/rds-snapshots.js';
export {
  type DbClusterOptions,
  type DbClusterSummary,
  describeDbCluster,
  describeGlobalCluster,
  failoverDbCluster,
  type FailoverDbClusterOptions,
  failoverGlobalCluster,
  type FailoverGlobalClusterOptions,
  type GlobalClusterMember,
  type GlobalClusterMoveOptions,
  type GlobalClusterSummary,
  switchoverGlobalCluster,
} from './aws/rds-clusters.js';
export {
  Route53ChangeQueue,
  type Route53ChangeQueueOptions,
  type Route53ChangeQueueStats,
  type Route53ChangeReceipt,
  type Route53ChangeSubmission,
} from './aws/route53-change-queue.js';
export {
  createHealthCheck,
  type CreateHealthCheckOptions,
  getChangeStatus,
  getHealthCheckStatus,
  type HealthCheckStatus,
  listRecordSets,
  type RecordChangeOptions,
  type RecordChangeOutcome,
  type RecordSetOptions,
  setRecordWeights,
  type SetRecordWeightsOptions,
  submitRecordChanges,
  switchDnsFailover,
  type SwitchDnsFailoverOptions,
} from './aws/route53.js';
export {
  type AutoScalingGroupOptions,
  type AutoScalingGroupSummary,
  describeAutoScalingGroup,
  scaleAutoScalingGroup,
  type ScaleAutoScalingGroupOptions,
} from './aws/auto-scaling.js';
export {
  copyEbsSnapshot,
  type CopyEbsSnapshotOptions,
  copyImage,
  type CopyImageOptions,
  createTags,
  describeInstances,
  describeLaunchTemplateImage,
  describeNewestImage,
  type Ec2InstanceSummary,
  IDEMPOTENCY_TAG,
  type ImageSummary,
  runInstancesFromAmi,
  type RunInstancesOptions,
  startInstances,
  stopInstances,
  terminateInstances,
} from './aws/ec2.js';
export {
  type BucketOptions,
  type BucketReplicationStatus,
  enableBucketVersioning,
  getBucketReplicationStatus,
  getBucketVersioning,
  getObjectReplicationStatus,
  headObject,
  type ObjectOptions,
  putObject,
  type ReplicationRuleSummary,
} from './aws/s3.js';
export { CALL_RECORDER_MIDDLEWARE_NAME, callRecorderPlugin, type CallRecorderOptions, type RecordedAwsCall } from './aws/call-recorder.js';
export { type Finding, type FindingStatus, injectedOutage, type Strategy, type StrategyContext, type StrategyRun } from './strategy.js';
export { getStrategy, listStrategies, registerStrategy, registerStrategyIfAbsent, UnknownStrategyError } from './strategy-registry.js';
export { AwsEnvironment, type AwsEnvironmentOptions, createAwsEnvironment, type Side } from './aws-environment.js';
export { isRunIdPlaceholder, RUN_ID_PLACEHOLDER } from './run-id-placeholder.js';
export { type AwsStepOptions, journaled, previewCall, regionLabel } from './steps/aws-step-options.js';
export { type AwsWaitResult, awsWaitStep, type AwsWaitStepOptions, waitPolicy } from './steps/aws-wait-step.js';
export { declareDisasterStep, type DeclareDisasterOptions } from './steps/disaster-steps.js';
export { fenceWritersStep, type FenceResult, type FenceWritersOptions, readOnlyParameter, unfenceWritersStep } from './steps/fence-steps.js';
export { replicaCaughtUp, replicaCaughtUpWaiter, type ReplicationState, replicationStateOf } from './steps/replication-lag.js';
export {
  type DatabaseStepOptions,
  promoteReplicaStep,
  type PromoteResult,
  resizeDatabaseStep,
  waitDatabaseAvailableStep,
  waitDatabaseDeletedStep,
  waitPromotedStep,
  waitReplicaCaughtUpStep,
} from './steps/database-steps.js';
export { createReplicaStep, type CreateReplicaOptions, retireDatabaseStep, type RetireDatabaseOptions } from './steps/replica-steps.js';
export { type GroupCapacity, type GroupStepOptions, scaleGroupStep, type ScaleGroupStepOptions, type ScaleResult, waitGroupInServiceStep, waitGroupScaledInStep } from './steps/compute-steps.js';
export { recordGroupSizeStep, type RecordedGroupSize, restoreGroupSizeStep, type RestoreGroupSizeStepOptions } from './steps/group-size-steps.js';
export { type DnsStepOptions, healthCheckOf, switchDnsStep, waitDnsInSyncStep, waitDnsTargetHealthyStep } from './steps/dns-steps.js';
export {
  type ComputeResource,
  type DatabaseResource,
  type DnsRecordResource,
  MissingRoleError,
  missingRoleIssue,
  optionalRole,
  requireRole,
  type ResourceOfKind,
  type Role,
  rolesOfKind,
} from './strategies/plan-roles.js';
export * from './probes/index.js';
export { registerBuiltinStrategies } from './builtin-strategies.js';
export { pilotLight } from './strategies/pilot-light.js';
export { warmStandby } from './strategies/warm-standby.js';
export { failoverSteps, promotedGuard, type StandbyKind, standbyTopology, type StandbyTopology, validateStandbyPlan } from './strategies/standby-family.js';
export { failbackSteps, runSuffix } from './strategies/standby-failback.js';
export { DRILL_TAG, drillLeftovers, isolatedDrill } from './strategies/standby-isolated-drill.js';
export { confirmDrillHealthyStep, drillCopyProbe, type DrillCopyProbe, drillCopyProbeSettings, drillCopyReadyStep } from './steps/drill-copy-steps.js';
export { standbyReadiness } from './strategies/readiness-checks.js';
export { multiSiteStrategy } from './strategies/multi-site.js';
export { inRegionStrategy } from './strategies/in-region.js';
export { type ClusterFailoverTarget, clusterWriterFailoverSteps, type ClusterWriterFailoverOptions, pickFailoverTarget } from './steps/cluster-failover-steps.js';
export { type GlobalDatabaseNames, type GlobalWriterMove, moveGlobalWriterSteps, type MoveGlobalWriterOptions, secondaryRejoined, waitForSecondaryRejoinStep } from './steps/global-database-steps.js';
export { configuredWeight, drainRegionSteps, type DrainRegionOptions, readWeights, type WeightedRampOptions, weightedRampSteps, type WeightedRecord } from './steps/weighted-ramp-steps.js';
export { soakStep, type SoakOptions } from './steps/soak-steps.js';
export { backupRestoreStrategy, type BackupRestoreStrategyOptions, createBackupRestoreStrategy } from './strategies/backup-restore.js';
export { type BackupRestoreParameters, backupRestoreTopology, validateBackupRestorePlan } from './strategies/backup-restore-topology.js';
export { scheduleCadence, type ScheduleCadence } from './strategies/backup-schedule.js';
export {
  cleanUpDrillStep, deleteByHand, describeLeftovers, DRILL_CLEANUP_TIMEOUT_MS, DRILL_RUN_TAG, DrillCleanupBudget, drillName, type DrillResource, type DrillScope, drillScopeStep, drillTags,
  listDrillResources, sweepDrillResources, type SweepOptions, verifyNothingLeftStep,
} from './steps/drill-cleanup-steps.js';
export { copySnapshotStep, pickNewestSnapshotStep, type PickedSnapshot, restoreDatabaseStep, type RestoredDatabase, takeSnapshotStep, waitSnapshotAvailableStep } from './steps/snapshot-steps.js';
export { findImageStep, type FoundImage, launchInstancesStep, type LaunchedInstances, terminateTaggedInstancesStep, waitInstancesRunningStep } from './steps/image-steps.js';
export { dnsCutoverStep, isControlPlaneUnreachable } from './steps/dns-cutover-step.js';
