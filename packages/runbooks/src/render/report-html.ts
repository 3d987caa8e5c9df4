import { formatDuration, type ObjectiveResult, type RunReport } from '@firedrill/core';
import { esc, timelineSvg } from './timeline-svg.js';
import { rpoFigure, rpoNoteText } from './rpo-text.js';
import { trendSvg } from './trend-svg.js';

const seconds = (s: number | null): string => (s === null ? 'not measured' : formatDuration(s * 1000));
const verdict = (met: boolean | null): string => (met === null ? 'no objective' : met ? 'met' : 'missed');

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2430;margin:24px auto;max-width:1000px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#5b6473}.status{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;color:#fff;background:#6b7280}
.status.succeeded{background:#15803d}.status.failed,.status.aborted{background:#b91c1c}.status.rolled-back{background:#b45309}
.cards{display:flex;gap:12px;margin:16px 0}.card{flex:1;border:1px solid #d7dce3;border-radius:8px;padding:10px 14px}
.card .value{font-size:24px;font-weight:700}.card.met{border-color:#15803d}.card.missed{border-color:#b91c1c;background:#fef2f2}
.verdict.met{color:#15803d}.verdict.missed{color:#b91c1c}.card .note{margin-top:6px;color:#92400e}
svg{display:block;max-width:100%;height:auto;font-size:11px;background:#fff}
svg text{fill:#1d2430}.tick{text-anchor:middle;fill:#5b6473}.tick.y,.step-label,.axis-title,.rpo-label{text-anchor:end}
.axis-title{fill:#5b6473}.grid{stroke:#eef0f3}.step-label.critical{font-weight:700}
.bar{fill:#9ca3af}.bar.s-succeeded{fill:#4ade80}.bar.s-failed{fill:#ef4444}.bar.s-compensated{fill:#f59e0b}
.bar.s-running,.bar.s-waiting{fill:#60a5fa}.bar.s-skipped,.bar.s-pending{fill:#d1d5db}
.bar.critical{stroke:#7c2d12;stroke-width:2;fill-opacity:1}.bar.critical.s-succeeded{fill:#16a34a}
.phase-0{fill:#eff6ff}.phase-1{fill:#fdf4ff}.phase-label{fill:#6b21a8;font-style:italic}
.marker line{stroke-width:2}.marker.disaster line{stroke:#dc2626}.marker.restored line,.marker.phase-restored line{stroke:#2563eb}
.marker.phase-restored line{stroke-dasharray:4 3}.marker text{font-weight:600}
.rto line{stroke:#1d2430;stroke-width:1.5}.rto.missed line{stroke:#b91c1c}.rto-label{text-anchor:middle;font-weight:700;font-size:12px}
#arrow path{fill:#1d2430}.rpo-span{fill:#f97316;fill-opacity:.18}.rpo-label{fill:#c2410c;font-weight:600}
.observation{fill:#7c3aed}
.series{fill:none;stroke-width:2}.series.rto,.point.rto{stroke:#2563eb}.series.rpo,.point.rpo{stroke:#ea580c}
.point{fill:#fff;stroke-width:2}.point.missed{fill:#fecaca}
.objective{stroke-dasharray:6 4;stroke-width:1.5}.objective.rto{stroke:#93c5fd}.objective.rpo{stroke:#fdba74}
.legend.rto{fill:#2563eb}.legend.rpo{fill:#ea580c}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{background:#f6f7f9}td.num{text-align:right}tr.critical td:first-child{font-weight:700}code{font-size:12px}
.legend-row span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:middle}
`;

function card(name: string, o: ObjectiveResult<string>, figure: string, note?: string, unverified = false): string {
  // Unverified is shown as such, not as a plain "missed": the loss is unknown, not known to be too large.
  const said = unverified ? 'not verified' : o.note !== undefined && o.met === null ? 'not judged' : verdict(o.met);
  return `<div class="card ${unverified ? 'missed unverified' : verdict(o.met).replace(' ', '-')}"><div>${esc(name)}</div><div class="value">${esc(figure)}</div>
<div>objective ${esc(o.objectiveSeconds === null ? '—' : formatDuration(o.objectiveSeconds * 1000))} · <span class="verdict ${o.met === null ? '' : verdict(o.met)}">${esc(said)}</span></div>
<div class="meta">source: ${esc(o.source)}</div>${note === undefined ? '' : `\n<div class="note">${esc(note)}</div>`}</div>`;
}

/**
 * A run report as one self-contained HTML page (inline CSS and SVG, no scripts, no external assets): RTO and
 * RPO against the objectives, a timeline of the steps with the disaster, the restoration and the critical
 * path, the RTO and RPO trend across `history` (runs of the same plan, oldest first; drawn from two runs on),
 * and the steps table.
 * @example writeFileSync('drill.html', reportToHtml(report, pastReportsOfThePlan));
 */
export function reportToHtml(report: RunReport, history: readonly RunReport[] = []): string {
  const title = `${report.plan}: ${report.operation}${report.drill ? ` (${report.drill} drill)` : ''}`;
  const critical = new Set(report.criticalPath.map((e) => e.stepId));
  const runs = history.filter((r) => r.plan === report.plan);
  if (!runs.some((r) => r.runId === report.runId)) runs.push(report);
  const trend = trendSvg(runs);
  const observations = (report.observations ?? []).map(
    (o) => `<li>Observed <b>${esc(o.name)}</b> (${esc(o.target)}) at ${esc(o.reachedAt)}${o.secondsAfterDisaster === null ? '' : `, ${esc(formatDuration(o.secondsAfterDisaster * 1000))} after the disaster`}${o.detail ? ` — ${esc(o.detail)}` : ''}</li>`,
  );
  const phases = (report.phases ?? []).map(
    (p) => `<tr><td>${esc(p.name)}</td><td>${esc(p.startedAt)}</td><td>${esc(p.restoredAt ?? '—')}</td><td>${esc(seconds(p.rto.seconds))}</td><td class="verdict ${p.rto.met === null ? '' : verdict(p.rto.met)}">${esc(verdict(p.rto.met))}</td><td>${esc(p.rpo ? `${rpoFigure(p.rpo)} (${p.rpo.source})` : '—')}</td></tr>`,
  );
  const steps = report.steps.map((s) => {
    const note = s.error ? ` — ${s.error.message}` : s.skippedReason ? ` — ${s.skippedReason}` : '';
    return `<tr${critical.has(s.id) ? ' class="critical"' : ''}><td>${esc(s.title)} <code>${esc(s.id)}</code></td><td>${esc(s.kind)}</td><td>${esc(s.status + note)}</td><td>${esc(s.startedAt ?? '—')}</td><td class="num">${esc(s.seconds === null ? '—' : formatDuration(s.seconds * 1000))}</td><td class="num">${s.attempts}</td><td class="num">${s.calls}</td></tr>`;
  });
  const swatches = [['#16a34a', 'succeeded (bold outline: critical path)'], ['#ef4444', 'failed'], ['#f59e0b', 'compensated'], ['#d1d5db', 'skipped / not run'], ['#dc2626', 'disaster'], ['#2563eb', 'restored'], ['#fdba74', report.rpo.verified === false ? 'RPO window (none drawn: RPO not verified)' : 'RPO window']];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(`${title} — ${report.status}`)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(title)} <span class="status ${esc(report.status)}">${esc(report.status)}</span></h1>
<div class="meta">Run <code>${esc(report.runId)}</code> · strategy ${esc(report.strategy)} · mode ${esc(report.mode)} · target ${esc(report.target)} · ${esc(report.clock)} clock · started ${esc(report.startedAt)}</div>
<div class="cards">${card('RTO', report.rto, seconds(report.rto.seconds), report.rto.note === undefined ? undefined : `Not judged: ${report.rto.note}`)}${card('RPO', report.rpo, rpoFigure(report.rpo), rpoNoteText(report.rpo), report.rpo.verified === false)}</div>
<div class="meta">Disaster at ${esc(report.disasterAt ?? '—')}, service restored at ${esc(report.restoredAt ?? '—')}.</div>
${observations.length ? `<ul>${observations.join('\n')}</ul>` : ''}
<h2>Timeline</h2>
<div class="legend-row meta">${swatches.map(([c, l]) => `<span><i class="sw" style="background:${c}"></i>${esc(l!)}</span>`).join('')}</div>
${timelineSvg(report)}
${report.criticalPath.length ? `<p><b>Critical path:</b> ${report.criticalPath.map((e) => `<code>${esc(e.stepId)}</code> ${esc(formatDuration(e.seconds * 1000))}`).join(' → ')}</p>` : ''}
${phases.length ? `<h2>Phases</h2><table><tr><th>phase</th><th>started</th><th>restored</th><th>RTO</th><th>verdict</th><th>RPO</th></tr>${phases.join('\n')}</table>` : ''}
${trend ? `<h2>Trend across runs of ${esc(report.plan)}</h2>\n${trend}` : ''}
<h2>Steps</h2>
<table><tr><th>step</th><th>kind</th><th>status</th><th>started</th><th>took</th><th>attempts</th><th>calls</th></tr>
${steps.join('\n')}
</table>
<p class="meta">API calls: ${report.calls.total} (${report.calls.throttled} throttled)${esc(Object.keys(report.calls.byService).length ? ` — ${Object.entries(report.calls.byService).map(([s, n]) => `${s} ${n}`).join(', ')}` : '')}</p>
</body></html>
`;
}
