import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { buildWarmStandbyScenario, Sandbox } from '../src/index.js';
import { VirtualClock } from '@firedrill/core';

const run = promisify(execFile);

describe('save and load', () => {
  it('round-trips the world through JSON', async () => {
    const clock = new VirtualClock();
    const { sandbox } = await buildWarmStandbyScenario({ clock });
    const copy = Sandbox.fromJSON(JSON.parse(JSON.stringify(sandbox.toJSON())), { clock });
    expect(copy.toJSON()).toEqual(sandbox.toJSON());
  });

  it('continues a promotion in another process from a saved world', async () => {
    const clock = new VirtualClock({ start: '2026-11-22T03:00:00Z' });
    const { sandbox, names } = await buildWarmStandbyScenario({ clock, apiLatency: 0 });
    for (let seq = 1; seq <= 5; seq++) {
      sandbox.dataPlane.writeHeartbeat(names.app, { seq });
      await clock.sleep(1_000);
    }
    await clock.sleep(5_000);
    await sandbox.client(RDSClient, names.recoveryRegion).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: names.database.recovery!.identifier }));
    const path = join(mkdtempSync(join(tmpdir(), 'firedrill-sandbox-')), 'world.json');
    sandbox.save(path);
    const script = fileURLToPath(new URL('./fixtures/continue-world.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--conditions', 'firedrill-source', script, path, String(clock.now()), names.database.recovery!.identifier, names.recoveryRegion], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    const result = JSON.parse(stdout) as { statuses: string[]; newest: number; calls: number };
    expect(result.statuses).toEqual(['modifying', 'rebooting', 'available']);
    expect(result.newest).toBe(5);
    const after = Sandbox.load(path, { clock: new VirtualClock({ start: clock.now() + 3_600_000 }) });
    expect(after.calls().length).toBe(result.calls);
    expect(after.calls({ command: 'PromoteReadReplica' })).toHaveLength(1);
  }, 30_000);
});
