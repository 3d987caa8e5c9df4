/** A wrong command line: exit code 2, a message naming the command, the flag and what was expected. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
  readonly exitCode = 2;
}
