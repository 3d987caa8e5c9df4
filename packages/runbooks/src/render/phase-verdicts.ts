import type { RunReport } from '@firedrill/core';

/** One measured phase of a report. */
export type ReportPhase = NonNullable<RunReport['phases']>[number];

/**
 * The phases after the first — a live drill's failback. The report's top-level `rto` and `rpo` are the first
 * phase's, so these are the ones every output must judge on their own.
 */
export function laterPhases(report: RunReport): ReportPhase[] {
  return (report.phases ?? []).slice(1);
}

/** A phase's objective verdict as the outputs print it: `met`, `MISSED`, `not judged` or `no objective`. */
export function phaseVerdict(o: { met: boolean | null; note?: string }): string {
  if (o.met === null) return o.note === undefined ? 'no objective' : 'not judged';
  return o.met ? 'met' : 'MISSED';
}

/**
 * Whether a later phase fails the run: it took longer than the RTO objective to serve users again, or it lost more
 * than the RPO objective (or its loss rests on a freeze nobody could check). A phase with nothing measured for an
 * objective is not held against it.
 */
export function phaseMissed(phase: ReportPhase): boolean {
  const rpoMissed = phase.rpo !== undefined && !(phase.rpo.seconds === null && phase.rpo.verified !== false) && phase.rpo.met === false;
  return phase.rto.met === false || rpoMissed;
}
