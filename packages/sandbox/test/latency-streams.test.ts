import { describe, expect, it } from 'vitest';
import { createOperationContext } from '../src/operation-context.js';
import { createWorld } from '../src/world.js';

const world = (seed: number) => createWorld({ now: 0, seed, regions: ['us-east-1'], accountId: '111111111111', latencies: {}, rateLimits: false });

describe('latency streams', () => {
  it('gives the n-th operation of a key the same duration whatever else was called before', () => {
    const quiet = world(7);
    const busy = world(7);
    const promotions = (w: ReturnType<typeof world>, noise: number): number[] =>
      [0, 1, 2].map(() => {
        for (let i = 0; i < noise; i++) createOperationContext(w, 'us-east-1', 0).latency('autoscaling.instanceInService');
        return createOperationContext(w, 'us-east-1', 0).latency('rds.promoteReadReplica');
      });
    expect(promotions(busy, 5)).toEqual(promotions(quiet, 0));
    // Another seed draws other durations.
    expect(promotions(world(8), 0)).not.toEqual(promotions(world(7), 0));
  });

  it('keeps its streams in the world, so a saved world continues them', () => {
    const w = world(7);
    createOperationContext(w, 'us-east-1', 0).latency('rds.promoteReadReplica');
    const copy = JSON.parse(JSON.stringify(w)) as typeof w;
    expect(createOperationContext(copy, 'us-east-1', 0).latency('rds.promoteReadReplica')).toBe(createOperationContext(w, 'us-east-1', 0).latency('rds.promoteReadReplica'));
  });
});
