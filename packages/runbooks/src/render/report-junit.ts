import { formatDuration, type RunReport } from '@firedrill/core';
import { laterPhases } from './phase-verdicts.js';
import { type ReportRpo, rpoFigure, rpoNoteText } from './rpo-text.js';

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function testCase(name: string, className: string, seconds: number | null, failure?: { message: string; body: string }, skipped?: string): string {
  const time = seconds === null ? '0' : seconds.toFixed(3);
  const open = `    <testcase name="${escape(name)}" classname="${escape(className)}" time="${time}"`;
  if (failure) return `${open}>\n      <failure message="${escape(failure.message)}">${escape(failure.body)}</failure>\n    </testcase>`;
  if (skipped !== undefined) return `${open}>\n      <skipped message="${escape(skipped)}"/>\n    </testcase>`;
  return `${open}/>`;
}

/**
 * A run report as JUnit XML for CI dashboards: one test case per step, and one each for the RTO and RPO
 * objectives (failing when missed or not verified) — of the run, and of each later phase (`objective.failback.rto`).
 */
export function reportToJUnit(report: RunReport): string {
  const suite = `${report.plan}.${report.operation}`;
  const cases = report.steps.map((s) =>
    testCase(
      s.id,
      `${suite}.steps`,
      s.seconds,
      s.status === 'failed' ? { message: s.error?.message ?? 'step failed', body: JSON.stringify(s.error ?? {}) } : undefined,
      s.status === 'skipped' || s.status === 'pending' ? (s.skippedReason ?? s.status) : undefined,
    ),
  );
  const objective = (s: number | null): string => (s === null ? 'no objective' : `objective ${formatDuration(s * 1000)}`);
  // The run's objectives (the first phase's), then each later phase's (a live drill's failback: objective.failback.rto).
  const judged: [string, RunReport['rto'], ReportRpo][] = [['', report.rto, report.rpo], ...laterPhases(report).map((p): [string, RunReport['rto'], ReportRpo] => [`${p.name}.`, p.rto, p.rpo])];
  for (const [phase, rto, rpo] of judged) {
    const rtoFigure = rto.seconds === null ? 'not measured' : formatDuration(rto.seconds * 1000);
    for (const [name, o, figure] of [['rto', rto, rtoFigure], ['rpo', rpo, rpoFigure(rpo)]] as const) {
      const detail = `${phase ? `${phase.slice(0, -1)} phase ` : ''}${name.toUpperCase()} ${figure} (${o.source}) against ${objective(o.objectiveSeconds)}`;
      // An unverified RPO fails whatever the objective: CI must not read "no loss" into a figure nobody could check.
      const unverified = name === 'rpo' && rpo.verified === false ? rpoNoteText(rpo)! : undefined;
      const failure = unverified !== undefined ? { message: unverified, body: `${detail}\n${unverified}` } : o.met === false ? { message: `${detail}: missed`, body: detail } : undefined;
      cases.push(testCase(`objective.${phase}${name}`, `${suite}.objectives`, o.seconds, failure, o.met === null ? (o.note === undefined ? 'no objective set' : `not judged: ${o.note}`) : undefined));
    }
  }
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const skipped = cases.filter((c) => c.includes('<skipped')).length;
  // The run's own duration (dashboards show a suite's time; the sum of its steps would count parallel steps twice).
  // A run that has not ended has no duration yet: the attribute is left out.
  const time = report.endedAt === null ? '' : ` time="${((Date.parse(report.endedAt) - Date.parse(report.startedAt)) / 1000).toFixed(3)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="firedrill" tests="${cases.length}" failures="${failures}" errors="0"${time}>`,
    `  <testsuite name="${escape(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}"${time} timestamp="${report.startedAt}" id="${escape(report.runId)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
