import { createHash } from 'node:crypto';

/**
 * A token derived from the run, the step and a purpose: the same in every attempt and after a resume in
 * another process, so AWS deduplicates a repeated call (EC2 `ClientToken` allows 64 ASCII characters).
 */
export function idempotencyToken(runId: string, stepId: string, purpose = 'act'): string {
  const digest = createHash('sha256').update(`${runId}\u0000${stepId}\u0000${purpose}`).digest('hex').slice(0, 24);
  const readable = `fd-${stepId}`.slice(0, 64 - 25).replace(/[^a-z0-9-]/g, '-');
  return `${readable}-${digest}`;
}
