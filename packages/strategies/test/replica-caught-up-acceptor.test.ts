import type { DBInstance } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { replicaCaughtUp } from '../src/steps/replication-lag.js';

const replica = (info?: DBInstance['StatusInfos']): DBInstance => ({
  DBInstanceIdentifier: 'tracking-db-replica',
  ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:123456789012:db:tracking-db',
  StatusInfos: info ?? [{ StatusType: 'read replication', Normal: true, Status: 'replicating' }],
});
const FENCE = Date.parse('2026-11-22T03:10:20Z');
const minute = (hhmm: string): number => Date.parse(`2026-11-22T${hhmm}:00Z`);
const params = { identifier: 'tracking-db-replica', since: FENCE };

describe('replicaCaughtUp (ReplicaLag from CloudWatch)', () => {
  it.each([
    ['no datapoint yet', [], 'RETRY', /waiting for the ReplicaLag datapoint of the minute from 03:11:00/],
    ['a 0 for a minute that began before the fence does not count', [{ at: minute('03:10'), maxLagMs: 0 }], 'RETRY', /minute from 03:11:00/],
    ['lag in the first minute after the fence', [{ at: minute('03:11'), maxLagMs: 1_500 }], 'RETRY', /ReplicaLag 1.5 s .*waiting for ≤ 0 s/],
    ['0 for a minute that began after the fence', [{ at: minute('03:11'), maxLagMs: 1_500 }, { at: minute('03:12'), maxLagMs: 0 }], 'SUCCESS', /ReplicaLag 0 s \(maximum of the minute from 03:12:00\)/],
  ] as const)('%s', (_label, datapoints, state, progress) => {
    const result = replicaCaughtUp({ db: replica(), datapoints: [...datapoints] }, params);
    expect(result.state).toBe(state);
    expect(result.progress).toMatch(progress);
  });

  it('within maxLagMs is caught up enough (failback: near before the fence)', () => {
    expect(replicaCaughtUp({ db: replica(), datapoints: [{ at: minute('03:11'), maxLagMs: 4_000 }] }, { ...params, maxLagMs: 5_000 }).state).toBe('SUCCESS');
  });

  it('replication stopped (StatusInfos error) keeps waiting and tells the operator to switch to ungraceful', () => {
    const result = replicaCaughtUp({ db: replica([{ StatusType: 'read replication', Normal: false, Status: 'error', Message: 'the source is unreachable' }]), datapoints: [] }, params);
    expect(result).toMatchObject({ state: 'RETRY', progress: expect.stringMatching(/replication stopped \(the source is unreachable\): switch the run to ungraceful/) });
  });

  describe('PostgreSQL: ReplicaLag grows while the source is fenced; the source\'s slot lag says caught up', () => {
    const pg = (): DBInstance => ({ ...replica(), Engine: 'postgres' });
    it.each([
      ['no slot-lag datapoint yet', [], 'RETRY', /waiting for the source's OldestReplicationSlotLag datapoint of the minute from 03:11:00/],
      ['a 0 for a minute that began before the fence does not count', [{ at: minute('03:10'), minBytes: 0 }], 'RETRY', /minute from 03:11:00/],
      ['WAL not yet received after the fence', [{ at: minute('03:11'), minBytes: 16_384 }], 'RETRY', /OldestReplicationSlotLag is 16384 bytes .*has not received everything/],
      ['0 bytes at some moment of a minute that began after the fence', [{ at: minute('03:11'), minBytes: 16_384 }, { at: minute('03:12'), minBytes: 0 }], 'SUCCESS', /read 0 bytes in the minute from 03:12:00: the replica has received every write/],
    ] as const)('%s', (_label, slotLag, state, progress) => {
      // ReplicaLag is minutes old (the fenced source commits nothing): it must not decide either way.
      const result = replicaCaughtUp({ db: pg(), datapoints: [{ at: minute('03:11'), maxLagMs: 95_000 }, { at: minute('03:12'), maxLagMs: 155_000 }], slotLag: [...slotLag] }, params);
      expect(result.state).toBe(state);
      expect(result.progress).toMatch(progress);
    });

    it('near enough before a fence: a ReplicaLag within maxLagMs, or the slot lag at 0', () => {
      expect(replicaCaughtUp({ db: pg(), datapoints: [{ at: minute('03:11'), maxLagMs: 4_000 }], slotLag: [{ at: minute('03:11'), minBytes: 8_192 }] }, { ...params, maxLagMs: 5_000 }).state).toBe('SUCCESS');
      expect(replicaCaughtUp({ db: pg(), datapoints: [{ at: minute('03:11'), maxLagMs: 400_000 }], slotLag: [{ at: minute('03:11'), minBytes: 0 }] }, { ...params, maxLagMs: 5_000 }).state).toBe('SUCCESS');
      expect(replicaCaughtUp({ db: pg(), datapoints: [{ at: minute('03:11'), maxLagMs: 400_000 }], slotLag: [{ at: minute('03:11'), minBytes: 8_192 }] }, { ...params, maxLagMs: 5_000 }).state).toBe('RETRY');
    });
  });

  it('a standalone instance or none at all is a failure', () => {
    expect(replicaCaughtUp({ db: { DBInstanceIdentifier: 'tracking-db-replica' }, datapoints: [] }, params).state).toBe('FAILURE');
    expect(replicaCaughtUp({ db: undefined, datapoints: [] }, params).state).toBe('FAILURE');
  });
});
