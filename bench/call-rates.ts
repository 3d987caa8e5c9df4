/** Rates of calls from the sandbox call log's simulated timestamps, for checking polls against AWS's token buckets. */

/**
 * Refill per second of the bucket each service's describes draw from (aws-facts.md, "API rate limits"): RDS 12, EC2
 * Describe* 20, Route 53 10. Auto Scaling publishes none: 2 is Firedrill's own conservative assumption (rate-limits.ts).
 */
export const DESCRIBE_REFILL_PER_S: Record<string, number> = { rds: 12, ec2: 20, route53: 10, autoscaling: 2 };

/** The most calls within any sliding window of `windowMs` (`times` sorted ascending, epoch ms). */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  let peak = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}

/**
 * The most tokens the calls ever needed from a bucket's burst: the maximum, over every window [tᵢ, tⱼ], of
 * (calls in the window) − refillPerSecond·(tⱼ − tᵢ). A client stays inside a token bucket of capacity C exactly when
 * this is ≤ C (for a bucket that starts full). O(n) with a running maximum.
 */
export function peakBurstUse(times: readonly number[], refillPerSecond: number): number {
  let best = 0;
  let bestStart = Number.NEGATIVE_INFINITY; // max over i ≤ j of (−i + r·tᵢ)
  for (let j = 0; j < times.length; j++) {
    const t = times[j]! / 1000;
    bestStart = Math.max(bestStart, -j + refillPerSecond * t);
    best = Math.max(best, j + 1 - refillPerSecond * t + bestStart);
  }
  return best;
}
