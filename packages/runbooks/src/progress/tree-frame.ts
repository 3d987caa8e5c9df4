import { criticalPath, formatDuration, type JournalStepInfo, type RunState, type StepState } from '@firedrill/core';

/** What one frame of the live step tree is drawn from. The frame is a pure function of it. */
export interface TreeFrameInput {
  state: RunState;
  /** Now on the run's clock (simulated time on the sandbox's virtual clock). */
  now: number;
  /** Terminal width in columns: no line is longer than `width - 1`. */
  width: number;
  /** Terminal height in rows: the frame has at most `height - 1` lines. `Infinity` for the final tree. */
  height: number;
  color: boolean;
  /** Animation frame of the spinner on running steps. */
  spinner?: number;
  /** The last failed attempt's message of steps that are retrying, by step id. */
  retries?: Readonly<Record<string, string>>;
  /** The final tree, printed once when the run ends: running steps get no spinner. */
  final?: boolean;
}

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;
export const HOLDING_RTO = '⏱ holding RTO';
export const CRITICAL_PATH = '⏱ critical path';

const SYMBOL: Record<StepState['status'], string> = { pending: '·', running: '▶', waiting: '?', succeeded: '✔', failed: '✖', skipped: '↷', compensated: '↶' };
const COLOR: Record<StepState['status'], number> = { pending: 2, running: 36, waiting: 35, succeeded: 32, failed: 31, skipped: 2, compensated: 33 };

const paint = (on: boolean, code: number, text: string): string => (on && text ? `\u001b[${code}m${text}\u001b[0m` : text);
const clockTime = (at: number): string => new Date(at).toISOString().slice(11, 19) + 'Z';

/** Cuts a line that may hold colour codes to `n` visible columns, ending with `…` when cut. */
export function fitLine(line: string, n: number): string {
  if ([...line.replace(/\u001b\[[0-9;]*m/g, '')].length <= n) return line;
  let visible = 0;
  let out = '';
  for (const part of line.split(/(\u001b\[[0-9;]*m)/)) {
    if (part.startsWith('\u001b[')) {
      out += part;
      continue;
    }
    for (const ch of part) {
      if (visible >= n - 1) break;
      out += ch;
      visible++;
    }
  }
  return `${out}…${line.includes('\u001b[') ? '\u001b[0m' : ''}`;
}

/** Cuts plain text to `n` columns, ending with `…` when cut. */
function fit(text: string, n: number): string {
  if (n <= 0) return '';
  const chars = [...text];
  return chars.length <= n ? text : `${chars.slice(0, Math.max(0, n - 1)).join('')}…`;
}

const finished = (s: StepState | undefined): boolean => s !== undefined && (s.status === 'succeeded' || s.status === 'skipped' || s.status === 'compensated');
const active = (s: StepState | undefined): boolean => s !== undefined && (s.status === 'running' || s.status === 'waiting');

const sectionsCache = new WeakMap<object, { names: string[]; of: Map<string, number> }>();

/**
 * The section (phase) each step is shown under: a step after a step that restores service belongs to the
 * next phase (a live drill's failback begins once the failover has restored service). Names come from the
 * operation and the steps that begin a phase; one section when the run has a single phase.
 */
export function stepSections(state: RunState): { names: string[]; of: Map<string, number> } {
  const cached = sectionsCache.get(state.meta);
  if (cached) return cached;
  const steps = state.meta.steps;
  const names = [state.meta.operation === 'failback' ? 'failback' : 'failover'];
  for (const s of steps) if (s.beginsPhase && !names.includes(s.beginsPhase)) names.push(s.beginsPhase);
  // In dependency order (Kahn), without recursion: a 10,000-step chain is fine.
  const byId = new Map(steps.map((s) => [s.id, s]));
  const waiting = new Map(steps.map((s) => [s.id, s.dependsOn.filter((id) => byId.has(id)).length]));
  const dependants = new Map<string, string[]>();
  for (const s of steps) {
    for (const id of s.dependsOn) {
      if (!byId.has(id)) continue;
      const list = dependants.get(id);
      if (list) list.push(s.id);
      else dependants.set(id, [s.id]);
    }
  }
  const of = new Map<string, number>();
  const ready = steps.filter((s) => waiting.get(s.id) === 0).map((s) => s.id);
  while (ready.length > 0) {
    const id = ready.pop()!;
    const step = byId.get(id)!;
    let section = 0;
    for (const depId of step.dependsOn) {
      const dep = byId.get(depId);
      if (dep) section = Math.max(section, (of.get(depId) ?? 0) + (dep.restoresService ? 1 : 0));
    }
    of.set(id, Math.min(section, names.length - 1));
    for (const next of dependants.get(id) ?? []) {
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  for (const s of steps) if (!of.has(s.id)) of.set(s.id, 0); // a cycle: not a valid graph, shown anyway
  const result = { names, of };
  sectionsCache.set(state.meta, result);
  return result;
}

/** The steps that restore service in a phase's section (all of them when the section declares none). */
function restoringSteps(state: RunState, phase: string, names: string[], of: Map<string, number>): string[] {
  const section = names.indexOf(phase);
  const restoring = state.meta.steps.filter((s) => s.restoresService);
  const own = restoring.filter((s) => of.get(s.id) === section);
  return (own.length > 0 ? own : restoring).map((s) => s.id);
}

/**
 * True when every step that restores service in the phase is done but service is not seen back yet: the RTO
 * clock waits for the health probe.
 */
export function awaitingHealthProbe(state: RunState, phase: string): boolean {
  const { names, of } = stepSections(state);
  const ids = restoringSteps(state, phase, names, of);
  return ids.length > 0 && ids.every((id) => finished(state.steps[id]));
}

/**
 * The steps holding the RTO now: for each phase whose service is not yet restored, among the unfinished steps
 * on the path to restoring it (its steps that restore service and everything they depend on), the running
 * ones that have been running longest.
 */
export function rtoHolders(state: RunState): Set<string> {
  const holders = new Set<string>();
  const { names, of } = stepSections(state);
  const deps = new Map(state.meta.steps.map((s) => [s.id, s.dependsOn]));
  for (const phase of state.phases) {
    if (phase.restoredAt !== undefined) continue;
    const stack = restoringSteps(state, phase.name, names, of);
    const path = new Set<string>();
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (path.has(id)) continue;
      path.add(id);
      stack.push(...(deps.get(id) ?? []));
    }
    let earliest = Infinity;
    for (const id of path) {
      const s = state.steps[id];
      if (active(s) && s!.startedAt !== undefined) earliest = Math.min(earliest, s!.startedAt);
    }
    for (const id of path) {
      const s = state.steps[id];
      if (active(s) && s!.startedAt === earliest) holders.add(id);
    }
  }
  return holders;
}

/** The steps on the critical path of each phase whose service is restored. */
export function criticalSteps(state: RunState): Set<string> {
  const ids = new Set<string>();
  for (const phase of state.phases) {
    if (phase.restoredAt === undefined) continue;
    for (const entry of criticalPath(state, phase)) ids.add(entry.stepId);
  }
  return ids;
}

interface Row {
  step: JournalStepInfo;
  state: StepState;
  section: number;
  indent: boolean;
  note: string;
  noteColor: number;
  elapsed: string;
  sub?: { text: string; color: number };
  collapsed: boolean;
}

function verdict(color: boolean, met: boolean): string {
  return met ? paint(color, 32, '✔ met') : paint(color, 31, '✖ MISSED');
}

function headerLines(input: TreeFrameInput): string[] {
  const { state, now, color } = input;
  const meta = state.meta;
  const status =
    state.phase === 'completed'
      ? (state.status ?? 'ended').toUpperCase()
      : state.phase === 'compensating'
        ? 'rolling back'
        : state.phase === 'paused'
          ? 'paused'
          : state.phase === 'verifying'
            ? 'verifying'
            : 'running';
  const statusColor = state.phase === 'completed' ? (state.status === 'succeeded' ? 32 : 31) : state.phase === 'compensating' ? 33 : 36;
  const what = meta.drill ? `${meta.drill} drill` : meta.operation;
  // On the sandbox the clock is virtual: say so, or a 10-minute restore shown in 2 s looks like a broken timer.
  const time = meta.target === 'sandbox' ? `${clockTime(now)} simulated` : clockTime(now);
  const line1 = `${paint(color, 1, meta.plan)} · ${what} · ${state.mode} · ${meta.target} · ${time} · ${paint(color, statusColor, status)}`;
  const { rtoMs, rpoMs } = meta.objectives;
  const objective = (ms: number | undefined): string => (ms === undefined ? 'no objective' : `objective ${formatDuration(ms)}`);
  let rto: string;
  if (state.disasterAt === undefined) rto = `RTO clock not started, ${objective(rtoMs)}`;
  else if (state.restoredAt === undefined) {
    const ms = Math.max(0, (state.endedAt ?? now) - state.disasterAt);
    const over = rtoMs !== undefined && ms > rtoMs;
    const clockText = `RTO ${formatDuration(ms)}${state.phase === 'completed' ? ', service not restored' : '…'}`;
    rto = `${paint(color, over ? 31 : 1, clockText)} ${objective(rtoMs)}`;
  } else {
    const ms = state.restoredAt - state.disasterAt;
    rto = `${paint(color, 1, `RTO ${formatDuration(ms)}`)} ${rtoMs === undefined ? '' : `${verdict(color, ms <= rtoMs)}, `}${objective(rtoMs)}`;
  }
  let rpo: string;
  if (state.rpo?.unverified !== undefined) {
    // A figure resting on a freeze nobody could check is not shown as one (see the report's rpo.verified).
    rpo = `${paint(color, 33, 'RPO not verified')} (${state.rpo.source}), ${objective(rpoMs)}`;
  } else if (state.rpo) {
    rpo = `${paint(color, 1, `RPO ${formatDuration(state.rpo.seconds * 1000)}`)} ${rpoMs === undefined ? '' : `${verdict(color, state.rpo.seconds * 1000 <= rpoMs)}, `}${objective(rpoMs)}`;
  } else rpo = `RPO not measured yet, ${objective(rpoMs)}`;
  return [line1, `${rto} · ${rpo}`];
}

function sectionHeader(input: TreeFrameInput, name: string, width: number): string {
  const phase = input.state.phases.find((p) => p.name === name);
  let text = `── ${name}`;
  if (phase?.restoredAt !== undefined) {
    text += ` · service restored after ${formatDuration(phase.restoredAt - phase.startedAt)}`;
    // Each phase's own data loss once read (a live drill's failback has its own).
    const rpo = phase === input.state.phases[0] ? input.state.rpo : phase.rpo;
    if (rpo !== undefined) text += rpo.unverified !== undefined ? ' · RPO not verified' : ` · RPO ${formatDuration(rpo.seconds * 1000)}`;
  }
  else if (phase) {
    text += ` · RTO ${formatDuration(Math.max(0, (input.state.endedAt ?? input.now) - phase.startedAt))}${input.state.phase === 'completed' ? ', not restored' : '…'}`;
    if (input.state.phase !== 'completed' && awaitingHealthProbe(input.state, name)) text += ' · waiting for the health probe';
  }
  text = fit(`${text} `, width);
  return paint(input.color, 1, text + '─'.repeat(Math.max(0, width - [...text].length)));
}

function buildRows(input: TreeFrameInput): { rows: Row[]; names: string[] } {
  const { state, now } = input;
  const { names, of } = stepSections(state);
  const holders = rtoHolders(state);
  const critical = criticalSteps(state);
  const dependants = new Map<string, number>();
  for (const step of state.meta.steps) for (const id of step.dependsOn) dependants.set(id, (dependants.get(id) ?? 0) + 1);
  const rows: Row[] = [];
  let previous: Row | undefined;
  for (const step of state.meta.steps) {
    const s = state.steps[step.id] ?? { id: step.id, status: 'pending' as const, attempts: 0 };
    const section = of.get(step.id) ?? 0;
    // Indented: a link of a chain (it follows only the row above, and nothing else follows that row).
    const indent = previous !== undefined && previous.section === section && step.dependsOn.length === 1 && step.dependsOn[0] === previous.step.id && dependants.get(previous.step.id) === 1;
    const notes: string[] = [];
    let noteColor = 2;
    let elapsed = '';
    let sub: Row['sub'];
    const retry = input.retries?.[step.id];
    switch (s.status) {
      case 'running':
        if (s.attempts > 0) notes.push(`attempt ${s.attempts + 1}`);
        elapsed = formatDuration(Math.max(0, now - (s.startedAt ?? now)));
        if (retry) sub = { text: `retrying: ${retry}`, color: 33 };
        else if (s.progress) sub = { text: s.progress, color: 2 };
        break;
      case 'waiting':
        notes.push(step.kind === 'approval' ? 'awaiting approval' : 'waiting for you');
        noteColor = 35;
        elapsed = formatDuration(Math.max(0, now - (s.waitingSince ?? s.startedAt ?? now)));
        if (s.progress) sub = { text: s.progress, color: 2 };
        break;
      case 'succeeded':
      case 'compensated':
      case 'failed':
        if (s.startedAt !== undefined && s.endedAt !== undefined) elapsed = formatDuration(s.endedAt - s.startedAt);
        if (s.status === 'compensated') notes.push('undone');
        if (s.by) notes.push(`by ${s.by}`);
        if (s.attempts > 1) notes.push(`${s.attempts} attempts`);
        if (s.status === 'failed') {
          noteColor = 31;
          if (s.error) sub = { text: s.error.message, color: 31 };
        }
        break;
      case 'skipped':
        notes.push('skipped');
        break;
      case 'pending':
        break;
    }
    if (holders.has(step.id)) {
      notes.push(HOLDING_RTO);
      noteColor = 33;
    } else if (critical.has(step.id)) {
      notes.push(CRITICAL_PATH);
      noteColor = 33;
    }
    const row: Row = { step, state: s, section, indent, note: notes.join(' · '), noteColor, elapsed, collapsed: false, ...(sub ? { sub } : {}) };
    rows.push(row);
    previous = row;
  }
  return { rows, names };
}

function rowLine(input: TreeFrameInput, row: Row, width: number): string {
  const { color } = input;
  const status = row.state.status;
  const symbol = status === 'running' && !input.final ? SPINNER[(input.spinner ?? 0) % SPINNER.length]! : SYMBOL[status];
  const lead = row.indent ? '   ' : ' ';
  const elapsed = row.elapsed.padStart(7);
  let note = row.note;
  let titleRoom = width - lead.length - 2 - 1 - elapsed.length - (note ? note.length + 2 : 0);
  if (titleRoom < 12 && note) {
    note = fit(note, Math.max(0, note.length - (12 - titleRoom)));
    titleRoom = width - lead.length - 2 - 1 - elapsed.length - (note ? [...note].length + 2 : 0);
  }
  const title = fit(row.step.title, titleRoom);
  const gap = ' '.repeat(Math.max(1, width - lead.length - 2 - [...title].length - elapsed.length - (note ? [...note].length + 2 : 0)));
  const titleText = status === 'pending' || status === 'skipped' ? paint(color, 2, title) : title;
  return `${lead}${paint(color, COLOR[status], symbol)} ${titleText}${gap}${note ? `${paint(color, row.noteColor, note)}  ` : ''}${paint(color, status === 'running' || status === 'waiting' ? 1 : 2, elapsed)}`;
}

/**
 * One frame of the live step tree: a header (plan, operation, mode, target and clock time; the RTO clock and
 * the RPO against their objectives), then one row per step in plan order under its phase — status symbol,
 * title, notes (attempts, `⏱ holding RTO` before service is restored, `⏱ critical path` after), elapsed time
 * on the run's clock. A link of a chain (a step that follows only the row above, which nothing else follows)
 * is indented under it. When the rows do not
 * fit `height`, the oldest finished steps are folded into one "✔ N steps done" line per phase first, then
 * progress notes are dropped, then pending steps are folded, so running steps stay in view.
 */
export function renderTreeFrame(input: TreeFrameInput): string[] {
  const width = Math.max(30, Math.floor(input.width) - 1);
  const budget = Number.isFinite(input.height) ? Math.max(3, Math.floor(input.height) - 1) : Infinity;
  const { color } = input;
  const header = headerLines(input);
  const { rows, names } = buildRows(input);
  const used = new Set(rows.map((r) => r.section));
  const sections = names.map((_, i) => i).filter((i) => used.has(i));
  const showSections = sections.length > 1;
  const showSub = new Set(rows.filter((r) => r.sub));
  const doneFolded = new Map<number, Row[]>();
  const pendingFolded = new Map<number, Row[]>();
  let total = header.length + (showSections ? sections.length : 0) + rows.length + showSub.size;
  if (total > budget) {
    // 1. Fold the oldest finished steps.
    const done = rows.filter((r) => finished(r.state)).sort((a, b) => (a.state.endedAt ?? 0) - (b.state.endedAt ?? 0));
    for (const row of done) {
      if (total <= budget) break;
      row.collapsed = true;
      total -= 1 + (showSub.delete(row) ? 1 : 0);
      const folded = doneFolded.get(row.section) ?? [];
      if (folded.length === 0) total += 1;
      folded.push(row);
      doneFolded.set(row.section, folded);
    }
  }
  if (total > budget) {
    // 2. Drop progress notes, not failures.
    for (const row of [...showSub]) {
      if (total <= budget) break;
      if (row.state.status === 'failed') continue;
      showSub.delete(row);
      total -= 1;
    }
  }
  if (total > budget) {
    // 3. Fold pending steps, the last ones first.
    for (const row of [...rows].reverse()) {
      if (total <= budget) break;
      if (row.state.status !== 'pending' || row.collapsed) continue;
      row.collapsed = true;
      total -= 1;
      const folded = pendingFolded.get(row.section) ?? [];
      if (folded.length === 0) total += 1;
      folded.push(row);
      pendingFolded.set(row.section, folded);
    }
  }
  const lines = [...header];
  for (const section of sections) {
    if (showSections) lines.push(sectionHeader(input, names[section]!, width));
    const done = doneFolded.get(section);
    if (done) {
      const skipped = done.filter((r) => r.state.status === 'skipped').length;
      const text = `${done.length - skipped} step${done.length - skipped === 1 ? '' : 's'} done${skipped ? `, ${skipped} skipped` : ''}`;
      lines.push(` ${paint(color, 32, '✔')} ${paint(color, 2, fit(text, width - 3))}`);
    }
    for (const row of rows) {
      if (row.section !== section || row.collapsed) continue;
      lines.push(rowLine(input, row, width));
      if (row.sub && showSub.has(row)) {
        const pad = row.indent ? '       ' : '     ';
        lines.push(pad + paint(color, row.sub.color, fit(row.sub.text.replace(/\s+/g, ' '), width - pad.length)));
      }
    }
    const pending = pendingFolded.get(section);
    if (pending) lines.push(` ${paint(color, 2, fit(`· ${pending.length} more step${pending.length === 1 ? '' : 's'} to run`, width - 1))}`);
  }
  if (lines.length > budget) {
    // 4. A terminal too small even for the running steps: cut, and say how much is not shown.
    const kept = lines.slice(0, budget - 1);
    kept.push(paint(color, 2, `… ${lines.length - kept.length} more lines (enlarge the terminal)`));
    return kept.map((line) => fitLine(line, width));
  }
  return lines.map((line) => fitLine(line, width));
}
