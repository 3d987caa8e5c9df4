import { describe, expect, it } from 'vitest';
import { drillFromCode } from '../packages/runbooks/examples/library-use.js';

describe('the README library example', () => {
  it('runs a live drill from code, streams its events and reads the report', { timeout: 60_000 }, async () => {
    const result = await drillFromCode();
    expect(result.status).toBe('succeeded');
    expect(result.rtoSeconds).toBeGreaterThan(0);
    expect(result.rtoSeconds!).toBeLessThanOrEqual(600);
    expect(result.rpoSeconds).not.toBeNull();
    expect(result.events).toBeGreaterThan(50);
  });
});
