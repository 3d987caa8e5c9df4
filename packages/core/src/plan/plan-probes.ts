/**
 * Probes: the health probe that decides when service is restored (RTO) and the heartbeat probe that
 * measures lost data (RPO). Connection details are always references, never inline credentials.
 */
import { z } from 'zod';
import { formatDuration } from '../duration.js';
import { durationField, siblingCheck, integerField, type IssueParams, patternField, ROLE_PATTERN, roleField, textField, unknownFieldAdvice } from './plan-fields.js';

const consecutive = integerField(1, 100, 'Successful probes in a row that count as restored; the first of the streak is t_restored.').default(3);

const httpHealthProbe = z
  .strictObject({
    kind: z.literal('http'),
    url: patternField('an http(s) URL such as "https://api.example.com/health"', /^https?:\/\/[^\s/$.?#][^\s]*$/, 'URL probed until the recovered service answers.'),
    hostHeader: textField('Host header to send (probe a regional endpoint under the public name).', 253).optional(),
    expectStatus: integerField(100, 599, 'HTTP status that counts as healthy.').default(200),
    bodyMatch: textField('Text the response body must contain.').optional(),
    interval: durationField('Time between probes.', { positive: true }).prefault('5s'),
    timeout: durationField('Limit on one probe.', { positive: true }).prefault('2s'),
    consecutive,
  })
  .superRefine(
    siblingCheck('timeout', 'a timeout no longer than the interval (probes must not overlap)', (probe) => probe.timeout <= probe.interval, { show: formatDuration }),
  )
  .describe('Probe an HTTP endpoint.');

const sandboxHealthProbe = z
  .strictObject({
    kind: z.literal('sandbox'),
    endpoint: patternField('"primary", "recovery" or a role name such as "compute"', ROLE_PATTERN, 'What to probe: "primary", "recovery" (the region side where a failover restores service; a failback probes the other side) or the role of a resource.')
      .default('recovery'),
    interval: durationField('Time between probes.', { positive: true }).prefault('5s'),
    consecutive,
  })
  .describe('Probe the simulated service of the sandbox.');

const connection = z
  .strictObject({
    fromEnv: patternField('an environment variable name such as "DATABASE_URL"', /^[A-Za-z_][A-Za-z0-9_]*$/, 'Environment variable holding the connection URL.').optional(),
    secret: textField('Name or ARN of a secret (AWS Secrets Manager) holding the connection URL.', 2048).optional(),
  })
  .refine((c) => (c.fromEnv === undefined) !== (c.secret === undefined), {
    error: 'exactly one of fromEnv or secret',
    params: { hint: 'for example connection: { fromEnv: DATABASE_URL }' } satisfies IssueParams,
    // An unknown field (say `password`) already has its own, better issue.
    when: (payload) => payload.issues.length === 0,
  })
  .describe('Where the connection URL comes from: an environment variable or a secret. Never inline.')
  .register(unknownFieldAdvice, {
    expected: 'a reference: { fromEnv: VARIABLE } or { secret: name }',
    hint: 'never write connection details or passwords in a plan: put the URL in an environment variable and write fromEnv: DATABASE_URL, or store it in a secret and write secret: <name>',
    hideValue: true,
  });

const sqlHeartbeatProbe = z
  .strictObject({
    kind: z.enum(['postgres', 'mysql']),
    connection,
    table: patternField('a table name such as "firedrill_heartbeat"', /^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/, 'Table the heartbeat is written to.').default('firedrill_heartbeat'),
    interval: durationField('Time between heartbeats; the RPO is measured to ± this precision.', { positive: true }).prefault('1s'),
  })
  .describe('Write heartbeats to a PostgreSQL or MySQL database.');

const sandboxHeartbeatProbe = z
  .strictObject({
    kind: z.literal('sandbox'),
    database: roleField.optional().describe('Role of the database resource; default: the first database in `resources`.'),
    interval: durationField('Time between heartbeats; the RPO is measured to ± this precision.', { positive: true }).prefault('1s'),
  })
  .describe('Write heartbeats to a simulated database of the sandbox.');

const dnsProbe = z
  .strictObject({
    name: textField('Record name clients resolve, such as "api.example.com".', 253),
    type: z.enum(['A', 'AAAA', 'CNAME']).default('A').describe('Record type.'),
    expect: z.array(textField('A value that means "the recovery region" (its endpoint, IP or host name).', 1024), { error: 'a list of values' }).min(1),
    resolver: z
      .union([z.literal('system'), z.literal('none'), z.array(textField('A DNS server, "10.0.0.2" or "127.0.0.1:5353".', 64)).min(1)])
      .default('system')
      .describe('Ask as clients do: the system resolver, given servers, or "none" for Route 53 only.'),
    route53: z.boolean().default(true).describe("Also ask Route 53 (TestDNSAnswer) for the plan's hosted zone."),
    interval: durationField('Time between looks.', { positive: true }).prefault('5s'),
    consecutive: integerField(1, 100, 'Answers in a row that count.').default(1),
  })
  .describe('When clients could first reach the recovery region through DNS (cached answers live a TTL).');

/** `probes`: how RTO and RPO are measured. */
export const probesSchema = z
  .strictObject({
    health: z
      .discriminatedUnion('kind', [httpHealthProbe, sandboxHealthProbe])
      .optional()
      .describe('Decides when service is restored (RTO).'),
    heartbeat: z
      .discriminatedUnion('kind', [sqlHeartbeatProbe, sandboxHeartbeatProbe])
      .optional()
      .describe('Measures lost data (RPO) with heartbeats written to the primary store.'),
    dns: dnsProbe.optional(),
  })
  .describe('Probes that measure RTO (health) and RPO (heartbeat).');
