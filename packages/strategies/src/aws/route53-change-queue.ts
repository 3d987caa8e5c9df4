import { type Change, ChangeResourceRecordSetsCommand, GetChangeCommand, type Route53Client } from '@aws-sdk/client-route-53';
import type { Clock } from '@firedrill/core';
import { ROUTE53_CONTROL_PLANE_REGION } from './aws-service.js';
import { classifyAwsError, toStepFailure } from './classify-error.js';
import type { RateLimiter } from './rate-limiter.js';
import { waitFor } from './waiters/wait-for.js';

/** Options of {@link Route53ChangeQueue}. */
export interface Route53ChangeQueueOptions {
  route53: Route53Client;
  clock: Clock;
  /** The run's signal: stops the queue's waits. Each submission also has its own. */
  signal?: AbortSignal;
  /**
   * Before sending a zone's next batch, wait until its previous change is INSYNC: a change sent earlier is
   * refused with PriorRequestNotComplete anyway, and GetChange is the cheaper way to wait.
   * @default true
   */
  awaitPreviousInSync?: boolean;
  /** Changes per ChangeResourceRecordSets call. @default 100 */
  maxChangesPerBatch?: number;
  /** Attempts of one batch while AWS answers PriorRequestNotComplete or throttles. @default 20 */
  maxAttempts?: number;
  /** First delay after PriorRequestNotComplete or throttling; doubles per attempt up to 10 s. @default 1000 */
  retryDelayMs?: number;
  /** Spaces the INSYNC polls inside the account's Route 53 budget. */
  limiter?: RateLimiter;
  account?: string;
}

/** One submission: changes to one hosted zone that must be applied together. */
export interface Route53ChangeSubmission {
  hostedZoneId: string;
  changes: readonly Change[];
  comment?: string;
  /** Withdraws the submission while it is still queued. */
  signal?: AbortSignal;
}

/** What a submitter gets back once its changes are accepted (PENDING); wait for INSYNC with `changeInSync`. */
export interface Route53ChangeReceipt {
  changeId: string;
  status: string;
  /** How many submissions shared the call. */
  batchedWith: number;
}

interface Pending {
  submission: Route53ChangeSubmission;
  resolve: (receipt: Route53ChangeReceipt) => void;
  reject: (error: unknown) => void;
}

interface ZoneLane {
  pending: Pending[];
  running: boolean;
  lastChangeId: string | undefined;
}

/** Counters for tests and reports. */
export interface Route53ChangeQueueStats {
  calls: number;
  priorRequestRetries: number;
}

const recordKey = (c: Change): string => {
  const set = c.ResourceRecordSet;
  return `${(set?.Name ?? '').toLowerCase().replace(/\.$/, '')}|${set?.Type ?? ''}|${set?.SetIdentifier ?? ''}`;
};

/**
 * Serializes Route 53 changes per hosted zone and batches them: concurrent steps that switch records in one zone
 * are queued; everything pending is sent in one ChangeResourceRecordSets call (up to 100 changes, never two changes
 * to the same record in one call, since Route 53 rejects that batch), never two calls in flight per zone. The next
 * batch waits for the previous change to be INSYNC; PriorRequestNotComplete and throttling are waited out and
 * retried. If a shared batch is rejected as invalid, each submission is retried alone so only the bad one fails.
 *
 * @example
 * const queue = new Route53ChangeQueue({ route53: aws.route53, clock, signal });
 * const { changeId } = await queue.submit({ hostedZoneId: 'Z123', changes: [upsert] });
 */
export class Route53ChangeQueue {
  readonly #options: Route53ChangeQueueOptions;
  readonly #lanes = new Map<string, ZoneLane>();
  readonly #stats: Route53ChangeQueueStats = { calls: 0, priorRequestRetries: 0 };

  constructor(options: Route53ChangeQueueOptions) {
    const max = options.maxChangesPerBatch ?? 100;
    if (!Number.isInteger(max) || max < 1) throw new TypeError(`Route53ChangeQueue: maxChangesPerBatch: expected a whole number ≥ 1, got ${max}`);
    this.#options = options;
  }

  /** Queues changes for their zone; resolves with the change id once Route 53 accepted them. */
  submit(submission: Route53ChangeSubmission): Promise<Route53ChangeReceipt> {
    if (submission.changes.length === 0) return Promise.reject(new TypeError('Route53ChangeQueue.submit: changes: expected at least one change'));
    submission.signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const lane = this.#lane(submission.hostedZoneId);
      lane.pending.push({ submission, resolve, reject });
      if (!lane.running) void this.#drain(submission.hostedZoneId, lane);
    });
  }

  /** Calls and retries so far. */
  stats(): Route53ChangeQueueStats {
    return { ...this.#stats };
  }

  #lane(zone: string): ZoneLane {
    let lane = this.#lanes.get(zone);
    if (lane === undefined) {
      lane = { pending: [], running: false, lastChangeId: undefined };
      this.#lanes.set(zone, lane);
    }
    return lane;
  }

  async #drain(zone: string, lane: ZoneLane): Promise<void> {
    lane.running = true;
    try {
      while (lane.pending.length > 0) {
        if ((this.#options.awaitPreviousInSync ?? true) && lane.lastChangeId !== undefined) await this.#awaitInSync(lane.lastChangeId);
        const batch = this.#takeBatch(lane);
        if (batch.length === 0) continue;
        await this.#sendBatch(zone, lane, batch);
      }
    } catch (error) {
      // Only the run's abort gets here: nothing queued can be sent any more.
      for (const p of lane.pending.splice(0)) p.reject(error);
    } finally {
      lane.running = false;
    }
  }

  /** Everything pending that fits, in order, stopping at a submission that would overflow or touch a record twice. */
  #takeBatch(lane: ZoneLane): Pending[] {
    const max = this.#options.maxChangesPerBatch ?? 100;
    const batch: Pending[] = [];
    const keys = new Set<string>();
    let size = 0;
    while (lane.pending.length > 0) {
      const next = lane.pending[0]!;
      if (next.submission.signal?.aborted) {
        lane.pending.shift();
        next.reject(next.submission.signal.reason);
        continue;
      }
      const nextKeys = next.submission.changes.map(recordKey);
      const fits = batch.length === 0 || (size + nextKeys.length <= max && !nextKeys.some((k) => keys.has(k)));
      if (!fits) break;
      lane.pending.shift();
      batch.push(next);
      size += nextKeys.length;
      for (const k of nextKeys) keys.add(k);
    }
    return batch;
  }

  async #sendBatch(zone: string, lane: ZoneLane, batch: Pending[]): Promise<void> {
    try {
      const receipt = await this.#sendWithRetry(zone, batch.flatMap((p) => p.submission.changes), batch);
      lane.lastChangeId = receipt.changeId;
      for (const p of batch) p.resolve({ ...receipt, batchedWith: batch.length });
    } catch (error) {
      if (batch.length > 1 && classifyAwsError(error).reason === 'validation') {
        // One bad submission must not fail the others it happened to share a call with.
        for (const p of batch) await this.#sendBatch(zone, lane, [p]);
        return;
      }
      for (const p of batch) p.reject(error);
    }
  }

  async #sendWithRetry(zone: string, changes: Change[], batch: Pending[]): Promise<Route53ChangeReceipt> {
    const { route53, clock } = this.#options;
    const maxAttempts = this.#options.maxAttempts ?? 20;
    const comment = batch.map((p) => p.submission.comment).filter(Boolean).join('; ').slice(0, 256);
    for (let attempt = 1; ; attempt++) {
      try {
        this.#stats.calls++;
        const out = await route53.send(
          new ChangeResourceRecordSetsCommand({ HostedZoneId: zone, ChangeBatch: { Changes: changes, ...(comment ? { Comment: comment } : {}) } }),
          this.#options.signal ? { abortSignal: this.#options.signal } : {},
        );
        return { changeId: out.ChangeInfo?.Id ?? '', status: out.ChangeInfo?.Status ?? 'PENDING', batchedWith: batch.length };
      } catch (error) {
        const { category, code } = classifyAwsError(error);
        if (category !== 'throttling' || attempt >= maxAttempts || this.#options.signal?.aborted) {
          throw toStepFailure(error, { service: 'route53', region: ROUTE53_CONTROL_PLANE_REGION, command: 'ChangeResourceRecordSets', resource: `hosted zone ${zone}` });
        }
        if (code === 'PriorRequestNotComplete') this.#stats.priorRequestRetries++;
        const delay = Math.min(10_000, (this.#options.retryDelayMs ?? 1_000) * 2 ** (attempt - 1));
        await clock.sleep(delay, this.#options.signal);
      }
    }
  }

  async #awaitInSync(changeId: string): Promise<void> {
    const { route53, clock, signal, limiter, account } = this.#options;
    try {
      await waitFor('changeInSync', {
        describe: (s) => route53.send(new GetChangeCommand({ Id: changeId }), s ? { abortSignal: s } : {}),
        params: { changeId },
        clock,
        region: ROUTE53_CONTROL_PLANE_REGION,
        timeoutMs: 5 * 60_000,
        ...(signal ? { signal } : {}),
        ...(limiter ? { limiter } : {}),
        ...(account ? { account } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      // Not fatal: the next call's PriorRequestNotComplete handling still serializes correctly.
    }
  }
}
