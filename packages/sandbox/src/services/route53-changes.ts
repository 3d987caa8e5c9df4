/** Route 53 change batches: validated like Route 53 does, applied atomically, PENDING until INSYNC. */
import { badRequest, notFound } from '../errors.js';
import type { OperationContext } from '../operation-context.js';
import type { ChangeRecord, HostedZoneRecord, RecordSetRecord } from '../resources-compute.js';
import { fqdn } from './route53-dns.js';

interface ChangeInput {
  Action?: string;
  ResourceRecordSet?: RecordSetRecord;
}

const invalidBatch = (messages: string[]): Error => badRequest('InvalidChangeBatch', `[${messages.join(', ')}]`);
const invalidInput = (message: string): Error => badRequest('InvalidInput', `Invalid request: ${message}`);

const describeSet = (s: RecordSetRecord): string =>
  `[name='${fqdn(s.Name)}', type='${s.Type}'${s.SetIdentifier !== undefined ? `, set-identifier='${s.SetIdentifier}'` : ''}]`;

const sameSet = (a: RecordSetRecord, b: RecordSetRecord): boolean =>
  fqdn(a.Name) === fqdn(b.Name) && a.Type === b.Type && (a.SetIdentifier ?? '') === (b.SetIdentifier ?? '');

/** A record set from the input, normalised and structurally checked. */
function normalise(ctx: OperationContext, zone: HostedZoneRecord, raw: RecordSetRecord | undefined): RecordSetRecord {
  if (!raw || typeof raw.Name !== 'string' || typeof raw.Type !== 'string') throw invalidInput('Expected ResourceRecordSet with Name and Type');
  const set: RecordSetRecord = structuredClone(raw);
  set.Name = fqdn(set.Name);
  if (set.Name !== zone.name && !set.Name.endsWith(`.${zone.name}`)) {
    throw invalidBatch([`RRSet with DNS name ${set.Name} is not permitted in zone ${zone.name}`]);
  }
  const routed = set.Failover !== undefined || set.Weight !== undefined;
  if (routed && set.SetIdentifier === undefined) throw invalidInput(`Expected SetIdentifier for ${describeSet(set)}`);
  if (!routed && set.SetIdentifier !== undefined) throw invalidInput(`SetIdentifier is only allowed with a routing policy for ${describeSet(set)}`);
  if (set.Weight !== undefined && !(Number.isInteger(set.Weight) && set.Weight >= 0 && set.Weight <= 255)) throw invalidInput('Weight must be between 0 and 255');
  if (set.Failover !== undefined && set.Failover !== 'PRIMARY' && set.Failover !== 'SECONDARY') throw invalidInput('Failover must be PRIMARY or SECONDARY');
  if (set.AliasTarget && set.ResourceRecords?.length) throw invalidInput(`${describeSet(set)}: an alias cannot have ResourceRecords`);
  if (set.AliasTarget && set.TTL !== undefined) throw invalidInput(`${describeSet(set)}: an alias cannot have a TTL`);
  if (!set.AliasTarget && (!set.ResourceRecords?.length || set.TTL === undefined)) {
    throw invalidInput(`${describeSet(set)}: expected ResourceRecords and TTL (or an AliasTarget)`);
  }
  if (set.HealthCheckId !== undefined && !ctx.world.route53.healthChecks[set.HealthCheckId]) {
    throw notFound('NoSuchHealthCheck', `A health check with id ${set.HealthCheckId} does not exist.`);
  }
  return set;
}

/** Checks that record sets sharing a name and type use one routing policy consistently. */
function checkPolicies(records: RecordSetRecord[]): string[] {
  const errors: string[] = [];
  const groups = new Map<string, RecordSetRecord[]>();
  for (const r of records) groups.set(`${r.Name}|${r.Type}`, [...(groups.get(`${r.Name}|${r.Type}`) ?? []), r]);
  for (const sets of groups.values()) {
    const kinds = new Set(sets.map((s) => (s.Failover ? 'failover' : s.Weight !== undefined ? 'weighted' : 'simple')));
    if (kinds.size > 1 || (kinds.has('simple') && sets.length > 1)) {
      errors.push(`RRSet ${describeSet(sets[0]!)} conflicts with another record set of the same name and type that uses a different routing policy`);
    }
    for (const role of ['PRIMARY', 'SECONDARY'] as const) {
      if (sets.filter((s) => s.Failover === role).length > 1) errors.push(`More than one ${role} failover record for ${describeSet(sets[0]!)}`);
    }
  }
  return errors;
}

const sameValues = (a: RecordSetRecord, b: RecordSetRecord): boolean =>
  JSON.stringify({ ...a, Name: fqdn(a.Name) }) === JSON.stringify({ ...b, Name: fqdn(b.Name) });

/** The zone's records after applying `changes`, or InvalidChangeBatch listing every problem. */
export function applyChanges(ctx: OperationContext, zone: HostedZoneRecord, changes: ChangeInput[]): RecordSetRecord[] {
  if (!Array.isArray(changes) || changes.length === 0) throw invalidInput('Expected at least one change');
  if (changes.length > 1000) throw invalidBatch(['Number of changes exceeds 1000']);
  const next = structuredClone(zone.records);
  const errors: string[] = [];
  const touched: RecordSetRecord[] = [];
  for (const change of changes) {
    const set = normalise(ctx, zone, change.ResourceRecordSet);
    if (touched.some((t) => sameSet(t, set))) errors.push(`The request contains an invalid set of changes for a resource record set ${describeSet(set)}`);
    touched.push(set);
    const index = next.findIndex((r) => sameSet(r, set));
    if (change.Action === 'CREATE') {
      if (index >= 0) errors.push(`Tried to create resource record set ${describeSet(set)} but it already exists`);
      else next.push(set);
    } else if (change.Action === 'DELETE') {
      if (index < 0) errors.push(`Tried to delete resource record set ${describeSet(set)} but it was not found`);
      else if (!sameValues(next[index]!, set)) errors.push(`Tried to delete resource record set ${describeSet(set)} but the values provided do not match the current values`);
      else next.splice(index, 1);
    } else if (change.Action === 'UPSERT') {
      if (index >= 0) next[index] = set;
      else next.push(set);
    } else {
      throw invalidInput(`Action must be CREATE, DELETE or UPSERT, got ${String(change.Action)}`);
    }
  }
  errors.push(...checkPolicies(next));
  if (errors.length > 0) throw invalidBatch(errors);
  return next;
}

/** Records a submitted change: PENDING now, INSYNC after the propagation latency (unless it never finishes). */
export function submitChange(ctx: OperationContext, zone: HostedZoneRecord, comment: string | undefined): ChangeRecord {
  const id = `C${ctx.random.hex(20).toUpperCase()}`;
  const change: ChangeRecord = { id, zoneId: zone.id, submittedAt: ctx.now };
  const inSyncAt = ctx.completesAt('route53.changeInSync', zone.id);
  if (inSyncAt !== undefined) change.inSyncAt = inSyncAt;
  if (comment !== undefined) change.comment = comment;
  ctx.world.route53.changes[id] = change;
  return change;
}

/** PriorRequestNotComplete while the zone's previous change is PENDING. */
export function requireNoPendingChange(ctx: OperationContext, zone: HostedZoneRecord): void {
  const last = zone.lastChangeId ? ctx.world.route53.changes[zone.lastChangeId] : undefined;
  if (last && (last.inSyncAt === undefined || last.inSyncAt > ctx.now)) {
    throw badRequest('PriorRequestNotComplete', 'The request was rejected because Route 53 was still processing a prior request.');
  }
}

/** The ChangeInfo output shape. */
export function toChangeInfo(ctx: OperationContext, change: ChangeRecord): { Id: string; Status: 'PENDING' | 'INSYNC'; SubmittedAt: Date; Comment?: string } {
  const info: { Id: string; Status: 'PENDING' | 'INSYNC'; SubmittedAt: Date; Comment?: string } = {
    Id: `/change/${change.id}`,
    Status: change.inSyncAt !== undefined && change.inSyncAt <= ctx.now ? 'INSYNC' : 'PENDING',
    SubmittedAt: new Date(change.submittedAt),
  };
  if (change.comment !== undefined) info.Comment = change.comment;
  return info;
}
