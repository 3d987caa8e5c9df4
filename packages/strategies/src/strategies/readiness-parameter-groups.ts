/**
 * DB parameter group readiness. Two things depend on parameter groups:
 *
 * - fencing: writers are fenced through the read-only parameter of the group an instance uses, and a `default.*`
 *   group cannot be changed — so a graceful failover (fencing the primary) or a failback (fencing the recovery
 *   writer) stops half way on a default group;
 * - restores: a restore that names a group (backup & restore's `strategy.parameters.parameterGroups`) fails with
 *   DBParameterGroupNotFound when the group does not exist in that region, and with InvalidParameterCombination
 *   when its family does not match the engine version being restored.
 *
 * Reads only (DescribeDBParameterGroups).
 */
import { type DBInstance, DescribeDBParameterGroupsCommand } from '@aws-sdk/client-rds';
import { callAwsOrNotFound, sendOptions } from '../aws/aws-call.js';
import type { AwsEnvironment, Side } from '../aws-environment.js';
import type { Finding } from '../strategy.js';

/**
 * The fencing finding of an instance: its group is custom (its read-only parameter can be set), or a `warn` that
 * says what stops (`unless`) and how to fix it.
 *
 * @example
 * fencingFinding(aws, 'primary', db, 'a graceful failover cannot fence its writers')
 */
export function fencingFinding(aws: AwsEnvironment, side: Side, db: DBInstance, unless: string): Finding {
  const id = db.DBInstanceIdentifier ?? '?';
  const region = aws.region(side);
  const group = db.DBParameterGroups?.[0]?.DBParameterGroupName;
  if (group === undefined || group.startsWith('default.')) {
    return {
      status: 'warn', check: 'fence-possible', resource: `rds:${id}`, region,
      message: `${id} uses ${group === undefined ? 'no parameter group Firedrill can read' : `the default parameter group ${group}, which cannot be changed`}: ${unless}`,
      action: `attach a custom parameter group (a copy of ${group ?? 'its default group'}) to ${id}: aws rds modify-db-instance --region ${region} --db-instance-identifier ${id} --db-parameter-group-name <custom group> --apply-immediately`,
    };
  }
  return { status: 'pass', check: 'fence-possible', resource: `rds:${id}`, region, message: `writers of ${id} can be fenced through parameter group ${group}` };
}

/** Options of {@link namedParameterGroupFinding}. */
export interface NamedParameterGroup {
  side: Side;
  name: string;
  /** The plan field that names it, for the messages (`strategy.parameters.parameterGroups.recovery`). */
  field: string;
  /** What uses it (`the failover's restore of tracking-db-restored`). */
  usedBy: string;
  /** The family the restored engine version needs, when known. */
  family?: string;
}

/**
 * A parameter group the plan names exists in its side's region (and, when the engine version is known, has the
 * family the restore needs).
 *
 * @example
 * await namedParameterGroupFinding(aws, { side: 'recovery', name: 'tracking-pg-dr', field: 'strategy.parameters.parameterGroups.recovery', usedBy: 'the failover restore', family: 'postgres16' });
 */
export async function namedParameterGroupFinding(aws: AwsEnvironment, g: NamedParameterGroup): Promise<Finding> {
  const { rds } = aws.clients(g.side);
  const region = aws.region(g.side);
  const resource = `rds-parameter-group:${g.name}`;
  const out = await callAwsOrNotFound({ service: 'rds', client: rds, command: 'DescribeDBParameterGroups', resource: g.name }, undefined, () =>
    rds.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: g.name }), sendOptions(undefined)));
  const group = out?.DBParameterGroups?.find((p) => p.DBParameterGroupName?.toLowerCase() === g.name.toLowerCase());
  if (group === undefined) {
    return {
      status: 'fail', check: 'parameter-group', resource, region,
      message: `DB parameter group ${g.name} (${g.field}) does not exist in ${region}: ${g.usedBy} would fail with DBParameterGroupNotFound`,
      action: `aws rds create-db-parameter-group --region ${region} --db-parameter-group-name ${g.name} --db-parameter-group-family ${g.family ?? '<family of the database engine>'} --description "Firedrill ${g.side} group" (or fix ${g.field})`,
    };
  }
  if (g.family !== undefined && group.DBParameterGroupFamily !== undefined && group.DBParameterGroupFamily !== g.family) {
    return {
      status: 'fail', check: 'parameter-group', resource, region,
      message: `DB parameter group ${g.name} is of family ${group.DBParameterGroupFamily}; ${g.usedBy} needs ${g.family}: RDS would refuse it (InvalidParameterCombination)`,
      action: `create a ${g.family} group in ${region} and name it in ${g.field}`,
    };
  }
  return { status: 'pass', check: 'parameter-group', resource, region, message: `DB parameter group ${g.name} (${group.DBParameterGroupFamily ?? 'family unknown'}) exists in ${region} for ${g.usedBy}` };
}
