/**
 * Soak: hold a new state for a while before the next move. A live drill fails over, lets the recovered service
 * carry traffic long enough for the health probe to confirm it (and for people to look), and only then fails
 * back — failing back at once would cut the failover's measurement short and prove little.
 */
import { parseDuration, type WaitStep } from '@firedrill/core';

/** Options of {@link soakStep}. */
export interface SoakOptions {
  /** @default 'soak' */
  id?: string;
  dependsOn?: readonly string[];
  /** How long to hold: a duration such as "2m", or milliseconds. */
  duration: string | number;
  /** What is being held, for the title: "the failover to us-west-2". */
  what: string;
}

/**
 * A wait step that sleeps on the run's clock (a virtual clock runs it in no real time).
 *
 * @example
 * soakStep({ duration: '2m', what: 'the failover to us-west-2', dependsOn: ['wait-recovery-writer'] });
 */
export function soakStep(options: SoakOptions): WaitStep {
  const ms = typeof options.duration === 'number' ? options.duration : parseDuration(options.duration);
  return {
    id: options.id ?? 'soak',
    kind: 'wait',
    title: `Hold ${options.what} for ${Math.round(ms / 1000)} s and watch the service`,
    why: 'The failover must be seen serving (the health probe confirms it) before anything moves again.',
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    policy: { timeout: ms + 60_000 },
    verifyByHand: 'Watch dashboards and error rates; abort the failback if the recovered side does not serve.',
    poll: async (ctx) => {
      await ctx.clock.sleep(ms, ctx.signal);
      return { status: 'success', value: { heldMs: ms } };
    },
  };
}
