/**
 * DB parameter groups, modelled as far as fencing needs: which group each instance uses, and the one
 * dynamic parameter that makes a database refuse writes — `default_transaction_read_only` (PostgreSQL) or
 * `read_only` (MySQL, MariaDB). Setting it with ApplyMethod `immediate` fences every writer that uses the
 * group at once, in the data plane, without a reboot, as on RDS. Groups live in the world (they survive
 * save and load) on each region's RDS state and each instance record, under extra optional fields. The default
 * groups (`default.<family>`) exist in every region without being created, as on RDS: they can be described and
 * attached, never modified or deleted.
 */
import type { DBInstance } from '@aws-sdk/client-rds';
import { badRequest, notFound } from '../errors.js';
import type { CommandHandler, OperationContext, ServiceHandlers } from '../operation-context.js';
import { str } from '../operation-context.js';
import type { DbInstanceRecord, TagRecord } from '../resources.js';
import { scheduleFrom, valueAt } from '../timeline.js';
import type { RdsRegionState } from '../world.js';
import { engineParameterNames } from './rds-engine-parameters.js';
import { parameterGroupFamilyOf } from './rds-engines.js';
import { rdsRegion, tagsOf } from './rds-model.js';

type Input = Record<string, unknown>;

/** A DB parameter group of one region. */
export interface DbParameterGroupRecord {
  name: string;
  family: string;
  description: string;
  /** Parameters set by the user (`Source: user`), by name. */
  parameters: Record<string, string>;
  tags: TagRecord[];
}

type RegionWithGroups = RdsRegionState & { parameterGroups?: Record<string, DbParameterGroupRecord> };
type InstanceWithGroup = DbInstanceRecord & { parameterGroup?: string };

/** The parameter that makes a database read-only, per engine. */
export function readOnlyParameterOf(engineOrFamily: string): string {
  return /mysql|mariadb/.test(engineOrFamily) ? 'read_only' : 'default_transaction_read_only';
}

const ON = new Set(['1', 'on', 'true']);
const OFF = new Set(['0', 'off', 'false']);

function groupsOf(ctx: OperationContext, region = ctx.region): Record<string, DbParameterGroupRecord> {
  const rds = rdsRegion(ctx.world, region) as RegionWithGroups;
  return (rds.parameterGroups ??= {});
}

/** The name of the group an instance uses (RDS gives each engine a `default.<family>` group). */
export function parameterGroupOf(record: DbInstanceRecord): string {
  const own = (record as InstanceWithGroup).parameterGroup;
  return own ?? `default.${parameterGroupFamilyOf(record.engine, record.engineVersion)}`;
}

/** RDS's default groups (`default.postgres16`, `default.mysql8.0`): one per engine family in every region. */
const DEFAULT_GROUP = /^default\.((?:aurora-)?postgres\d+(?:\.\d+)?|(?:aurora-)?mysql\d+\.\d+|mariadb\d+\.\d+)$/;

/** A default group, read-only: it exists without being created, and cannot be modified or deleted. */
function defaultGroup(name: string): DbParameterGroupRecord | undefined {
  const family = DEFAULT_GROUP.exec(name)?.[1];
  return family === undefined ? undefined : { name, family, description: `Default parameter group for ${family}`, parameters: {}, tags: [] };
}

function findGroup(ctx: OperationContext, name: string | undefined): DbParameterGroupRecord {
  const key = name?.toLowerCase();
  const group = key === undefined ? undefined : (groupsOf(ctx)[key] ?? defaultGroup(key));
  if (!group) throw notFound('DBParameterGroupNotFound', `DBParameterGroup not found: ${name ?? ''}`);
  return group;
}

function isFencing(group: DbParameterGroupRecord | undefined): boolean {
  if (group === undefined) return false;
  return ON.has((group.parameters[readOnlyParameterOf(group.family)] ?? '0').toLowerCase());
}

function instancesUsing(ctx: OperationContext, name: string): DbInstanceRecord[] {
  return Object.values(rdsRegion(ctx.world, ctx.region).instances).filter(
    (i) => (i as InstanceWithGroup).parameterGroup === name && valueAt(i.status, ctx.now) !== 'deleted',
  );
}

function createDBParameterGroup(ctx: OperationContext, input: Input): object {
  const name = str(input, 'DBParameterGroupName')?.toLowerCase();
  const family = str(input, 'DBParameterGroupFamily');
  if (name === undefined || family === undefined) throw badRequest('InvalidParameterValue', 'DBParameterGroupName and DBParameterGroupFamily are required.');
  if (name.startsWith('default.')) throw badRequest('InvalidParameterValue', 'Parameter group names cannot begin with "default.".');
  if (groupsOf(ctx)[name]) throw badRequest('DBParameterGroupAlreadyExists', `Parameter group ${name} already exists.`);
  const group: DbParameterGroupRecord = { name, family, description: str(input, 'Description') ?? '', parameters: {}, tags: tagsOf(input) };
  groupsOf(ctx)[name] = group;
  return { DBParameterGroup: toGroup(ctx, group) };
}

function toGroup(ctx: OperationContext, group: DbParameterGroupRecord): object {
  return {
    DBParameterGroupName: group.name,
    DBParameterGroupFamily: group.family,
    Description: group.description,
    DBParameterGroupArn: `arn:aws:rds:${ctx.region}:${ctx.world.accountId}:pg:${group.name}`,
  };
}

/**
 * Sets parameters. The read-only parameter is dynamic: with ApplyMethod `immediate` it fences (or unfences)
 * every instance using the group now; with `pending-reboot` it waits for a reboot the sandbox does not model.
 */
function modifyDBParameterGroup(ctx: OperationContext, input: Input): object {
  const name = str(input, 'DBParameterGroupName');
  if (name?.toLowerCase().startsWith('default.')) {
    throw badRequest('InvalidDBParameterGroupState', `Default parameter group ${name} cannot be modified. Create a custom parameter group and attach it to the instance.`);
  }
  const group = findGroup(ctx, name);
  const parameters = Array.isArray(input['Parameters']) ? (input['Parameters'] as Input[]) : [];
  if (parameters.length === 0 || parameters.length > 20) throw badRequest('InvalidParameterValue', 'Parameters must list 1 to 20 parameters.');
  const readOnly = readOnlyParameterOf(group.family);
  for (const p of parameters) {
    const paramName = str(p, 'ParameterName');
    const value = str(p, 'ParameterValue');
    if (paramName === undefined || value === undefined) throw badRequest('InvalidParameterValue', 'Each parameter needs ParameterName and ParameterValue.');
    if (paramName === readOnly && !ON.has(value.toLowerCase()) && !OFF.has(value.toLowerCase())) {
      throw badRequest('InvalidParameterValue', `Invalid value ${value} for ${paramName}: expected 0 or 1.`);
    }
    group.parameters[paramName] = value;
    if (paramName === readOnly && str(p, 'ApplyMethod') === 'immediate') {
      for (const instance of instancesUsing(ctx, group.name)) scheduleFrom(instance.fenced, ctx.now, [{ at: ctx.now, value: ON.has(value.toLowerCase()) }]);
    }
  }
  return { DBParameterGroupName: group.name };
}

/**
 * Lists a group's parameters as RDS does: every engine parameter in name order (the modelled read-only one, those
 * the user set, and the engine's others), filtered by `Source`, at most `MaxRecords` (20–100, default 100) per
 * answer with a `Marker` to go on.
 */
function describeDBParameters(ctx: OperationContext, input: Input): object {
  const group = findGroup(ctx, str(input, 'DBParameterGroupName'));
  const readOnly = readOnlyParameterOf(group.family);
  const modelled: Record<string, string | undefined> = { [readOnly]: '0', ...group.parameters };
  for (const name of engineParameterNames(group.family)) if (!(name in modelled)) modelled[name] = undefined;
  const source = str(input, 'Source');
  const parameters = Object.entries(modelled)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ParameterName, ParameterValue]) => ({
      ParameterName, ...(ParameterValue === undefined ? {} : { ParameterValue }), ApplyType: 'dynamic', IsModifiable: true,
      DataType: ParameterName === readOnly ? 'boolean' : 'string',
      Source: group.parameters[ParameterName] === undefined ? 'engine-default' : 'user',
    }))
    .filter((p) => source === undefined || p.Source === source);
  const max = input['MaxRecords'] === undefined ? 100 : Number(input['MaxRecords']);
  if (!Number.isInteger(max) || max < 20 || max > 100) throw badRequest('InvalidParameterValue', `MaxRecords must be between 20 and 100, got ${String(input['MaxRecords'])}.`);
  const start = pageStart(str(input, 'Marker'));
  const page = parameters.slice(start, start + max);
  const more = start + max < parameters.length;
  return { Parameters: page, ...(more ? { Marker: pageMarker(start + max) } : {}) };
}

/** RDS markers are opaque: a client passes back what it got, never a number it made up. */
const pageMarker = (offset: number): string => Buffer.from(`parameters:${offset}`).toString('base64');
function pageStart(marker: string | undefined): number {
  if (marker === undefined) return 0;
  const offset = /^parameters:(\d+)$/.exec(Buffer.from(marker, 'base64').toString('utf8'))?.[1];
  if (offset === undefined) throw badRequest('InvalidParameterValue', `Invalid Marker: ${marker}`);
  return Number(offset);
}

function describeDBParameterGroups(ctx: OperationContext, input: Input): object {
  const name = str(input, 'DBParameterGroupName');
  const groups = name === undefined ? Object.values(groupsOf(ctx)) : [findGroup(ctx, name)];
  return { DBParameterGroups: groups.map((g) => toGroup(ctx, g)) };
}

function deleteDBParameterGroup(ctx: OperationContext, input: Input): object {
  const group = findGroup(ctx, str(input, 'DBParameterGroupName'));
  if (group.name.startsWith('default.')) throw badRequest('InvalidDBParameterGroupState', `Default DBParameterGroup ${group.name} cannot be deleted.`);
  if (instancesUsing(ctx, group.name).length > 0) throw badRequest('InvalidDBParameterGroupState', `Parameter group ${group.name} is in use by one or more DB instances.`);
  delete groupsOf(ctx)[group.name];
  return {};
}

/** Attaches the group an input names to the instance the wrapped handler created or modified. */
function withGroupInput(handler: CommandHandler): CommandHandler {
  return async (ctx, input) => {
    const groupName = str(input, 'DBParameterGroupName')?.toLowerCase();
    const group = groupName === undefined ? undefined : findGroup(ctx, groupName);
    const out = (await handler(ctx, input)) as { DBInstance?: DBInstance };
    const id = str(input, 'DBInstanceIdentifier')?.toLowerCase();
    const record = id === undefined ? undefined : (rdsRegion(ctx.world, ctx.region).instances[id] as InstanceWithGroup | undefined);
    if (record !== undefined && group !== undefined) {
      record.parameterGroup = group.name;
      // The instance reads its group's read-only setting as soon as it runs with it.
      scheduleFrom(record.fenced, ctx.now, [{ at: ctx.now, value: isFencing(group) }]);
    }
    if (record !== undefined && out.DBInstance !== undefined) out.DBInstance.DBParameterGroups = groupsOutput(record);
    return out;
  };
}

function groupsOutput(record: DbInstanceRecord): NonNullable<DBInstance['DBParameterGroups']> {
  return [{ DBParameterGroupName: parameterGroupOf(record), ParameterApplyStatus: 'in-sync' }];
}

/** Adds `DBParameterGroups` to every instance DescribeDBInstances returns. */
function withGroupsDescribed(handler: CommandHandler): CommandHandler {
  return async (ctx, input) => {
    const out = (await handler(ctx, input)) as { DBInstances?: DBInstance[] };
    for (const db of out.DBInstances ?? []) {
      const record = rdsRegion(ctx.world, ctx.region).instances[(db.DBInstanceIdentifier ?? '').toLowerCase()];
      if (record) db.DBParameterGroups = groupsOutput(record);
    }
    return out;
  };
}

/**
 * The RDS handlers with parameter groups: the group operations, and the instance operations that accept
 * `DBParameterGroupName` (create, read replica, restore, modify) or describe instances.
 */
export function withParameterGroups(handlers: ServiceHandlers): ServiceHandlers {
  const wrapped: Record<string, CommandHandler> = { ...handlers };
  for (const command of ['CreateDBInstance', 'CreateDBInstanceReadReplica', 'RestoreDBInstanceFromDBSnapshot', 'ModifyDBInstance']) {
    const handler = handlers[command];
    if (handler) wrapped[command] = withGroupInput(handler);
  }
  if (handlers['DescribeDBInstances']) wrapped['DescribeDBInstances'] = withGroupsDescribed(handlers['DescribeDBInstances']);
  return {
    ...wrapped,
    CreateDBParameterGroup: createDBParameterGroup,
    ModifyDBParameterGroup: modifyDBParameterGroup,
    DescribeDBParameters: describeDBParameters,
    DescribeDBParameterGroups: describeDBParameterGroups,
    DeleteDBParameterGroup: deleteDBParameterGroup,
  };
}
