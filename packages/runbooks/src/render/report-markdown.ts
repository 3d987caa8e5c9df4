import { formatDuration, type RunReport } from '@firedrill/core';
import { rpoFigure, rpoNoteText } from './rpo-text.js';

const verdict = (met: boolean | null): string => (met === null ? 'no objective' : met ? '✅ met' : '❌ missed');
const seconds = (s: number | null): string => (s === null ? 'not measured' : formatDuration(s * 1000));

/**
 * A run report as Markdown, for a pull request, a wiki page or a chat message.
 * @example writeFileSync('drill.md', reportToMarkdown(report));
 */
export function reportToMarkdown(report: RunReport): string {
  const lines = [
    `# ${report.plan}: ${report.operation}${report.drill ? ` (${report.drill} drill)` : ''} — ${report.status}`,
    '',
    `Run \`${report.runId}\` · strategy ${report.strategy} · mode ${report.mode} · target ${report.target} · ${report.clock} clock`,
    '',
    '| objective | measured | source | objective | verdict |',
    '| --- | --- | --- | --- | --- |',
    `| RTO | ${seconds(report.rto.seconds)} | ${report.rto.source} | ${report.rto.objectiveSeconds === null ? '—' : formatDuration(report.rto.objectiveSeconds * 1000)} | ${report.rto.note === undefined ? verdict(report.rto.met) : 'not judged'} |`,
    ...(report.rto.note === undefined ? [] : ['', `> RTO not judged: ${report.rto.note}`]),
    `| RPO | ${rpoFigure(report.rpo)} | ${report.rpo.source} | ${report.rpo.objectiveSeconds === null ? '—' : formatDuration(report.rpo.objectiveSeconds * 1000)} | ${report.rpo.verified === false ? '❌ not verified' : verdict(report.rpo.met)} |`,
    ...(rpoNoteText(report.rpo) === undefined ? [] : ['', `> **${rpoNoteText(report.rpo)}**`]),
    '',
    `Disaster at ${report.disasterAt ?? '—'}, service restored at ${report.restoredAt ?? '—'}.`,
    ...(report.observations ?? []).map(
      (o) => `Observed **${o.name}** (${o.target}) at ${o.reachedAt}, ${o.secondsAfterDisaster === null ? '' : `${formatDuration(o.secondsAfterDisaster * 1000)} after the disaster`}${o.detail ? ` — ${o.detail}` : ''}.`,
    ),
  ];
  if (report.phases) {
    lines.push('', '## Phases', '', '| phase | started | restored | RTO | verdict | RPO | verdict |', '| --- | --- | --- | --- | --- | --- | --- |');
    // Reports written before phases carried an RPO have none.
    for (const p of report.phases) {
      const rpo = p.rpo ? `| ${rpoFigure(p.rpo)} (${p.rpo.source}) | ${p.rpo.verified === false ? '❌ not verified' : p.rpo.seconds === null ? '—' : verdict(p.rpo.met)} |` : '| — | — |';
      lines.push(`| ${p.name} | ${p.startedAt} | ${p.restoredAt ?? '—'} | ${seconds(p.rto.seconds)} | ${p.rto.seconds === null ? '—' : p.rto.note !== undefined && p.rto.met === null ? 'not judged' : verdict(p.rto.met)} ${rpo}`);
    }
  }
  if (report.criticalPath.length > 0) {
    lines.push('', '## Critical path', '', report.criticalPath.map((e) => `\`${e.stepId}\` ${formatDuration(e.seconds * 1000)}`).join(' → '));
  }
  lines.push('', '## Steps', '', '| step | kind | status | started | took | attempts | calls |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const s of report.steps) {
    const note = s.error ? ` — ${s.error.message.replace(/\|/g, '\\|')}` : s.skippedReason ? ` — ${s.skippedReason}` : '';
    lines.push(`| ${s.title} (\`${s.id}\`) | ${s.kind} | ${s.status}${note} | ${s.startedAt ?? '—'} | ${s.seconds === null ? '—' : formatDuration(s.seconds * 1000)} | ${s.attempts} | ${s.calls} |`);
  }
  if (report.approvals.length > 0) {
    lines.push('', '## Approvals', '', ...report.approvals.map((a) => `- \`${a.stepId}\` approved by **${a.by}** at ${a.at} after ${formatDuration(a.waitedSeconds * 1000)}`));
  }
  // Reports written before operator actions were recorded have none.
  const actions = report.operatorActions ?? [];
  if (actions.length > 0) {
    lines.push('', '## Operator actions', '', '| when | who | what | step | note |', '| --- | --- | --- | --- | --- |');
    for (const a of actions) lines.push(`| ${a.at} | ${a.by} | ${a.action} | ${a.stepId ? `\`${a.stepId}\`` : '—'} | ${a.note ?? ''} |`);
  }
  lines.push('', `API calls: ${report.calls.total} (${report.calls.throttled} throttled)${Object.keys(report.calls.byService).length ? ` — ${Object.entries(report.calls.byService).map(([s, n]) => `${s} ${n}`).join(', ')}` : ''}`, '');
  return lines.join('\n');
}
