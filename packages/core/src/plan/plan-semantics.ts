/**
 * Checks that span several fields of a plan (regions against strategy, heartbeat against RPO,
 * references between roles, …). Each check uses only the parts of the plan that are themselves
 * valid, so a plan with shape errors still gets its other problems reported in the same pass.
 */
import { formatDuration } from '../duration.js';
import { closestKey, describeFound, expectationDraft, type IssueDraft } from './plan-issues.js';
import { kmsKeyRegion } from './plan-fields.js';
import { DATABASE_KINDS, SNAPSHOTTABLE_KINDS } from './plan-resources.js';
import { type Plan, planSchema } from './plan-schema.js';

type Shape = typeof planSchema.shape;
type Raw = Record<string, unknown>;

/** The parsed value of one top-level section, or `undefined` when that section is invalid or absent. */
function section<K extends keyof Shape>(raw: Raw, key: K): Plan[K] | undefined {
  const result = planSchema.shape[key].safeParse(raw[key]);
  return result.success ? (result.data as Plan[K]) : undefined;
}

function record(value: unknown): Raw | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : undefined;
}

/** role → kind, read from the raw `resources` (a resource with a bad field still has a role and a kind). */
function kindsByRole(raw: Raw): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const [role, resource] of Object.entries(record(raw.resources) ?? {})) {
    const kind = record(resource)?.kind;
    kinds.set(role, typeof kind === 'string' ? kind : 'unknown');
  }
  return kinds;
}

function roleReference(path: PropertyKey[], value: string, kinds: Map<string, string>, allowedKinds: readonly string[], what: string): IssueDraft | undefined {
  const kind = kinds.get(value);
  if (kind === undefined) {
    const roles = [...kinds.keys()];
    const suggestion = closestKey(value, roles);
    const hint = suggestion ? `did you mean "${suggestion}"?` : `roles in this plan: ${roles.join(', ') || 'none'}`;
    return expectationDraft(path, `the role of ${what} in resources`, `"${value}", which is not a role in resources`, hint);
  }
  if (!allowedKinds.includes(kind)) {
    return expectationDraft(path, `the role of ${what} (kind ${allowedKinds.join(', ')})`, `"${value}", a ${kind}`);
  }
  return undefined;
}

function checkRegions(raw: Raw): IssueDraft[] {
  const regions = section(raw, 'regions');
  const strategy = section(raw, 'strategy');
  if (!regions || !strategy || strategy.name === 'in-region' || regions.primary !== regions.recovery) return [];
  return [
    expectationDraft(
      ['regions', 'recovery'],
      `a region other than regions.primary (${regions.primary})`,
      `"${regions.recovery}", the same region`,
      `strategy ${strategy.name} fails over to a second region; for a failover inside one region use strategy: { name: in-region }`,
    ),
  ];
}

/** An rds-instance without `recovery` is a Multi-AZ instance failing over inside its region: strategy in-region only. */
function checkRecoveryless(raw: Raw): IssueDraft[] {
  const strategy = section(raw, 'strategy');
  if (!strategy || strategy.name === 'in-region') return [];
  const drafts: IssueDraft[] = [];
  for (const [role, resource] of Object.entries(record(raw.resources) ?? {})) {
    const db = record(resource);
    if (db?.kind !== 'rds-instance' || db.recovery !== undefined || db.multiAz !== true) continue;
    drafts.push(
      expectationDraft(
        ['resources', role, 'recovery'],
        `recovery: { identifier } (strategy ${strategy.name} fails over to a copy in regions.recovery)`,
        'none',
        'name the cross-region read replica or restore target; only strategy in-region fails a Multi-AZ instance over inside its region without one',
      ),
    );
  }
  return drafts;
}

/**
 * A database's `kmsKeyId` on one side encrypts the copies RDS makes in that side's region: a key ARN must be of that
 * region (a key id or alias name is looked up there).
 */
function checkKmsKeyRegions(raw: Raw): IssueDraft[] {
  const regions = section(raw, 'regions');
  if (!regions) return [];
  const drafts: IssueDraft[] = [];
  for (const [role, resource] of Object.entries(record(raw.resources) ?? {})) {
    const db = record(resource);
    if (db?.kind !== 'rds-instance') continue;
    for (const side of ['primary', 'recovery'] as const) {
      const key = record(db[side])?.kmsKeyId;
      const keyRegion = typeof key === 'string' ? kmsKeyRegion(key) : undefined;
      if (keyRegion === undefined || keyRegion === regions[side]) continue;
      drafts.push(
        expectationDraft(
          ['resources', role, side, 'kmsKeyId'],
          `a KMS key of regions.${side} (${regions[side]}): RDS encrypts the copies it makes there with it, and a key works only in its own region`,
          `"${String(key)}", a key of ${keyRegion}`,
          `name a key of ${regions[side]} (its ARN, or alias/<name>); a multi-Region key's replica in ${regions[side]} has an ARN of that region`,
        ),
      );
    }
  }
  return drafts;
}

function checkHeartbeat(raw: Raw, kinds: Map<string, string>): IssueDraft[] {
  const probes = section(raw, 'probes');
  const heartbeat = probes?.heartbeat;
  if (!heartbeat) return [];
  const drafts: IssueDraft[] = [];
  const objectives = section(raw, 'objectives');
  if (objectives && heartbeat.interval >= objectives.rpo) {
    const written = record(record(record(raw.probes)?.heartbeat))?.interval;
    drafts.push(
      expectationDraft(
        ['probes', 'heartbeat', 'interval'],
        `a heartbeat interval shorter than objectives.rpo (${formatDuration(objectives.rpo)})`,
        written === undefined ? `${formatDuration(heartbeat.interval)} (the default)` : describeFound(written),
        'the RPO is measured to ± one heartbeat interval, so with this interval the RPO cannot be measured to that precision; shorten the interval',
      ),
    );
  }
  if (heartbeat.kind === 'sandbox' && heartbeat.database !== undefined) {
    const draft = roleReference(['probes', 'heartbeat', 'database'], heartbeat.database, kinds, DATABASE_KINDS, 'a database');
    if (draft) drafts.push(draft);
  }
  return drafts;
}

function checkHealthEndpoint(raw: Raw, kinds: Map<string, string>): IssueDraft[] {
  const health = section(raw, 'probes')?.health;
  if (health?.kind !== 'sandbox' || health.endpoint === 'primary' || health.endpoint === 'recovery' || kinds.has(health.endpoint)) return [];
  const roles = [...kinds.keys()].join(', ');
  return [expectationDraft(['probes', 'health', 'endpoint'], `"primary", "recovery" or a role in resources (${roles})`, `"${health.endpoint}"`)];
}

function checkSnapshotSources(raw: Raw, kinds: Map<string, string>): IssueDraft[] {
  const drafts: IssueDraft[] = [];
  for (const [role, resource] of Object.entries(record(raw.resources) ?? {})) {
    const snapshots = record(resource)?.kind === 'backups' ? record(resource)?.snapshots : undefined;
    if (!Array.isArray(snapshots)) continue;
    snapshots.forEach((snapshot: unknown, index) => {
      const source = record(snapshot)?.source;
      if (typeof source !== 'string') return;
      const path = ['resources', role, 'snapshots', index, 'source'];
      const draft = roleReference(path, source, kinds, SNAPSHOTTABLE_KINDS, 'a database or instances resource');
      if (draft) drafts.push(draft);
    });
  }
  return drafts;
}

function checkApprovals(raw: Raw): IssueDraft[] {
  const approvals = section(raw, 'approvals') ?? [];
  const first = new Map<string, number>();
  const drafts: IssueDraft[] = [];
  approvals.forEach((gate, index) => {
    const earlier = first.get(gate.before);
    if (earlier === undefined) first.set(gate.before, index);
    else {
      drafts.push(
        expectationDraft(['approvals', index, 'before'], `one gate per step ("${gate.before}" is already gated by approvals[${earlier}])`, `"${gate.before}" again`, 'merge the two gates (list every approver in one)'),
      );
    }
  });
  return drafts;
}

/**
 * Every cross-field problem of a plan given as raw input (parsed YAML or an object).
 *
 * @example
 * checkPlanSemantics({ regions: { primary: 'us-east-1', recovery: 'us-east-1' }, strategy: { name: 'pilot-light' } })
 * // [{ path: ['regions', 'recovery'], expected: 'a region other than regions.primary (us-east-1)', … }]
 */
export function checkPlanSemantics(input: unknown): IssueDraft[] {
  const raw = record(input);
  if (!raw) return [];
  const kinds = kindsByRole(raw);
  return [...checkRegions(raw), ...checkRecoveryless(raw), ...checkKmsKeyRegions(raw), ...checkHeartbeat(raw, kinds), ...checkHealthEndpoint(raw, kinds), ...checkSnapshotSources(raw, kinds), ...checkApprovals(raw)];
}
