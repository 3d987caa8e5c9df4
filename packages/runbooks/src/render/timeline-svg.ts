import { formatDuration, type RunReport } from '@firedrill/core';
import { rpoFigure, rpoNoteText } from './rpo-text.js';

/** Escapes text for HTML and SVG: element content and double-quoted attribute values. */
export const esc = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const ms = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) : null);
const r1 = (n: number): string => String(Math.round(n * 10) / 10);

const CLOCK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** A tick step (seconds) giving about `target` ticks over `span` seconds: a clock-friendly one (30s, 5m, 1h…). */
export function niceStep(span: number, target = 8): number {
  const raw = Math.max(span, 1e-3) / target;
  if (raw < 1) {
    const power = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw)!;
  }
  return CLOCK_STEPS.find((step) => step >= raw) ?? Math.ceil(raw / 86400) * 86400;
}

const GUTTER = 220;
const WIDTH = 960;
const ROW = 20;
const TOP = 64;

/**
 * The run as a timeline picture: one bar per step (`rect[data-step]`, class `s-<status>`, plus `critical` when
 * on the critical path) over seconds since the run started, the disaster and restoration as vertical lines
 * (`[data-marker]`), the RTO span between them with its value (`[data-rto]`), the RPO window before the
 * disaster (`[data-rpo]`) and the phases as shaded bands (`[data-phase]`).
 */
export function timelineSvg(report: RunReport): string {
  const t0 = ms(report.startedAt)!;
  const moments = [
    ms(report.endedAt),
    ms(report.restoredAt),
    ms(report.disasterAt),
    ...report.steps.flatMap((s) => [ms(s.startedAt), ms(s.endedAt)]),
    ...(report.phases ?? []).flatMap((p) => [ms(p.startedAt), ms(p.restoredAt)]),
    ...(report.observations ?? []).map((o) => ms(o.reachedAt)),
  ].filter((t): t is number => t !== null);
  const end = Math.max(t0 + 1000, ...moments);
  const span = (end - t0) / 1000;
  const plotWidth = WIDTH - GUTTER - 20;
  const x = (t: number): number => GUTTER + (((t - t0) / 1000) * plotWidth) / span;
  const steps = [...report.steps].sort((a, b) => (ms(a.startedAt) ?? Infinity) - (ms(b.startedAt) ?? Infinity));
  const plotHeight = steps.length * ROW;
  const bottom = TOP + plotHeight;
  const height = bottom + 40;
  const critical = new Set(report.criticalPath.map((e) => e.stepId));
  const parts: string[] = [];

  (report.phases ?? []).forEach((p, i) => {
    const from = x(ms(p.startedAt)!);
    const next = report.phases![i + 1];
    const to = x(ms(p.restoredAt) ?? (next ? ms(next.startedAt)! : end));
    parts.push(
      `<rect class="phase phase-${i % 2}" data-phase="${esc(p.name)}" x="${r1(from)}" y="${TOP - 6}" width="${r1(Math.max(to - from, 1))}" height="${plotHeight + 12}"><title>${esc(`${p.name}: RTO ${p.rto.seconds === null ? 'not measured' : formatDuration(p.rto.seconds * 1000)}`)}</title></rect>`,
      `<text class="phase-label" x="${r1(from + 4)}" y="${bottom + 4}" dy="1em">${esc(p.name)}</text>`,
    );
  });

  const step = niceStep(span);
  for (let s = 0; s <= span + 1e-9; s += step) {
    const tx = r1(x(t0 + s * 1000));
    parts.push(`<line class="grid" x1="${tx}" x2="${tx}" y1="${TOP - 6}" y2="${bottom}"/><text class="tick" x="${tx}" y="${bottom + 28}">${esc(formatDuration(s * 1000))}</text>`);
  }
  parts.push(`<text class="axis-title" x="${WIDTH - 20}" y="${height - 2}">time since the run started</text>`);

  steps.forEach((s, i) => {
    const y = TOP + i * ROW;
    const from = ms(s.startedAt);
    const to = ms(s.endedAt) ?? (from === null ? null : end);
    const classes = `bar s-${s.status}${critical.has(s.id) ? ' critical' : ''}${from === null ? ' not-run' : ''}`;
    const bx = from === null ? GUTTER : x(from);
    const bw = from === null ? 0 : Math.max(x(to!) - bx, 2);
    const tip = `${s.title} (${s.id}) — ${s.status}${s.seconds === null ? '' : `, ${formatDuration(s.seconds * 1000)}`}${critical.has(s.id) ? ', critical path' : ''}${s.error ? ` — ${s.error.message}` : s.skippedReason ? ` — ${s.skippedReason}` : ''}`;
    parts.push(
      `<text class="step-label${critical.has(s.id) ? ' critical' : ''}" x="${GUTTER - 8}" y="${y + ROW / 2}" dy="0.35em">${esc(s.title.length > 30 ? `${s.title.slice(0, 29)}…` : s.title)}</text>`,
      `<rect class="${classes}" data-step="${esc(s.id)}" data-status="${esc(s.status)}" x="${r1(bx)}" y="${y + 3}" width="${r1(bw)}" height="${ROW - 6}" rx="2"><title>${esc(tip)}</title></rect>`,
    );
  });

  const disaster = ms(report.disasterAt);
  const restored = ms(report.restoredAt);
  if (disaster !== null && report.rpo.seconds !== null) {
    const from = Math.max(GUTTER, x(disaster - report.rpo.seconds * 1000));
    const label = `RPO ${rpoFigure(report.rpo)} (${report.rpo.source})`;
    parts.push(
      `<rect class="rpo-span" data-rpo="${report.rpo.seconds}" x="${r1(from)}" y="${TOP - 6}" width="${r1(Math.max(x(disaster) - from, 2))}" height="${plotHeight + 12}"><title>${esc(`${label}: data written in this window may be lost`)}</title></rect>`,
      `<text class="rpo-label" x="${r1(x(disaster) - 6)}" y="${TOP - 34}">${esc(label)}</text>`,
    );
  }
  if (disaster !== null && report.rpo.verified === false) {
    // No window to draw: how much was lost is unknown. Say so where the window would be, with why on hover.
    parts.push(`<text class="rpo-label unverified" data-rpo="not-verified" x="${r1(x(disaster) - 6)}" y="${TOP - 34}">${esc(`RPO not verified (${report.rpo.source})`)}<title>${esc(rpoNoteText(report.rpo)!)}</title></text>`);
  }
  if (disaster !== null) parts.push(marker('disaster', x(disaster), bottom, 'disaster'));
  if (restored !== null) parts.push(marker('restored', x(restored), bottom, 'restored'));
  (report.phases ?? []).slice(1).forEach((p) => {
    const t = ms(p.restoredAt);
    if (t !== null) parts.push(marker('phase-restored', x(t), bottom, `${p.name} restored`));
  });
  for (const o of report.observations ?? []) {
    const ox = r1(x(ms(o.reachedAt)!));
    parts.push(`<path class="observation" data-observation="${esc(o.name)}" d="M${ox} ${TOP - 12} l4 4 l-4 4 l-4 -4 z"><title>${esc(`${o.name} (${o.target}) reached at ${o.reachedAt}`)}</title></path>`);
  }
  if (disaster !== null && restored !== null && report.rto.seconds !== null) {
    const [a, b] = [x(disaster), x(restored)];
    const label = `RTO ${formatDuration(report.rto.seconds * 1000)}`;
    parts.push(
      `<g class="rto ${report.rto.met === false ? 'missed' : 'met'}"><line x1="${r1(a)}" x2="${r1(b)}" y1="${TOP - 18}" y2="${TOP - 18}" marker-start="url(#arrow)" marker-end="url(#arrow)"/>`,
      `<text class="rto-label" data-rto="${report.rto.seconds}" x="${r1((a + b) / 2)}" y="${TOP - 24}">${esc(label)}</text></g>`,
    );
  }

  return [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${esc(`Timeline of ${report.plan} ${report.operation}`)}">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"/></marker></defs>',
    ...parts,
    '</svg>',
  ].join('\n');
}

function marker(kind: 'disaster' | 'restored' | 'phase-restored', at: number, bottom: number, label: string): string {
  return `<g class="marker ${kind}"><line data-marker="${kind}" x1="${r1(at)}" x2="${r1(at)}" y1="${TOP - 48}" y2="${bottom + 6}"/><text x="${r1(at + 4)}" y="${TOP - 40}">${esc(label)}</text></g>`;
}
