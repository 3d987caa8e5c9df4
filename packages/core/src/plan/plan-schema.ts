/**
 * The plan: one application's regions, resources by role, strategy, objectives, probes, approvals,
 * policies, schedule and target. `planSchema` checks the shape; `checkPlanSemantics` (plan-semantics.ts)
 * checks what spans fields. Validate plans with `parsePlan` / `loadPlanFile`, not with the schema alone.
 */
import { z } from 'zod';
import type { parsePlan } from './load-plan.js';
import type { PlanIssue } from './plan-errors.js';
import { formatDuration } from '../duration.js';
import {
  durationField,
  integerField,
  KEBAB_PATTERN,
  patternField,
  regionField,
  siblingCheck,
  stringMapField,
  textField,
} from './plan-fields.js';
import { probesSchema } from './plan-probes.js';
import { resourcesSchema } from './plan-resources.js';
import { scheduleSchema } from './plan-schedule.js';

/**
 * The only `apiVersion` this release reads.
 * @example if (input.apiVersion !== PLAN_API_VERSION) console.warn('not a v1 plan');
 */
export const PLAN_API_VERSION = 'firedrill.dev/v1';

/**
 * Strategies shipped with Firedrill; others can be registered (the registry checks the name later).
 * @example KNOWN_STRATEGIES.includes(plan.strategy.name as never)
 */
export const KNOWN_STRATEGIES = ['backup-restore', 'pilot-light', 'warm-standby', 'multi-site', 'in-region'] as const;

const metadata = z
  .strictObject({
    name: patternField(
      'a plan name of lowercase letters, digits and "-" (1–63, starting with a letter), such as "tracking-app"',
      /^[a-z][a-z0-9-]{0,62}$/,
      'Name of the application; runs, locks and history are keyed by it.',
    ),
    description: textField('What the application is.').optional(),
    owner: textField('Team or person who owns the plan.', 256).optional(),
    tags: stringMapField('Free-form labels, copied to reports.').optional(),
  })
  .describe('Who and what this plan is about.');

const account = z
  .strictObject({
    accountId: patternField('a 12-digit AWS account id in quotes, such as "111111111111"', /^\d{12}$/, 'AWS account id.').optional(),
    roleArn: patternField(
      'an IAM role ARN such as "arn:aws:iam::111111111111:role/firedrill"',
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
      'Role Firedrill assumes for this side.',
    ).optional(),
    externalId: textField('External id required by the role trust policy.', 1224).optional(),
  })
  .superRefine(
    siblingCheck('roleArn', 'a roleArn in the same account as accountId', (a) => a.accountId === undefined || a.roleArn === undefined || a.roleArn.split(':')[4] === a.accountId),
  );

const strategy = z
  .strictObject({
    name: patternField(
      `a strategy name in kebab-case, such as one of ${KNOWN_STRATEGIES.join(', ')}`,
      KEBAB_PATTERN,
      `Strategy that turns the plan into steps. Built in: ${KNOWN_STRATEGIES.join(', ')}.`,
    ),
    parameters: z.record(z.string(), z.unknown()).default({}).describe('Strategy-specific parameters.'),
  })
  .describe('How the application fails over and back.');

/** `objectives`: the targets every report is judged against. */
const objectives = z
  .strictObject({
    rto: durationField('Recovery time objective: longest acceptable time from disaster to restored service.', { positive: true }),
    rpo: durationField('Recovery point objective: most recent data it is acceptable to lose ("0s" for none).'),
  })
  .describe('RTO and RPO targets.');

const stepId = patternField('"run" or a step id in kebab-case such as "promote-database"', KEBAB_PATTERN, 'Step id, or "run" for the run as a whole.');

const approval = z
  .strictObject({
    before: stepId.describe('Gate the whole run ("run") or one step (its id).'),
    approvers: z.array(textField('Who may approve.', 256), { error: 'a list of approver names' }).min(1).optional(),
    timeout: durationField('Abort the run when nobody approves within this time.', { positive: true }).optional(),
    description: textField('What the approver should check.').optional(),
  })
  .describe('A human must approve before the run (or a step) starts.');

const positiveDuration = (description: string) => durationField(description, { positive: true }).optional();
const coefficient = (description: string) => z.number({ error: 'a number ≥ 1' }).min(1).max(100).optional().describe(description);

const intervalsInOrder = siblingCheck<{ initialInterval?: number; maximumInterval?: number }, 'maximumInterval'>(
  'maximumInterval',
  'a maximumInterval no shorter than initialInterval',
  (p) => p.initialInterval === undefined || p.maximumInterval === undefined || p.initialInterval <= p.maximumInterval,
  { show: (ms) => formatDuration(ms ?? 0) },
);

const stepPolicy = z
  .strictObject({
    timeout: positiveDuration('Limit on one attempt (for waits: on the whole wait).'),
    retry: z
      .strictObject({
        initialInterval: positiveDuration('Delay before the first retry.'),
        backoffCoefficient: coefficient('Multiplier applied to the delay after each retry.'),
        maximumInterval: positiveDuration('Upper bound of one delay.'),
        maximumAttempts: integerField(1, 1_000, 'Attempts in all, the first included; 1 means never retry.').optional(),
        transientFor: positiveDuration('How long AWS server errors (5xx) and throttling are still retried once maximumAttempts is spent, from the first attempt (default 10m); network failures (no answer) are not.'),
        nonRetryable: z.array(textField('An error code such as AccessDenied.', 256), { error: 'a list of error codes' }).optional(),
        jitter: z.boolean({ error: 'true or false' }).optional().describe('Randomise delays so steps do not retry in lockstep.'),
      })
      .superRefine(intervalsInOrder)
      .optional(),
    poll: z
      .strictObject({
        initialInterval: positiveDuration('First delay between polls.'),
        maximumInterval: positiveDuration('Largest delay between polls.'),
        backoffCoefficient: coefficient('Growth of the delay while nothing changes.'),
      })
      .superRefine(intervalsInOrder)
      .optional(),
  })
  .describe('Timeout, retry and polling overrides for one step.');

/**
 * The zod schema of the whole plan (shape only). Prefer {@link parsePlan}, which also runs the
 * cross-field checks and turns problems into readable {@link PlanIssue}s.
 * @example const result = planSchema.safeParse(input); // shape only
 */
export const planSchema = z
  .strictObject({
    apiVersion: z.literal(PLAN_API_VERSION, { error: `"${PLAN_API_VERSION}"` }).describe('Version of the plan format.'),
    kind: z.literal('Plan', { error: '"Plan"' }).optional().describe('Always "Plan".'),
    metadata,
    target: z.enum(['sandbox', 'aws']).default('sandbox').describe('sandbox: the simulated AWS (safe); aws: real AWS.'),
    regions: z
      .strictObject({
        primary: regionField.describe('Region that serves production.'),
        recovery: regionField.describe('Region failed over to (the same as primary only for the in-region strategy).'),
      })
      .describe('The two regions of the plan.'),
    accounts: z
      .strictObject({ primary: account.optional(), recovery: account.optional() })
      .optional()
      .describe('Per-side accounts and roles for multi-account plans.'),
    strategy,
    resources: resourcesSchema,
    objectives,
    probes: probesSchema.optional(),
    approvals: z.array(approval, { error: 'a list of approval gates' }).default([]).describe('Human approval gates.'),
    concurrency: integerField(1, 1_000, 'Steps run at the same time, at most.').default(8),
    rollback: z
      .enum(['on-failure', 'always', 'never'])
      .default('on-failure')
      .describe('When compensations run: on-failure (default), always (even after success, e.g. drills), never.'),
    policies: z
      .record(z.string({ error: 'a step id in kebab-case' }).regex(KEBAB_PATTERN), stepPolicy, { error: 'a mapping of step ids to policies' })
      .default({})
      .describe('Per-step policy overrides, keyed by step id.'),
    schedule: scheduleSchema.optional(),
  })
  .meta({ title: 'Firedrill plan', description: 'A disaster-recovery plan for one application.' });

/**
 * A validated plan, as returned by `parsePlan` and `loadPlanFile`: defaults filled in and every
 * duration in **milliseconds** (a number), under the same field names as the plan file.
 * @example
 * const plan: Plan = await loadPlanFile('plan.yaml');
 * plan.objectives.rto // 900000 for "15m"
 */
export type Plan = z.output<typeof planSchema>;
/**
 * A plan as a user writes it (YAML or TypeScript): durations as text such as `"15m"`. Journaled verbatim.
 * @example const objectives: PlanInput['objectives'] = { rto: '15m', rpo: '1m' };
 */
export type PlanInput = z.input<typeof planSchema>;
/** One resource of a plan (a member of `resources`), discriminated by `kind`. */
export type PlanResource = Plan['resources'][string];
/** The resource kinds a plan can use: `rds-instance`, `route53-record`, … */
export type ResourceKind = PlanResource['kind'];
/** RTO and RPO targets, in milliseconds. */
export type Objectives = Plan['objectives'];
/** The health probe (RTO), durations in milliseconds. */
export type HealthProbeConfig = NonNullable<NonNullable<Plan['probes']>['health']>;
/** The heartbeat probe (RPO), durations in milliseconds. */
export type HeartbeatProbeConfig = NonNullable<NonNullable<Plan['probes']>['heartbeat']>;
/** An approval gate before the run (`before: run`) or before a step. `timeout` in milliseconds. */
export type ApprovalGate = Plan['approvals'][number];
/** Per-step overrides of timeout, retry and polling, durations in milliseconds (assignable to `StepPolicy`). */
export type StepPolicyOverride = Plan['policies'][string];
/** A plan's drill schedule. */
export type Schedule = NonNullable<Plan['schedule']>;
/** When compensations run: `on-failure` (default), `always`, `never`. */
export type RollbackStrategy = Plan['rollback'];
