/**
 * On paper the operator is the failback's guard: the printed runbook's first step must say which answers mean stop
 * (a failback run where no failover happened retires production's writer), not only which command to run.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '@firedrill/runbooks';
import { bufferIo } from './support/buffer-io.js';

const examples = join(import.meta.dirname, '..', 'packages', 'runbooks', 'examples');

describe('the printed failback runbook', () => {
  it.each(['warm-standby.yaml', 'pilot-light.yaml', 'backup-restore.yaml'])('%s: the first step says when to stop', async (file) => {
    const io = bufferIo(examples);
    expect(await runCli(['render', file, '--operation', 'failback'], io), io.err()).toBe(0);
    const first = io.out().split(/^### /m)[1]!;
    expect(first).toContain('`confirm-failed-over`');
    const verify = /- \*\*Verify:\*\* (.*)/.exec(first)![1]!;
    expect(verify).toMatch(/Go on only when the instance exists, is not `deleting`, has no source \(None: not a read replica\) and is not read-only/);
    expect(verify).toMatch(/Otherwise \*\*stop\*\*: no failover left the writer here, and this failback would retire \S+, production's writer/);
  });
});
