/** A client plugin that answers one command with AccessDenied, the way IAM refuses a call the role lacks. */
import type { AwsClientPlugin } from '../../src/aws/aws-pluggable.js';

/** Denies `command` (e.g. `PromoteReadReplica`) for every client. */
export function denyCommand(command: string): AwsClientPlugin {
  return (target) => ({
    applyToStack: (stack) => {
      stack.add(
        (next, context) => async (args) => {
          if ((context.commandName ?? '').replace(/Command$/, '') !== command) return next(args);
          throw Object.assign(new Error(`User: arn:aws:sts::111111111111:assumed-role/firedrill is not authorized to perform: ${target.service}:${command}`), {
            name: 'AccessDenied', Code: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 },
          });
        },
        { step: 'initialize', priority: 'high', name: `deny-${command}` },
      );
    },
  });
}
