export { definePlan, loadPlanFile, loadPlanSource, loadPlanText, parsePlan, type PlanSource } from './load-plan.js';
export { formatPlanIssue, isPlanValidationError, type PlanIssue, PlanValidationError } from './plan-errors.js';
export { closestKey } from './plan-issues.js';
export { PLAN_SCHEMA_ID, planJsonSchema } from './plan-json-schema.js';
export { kmsKeyRegion } from './plan-fields.js';
export { RESOURCE_KINDS } from './plan-resources.js';
export {
  type ApprovalGate,
  type HealthProbeConfig,
  type HeartbeatProbeConfig,
  KNOWN_STRATEGIES,
  type Objectives,
  type Plan,
  PLAN_API_VERSION,
  type PlanInput,
  type PlanResource,
  planSchema,
  type ResourceKind,
  type RollbackStrategy,
  type Schedule,
  type StepPolicyOverride,
} from './plan-schema.js';
