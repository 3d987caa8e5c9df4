import { createHook } from 'node:async_hooks';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { buildWarmStandbyScenario } from '../src/index.js';
import { VirtualClock } from '@firedrill/core';

describe('throughput and I/O', () => {
  it('sends a first command without any file or network I/O', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildWarmStandbyScenario({ clock });
    const io: string[] = [];
    const ignored = new Set(['PROMISE', 'Microtask', 'TickObject', 'Immediate', 'Timeout']);
    const hook = createHook({ init: (_id, type) => void (ignored.has(type) || io.push(type)) }).enable();
    try {
      await sandbox.client(RDSClient, names.recoveryRegion).send(new DescribeDBInstancesCommand({}));
      await sandbox.client(S3Client, names.recoveryRegion).send(new ListObjectsV2Command({ Bucket: names.storage!.recoveryBucket }));
    } finally {
      hook.disable();
    }
    expect(io).toEqual([]);
  });

  it('answers thousands of DescribeDBInstances per real second (figure logged, not asserted)', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildWarmStandbyScenario({ clock, apiLatency: 0, rateLimits: false });
    const rds = sandbox.client(RDSClient, names.recoveryRegion);
    const n = 5_000;
    const started = performance.now();
    for (let i = 0; i < n; i++) await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }));
    const perSecond = Math.round(n / ((performance.now() - started) / 1000));
    console.info(`sandbox throughput: ${perSecond} DescribeDBInstances/s (real time)`);
    expect(sandbox.calls().length).toBe(n);
  });
});
