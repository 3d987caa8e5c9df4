import { describe, expect, it } from 'vitest';
import { openPseudoTerminal } from './support/pseudo-terminal.js';

describe('openPseudoTerminal', () => {
  it('gives the command a real terminal of the asked size, types on it and reports the exit code', async () => {
    const term = openPseudoTerminal(['node', '-e', `
      process.stdout.write(JSON.stringify({ tty: process.stdout.isTTY, rows: process.stdout.rows, cols: process.stdout.columns }) + '\\n');
      process.stdin.setEncoding('utf8');
      process.stdin.once('data', (d) => { process.stdout.write('got ' + d.trim() + '\\n'); process.exit(3); });
    `], { rows: 17, cols: 61 });
    await term.waitFor('"tty":true');
    expect(term.output).toContain('"rows":17,"cols":61');
    term.write('hello\r');
    await term.waitFor(/got hello/);
    expect(await term.exit).toBe(3);
  });

  it('rejects waitFor when the command exits without showing the pattern', async () => {
    const term = openPseudoTerminal(['sh', '-c', 'echo bye']);
    await expect(term.waitFor('never', 5000)).rejects.toThrow(/exited before/);
    expect(await term.exit).toBe(0);
  });

  it('delivers Ctrl-C as SIGINT to the command', async () => {
    const term = openPseudoTerminal(['node', '-e', `process.on('SIGINT', () => { console.log('interrupted'); process.exit(130); }); console.log('ready'); setInterval(() => {}, 1000);`]);
    await term.waitFor('ready');
    term.write('\u0003');
    await term.waitFor('interrupted');
    expect(await term.exit).toBe(130);
  });
});
