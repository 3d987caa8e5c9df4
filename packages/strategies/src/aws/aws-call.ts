import { StepFailure } from '@firedrill/core';
import type { AwsService } from './aws-service.js';
import { classifyAwsError, toStepFailure } from './classify-error.js';

/** What every adapter function takes besides its own options. */
export interface AdapterCallOptions {
  /** Passed to `client.send(cmd, { abortSignal })`, so stopping a run stops the call in flight. */
  signal?: AbortSignal;
}

/** The region a client targets (the SDK resolves it asynchronously). */
export async function clientRegion(client: { config: { region: () => Promise<string> } }): Promise<string> {
  return client.config.region();
}

/** Where a call goes, for error messages. */
export interface AdapterCallSite {
  service: AwsService;
  client: { config: { region: () => Promise<string> } };
  command: string;
  resource: string;
}

/**
 * Makes one AWS call and turns a failure into an actionable `StepFailure` (an abort passes through untouched).
 * No retry here: retries belong to the step's policy, on the run's clock.
 */
export async function callAws<T>(site: AdapterCallSite, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (signal?.aborted) throw error;
    throw toStepFailure(error, { service: site.service, region: await clientRegion(site.client), command: site.command, resource: site.resource });
  }
}

/** Like {@link callAws}, but "not found" is an answer (`undefined`), not a failure: for check-then-act. */
export async function callAwsOrNotFound<T>(site: AdapterCallSite, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (signal?.aborted) throw error;
    if (classifyAwsError(error).reason === 'not-found') return undefined;
    throw toStepFailure(error, { service: site.service, region: await clientRegion(site.client), command: site.command, resource: site.resource });
  }
}

/** A failure the adapter found itself, before calling AWS (a guardrail or a resource in the wrong shape). */
export function adapterFailure(message: string, code: string): StepFailure {
  return new StepFailure(message, { code, retryable: false });
}

/** The `send` options that carry the abort signal. */
export function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal === undefined ? {} : { abortSignal: signal };
}

/** Tags as the EC2/RDS APIs take them. */
export function toAwsTags(tags: Readonly<Record<string, string>> | undefined): Array<{ Key: string; Value: string }> {
  return Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

/** What a check-then-act adapter did. */
export interface ActionOutcome {
  /** True when this call changed AWS; false when the effect was already in place. */
  changed: boolean;
  /** One line for the journal: what was found or done. */
  note: string;
}
