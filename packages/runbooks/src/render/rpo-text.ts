import { formatDuration, type RunReport } from '@firedrill/core';

/** The RPO as the report carries it. */
export type ReportRpo = RunReport['rpo'];

/**
 * The RPO figure as a person reads it, the same in every output: `12h51m4s`, `3s ±1s`; `not verified` when the
 * only evidence rests on something Firedrill could not check, `not measured` when there was none.
 *
 * @example rpoFigure({ seconds: 3, precisionSeconds: 1, … }) // '3s ±1s'
 */
export function rpoFigure(rpo: ReportRpo): string {
  if (rpo.seconds === null) return rpo.verified === false ? 'not verified' : 'not measured';
  // Reports before rounding carried float noise (46263.82424926758): never print the raw number.
  return `${formatDuration(rpo.seconds * 1000)}${rpo.precisionSeconds ? ` ±${formatDuration(rpo.precisionSeconds * 1000)}` : ''}`;
}

/**
 * One sentence on why the RPO is unverified, or what the figure rests on (the report's `rpo.note`); `undefined`
 * when there is nothing to say.
 *
 * @example rpoNoteText(report.rpo) // 'RPO not verified: step freeze-dr-writes …'
 */
export function rpoNoteText(rpo: ReportRpo): string | undefined {
  if (rpo.verified === false) return `RPO not verified: ${rpo.note ?? 'the evidence rests on a step Firedrill could not check'}`;
  return rpo.note === undefined ? undefined : `RPO note: ${rpo.note}`;
}
