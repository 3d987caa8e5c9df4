/**
 * Measures and journals the RPO of each phase of a run (design §4), from the best source there is: heartbeats read
 * back on the store the application now writes to, else the steps' evidence (a restored snapshot's capture time,
 * the replica lag seen before a promotion).
 *
 * - The first phase (the failover) is the run's RPO; a live drill's `failback` phase gets its own: heartbeats start
 *   again once the failover's loss has been read (to the store the failback is about to move), stop when its
 *   promotion starts, and are read back on the restored primary once it serves.
 * - An isolated drill moves nothing: its RPO is what the drill copy holds, read on the copy as soon as the step that
 *   brings it up succeeds (before cleanup deletes it), never on the production writer.
 */
import type { Clock } from './clock.js';
import type { JournalEvent, JournalEventBody } from './journal-events.js';
import { resolveStepPolicy } from './policy.js';
import { type DataStoreLocation, drillCopyOf, type Heartbeat, type HeartbeatProbe, type RpoEvidence } from './probes.js';
import { retryWithPolicy } from './retry.js';
import { type AcknowledgedHeartbeat, rpoFromHeartbeats } from './rpo-from-heartbeats.js';
import { RPO_NOT_MEASURED, type RpoState, type RunState } from './run-state.js';
import type { StepDefinition } from './step.js';

/** What the recorder needs of the run engine. */
export interface RpoRecorderHost {
  readonly state: RunState;
  readonly clock: Clock;
  readonly random: () => number;
  readonly runSignal: AbortSignal;
  record(body: JournalEventBody): Promise<JournalEvent>;
  stopHeartbeats(reason: string): Promise<void>;
  /** Starts writing heartbeats again (after `heartbeat.started` is journaled). */
  startHeartbeats(): void;
  /** The journal so far (acknowledged heartbeats are read from it, so a resumed run has them all). */
  events(): readonly JournalEvent[];
}

/** The evidence a step returned in its result (`{ rpoEvidence }`), if any. */
export function rpoEvidenceOf(result: unknown): RpoEvidence | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const evidence = (result as { rpoEvidence?: RpoEvidence }).rpoEvidence;
  return evidence && (evidence.source === 'snapshot' || evidence.source === 'replica-lag') ? evidence : undefined;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const READ_RETRY = resolveStepPolicy({ retry: { maximumAttempts: 5 } }).retry;

/** A phase's measuring window: its t_disaster, and when the next phase began (its steps are not this phase's). */
interface PhaseWindow {
  name: string;
  first: boolean;
  disasterAt: number | undefined;
  endsAt: number;
}

export class RpoRecorder {
  /** Replica lag seen just before a promotion: the RPO of last resort when no heartbeat survived. */
  #lagEvidence: RpoEvidence | undefined;
  readonly #atRestoration = new Map<string, Promise<void>>();

  constructor(
    readonly host: RpoRecorderHost,
    readonly probe: HeartbeatProbe | undefined,
  ) {}

  /** The phase's RPO as journaled, if measured. */
  measured(phase: string | undefined): RpoState | undefined {
    const { state } = this.host;
    const found = phase === undefined ? state.phases[0] : state.phases.find((p) => p.name === phase);
    return found === undefined || found === state.phases[0] ? state.rpo : found.rpo;
  }

  #window(phase: string | undefined): PhaseWindow | undefined {
    const { state } = this.host;
    const i = phase === undefined ? 0 : state.phases.findIndex((p) => p.name === phase);
    const found = state.phases[i];
    if (found === undefined) return i === 0 ? { name: 'failover', first: true, disasterAt: state.disasterAt, endsAt: Infinity } : undefined;
    return { name: found.name, first: i === 0, disasterAt: i === 0 ? state.disasterAt : found.startedAt, endsAt: state.phases[i + 1]?.startedAt ?? Infinity };
  }

  get #isolatedWithCopy(): boolean {
    const { meta } = this.host.state;
    return meta.drill === 'isolated' && meta.steps.some((s) => s.bringsUpDrillCopy);
  }

  /**
   * A phase restored service: measure its RPO now — a live drill's failback moves the writer again, and the
   * promoted store's newest heartbeat must be read before that. A failed read here is not final: verification (or,
   * on failure, finish) reads again.
   */
  restored(phase: string | undefined): void {
    const key = phase ?? this.host.state.phases[0]?.name ?? 'failover';
    if (this.#atRestoration.has(key)) return;
    this.#atRestoration.set(
      key,
      Promise.resolve()
        .then(() => this.measureFromHeartbeats(phase))
        .then(() => this.resumeHeartbeatsIfDue())
        .catch(() => undefined),
    );
  }

  /** Waits for the measurements started at restoration. */
  async settled(): Promise<void> {
    await Promise.all(this.#atRestoration.values());
  }

  #promotionStarted(phase: { startedAt: number }): boolean {
    const { state } = this.host;
    return state.meta.steps.some((s) => s.promotesData && (state.steps[s.id]?.startedAt ?? -Infinity) >= phase.startedAt);
  }

  /**
   * The phase the next heartbeats are for: a later phase under way whose promotion has not started, or — once the
   * last phase's RPO has been read — the phase still to come (a live drill's failback, after the failover). While a
   * phase's loss is unread, none: new heartbeats on the promoted store would mask it.
   */
  #upcomingPhase(): string | undefined {
    const { state } = this.host;
    const last = state.phases.at(-1);
    if (last === undefined) return undefined;
    const first = last === state.phases[0];
    if (!first && last.restoredAt === undefined && !this.#promotionStarted(last)) return last.name;
    if (!this.measured(first ? undefined : last.name)) return undefined;
    return state.meta.steps.find((s) => s.beginsPhase !== undefined && !state.phases.some((p) => p.name === s.beginsPhase))?.beginsPhase;
  }

  /**
   * Heartbeats write again when a later phase will move the writer again (a live drill's failback): from the moment
   * the failover's loss has been read, to the store the failback will move, until its promotion stops them. Also on
   * resume. No-op while the run verifies or rolls back.
   */
  async resumeHeartbeatsIfDue(): Promise<void> {
    const { state } = this.host;
    if (!this.probe || !state.heartbeats.stopped || (state.phase !== 'running' && state.phase !== 'paused')) return;
    const phase = this.#upcomingPhase();
    if (phase === undefined) return;
    await this.host.record({ type: 'heartbeat.started', phase });
    this.host.startHeartbeats();
  }

  /** A step succeeded: keep its evidence, measure from it when there is no heartbeat, read a drill copy it names. */
  async stepSucceeded(step: StepDefinition, result: unknown): Promise<void> {
    const evidence = rpoEvidenceOf(result);
    if (evidence?.source === 'replica-lag') this.#lagEvidence = evidence;
    const phase = this.host.state.phases.at(-1)?.name;
    if (evidence && !this.probe) await this.#recordEvidence(evidence, phase);
    const copy = drillCopyOf(result);
    if (step.bringsUpDrillCopy && copy && this.host.state.meta.drill === 'isolated') await this.#measureOnDrillCopy(copy);
  }

  async #recordEvidence(evidence: RpoEvidence, phase: string | undefined, note?: string): Promise<void> {
    const w = this.#window(phase);
    if (!w) return;
    const disasterAt = w.disasterAt ?? this.host.clock.now();
    const lossMs = evidence.source === 'snapshot' ? disasterAt - evidence.snapshotCreatedAt : evidence.lagMs;
    const unverified = evidence.source === 'snapshot' ? this.#unverifiedFreeze(evidence.writesStoppedBy, evidence.snapshotCreatedAt) : undefined;
    await this.host.record({
      type: 'rpo.measured', seconds: Math.max(0, lossMs) / 1000, source: evidence.source,
      detail: { ...evidence, ...(note ? { note: evidence.note ? `${note}; ${evidence.note}` : note } : {}) },
      ...(unverified ? { unverified } : {}),
      ...(w.first ? {} : { phase: w.name }),
    });
  }

  /**
   * Why a snapshot's RPO cannot be trusted: the step that was to stop writes before it was taken did not run as
   * Firedrill's own action (a person marked it done, or it was skipped), so writes after the capture may be lost
   * and nothing here can see them. `undefined` when Firedrill ran it itself.
   */
  #unverifiedFreeze(stepId: string | undefined, capturedAt: number): string | undefined {
    if (stepId === undefined) return undefined;
    const stop = this.host.state.steps[stepId];
    if (stop?.status === 'succeeded' && stop.by === undefined) return undefined;
    const how = stop?.status === 'succeeded' ? `${stop.by} marked it done by hand` : `it ${stop?.status ?? 'did not run'}`;
    return `the snapshot holds every write only if step ${stepId} really stopped writes before ${iso(capturedAt)}, and ${how}: Firedrill could not check it, so writes accepted after that are unaccounted for. Measure it with a heartbeat probe (probes.heartbeat), or let Firedrill stop writes itself.`;
  }

  /** Whether a step started inside the phase's window (a later phase's steps start at or after its own start). */
  #inWindow(w: PhaseWindow, stepId: string): boolean {
    const started = this.host.state.steps[stepId]?.startedAt ?? -Infinity;
    return started < w.endsAt && (w.first || started >= (w.disasterAt ?? 0));
  }

  /** The evidence the phase's finished steps returned, newest first (only `from` those steps, when given). */
  *#evidence(w: PhaseWindow, from?: ReadonlySet<string>): Generator<RpoEvidence> {
    const { state } = this.host;
    for (const stepId of [...state.completionOrder].reverse()) {
      if ((from && !from.has(stepId)) || !this.#inWindow(w, stepId)) continue;
      const evidence = rpoEvidenceOf(state.steps[stepId]?.result);
      if (evidence) yield evidence;
    }
  }

  /** The snapshot the phase's promoted (or drill-copy) data came from: the last such step's snapshot evidence. */
  #restoredSnapshot(w: PhaseWindow): { capturedAt: number; id?: string } | undefined {
    const promoting = new Set(this.host.state.meta.steps.filter((s) => s.promotesData || s.bringsUpDrillCopy).map((s) => s.id));
    for (const evidence of this.#evidence(w, promoting)) {
      if (evidence.source === 'snapshot') return { capturedAt: evidence.snapshotCreatedAt, ...(evidence.snapshotId ? { id: evidence.snapshotId } : {}) };
    }
    return undefined;
  }

  /** When heartbeats last started for `phase` (Infinity: never). */
  #heartbeatsStartedFor(phase: string): number {
    let at = Infinity;
    for (const event of this.host.events()) if (event.type === 'heartbeat.started' && event.phase === phase) at = event.at;
    return at;
  }

  /** The heartbeats this run wrote that the store acknowledged, acknowledged inside [from, to]. */
  #acknowledged(from: number, to: number): AcknowledgedHeartbeat[] {
    const acked: AcknowledgedHeartbeat[] = [];
    for (const event of this.host.events()) {
      // Journals written before `beatAt` existed: the acknowledgement time is the closest there is.
      if (event.type === 'heartbeat.written' && event.ok && event.at >= from && event.at <= to) acked.push({ seq: event.beat, at: event.beatAt ?? event.at, ackedAt: event.at });
    }
    return acked;
  }

  async #read(read: (signal: AbortSignal) => Promise<Heartbeat | undefined>): Promise<Heartbeat | undefined> {
    const { host } = this;
    return retryWithPolicy(() => read(host.runSignal), { policy: READ_RETRY, clock: host.clock, signal: host.runSignal, random: host.random });
  }

  /**
   * Reads the newest heartbeat on the store the application writes to now and measures the phase's RPO from the
   * heartbeats the phase wrote. No-op when measured already, without a heartbeat probe, or in an isolated drill that
   * brings up a copy (its RPO is the copy's).
   */
  async measureFromHeartbeats(phase?: string): Promise<void> {
    const { probe } = this;
    const w = this.#window(phase);
    if (!probe || !w || w.disasterAt === undefined || this.measured(phase) || this.#isolatedWithCopy) return;
    await this.host.stopHeartbeats('verifying');
    let newest: Heartbeat | undefined;
    try {
      newest = await this.#read((signal) => probe.readNewest(signal));
    } catch (error) {
      // Service is restored by now: a store that cannot be read (a wrong probe password, a network rule) costs the
      // RPO figure, never the failover — failing here would roll back a recovery that worked.
      if (this.host.runSignal.aborted) throw error;
      await this.#fallBackToEvidence(w, `reading the newest heartbeat (${probe.target}) failed: ${(error as Error).message}`);
      return;
    }
    const snapshot = this.#restoredSnapshot(w);
    // A later phase counts only the heartbeats written for it (they start once the phase before it was measured).
    const acknowledged = this.#acknowledged(w.first ? -Infinity : this.#heartbeatsStartedFor(w.name), w.endsAt);
    if (!w.first && acknowledged.length === 0) {
      // Nothing this phase wrote was acknowledged: the newest heartbeat on the store is an earlier phase's and says
      // nothing about what this one lost.
      await this.#fallBackToEvidence(w, `no heartbeat was acknowledged during the ${w.name}`);
      return;
    }
    const measured = rpoFromHeartbeats({ disasterAt: w.disasterAt, newestSurviving: newest, acknowledged, ...(snapshot ? { snapshot } : {}) });
    const phaseField = w.first ? {} : { phase: w.name };
    if (!measured) {
      // No heartbeat reached the promoted store (the primary was lost before one replicated): fall back to the
      // replica lag seen just before promotion, and say why.
      const lag = this.#lagEvidence;
      if (lag?.source === 'replica-lag') {
        await this.host.record({ type: 'rpo.measured', seconds: Math.max(0, lag.lagMs) / 1000, source: 'replica-lag', detail: { ...lag, note: `no heartbeat reached the promoted store; replica lag observed just before promotion${lag.note ? ` (${lag.note})` : ''}` }, ...phaseField });
      }
      return;
    }
    await this.host.record({ type: 'rpo.measured', seconds: measured.seconds, source: 'heartbeat', detail: measured.detail, ...phaseField });
  }

  /**
   * An isolated drill's RPO: the newest heartbeat on the copy against the heartbeats production had acknowledged by
   * the drill's moment (production goes on writing through a drill; what it wrote later is not a loss).
   */
  async #measureOnDrillCopy(copy: DataStoreLocation): Promise<void> {
    const { probe, host } = this;
    const w = this.#window(undefined);
    if (!probe || !w || w.disasterAt === undefined || this.measured(undefined)) return;
    const where = `${copy.identifier} in ${copy.region}`;
    if (!probe.readNewestOn) {
      await this.#fallBackToEvidence(w, `the heartbeat probe (${probe.target}) cannot read the drill copy ${where}`);
      return;
    }
    let newest: Heartbeat | undefined;
    try {
      newest = await this.#read((signal) => probe.readNewestOn!(copy, signal));
    } catch (error) {
      await this.#fallBackToEvidence(w, `reading heartbeats on the drill copy ${where} failed: ${(error as Error).message}`);
      return;
    }
    await host.stopHeartbeats('the drill copy was read');
    const snapshot = this.#restoredSnapshot(w);
    const measured = rpoFromHeartbeats({ disasterAt: w.disasterAt, newestSurviving: newest, acknowledged: this.#acknowledged(-Infinity, w.disasterAt), ...(snapshot ? { snapshot } : {}) });
    if (!measured) {
      await this.#fallBackToEvidence(w, `no heartbeat reached the drill copy ${where}`);
      return;
    }
    await host.record({ type: 'rpo.measured', seconds: measured.seconds, source: 'heartbeat', detail: { ...measured.detail, drillCopy: where } });
  }

  /**
   * A run that fails after a phase promoted a new writer has still lost (or kept) data: measure each such phase
   * before any rollback, so the report says what it cost even when it did not finish. Best effort.
   */
  async afterFailure(): Promise<void> {
    const { state } = this.host;
    const phases = state.phases.length > 0 ? state.phases.map((p) => p.name) : [undefined];
    for (const name of phases) {
      const w = this.#window(name);
      if (!w || this.measured(name)) continue;
      const promoted = state.meta.steps.some((s) => s.promotesData && state.steps[s.id]?.status === 'succeeded' && this.#inWindow(w, s.id));
      if (!promoted) continue;
      try {
        await this.measureFromHeartbeats(name);
      } catch (error) {
        await this.host.record({ type: 'heartbeat.stopped', reason: `${RPO_NOT_MEASURED}${(error as Error).message}`, ...(w.first ? {} : { phase: w.name }) });
      }
    }
  }

  async #fallBackToEvidence(w: PhaseWindow, why: string): Promise<void> {
    // The newest evidence of the phase, if any step returned one.
    for (const evidence of this.#evidence(w)) return this.#recordEvidence(evidence, w.first ? undefined : w.name, why);
    await this.host.record({ type: 'heartbeat.stopped', reason: `${RPO_NOT_MEASURED}${why}, and no step returned evidence`, ...(w.first ? {} : { phase: w.name }) });
  }
}
