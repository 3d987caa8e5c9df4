/**
 * Probes measure; they never change the world (a heartbeat's tiny writes aside). Core knows them only as
 * these interfaces: the sandbox, HTTP, DNS and database probes implement them elsewhere.
 */

/** One look at the recovery endpoint. */
export interface HealthObservation {
  healthy: boolean;
  /** Status code, reason, or what the sandbox's data plane said. */
  detail?: string;
}

/**
 * Checks the recovery endpoint every `intervalMs` from the moment the disaster is declared. Service counts
 * as restored at the first success of the first unbroken streak of `consecutive` successes.
 */
export interface HealthProbe {
  /** What is probed (URL, endpoint name), for the report. */
  readonly target: string;
  readonly intervalMs: number;
  readonly consecutive: number;
  /** A check that takes longer counts as unhealthy. @default intervalMs */
  readonly timeoutMs?: number;
  check(signal: AbortSignal): Promise<HealthObservation>;
}

/** A heartbeat row: sequence number and the time it was written (epoch ms on the run's clock). */
export interface Heartbeat {
  seq: number;
  at: number;
}

/**
 * Writes a heartbeat to the primary data store every `intervalMs`, and after failover reads the newest
 * heartbeat visible on the promoted store. RPO = t_disaster − newest surviving heartbeat, ± one interval.
 */
export interface HeartbeatProbe {
  readonly target: string;
  readonly intervalMs: number;
  write(beat: Heartbeat, signal: AbortSignal): Promise<void>;
  /** The newest heartbeat on the current writer, or `undefined` when none is readable. */
  readNewest(signal: AbortSignal): Promise<Heartbeat | undefined>;
  /**
   * The newest heartbeat on one named copy of the data — an isolated drill's restored copy, which the application
   * never writes to — or `undefined` when none reached it. Without it an isolated drill's RPO comes from the steps'
   * evidence (the replica lag before the snapshot, the snapshot's age), never from the production writer.
   */
  readNewestOn?(store: DataStoreLocation, signal: AbortSignal): Promise<Heartbeat | undefined>;
}

/** Where a copy of the data can be read: a database in a region, and its endpoint once known. */
export interface DataStoreLocation {
  region: string;
  /** The DB instance (or cluster) identifier. */
  identifier: string;
  /** The endpoint's host and port (what a SQL probe connects to instead of the application's writer). */
  address?: string;
  port?: number;
}

/**
 * What a step of an isolated drill returns (`{ drillCopy: … }`) once the copy of the data it brought up is
 * readable: the run then measures the drill's RPO on that copy, before any cleanup step can start.
 */
export interface DrillCopyResult {
  drillCopy: DataStoreLocation;
}

/** The drill copy a step's result names, if any. */
export function drillCopyOf(result: unknown): DataStoreLocation | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const copy = (result as Partial<DrillCopyResult>).drillCopy;
  return copy && typeof copy.region === 'string' && typeof copy.identifier === 'string' ? copy : undefined;
}

/** Probes a run uses. */
export interface RunProbes {
  /** Watches the first phase (the failover) from the disaster on. */
  health?: HealthProbe;
  heartbeat?: HeartbeatProbe;
  /** Health probes of later phases, by phase name (for example `failback`: the primary serving again). */
  phaseHealth?: Record<string, HealthProbe>;
  /**
   * Moments to observe from the disaster on, by name, reported beside the RTO without deciding it: for
   * example `dns`, when clients could first reach the recovery region through DNS (a `DnsProbe`).
   */
  observers?: Record<string, HealthProbe>;
}

/**
 * Evidence of data loss a step can return in its result (`{ rpoEvidence: … }`): the creation time of the
 * snapshot it restored, or the replica lag it saw before promoting. Without a heartbeat probe it is the RPO; with
 * one, a snapshot's capture time still tells how far the restored data reaches (see `rpoFromHeartbeats`).
 */
export type RpoEvidence =
  | {
      source: 'snapshot';
      snapshotCreatedAt: number;
      snapshotId?: string;
      /** What the evidence rests on, for people. */
      note?: string;
      /**
       * The step that stopped writes before the snapshot was taken (a failback's freeze): the snapshot holds every
       * write only if that step really did. When a person marked it done (or skipped it), Firedrill could not check
       * that writes stopped, and without a heartbeat probe the RPO is reported as unverified rather than as 0.
       */
      writesStoppedBy?: string;
    }
  | {
      source: 'replica-lag';
      lagMs: number;
      /** Where the lag figure comes from and how much it proves, for people. */
      note?: string;
    };
