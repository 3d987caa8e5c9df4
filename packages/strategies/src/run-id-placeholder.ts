/**
 * The run id of an operation built before any run exists. `firedrill plan` and `firedrill render` build the steps
 * to preview their AWS calls; the names, tags and filters a run derives from its id are only known once it starts,
 * so they are previewed as clearly marked placeholders, never as values a made-up id would give (which an SRE
 * pasting the call would send for real).
 */

/**
 * The `runId` to build an operation's steps with when only their previews are wanted.
 *
 * @example
 * const { steps } = strategy.build({ plan, operation: 'drill', drill: 'isolated', mode: 'ungraceful', aws, runId: RUN_ID_PLACEHOLDER });
 * // steps' previews show "firedrill:run-id": "<run id>", "tracking-db-replica-drill-<end of the run id>", …
 */
export const RUN_ID_PLACEHOLDER = '<run id>';

/** Whether `runId` is {@link RUN_ID_PLACEHOLDER}: the steps are built for their previews only. */
export function isRunIdPlaceholder(runId: string): boolean {
  return runId === RUN_ID_PLACEHOLDER;
}
