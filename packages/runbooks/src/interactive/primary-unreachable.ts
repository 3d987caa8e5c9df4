import type { JournalEvent, RunState } from '@firedrill/core';

// Network failures: the request never got an answer, the way calls to a lost region fail.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'TimeoutError']);
const UNREACHABLE_TEXT = /replication stopped|unreachable|switch the run to ungraceful|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH/i;

/**
 * Whether an event suggests the primary is unreachable during a graceful failover — the moment an
 * interactive runbook offers to switch to ungraceful: a call that got no answer (network error), or a wait
 * that reports (in its progress or log) that replication stopped or its source is unreachable. Returns the step and a one-line reason, or `undefined`.
 */
export function primaryUnreachableEvidence(event: JournalEvent, state: RunState): { stepId: string; reason: string } | undefined {
  if (state.mode !== 'graceful' || state.status !== undefined) return undefined;
  const title = (stepId: string): string => state.meta.steps.find((s) => s.id === stepId)?.title ?? stepId;
  switch (event.type) {
    case 'step.progress':
      return UNREACHABLE_TEXT.test(event.progress) ? { stepId: event.stepId, reason: `${title(event.stepId)}: ${event.progress}` } : undefined;
    case 'step.log':
      return UNREACHABLE_TEXT.test(event.message) ? { stepId: event.stepId, reason: `${title(event.stepId)}: ${event.message}` } : undefined;
    case 'step.attempt-failed':
    case 'step.failed': {
      const { code, message } = event.error;
      return (code !== undefined && NETWORK_CODES.has(code)) || UNREACHABLE_TEXT.test(message)
        ? { stepId: event.stepId, reason: `${title(event.stepId)}: no answer (${code ?? 'network'}: ${message})` }
        : undefined;
    }
    default:
      return undefined;
  }
}
