import type { AwsService } from '../aws-service.js';
import type { ClassifiedAwsError } from '../classify-error.js';

/** What one look at a resource found, in the SDK waiters' vocabulary. */
export type AcceptorState = 'SUCCESS' | 'FAILURE' | 'RETRY';

/** An acceptor's verdict on one describe response. */
export interface AcceptorResult {
  state: AcceptorState;
  /** Short text of the state seen (`"modifying"`, `"2/4 InService"`), journaled when it changes. */
  progress?: string;
  /** Why a FAILURE is one, for the person reading the error. */
  reason?: string;
}

/** A pure function from a describe response (and the waiter's parameters) to a verdict. Tested as a table. */
export type Acceptor<Output, Params> = (output: Output, params: Params) => AcceptorResult;

/**
 * One waiter: an acceptor plus what the runner needs to poll it well — the describe call it judges (for the
 * rate budget and error messages) and how long the operation usually takes.
 */
export interface WaiterDefinition<Output, Params> {
  service: AwsService;
  /** The describe operation whose response the acceptor judges (`DescribeDBInstances`). */
  command: string;
  /** What is being waited for, for people: `DB instance tracking-db-replica promoted`. */
  what: (params: Params) => string;
  /** The resource named in error messages. */
  resource: (params: Params) => string;
  acceptor: Acceptor<Output, Params>;
  /**
   * A verdict on a describe error, for waiters where an error is the answer (`DBInstanceNotFound` when waiting
   * for a deletion). `undefined` lets the runner decide: fail fast on permanent errors, retry the others.
   */
  acceptError?: (error: ClassifiedAwsError, params: Params) => AcceptorResult | undefined;
  /** Typical duration of the operation (ms), from aws-facts.md; polling is densest around it. */
  expectedMs?: number;
}

/** Declares a waiter with its types inferred (a typed identity). */
export function defineWaiter<Output, Params>(definition: WaiterDefinition<Output, Params>): WaiterDefinition<Output, Params> {
  return definition;
}

/** Every element of `items` matches `predicate`, and there is at least one. */
export function allAndAny<T>(items: readonly T[], predicate: (item: T) => boolean): boolean {
  return items.length > 0 && items.every(predicate);
}

/** `"2 running, 1 pending"`: counts of each state, in first-seen order, for progress text. */
export function countStates(states: readonly (string | undefined)[]): string {
  const counts = new Map<string, number>();
  for (const state of states) counts.set(state ?? 'unknown', (counts.get(state ?? 'unknown') ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}
