/** Backup & restore: data backed up and copied to the recovery region; nothing runs there. */
import { captureSnapshot } from '../services/rds-snapshots.js';
import { findInstance } from '../services/rds-model.js';
import { instanceNode, instantContext, provision, provisionCompute, provisionDatabase, provisionImage } from './provision.js';
import { endpointHost, provisionBuckets, provisionDns, type Scenario, scenarioSandbox, type ScenarioOptions } from './scenario.js';

const HOUR = 3_600_000;

/**
 * Backup & restore: a primary RDS writer (created 30 days ago) with twice-daily manual snapshots over the
 * last three days, each copied to the recovery region 20 minutes after it was taken (SnapshotCreateTime in
 * the past), the application AMI copied to the recovery region with a launch template there, Route 53
 * failover records and bucket replication. The recovery site serves from running instances tagged
 * `app=<app>` (none yet) and the database restored from a copied snapshot.
 *
 * @example
 * const { names } = await buildBackupRestoreScenario({ clock });
 * names.database.recoverySnapshots.at(-1); // newest copy in the recovery region
 */
export async function buildBackupRestoreScenario(options: ScenarioOptions): Promise<Scenario> {
  const { sandbox, app, primary, recovery } = scenarioSandbox(options);
  const now = sandbox.clock.now();
  const db = await provisionDatabase(sandbox, primary, `${app}-db`, now - 30 * 24 * HOUR);
  const recoverySnapshots: string[] = [];
  const lastBackup = Math.floor((now - HOUR) / (12 * HOUR)) * 12 * HOUR;
  for (let at = lastBackup - 5 * 12 * HOUR; at <= lastBackup; at += 12 * HOUR) {
    const stamp = new Date(at).toISOString().slice(0, 13).replace(/[-T]/g, '');
    const ctx = instantContext(sandbox, primary, at);
    const snapshot = captureSnapshot(ctx, findInstance(ctx, db.identifier), `${app}-db-${stamp}`, [{ Key: 'app', Value: app }]);
    const copyId = `${app}-db-${stamp}-dr`;
    await provision(sandbox, 'rds', recovery, 'CopyDBSnapshot', { SourceDBSnapshotIdentifier: snapshot.arn, TargetDBSnapshotIdentifier: copyId, CopyTags: true }, at + 20 * 60_000);
    recoverySnapshots.push(copyId);
  }
  const primaryCompute = await provisionCompute(sandbox, primary, { app, sizes: [4, 4, 8] });
  const recoveryImageId = await provisionImage(sandbox, recovery, `${app}-app`, now - 6 * HOUR);
  await provision(sandbox, 'ec2', recovery, 'CreateLaunchTemplate', {
    LaunchTemplateName: `${app}-${recovery}`,
    LaunchTemplateData: { ImageId: recoveryImageId, InstanceType: 'm6i.large', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: app }] }] },
  });
  sandbox.defineApplication({
    name: app,
    sites: {
      [primary]: { endpoint: endpointHost(app, primary), autoScalingGroup: primaryCompute.autoScalingGroupName },
      [recovery]: { endpoint: endpointHost(app, recovery), instanceTag: { key: 'app', value: app } },
    },
    databases: [instanceNode(primary, db.identifier)],
  });
  const dns = await provisionDns(sandbox, app, [primary, recovery], 'failover');
  const storage = await provisionBuckets(sandbox, app, primary, recovery);
  return {
    sandbox,
    names: {
      strategy: 'backup-restore', app, primaryRegion: primary, recoveryRegion: recovery,
      endpoints: { [primary]: endpointHost(app, primary), [recovery]: endpointHost(app, recovery) },
      database: { engine: 'rds-instance', primary: db, recoverySnapshots },
      compute: { primary: primaryCompute, recoveryImageId },
      dns, storage,
    },
  };
}
