export { type Clock, type VirtualClockOptions, realClock, VirtualClock } from './clock.js';
export { type Duration, formatDuration, isDurationText, parseDuration } from './duration.js';
export {
  type ErrorInfo,
  errorCode,
  RunAbortedError,
  StepFailure,
  type StepFailureOptions,
  StepTimeoutFailure,
  toErrorInfo,
  WaitFailedFailure,
} from './errors.js';
export {
  DEFAULT_STEP_POLICY,
  type PollPolicy,
  type ResolvedPollPolicy,
  type ResolvedRetryPolicy,
  type ResolvedStepPolicy,
  resolveStepPolicy,
  type RetryPolicy,
  type StepPolicy,
} from './policy.js';
export { type PollOptions, type PollOutcome, pollUntil } from './poll.js';
export { backoffDelay, isRetryableError, type RetryOptions, retryWithPolicy } from './retry.js';
