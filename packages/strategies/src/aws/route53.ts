import {
  type Change,
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  GetChangeCommand,
  GetHealthCheckStatusCommand,
  type HealthCheckConfig,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
import { type ActionOutcome, type AdapterCallOptions, adapterFailure, callAws, sendOptions } from './aws-call.js';
import type { Route53ChangeQueue } from './route53-change-queue.js';

const site = (route53: Route53Client, command: string, resource: string) => ({ service: 'route53' as const, client: route53, command, resource });
const normalize = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** A record name and type in one hosted zone. */
export interface RecordSetOptions extends AdapterCallOptions {
  route53: Route53Client;
  hostedZoneId: string;
  /** `app.example.com` (a trailing dot is optional). */
  name: string;
  type: RRType;
}

/** Record changes go through the zone's queue when one is given (recommended), else straight to Route 53. */
export interface RecordChangeOptions extends RecordSetOptions {
  queue?: Route53ChangeQueue;
  comment?: string;
}

/** What a record change did; `changeId` is set when a change was submitted (wait with `changeInSync`). */
export interface RecordChangeOutcome extends ActionOutcome {
  changeId?: string;
}

/** Every record set with exactly this name and type (all set identifiers: failover, weighted, …). */
export async function listRecordSets(options: RecordSetOptions): Promise<ResourceRecordSet[]> {
  const { route53, hostedZoneId, name, type, signal } = options;
  const found: ResourceRecordSet[] = [];
  let start: { name: string; type: RRType; id?: string } | undefined = { name, type };
  while (start !== undefined) {
    const from: { name: string; type: RRType; id?: string } = start;
    const out = await callAws(site(route53, 'ListResourceRecordSets', `${name} in ${hostedZoneId}`), signal, () =>
      route53.send(new ListResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        StartRecordName: from.name,
        StartRecordType: from.type,
        ...(from.id ? { StartRecordIdentifier: from.id } : {}),
      }), sendOptions(signal)));
    const page = out.ResourceRecordSets ?? [];
    const matching = page.filter((r) => normalize(r.Name ?? '') === normalize(name) && r.Type === type);
    found.push(...matching);
    const more = out.IsTruncated === true && matching.length === page.length && out.NextRecordName !== undefined;
    start = more ? { name: out.NextRecordName!, type: out.NextRecordType ?? type, ...(out.NextRecordIdentifier ? { id: out.NextRecordIdentifier } : {}) } : undefined;
  }
  return found;
}

/** Submits changes through the queue, or directly. Returns the change id. */
export async function submitRecordChanges(options: RecordChangeOptions & { changes: Change[] }): Promise<string> {
  const { route53, hostedZoneId, changes, signal } = options;
  if (options.queue !== undefined) {
    const receipt = await options.queue.submit({ hostedZoneId, changes, ...(options.comment ? { comment: options.comment } : {}), ...(signal ? { signal } : {}) });
    return receipt.changeId;
  }
  const out = await callAws(site(route53, 'ChangeResourceRecordSets', `${options.name} in ${hostedZoneId}`), signal, () =>
    route53.send(new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: { Changes: changes, ...(options.comment ? { Comment: options.comment } : {}) },
    }), sendOptions(signal)));
  return out.ChangeInfo?.Id ?? '';
}

/** Options of {@link switchDnsFailover}. */
export interface SwitchDnsFailoverOptions extends RecordChangeOptions {
  /** The set identifier of the record that must become PRIMARY (the recovery region's record). */
  primarySetIdentifier: string;
  /**
   * Submit the pair even when the record is already PRIMARY: an unchanged UPSERT, for a change id to wait on
   * (Route 53 applies a zone's changes in order, so it is INSYNC only once every earlier change is).
   */
  resubmit?: boolean;
}

/**
 * Makes the named record the PRIMARY of a failover pair and the other the SECONDARY, in one atomic change — the
 * forced cutover when waiting for health checks is not wanted (the records' health checks still guard both).
 * Check-then-act: already PRIMARY → no change.
 *
 * @example
 * await switchDnsFailover({ route53, queue, hostedZoneId: 'Z123', name: 'app.example.com', type: 'A', primarySetIdentifier: 'us-west-2' });
 */
export async function switchDnsFailover(options: SwitchDnsFailoverOptions): Promise<RecordChangeOutcome> {
  const records = (await listRecordSets(options)).filter((r) => r.Failover !== undefined);
  const target = records.find((r) => r.SetIdentifier === options.primarySetIdentifier);
  const other = records.find((r) => r.SetIdentifier !== options.primarySetIdentifier);
  if (target === undefined || other === undefined) {
    const ids = records.map((r) => `${r.SetIdentifier} (${r.Failover})`).join(', ') || 'none';
    throw adapterFailure(
      `FailoverRecordNotFound: ${options.name} ${options.type} in ${options.hostedZoneId} has no failover pair with set identifier ${options.primarySetIdentifier} (found: ${ids}). Check the plan's DNS settings.`,
      'FailoverRecordNotFound',
    );
  }
  if (target.Failover === 'PRIMARY' && !options.resubmit) return { changed: false, note: `${options.primarySetIdentifier} is already PRIMARY for ${options.name}` };
  const changes: Change[] = [
    { Action: 'UPSERT', ResourceRecordSet: { ...target, Failover: 'PRIMARY' } },
    { Action: 'UPSERT', ResourceRecordSet: { ...other, Failover: 'SECONDARY' } },
  ];
  const changeId = await submitRecordChanges({ ...options, changes });
  return { changed: target.Failover !== 'PRIMARY', note: `${options.name}: ${options.primarySetIdentifier} is now PRIMARY, ${other.SetIdentifier} SECONDARY`, changeId };
}

/** Options of {@link setRecordWeights}. */
export interface SetRecordWeightsOptions extends RecordChangeOptions {
  /** New weight per set identifier (0–255); records not named keep theirs. */
  weights: Readonly<Record<string, number>>;
  /**
   * Submit every named record, even one already at its weight: a change id to wait on when all are in place, or a
   * change that states the whole split rather than only its difference.
   */
  resubmit?: boolean;
}

/**
 * Sets weighted records' weights (multi-site: the lost region to 0, or a staged ramp back). Guardrail: refuses a
 * change that leaves every record of the name at weight 0 — that would take the application off DNS. Check-then-act:
 * weights already in place → no change.
 */
export async function setRecordWeights(options: SetRecordWeightsOptions): Promise<RecordChangeOutcome> {
  const records = (await listRecordSets(options)).filter((r) => r.Weight !== undefined);
  for (const [id, weight] of Object.entries(options.weights)) {
    if (!Number.isInteger(weight) || weight < 0 || weight > 255) throw new TypeError(`setRecordWeights: weights.${id}: expected a whole number 0–255, got ${weight}`);
    if (!records.some((r) => r.SetIdentifier === id)) {
      throw adapterFailure(`WeightedRecordNotFound: ${options.name} ${options.type} in ${options.hostedZoneId} has no weighted record ${id} (found: ${records.map((r) => r.SetIdentifier).join(', ') || 'none'}).`, 'WeightedRecordNotFound');
    }
  }
  const after = records.map((r) => ({ record: r, weight: options.weights[r.SetIdentifier ?? ''] ?? r.Weight ?? 0 }));
  if (after.every((a) => a.weight === 0)) {
    throw adapterFailure(`AllWeightsZero: refusing to set every weight of ${options.name} to 0, which would leave no target in DNS. Keep at least one healthy region weighted.`, 'AllWeightsZero');
  }
  // In the order the weights are given (not Route 53's listing order): a change reads as the caller stated it.
  const named = Object.keys(options.weights).map((id) => after.find((a) => a.record.SetIdentifier === id)!);
  const changed = options.resubmit ? named : named.filter((a) => a.weight !== a.record.Weight);
  if (changed.length === 0) return { changed: false, note: `${options.name} weights already ${describeWeights(after)}` };
  const changes: Change[] = changed.map((a) => ({ Action: 'UPSERT', ResourceRecordSet: { ...a.record, Weight: a.weight } }));
  const changeId = await submitRecordChanges({ ...options, changes });
  return { changed: after.some((a) => a.weight !== a.record.Weight), note: `${options.name} weights set to ${describeWeights(after)}`, changeId };
}

function describeWeights(entries: ReadonlyArray<{ record: ResourceRecordSet; weight: number }>): string {
  return entries.map((e) => `${e.record.SetIdentifier}=${e.weight}`).join(', ');
}

/** The status of a change: `PENDING` or `INSYNC`. */
export async function getChangeStatus(options: AdapterCallOptions & { route53: Route53Client; changeId: string }): Promise<string> {
  const { route53, changeId, signal } = options;
  const out = await callAws(site(route53, 'GetChange', changeId), signal, () => route53.send(new GetChangeCommand({ Id: changeId }), sendOptions(signal)));
  return out.ChangeInfo?.Status ?? 'unknown';
}

/** Options of {@link createHealthCheck}. */
export interface CreateHealthCheckOptions extends AdapterCallOptions {
  route53: Route53Client;
  /** Idempotency token from the run and step: the same reference returns the existing health check. */
  callerReference: string;
  config: HealthCheckConfig;
}

/**
 * Creates a health check, idempotently through `CallerReference` (Route 53 returns the existing health check when
 * the reference and settings repeat, so a resumed run never creates two).
 */
export async function createHealthCheck(options: CreateHealthCheckOptions): Promise<{ healthCheckId: string }> {
  const { route53, signal } = options;
  if (options.callerReference.length === 0 || options.callerReference.length > 64) {
    throw new TypeError(`createHealthCheck: callerReference: expected 1–64 characters, got ${options.callerReference.length}`);
  }
  const out = await callAws(site(route53, 'CreateHealthCheck', options.callerReference), signal, () =>
    route53.send(new CreateHealthCheckCommand({ CallerReference: options.callerReference, HealthCheckConfig: options.config }), sendOptions(signal)));
  return { healthCheckId: out.HealthCheck?.Id ?? '' };
}

/** What Route 53's checkers currently report for a health check. */
export interface HealthCheckStatus {
  /** More than 18 % of checkers report success (Route 53's own rule). */
  healthy: boolean;
  healthyCheckers: number;
  checkers: number;
}

/** Reads a health check's status from Route 53's checkers. */
export async function getHealthCheckStatus(options: AdapterCallOptions & { route53: Route53Client; healthCheckId: string }): Promise<HealthCheckStatus> {
  const { route53, healthCheckId, signal } = options;
  const out = await callAws(site(route53, 'GetHealthCheckStatus', healthCheckId), signal, () =>
    route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }), sendOptions(signal)));
  const observations = out.HealthCheckObservations ?? [];
  const healthyCheckers = observations.filter((o) => o.StatusReport?.Status?.startsWith('Success') === true).length;
  return { healthy: observations.length > 0 && healthyCheckers / observations.length > 0.18, healthyCheckers, checkers: observations.length };
}
