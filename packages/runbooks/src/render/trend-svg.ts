import { formatDuration, type RunReport } from '@firedrill/core';
import { rpoNoteText } from './rpo-text.js';
import { esc, niceStep } from './timeline-svg.js';

const WIDTH = 960;
const HEIGHT = 260;
const LEFT = 70;
const RIGHT = 130;
const TOP = 20;
const BOTTOM = 50;
const r1 = (n: number): string => String(Math.round(n * 10) / 10);

/**
 * RTO and RPO across runs of one plan as a line chart (`polyline[data-series=rto|rpo]`), oldest first, with
 * the objectives as dashed lines (`[data-objective]`). `null` when fewer than two runs measured anything.
 */
export function trendSvg(runs: readonly RunReport[]): string | null {
  // An unverified RPO is a run worth showing (as a gap with a marker), not one that measured nothing.
  const measured = runs.filter((r) => r.rto.seconds !== null || r.rpo.seconds !== null || r.rpo.verified === false);
  if (measured.length < 2) return null;
  const latest = measured.at(-1)!;
  const values = measured.flatMap((r) => [r.rto.seconds, r.rpo.seconds]);
  const top = Math.max(1, ...values.filter((v): v is number => v !== null), latest.rto.objectiveSeconds ?? 0, latest.rpo.objectiveSeconds ?? 0) * 1.1;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (i: number): number => LEFT + (i * plotW) / (measured.length - 1);
  const y = (s: number): number => TOP + plotH - (s * plotH) / top;
  const parts: string[] = [];
  const step = niceStep(top, 5);
  for (let s = 0; s <= top; s += step) {
    parts.push(`<line class="grid" x1="${LEFT}" x2="${LEFT + plotW}" y1="${r1(y(s))}" y2="${r1(y(s))}"/><text class="tick y" x="${LEFT - 6}" y="${r1(y(s))}" dy="0.35em">${esc(formatDuration(s * 1000))}</text>`);
  }
  measured.forEach((r, i) => {
    parts.push(`<text class="tick" x="${r1(x(i))}" y="${TOP + plotH + 18}">${esc(`#${i + 1}`)}</text>`);
  });
  parts.push(`<text class="axis-title" x="${LEFT + plotW}" y="${HEIGHT - 6}">runs of ${esc(latest.plan)}, oldest first</text>`);
  for (const series of ['rto', 'rpo'] as const) {
    const objective = latest[series].objectiveSeconds;
    if (objective !== null) {
      parts.push(
        `<line class="objective ${series}" data-objective="${series}" x1="${LEFT}" x2="${LEFT + plotW}" y1="${r1(y(objective))}" y2="${r1(y(objective))}"/>`,
        `<text class="legend ${series}" x="${LEFT + plotW + 6}" y="${r1(y(objective))}" dy="0.35em">${esc(`${series.toUpperCase()} objective ${formatDuration(objective * 1000)}`)}</text>`,
      );
    }
    const points = measured.flatMap((r, i) => (r[series].seconds === null ? [] : [{ i, r, s: r[series].seconds! }]));
    parts.push(`<polyline class="series ${series}" data-series="${series}" points="${points.map((p) => `${r1(x(p.i))},${r1(y(p.s))}`).join(' ')}"/>`);
    for (const p of points) {
      parts.push(`<circle class="point ${series}${p.r[series].met === false ? ' missed' : ''}" cx="${r1(x(p.i))}" cy="${r1(y(p.s))}" r="3.5"><title>${esc(`${p.r.runId} (${p.r.startedAt}): ${series.toUpperCase()} ${formatDuration(p.s * 1000)}${p.r[series].met === false ? ', missed' : ''}`)}</title></circle>`);
    }
    if (series === 'rpo') {
      // No figure, so no point on the line (which joins the runs either side): a hollow mark on the axis instead.
      measured.forEach((r, i) => {
        if (r.rpo.verified !== false) return;
        parts.push(`<g class="unverified rpo" data-unverified="rpo"><circle class="point rpo missed" cx="${r1(x(i))}" cy="${r1(y(0))}" r="5"/><text class="tick" x="${r1(x(i))}" y="${r1(y(0) - 9)}">?</text><title>${esc(`${r.runId} (${r.startedAt}): ${rpoNoteText(r.rpo)!}`)}</title></g>`);
      });
    }
  }
  parts.push(
    `<text class="legend rto" x="${LEFT + 4}" y="${TOP - 6}">— RTO</text><text class="legend rpo" x="${LEFT + 64}" y="${TOP - 6}">— RPO${measured.some((r) => r.rpo.verified === false) ? ' (? not verified)' : ''}</text>`,
  );
  return [
    `<svg class="trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${esc(`RTO and RPO across ${measured.length} runs of ${latest.plan}`)}">`,
    ...parts,
    '</svg>',
  ].join('\n');
}
