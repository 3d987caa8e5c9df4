/**
 * Backup & restore compute readiness: what failover launches in the recovery region — each restored role's AMI,
 * available there and younger than the RPO objective when it is backed up; the AMI copies of roles that are backed
 * up but not restored (a staging fleet rebuilt later) on their schedule; the launch templates and the recovery
 * Auto Scaling groups. Reads only.
 */
import { formatDuration } from '@firedrill/core';
import { describeNewestImage } from '../aws/ec2.js';
import type { AwsEnvironment } from '../aws-environment.js';
import type { Finding } from '../strategy.js';
import { scheduleCadence } from './backup-schedule.js';
import type { BackupRestoreTopology, InstancesResource } from './backup-restore-topology.js';
import { rolesOfKind } from './plan-roles.js';
import { describePlannedGroup, groupLaunchFindings, launchTemplateFindings } from './readiness-compute.js';

/**
 * A copy lands some time after its schedule fires (snapshot or image, then cross-region copy): allowed slack. Used
 * by the AMI checks here and the DB snapshot checks of backup-restore-readiness.ts.
 */
export const COPY_SLACK_MS = 2 * 60 * 60_000;

/** How long ago `at` was, rounded to the minute, as formatDuration writes it (for messages). */
export const age = (now: number, at: number): string => formatDuration(Math.max(0, Math.round((now - at) / 60_000)) * 60_000);

/** How an `ec2-instances` role's AMIs are backed up: its `backups` entry, else `backup.amiSchedule` (copied). */
function amiBackupOf(topology: BackupRestoreTopology, role: string, resource: InstancesResource): { schedule: string; copied: boolean } | undefined {
  const entry = topology.backups.flatMap((b) => b.resource.snapshots).find((s) => s.source === role);
  if (entry !== undefined) return { schedule: entry.schedule, copied: entry.copyToRecovery };
  return resource.backup?.amiSchedule === undefined ? undefined : { schedule: resource.backup.amiSchedule, copied: true };
}

async function roleImageFinding(aws: AwsEnvironment, o: { role: string; name: string; restored: boolean; backup: { schedule: string; copied: boolean } | undefined }): Promise<Finding> {
  const region = aws.region('recovery');
  const image = await describeNewestImage({ ec2: aws.clients('recovery').ec2, namePrefix: o.name });
  if (image === undefined) {
    return {
      status: 'fail', check: 'ami-in-recovery-region', resource: `ami:${o.name}`, region,
      message: o.restored ? `no available AMI named ${o.name}* in ${region}: compute cannot be launched there` : `no available AMI named ${o.name}* in ${region}: resources.${o.role} is backed up there, and nothing is`,
      action: `aws ec2 copy-image --region ${region} --source-region ${aws.region('primary')} --source-image-id <newest ${o.name} AMI> --name ${o.name}-<date>`,
    };
  }
  const now = aws.clock.now();
  const created = image.createdAt?.getTime();
  const resource = `ami:${image.imageId}`;
  if (o.restored && o.backup !== undefined && created !== undefined && now - created > aws.plan.objectives.rpo) {
    return { status: 'fail', check: 'ami-in-recovery-region', resource, region, message: `newest ${o.name} AMI (${image.imageId}) is ${age(now, created)} old, older than the RPO objective (${formatDuration(aws.plan.objectives.rpo)})`, action: 'create and copy a fresh AMI; then check why the schedule stopped' };
  }
  const cadence = o.backup?.copied ? scheduleCadence(o.backup.schedule) : undefined;
  if (cadence !== undefined && created !== undefined && now - created > cadence.maxGapMs + COPY_SLACK_MS) {
    return { status: 'warn', check: 'ami-schedule', resource, region, message: `schedule "${o.backup!.schedule}" of resources.${o.role} should have produced an AMI copy within ${formatDuration(cadence.maxGapMs)}; the newest (${image.imageId}) is ${age(now, created)} old`, action: 'check the AMI backup job (AWS Backup plan or the image-and-copy automation) for failures' };
  }
  return { status: 'pass', check: 'ami-in-recovery-region', resource, region, message: `${o.name} AMI ${image.imageId} is available in ${region}${created === undefined ? '' : ` (${age(now, created)} old)`}${o.restored ? '' : ', backed up (not restored on failover)'}` };
}

/**
 * AMIs in the recovery region: every restored role's, and every backed-up role's copy. Roles neither restored nor
 * backed up are not part of the recovery and are left alone.
 */
export async function imageFindings(aws: AwsEnvironment, topology: BackupRestoreTopology): Promise<Finding[]> {
  const restored = new Set(topology.instances.map((r) => r.role));
  const findings: Finding[] = [];
  for (const { role, resource } of rolesOfKind(aws.plan, 'ec2-instances')) {
    const name = resource.recovery.amiName;
    const backup = amiBackupOf(topology, role, resource);
    // A role neither restored nor copied to the recovery region has nothing there to check.
    if (name === undefined || (!restored.has(role) && backup?.copied !== true)) continue;
    findings.push(await roleImageFinding(aws, { role, name, restored: restored.has(role), backup }));
  }
  return findings;
}

/**
 * What launches the restored compute: each instance role's launch template (its AMI comes from the AMI lookup at
 * launch), and each recovery Auto Scaling group — it must exist (failover scales it from 0) and launch from an
 * available AMI.
 */
export async function launchFindings(aws: AwsEnvironment, topology: BackupRestoreTopology): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const { resource } of topology.instances) {
    const template = resource.recovery.launchTemplate;
    if (template !== undefined) findings.push(...(await launchTemplateFindings(aws, { side: 'recovery', name: template, amiGivenAtLaunch: true })));
  }
  for (const { role, resource } of topology.groups) {
    const { group, missing } = await describePlannedGroup(aws, 'recovery', resource.recovery.name, role);
    if (group === undefined) {
      findings.push(missing!);
      continue;
    }
    const wanted = resource.recovery.capacity;
    findings.push({ status: 'pass', check: 'recovery-compute', resource: `autoscaling:${group.name}`, region: aws.region('recovery'), message: `${group.name} exists at ${group.min}/${group.desired}/${group.max}; failover scales it to ${wanted.min}/${wanted.desired}/${wanted.max}` });
    findings.push(...(await groupLaunchFindings(aws, { side: 'recovery', group, ...(resource.recovery.launchTemplate ? { plannedTemplate: resource.recovery.launchTemplate } : {}) })));
  }
  return findings;
}
