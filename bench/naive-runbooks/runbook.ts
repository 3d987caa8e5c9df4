/**
 * What every naive runbook gets: SDK clients on the sandbox (the SDK's default retries), and the one rule they follow —
 * each AWS call, then the AWS SDK v3's own waiter for it with its default delays, one after another.
 */
import type { Sandbox } from '../../packages/sandbox/src/index.js';
import { autoScalingSdk, ec2Sdk, rdsSdk, route53Sdk } from '../aws-sdk.js';
import type { DrillSetup } from '../drill-scenarios.js';

/** Waiters give up after this long (s): long enough never to cut a real wait short. */
export const MAX_WAIT_S = 4 * 3600;

export interface RunbookContext {
  setup: DrillSetup;
  rds(region: string): InstanceType<typeof rdsSdk.RDSClient>;
  ec2(region: string): InstanceType<typeof ec2Sdk.EC2Client>;
  autoScaling(region: string): InstanceType<typeof autoScalingSdk.AutoScalingClient>;
  route53(): InstanceType<typeof route53Sdk.Route53Client>;
  /** Notes the moment the runbook's own action is the outage (graceful drills: the writer switchover). */
  declareDisaster(): void;
  /** A step the runbook could not do, and why (it carries on, as an SRE would). */
  note(message: string): void;
}

/** A naive runbook: plain sequential code. */
export type NaiveRunbook = (ctx: RunbookContext) => Promise<void>;

export function runbookClients(sandbox: Sandbox): Pick<RunbookContext, 'rds' | 'ec2' | 'autoScaling' | 'route53'> {
  return {
    rds: (region) => sandbox.client(rdsSdk.RDSClient as never, region),
    ec2: (region) => sandbox.client(ec2Sdk.EC2Client as never, region),
    autoScaling: (region) => sandbox.client(autoScalingSdk.AutoScalingClient as never, region),
    route53: () => sandbox.client(route53Sdk.Route53Client as never, 'us-east-1'),
  };
}
