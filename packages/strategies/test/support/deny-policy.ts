/** An identity policy for the sandbox's `restrictPermissions`: everything allowed but `actions`, denied explicitly. */
import type { IdentityPolicy } from '@firedrill/sandbox';

export function allowAllBut(...actions: string[]): IdentityPolicy {
  const allow = { Effect: 'Allow' as const, Action: '*', Resource: '*' as const };
  return { Statement: actions.length === 0 ? [allow] : [allow, { Sid: 'Refused', Effect: 'Deny', Action: actions, Resource: '*' }] };
}
