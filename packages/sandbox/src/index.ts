export { Sandbox, type AttachableClient, type SandboxClientClass, type SandboxOptions } from './sandbox.js';
export { sandboxClientConfig, SANDBOX_CREDENTIALS, type SandboxClientConfig } from './client-config.js';
export { DataPlane, DataPlaneError, type Heartbeat } from './data-plane.js';
export { type EndpointHealth } from './application-health.js';
export { GroundTruth, type LostWritesTruth, type ServiceEntry, type SplitBrainEpisode } from './truth.js';
export { type DnsAnswer } from './services/route53-dns.js';
export {
  SandboxFaults,
  type FaultState,
  type FaultWindow,
  type NeverFinishFault,
  type OutageFault,
  type ThrottleFault,
  type TransientErrorFault,
} from './faults.js';
export { type CallLogEntry, type CallLogQuery } from './call-log.js';
export { DEFAULT_LATENCIES, type LatencyKey, type LatencyOverrides, type LatencySpec } from './latency.js';
export { type OutageFailure, type ServiceName } from './errors.js';
export { THROTTLING_ERROR, type TokenBucketSpec } from './rate-buckets.js';
export { type ApplicationRecord, type ApplicationSite, type World, WORLD_VERSION } from './world.js';
export { type WriteRecord } from './resources.js';
export { type IamDecision, type IdentityPolicy, type IdentityPolicyStatement } from './iam-policies.js';
export { iamActionOf } from './iam-authorization.js';
export { buildBackupRestoreScenario } from './scenarios/backup-restore.js';
export { buildInRegionAuroraScenario, buildInRegionScenario } from './scenarios/in-region-aurora.js';
export { buildInRegionMultiAzScenario } from './scenarios/in-region-multi-az.js';
export { buildMultiSiteScenario } from './scenarios/multi-site.js';
export { buildPilotLightScenario } from './scenarios/pilot-light.js';
export { buildWarmStandbyScenario } from './scenarios/warm-standby.js';
export { type DnsNames, type Scenario, type ScenarioNames, type ScenarioOptions } from './scenarios/scenario.js';
export { type ComputeNames } from './scenarios/provision.js';
export { sandboxHealthProbe, type SandboxHealthProbeOptions, sandboxHeartbeatProbe, type SandboxHeartbeatProbeOptions } from './sandbox-probes.js';
export { planForScenario, type ScenarioPlanOverrides } from './scenarios/scenario-plan.js';
export { type InRegionPlanOptions, type MultiSitePlanOptions, planForInRegionScenario, planForMultiSiteScenario } from './scenarios/scenario-plan-multi-site.js';
export { createRandomState, type RandomState, SeededRandom } from './random.js';
export { sandboxKmsKeyArn } from './services/rds-encryption.js';
export {
  applicationOfPlan,
  buildScenarioForPlan,
  layoutFromPlan,
  planProvisioningIssues,
  type PlanScenarioOptions,
  SANDBOX_SCENARIOS,
  sandboxAppName,
  ScenarioPlanError,
  type ScenarioPlanIssue,
  scenarioOptionsFromPlan,
} from './scenarios/scenario-from-plan.js';
export {
  type AuroraEngine,
  type BucketLayout,
  type Capacity,
  type DnsLayout,
  type GroupLayout,
  type InstanceRoleLayout,
  type RdsInstanceEngine,
  type ScenarioLayout,
} from './scenarios/layout.js';
export { planForBackupRestoreScenario, type BackupRestorePlanOverrides } from './scenarios/scenario-plan-backup-restore.js';
