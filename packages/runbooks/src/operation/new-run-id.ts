import { randomBytes } from 'node:crypto';
import type { Clock } from '@firedrill/core';

/** A run id that sorts by start time: `<plan>-<yyyymmddThhmmssZ>-<6 hex>`. */
export function newRunId(plan: string, clock: Clock): string {
  const stamp = new Date(clock.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${plan}-${stamp}-${randomBytes(3).toString('hex')}`;
}
