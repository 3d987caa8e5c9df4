/**
 * IAM in the sandbox: a restricted principal's calls are refused as AWS refuses them (nothing changes), and
 * SimulatePrincipalPolicy predicts exactly those refusals.
 */
import { EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { GetRoleCommand, IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { VirtualClock } from '@firedrill/core';
import { describe, expect, it } from 'vitest';
import { buildPilotLightScenario } from '../src/index.js';

const readOnly = { Statement: [{ Sid: 'Reads', Effect: 'Allow' as const, Action: ['rds:Describe*', 'ec2:Describe*', 'iam:SimulatePrincipalPolicy', 'iam:GetRole'], Resource: '*' as const }] };

describe('IAM', () => {
  it('refuses what the policy does not allow, with the service\'s own error, and changes nothing', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildPilotLightScenario({ clock });
    sandbox.restrictPermissions(sandbox.defaultPrincipal, readOnly);
    const rds = sandbox.client(RDSClient, names.recoveryRegion);
    const replica = names.database.recovery!.identifier;
    const denied = await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: replica })).catch((e: unknown) => e);
    expect(denied).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect((denied as Error).message).toBe(`User: ${sandbox.defaultPrincipal} is not authorized to perform: rds:PromoteReadReplica because no identity-based policy allows the rds:PromoteReadReplica action`);
    const after = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: replica }));
    expect(after.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBeDefined();
    const ec2 = sandbox.client(EC2Client, names.recoveryRegion);
    expect(await ec2.send(new StopInstancesCommand({ InstanceIds: ['i-0'] })).catch((e: unknown) => e)).toMatchObject({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
  });

  it('an explicit deny wins over an allow; wildcards match case-insensitively', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildPilotLightScenario({ clock });
    sandbox.restrictPermissions(sandbox.defaultPrincipal, { Statement: [{ Effect: 'Allow', Action: 'RDS:*', Resource: '*' }, { Sid: 'NoPromote', Effect: 'Deny', Action: 'rds:Promote*', Resource: '*' }, { Effect: 'Allow', Action: 'iam:Simulate*', Resource: '*' }] });
    const iam = sandbox.client(IAMClient, 'us-east-1');
    const out = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: sandbox.defaultPrincipal, ActionNames: ['rds:DescribeDBInstances', 'rds:PromoteReadReplica', 'ec2:RunInstances'] }));
    expect(out.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['rds:DescribeDBInstances', 'allowed'], ['rds:PromoteReadReplica', 'explicitDeny'], ['ec2:RunInstances', 'implicitDeny'],
    ]);
    const promote = await sandbox.client(RDSClient, names.recoveryRegion).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: names.database.recovery!.identifier })).catch((e: unknown) => e);
    expect((promote as Error).message).toContain('with an explicit deny');
  });

  it('an assumed role acts as its role (path from GetRole); a principal of another account cannot be simulated', async () => {
    const clock = new VirtualClock();
    const { sandbox, names } = await buildPilotLightScenario({ clock });
    sandbox.addAccount('222222222222');
    const roleArn = 'arn:aws:iam::222222222222:role/dr/firedrill';
    sandbox.restrictPermissions(roleArn, readOnly);
    const sts = sandbox.client(STSClient, names.recoveryRegion);
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/firedrill', RoleSessionName: 'check' }));
    const credentials = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    const iam = sandbox.client(IAMClient, 'us-east-1', { credentials });
    expect((await iam.send(new GetRoleCommand({ RoleName: 'firedrill' }))).Role?.Arn).toBe(roleArn);
    const rds = sandbox.client(RDSClient, names.recoveryRegion, { credentials });
    expect(await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: names.database.recovery!.identifier })).catch((e: unknown) => e)).toMatchObject({ name: 'AccessDenied' });
    const other = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: sandbox.defaultPrincipal, ActionNames: ['rds:DescribeDBInstances'] })).catch((e: unknown) => e);
    expect(other).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  });

  it('pages SimulatePrincipalPolicy results with MaxItems and Marker', async () => {
    const clock = new VirtualClock();
    const { sandbox } = await buildPilotLightScenario({ clock });
    const iam = sandbox.client(IAMClient, 'us-east-1');
    const actions = Array.from({ length: 5 }, (_, i) => `ec2:Action${i}`);
    const first = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: sandbox.defaultPrincipal, ActionNames: actions, MaxItems: 3 }));
    expect(first).toMatchObject({ IsTruncated: true });
    const second = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: sandbox.defaultPrincipal, ActionNames: actions, MaxItems: 3, Marker: first.Marker! }));
    expect([...first.EvaluationResults!, ...second.EvaluationResults!].map((r) => r.EvalActionName)).toEqual(actions);
    expect(second.IsTruncated).toBe(false);
  });

  it('refuses a policy it would not evaluate faithfully', async () => {
    const { sandbox } = await buildPilotLightScenario({ clock: new VirtualClock() });
    expect(() => sandbox.restrictPermissions(sandbox.defaultPrincipal, { Statement: [{ Effect: 'Allow', Action: 'rds:*', Resource: ['arn:aws:rds:us-east-1:111111111111:db:x'] as never }] })).toThrow(/Statement\[0\]\.Resource: the sandbox evaluates identity policies on "\*" only/);
  });
});
