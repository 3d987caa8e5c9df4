/** The simulated RDS API (instances, snapshots, Aurora clusters, global databases, tags). */
import { badRequest } from '../errors.js';
import type { OperationContext, ServiceHandlers } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { TagRecord } from '../resources.js';
import { rdsClusterHandlers } from './rds-clusters.js';
import { rdsGlobalHandlers } from './rds-global.js';
import { withParameterGroups } from './rds-parameter-groups.js';
import { rdsInstanceHandlers } from './rds-instances.js';
import { parseRdsRef, rdsRegion, tagsOf } from './rds-model.js';
import { rdsSnapshotHandlers } from './rds-snapshots.js';

type Input = Record<string, unknown>;

/** The tag list of the resource an ARN names. */
function taggable(ctx: OperationContext, arn: string | undefined): { tags: TagRecord[] } {
  const m = arn ? /^arn:aws[\w-]*:rds:([a-z0-9-]*):\d{12}:([a-z-]+):(.+)$/.exec(arn) : null;
  if (!m) throw badRequest('InvalidParameterValue', `Invalid resource name: ${arn ?? ''}`);
  const [, region, type, id] = m as unknown as [string, string, string, string];
  const { id: name } = parseRdsRef(arn!, region);
  const rds = type === 'global-cluster' ? undefined : rdsRegion(ctx.world, region);
  const record =
    type === 'db' ? rds?.instances[name] :
    type === 'cluster' ? rds?.clusters[name] :
    type === 'snapshot' ? rds?.snapshots[name] :
    type === 'cluster-snapshot' ? rds?.clusterSnapshots[name] : undefined;
  if (!record) {
    const code = type === 'cluster' ? 'DBClusterNotFoundFault' : type.includes('snapshot') ? 'DBSnapshotNotFound' : 'DBInstanceNotFound';
    throw badRequest(code, `${type} ${id} not found.`);
  }
  return record;
}

function addTagsToResource(ctx: OperationContext, input: Input): object {
  const record = taggable(ctx, str(input, 'ResourceName'));
  for (const tag of tagsOf(input)) {
    const existing = record.tags.find((t) => t.Key === tag.Key);
    if (existing) existing.Value = tag.Value;
    else record.tags.push(tag);
  }
  return {};
}

function removeTagsFromResource(ctx: OperationContext, input: Input): object {
  const record = taggable(ctx, str(input, 'ResourceName'));
  const keys = Array.isArray(input['TagKeys']) ? (input['TagKeys'] as string[]) : [];
  record.tags = record.tags.filter((t) => !keys.includes(t.Key));
  return {};
}

/** Every RDS operation the sandbox simulates. */
export const rdsHandlers: ServiceHandlers = withParameterGroups({
  ...rdsInstanceHandlers,
  ...rdsSnapshotHandlers,
  ...rdsClusterHandlers,
  ...rdsGlobalHandlers,
  AddTagsToResource: addTagsToResource,
  RemoveTagsFromResource: removeTagsFromResource,
  ListTagsForResource: (ctx, input) => ({ TagList: taggable(ctx, str(input, 'ResourceName')).tags.map((t) => ({ ...t })) }),
});
