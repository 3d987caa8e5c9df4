import { formatDuration, type JournalEvent, type RunState } from '@firedrill/core';

/** How progress is shown: colour is off with NO_COLOR or when not a terminal. */
export interface ProgressStyle {
  color: boolean;
}

const paint = (style: ProgressStyle, code: number, text: string): string => (style.color ? `\u001b[${code}m${text}\u001b[0m` : text);
const time = (at: number): string => new Date(at).toISOString().slice(11, 19) + 'Z';

/**
 * One timestamped line per meaningful event: what CI logs and non-terminal output show (the live tree on a
 * terminal is drawn from the same events).
 */
export function progressLine(event: JournalEvent, state: RunState, style: ProgressStyle): string | undefined {
  const title = 'stepId' in event && event.stepId ? state.meta.steps.find((s) => s.id === event.stepId)?.title ?? event.stepId : '';
  const step = 'stepId' in event && event.stepId ? state.steps[event.stepId] : undefined;
  const took = step?.startedAt !== undefined ? ` (${formatDuration(event.at - step.startedAt)})` : '';
  switch (event.type) {
    case 'run.started':
      return `${time(event.at)}  ${paint(style, 1, `${event.operation}${event.drill ? ` (${event.drill})` : ''} of ${event.plan}`)}: run ${event.runId}, ${event.mode}, ${event.steps.length} steps`;
    case 'disaster.declared':
      return `${time(event.at)}  ${paint(style, 31, '⚠ disaster declared')}: the RTO clock starts`;
    case 'phase.started':
      return `${time(event.at)}  ${paint(style, 1, `phase ${event.phase}`)} begins`;
    case 'step.started':
      return `${time(event.at)}  ▶ ${title}${event.recheck ? ' (re-checking after a resume)' : ''}`;
    case 'step.checked':
      return event.applied ? `${time(event.at)}    already done: ${event.note ?? title}` : undefined;
    case 'step.progress':
      return `${time(event.at)}    … ${title}: ${event.progress}`;
    case 'step.attempt-failed':
      return `${time(event.at)}    ${paint(style, 33, `retrying ${title}`)} in ${formatDuration(event.retryInMs ?? 0)}: ${event.error.message}`;
    case 'step.succeeded':
      return `${time(event.at)}  ${paint(style, 32, '✔')} ${title}${took}`;
    case 'step.failed':
      return `${time(event.at)}  ${paint(style, 31, '✖')} ${title}${took}: ${event.error.message}`;
    case 'step.skipped':
      return `${time(event.at)}  ↷ ${title}: skipped (${event.reason})`;
    case 'approval.requested':
      return `${time(event.at)}  ${paint(style, 35, '? approval needed')}: ${title}${event.approvers ? ` (approvers: ${event.approvers.join(', ')})` : ''}`;
    case 'approval.granted':
      return `${time(event.at)}  ✔ approved by ${event.by} after ${formatDuration(event.waitedMs)}`;
    case 'service.restored':
      return `${time(event.restoredAt)}  ${paint(style, 32, '♥ service restored')}${event.phase ? ` (${event.phase})` : ''} — ${event.source}`;
    case 'rpo.measured':
      if (event.unverified !== undefined) return `${time(event.at)}  ${paint(style, 33, 'RPO not verified')} (${event.source}): ${event.unverified}`;
      return `${time(event.at)}  RPO measured: ${formatDuration(event.seconds * 1000)} (${event.source})`;
    case 'compensation.started':
      return `${time(event.at)}  ↶ undoing ${title}`;
    case 'compensation.failed':
      return `${time(event.at)}  ${paint(style, 31, '✖ could not undo')} ${title}: ${event.error.message}`;
    case 'run.completed':
      return `${time(event.at)}  ${paint(style, event.status === 'succeeded' ? 32 : 31, `run ${event.status}`)}`;
    default:
      return undefined;
  }
}
