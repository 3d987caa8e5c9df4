import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type PlanSource, realClock, type RunProbes } from '@firedrill/core';
import { AwsEnvironment, type PlanProbes, probesFromPlan, secretsManagerSecretResolver } from '@firedrill/strategies';
import type { TargetSession } from './target-session.js';

/**
 * Secrets Manager in the secret's own region when the reference is an ARN, else in the recovery region — during
 * a failover the primary region may be the one that is gone.
 */
function secretResolver(source: PlanSource): ReturnType<typeof secretsManagerSecretResolver> {
  const clients = new Map<string, SecretsManagerClient>();
  const clientFor = (region: string): SecretsManagerClient => {
    let client = clients.get(region);
    if (!client) clients.set(region, (client = new SecretsManagerClient({ region, maxAttempts: 3 })));
    return client;
  };
  return secretsManagerSecretResolver((input, options) => {
    const region = /^arn:aws[-a-z]*:secretsmanager:([a-z0-9-]+):/.exec(input.SecretId)?.[1] ?? source.plan.regions.recovery;
    return clientFor(region).send(new GetSecretValueCommand(input), options);
  });
}

/**
 * Real AWS: the default credential chain (or the plan's roles per side), the wall clock, and the plan's
 * probes against real systems (HTTP health, PostgreSQL/MySQL heartbeats with connections by reference — an
 * environment variable or a Secrets Manager secret — and the DNS observation).
 */
export function openAwsSession(source: PlanSource): TargetSession {
  let opened: PlanProbes | undefined;
  const aws = new AwsEnvironment({ plan: source.plan, clock: realClock });
  return {
    name: 'aws',
    clock: realClock,
    aws,
    probes: (src, _operation, drill): RunProbes => {
      const { probes } = (opened ??= probesFromPlan(src.plan, { route53: aws.clients('primary').route53, secrets: secretResolver(src) }));
      // A live drill's failback phase is confirmed by the same probe: its URL is the public name users resolve,
      // which follows them back to the primary (README: "The command line").
      return drill === 'live' && probes.health ? { ...probes, phaseHealth: { failback: probes.health } } : probes;
    },
    save: () => {},
    close: () => opened?.close(),
  };
}
