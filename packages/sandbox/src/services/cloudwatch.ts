/**
 * The simulated CloudWatch API: GetMetricData and GetMetricStatistics over the metrics RDS publishes for
 * replication lag (cloudwatch-rds-metrics.ts). Any other metric exists but has no datapoints, as a metric nobody
 * publishes does in CloudWatch. Input is validated as CloudWatch does it (GetMetricData / GetMetricStatistics API
 * reference): a missing parameter is MissingParameter, a bad value InvalidParameterValue, and StartTime not
 * before EndTime is GetMetricData's ValidationError ("The parameter StartTime must be less than …").
 */
import { AwsApiError, badRequest } from '../errors.js';
import type { OperationContext, ServiceHandlers } from '../operation-context.js';
import { type MetricIdentity, type MinuteSamples, publishedMinutes, RDS_METRIC_PERIOD_MS } from './cloudwatch-rds-metrics.js';

type Input = Record<string, unknown>;

const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
type Statistic = (typeof STATISTICS)[number];
/** A single GetMetricData call takes at most 500 queries (GetMetricData API reference). */
const MAX_QUERIES = 500;
/** GetMetricStatistics returns at most 1,440 datapoints (GetMetricStatistics API reference). */
const MAX_STATISTICS_DATAPOINTS = 1_440;

const missing = (name: string): AwsApiError => badRequest('MissingParameter', `The parameter ${name} is required.`);
const invalid = (message: string): AwsApiError => badRequest('InvalidParameterValue', message);

function timeOf(input: Input, key: string): number {
  const v = input[key];
  if (v === undefined || v === null) throw missing(key);
  const t = v instanceof Date ? v.getTime() : typeof v === 'number' ? v * 1000 : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(t)) throw invalid(`The parameter ${key} must be a timestamp.`);
  // CloudWatch ignores sub-second precision and, for data younger than 15 days, rounds StartTime down to the minute.
  return Math.floor(t / 1000) * 1000;
}

/** Periods CloudWatch accepts: 1, 5, 10, 20, 30, or a multiple of 60 seconds. */
function periodOf(value: unknown, where: string): number {
  if (value === undefined || value === null) throw missing(`${where}.Period`);
  const p = Number(value);
  if (!Number.isInteger(p) || p < 1 || !([1, 5, 10, 20, 30].includes(p) || p % 60 === 0)) {
    throw invalid(`The parameter ${where}.Period must be 1, 5, 10, 20, 30, or a multiple of 60.`);
  }
  return p;
}

function metricOf(value: unknown, where: string): MetricIdentity {
  const m = (value ?? {}) as { Namespace?: unknown; MetricName?: unknown; Dimensions?: unknown };
  if (typeof m.Namespace !== 'string' || m.Namespace === '') throw missing(`${where}.Namespace`);
  if (typeof m.MetricName !== 'string' || m.MetricName === '') throw missing(`${where}.MetricName`);
  const dimensions: Record<string, string> = {};
  const list = Array.isArray(m.Dimensions) ? (m.Dimensions as { Name?: unknown; Value?: unknown }[]) : [];
  if (list.length > 30) throw invalid(`The collection ${where}.Dimensions must not have more than 30 members.`);
  for (const d of list) {
    if (typeof d.Name !== 'string' || d.Name === '' || typeof d.Value !== 'string' || d.Value === '') throw invalid(`Each member of ${where}.Dimensions needs a Name and a Value.`);
    dimensions[d.Name] = d.Value;
  }
  return { namespace: m.Namespace, metricName: m.MetricName, dimensions };
}

/** Aggregates the minutes into periods of `periodMs` (a period shorter than a minute returns the minutes). */
function aggregate(minutes: MinuteSamples[], periodMs: number, stat: Statistic): { at: number; value: number }[] {
  const buckets = new Map<number, number[]>();
  const size = Math.max(periodMs, RDS_METRIC_PERIOD_MS);
  for (const m of minutes) {
    const at = Math.floor(m.at / size) * size;
    buckets.set(at, [...(buckets.get(at) ?? []), ...m.values]);
  }
  return [...buckets].map(([at, values]) => ({ at, value: statistic(values, stat) }));
}

function statistic(values: number[], stat: Statistic): number {
  switch (stat) {
    case 'SampleCount': return values.length;
    case 'Sum': return values.reduce((a, b) => a + b, 0);
    case 'Average': return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum': return Math.min(...values);
    case 'Maximum': return Math.max(...values);
  }
}

function statOf(value: unknown, where: string): Statistic {
  if (typeof value !== 'string' || value === '') throw missing(where);
  if (!(STATISTICS as readonly string[]).includes(value)) throw invalid(`The parameter ${where} has an unsupported value ${value}; the Firedrill sandbox supports ${STATISTICS.join(', ')}.`);
  return value as Statistic;
}

function getMetricData(ctx: OperationContext, input: Input): object {
  const queries = input['MetricDataQueries'];
  if (!Array.isArray(queries) || queries.length === 0) throw missing('MetricDataQueries');
  if (queries.length > MAX_QUERIES) throw invalid(`The collection MetricDataQueries must not have more than ${MAX_QUERIES} members.`);
  const start = timeOf(input, 'StartTime');
  const end = timeOf(input, 'EndTime');
  if (start === end) throw badRequest('ValidationError', 'The parameter StartTime must not equal parameter EndTime.');
  if (start > end) throw badRequest('ValidationError', 'The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = input['ScanBy'] ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') throw invalid(`The parameter ScanBy must be TimestampDescending or TimestampAscending.`);
  const ids = new Set<string>();
  const results = (queries as Record<string, unknown>[]).map((q, i) => {
    const where = `MetricDataQueries.member.${i + 1}`;
    const id = q['Id'];
    if (typeof id !== 'string' || !/^[a-z][a-zA-Z0-9_]*$/.test(id)) throw invalid(`The value ${String(id)} for parameter ${where}.Id is not valid: it must start with a lowercase letter and hold only letters, digits and underscores.`);
    if (ids.has(id)) throw invalid(`The value ${id} for parameter MetricDataQueries.member.Id is not unique.`);
    ids.add(id);
    if (q['Expression'] !== undefined) throw invalid(`${where}.Expression: metric math is not simulated by the Firedrill sandbox.`);
    const stat = q['MetricStat'] as Record<string, unknown> | undefined;
    if (stat === undefined) throw badRequest('InvalidParameterCombination', `${where} must have exactly one of MetricStat and Expression.`);
    const metric = metricOf(stat['Metric'], `${where}.MetricStat.Metric`);
    const periodMs = periodOf(stat['Period'], `${where}.MetricStat`) * 1000;
    const points = aggregate(publishedMinutes(ctx.world, ctx.region, metric, start, end, ctx.now), periodMs, statOf(stat['Stat'], `${where}.MetricStat.Stat`))
      .sort((a, b) => (scanBy === 'TimestampAscending' ? a.at - b.at : b.at - a.at));
    return { Id: id, Label: metric.metricName, Timestamps: points.map((p) => new Date(p.at)), Values: points.map((p) => p.value), StatusCode: 'Complete', Messages: [], returnData: q['ReturnData'] !== false };
  });
  return { MetricDataResults: results.filter((r) => r.returnData).map(({ returnData: _, ...r }) => r), Messages: [] };
}

function getMetricStatistics(ctx: OperationContext, input: Input): object {
  const metric = metricOf(input, 'GetMetricStatistics');
  const start = timeOf(input, 'StartTime');
  const end = timeOf(input, 'EndTime');
  if (start >= end) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
  const periodMs = periodOf(input['Period'], 'GetMetricStatistics') * 1000;
  const stats = input['Statistics'];
  if (input['ExtendedStatistics'] !== undefined) throw invalid('ExtendedStatistics are not simulated by the Firedrill sandbox.');
  if (!Array.isArray(stats) || stats.length === 0) throw missing('Statistics');
  const wanted = stats.map((s, i) => statOf(s, `Statistics.member.${i + 1}`));
  if ((end - start) / Math.max(periodMs, RDS_METRIC_PERIOD_MS) > MAX_STATISTICS_DATAPOINTS) {
    throw invalid(`You have requested up to ${Math.ceil((end - start) / periodMs)} datapoints, which exceeds the limit of ${MAX_STATISTICS_DATAPOINTS}.`);
  }
  const minutes = publishedMinutes(ctx.world, ctx.region, metric, start, end, ctx.now);
  const unit = minutes[0]?.unit;
  const byTime = new Map<number, Record<string, unknown>>();
  for (const stat of wanted) {
    for (const p of aggregate(minutes, periodMs, stat)) byTime.set(p.at, { ...(byTime.get(p.at) ?? { Timestamp: new Date(p.at), Unit: unit }), [stat]: p.value });
  }
  // GetMetricStatistics does not return datapoints in chronological order (API reference); neither does this.
  return { Label: metric.metricName, Datapoints: [...byTime.values()] };
}

/** CloudWatch operations the sandbox simulates. */
export const cloudWatchHandlers: ServiceHandlers = {
  GetMetricData: getMetricData,
  GetMetricStatistics: getMetricStatistics,
};
