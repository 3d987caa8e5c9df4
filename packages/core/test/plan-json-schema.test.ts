import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isDurationText } from '../src/duration.js';
import { PLAN_SCHEMA_ID, planJsonSchema, RESOURCE_KINDS } from '../src/plan/index.js';

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  description?: string;
  default?: unknown;
  [key: string]: unknown;
};

const schema = planJsonSchema() as JsonSchema;
const props = (s: JsonSchema | undefined): Record<string, JsonSchema> => s?.properties ?? {};
const fixturesDir = fileURLToPath(new URL('./fixtures/plans/', import.meta.url));

/**
 * Problems of `value` against the structural part of `node` (objects, required and unknown keys,
 * types, consts, enums, patterns, unions) — enough to show that the schema describes real plans.
 */
function structuralProblems(node: JsonSchema, value: unknown, path: string): string[] {
  const branches = node.oneOf ?? node.anyOf;
  if (branches) {
    const results = branches.map((branch) => structuralProblems(branch, value, path));
    return results.some((r) => r.length === 0) ? [] : [`${path}: no branch matches (${results.map((r) => r[0]).join(' | ')})`];
  }
  if (node.const !== undefined && value !== node.const) return [`${path}: expected ${String(node.const)}`];
  if (node.enum && !node.enum.includes(value)) return [`${path}: not in enum`];
  if (node.type === 'string' && typeof value !== 'string') return [`${path}: not a string`];
  if (node.pattern && typeof value === 'string' && !new RegExp(node.pattern).test(value)) return [`${path}: does not match ${node.pattern}`];
  if ((node.type === 'integer' || node.type === 'number') && typeof value !== 'number') return [`${path}: not a number`];
  if (node.type === 'array') {
    if (!Array.isArray(value)) return [`${path}: not a list`];
    return node.items ? value.flatMap((item, i) => structuralProblems(node.items!, item, `${path}[${i}]`)) : [];
  }
  if (node.type !== 'object') return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: not an object`];
  const record = value as Record<string, unknown>;
  const problems = (node.required ?? []).filter((key) => !(key in record)).map((key) => `${path}.${key}: required`);
  for (const [key, item] of Object.entries(record)) {
    const child = node.properties?.[key] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    if (child) problems.push(...structuralProblems(child, item, `${path}.${key}`));
    else if (node.additionalProperties === false) problems.push(`${path}.${key}: not allowed`);
  }
  return problems;
}

describe('planJsonSchema', () => {
  it('is a draft 2020-12 schema with an id, a title and a description', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(PLAN_SCHEMA_ID);
    expect(schema.$id).toBe('https://firedrill.dev/schema/plan.json');
    expect(schema.title).toBe('Firedrill plan');
    expect(typeof schema.description).toBe('string');
  });

  it('requires the fields every plan needs and refuses unknown ones', () => {
    expect(schema.required).toEqual(['apiVersion', 'metadata', 'regions', 'strategy', 'resources', 'objectives']);
    expect(schema.additionalProperties).toBe(false);
    expect(props(schema).apiVersion?.const).toBe('firedrill.dev/v1');
    expect(props(schema).objectives?.required).toEqual(['rto', 'rpo']);
    expect(props(schema).objectives?.additionalProperties).toBe(false);
  });

  it('describes durations as text, with a pattern that agrees with isDurationText', () => {
    const rto = props(props(schema).objectives).rto!;
    expect(rto.type).toBe('string');
    expect(rto.description).toMatch(/Recovery time objective/);
    const pattern = new RegExp(rto.pattern!);
    for (const text of ['15m', '30s', '1h30m', '250ms', '2d', '1.5h', 'fast', '15', '', 'm', '10 m']) {
      expect(pattern.test(text), text).toBe(isDurationText(text));
    }
  });

  it('shows defaults as users write them', () => {
    expect(props(schema).concurrency).toMatchObject({ type: 'integer', default: 8, minimum: 1, maximum: 1000 });
    expect(props(schema).rollback).toMatchObject({ enum: ['on-failure', 'always', 'never'], default: 'on-failure' });
    const health = props(props(schema).probes).health!;
    const http = health.oneOf?.find((branch) => props(branch).kind?.const === 'http');
    expect(props(http).interval).toMatchObject({ type: 'string', default: '5s' });
  });

  it('offers one branch per resource kind, each described', () => {
    const resource = props(schema).resources?.additionalProperties as JsonSchema;
    const kinds = resource.oneOf?.map((branch) => props(branch).kind?.const);
    expect(kinds).toEqual(RESOURCE_KINDS);
    for (const branch of resource.oneOf ?? []) {
      expect(branch.description, String(props(branch).kind?.const)).toBeTruthy();
      expect(branch.additionalProperties).toBe(false);
    }
  });

  it('offers the Aurora engines on an aurora-cluster, Aurora PostgreSQL by default', () => {
    const resource = props(schema).resources?.additionalProperties as JsonSchema;
    const cluster = resource.oneOf?.find((branch) => props(branch).kind?.const === 'aurora-cluster');
    expect(props(cluster).engine).toMatchObject({ enum: ['aurora-mysql', 'aurora-postgresql'], default: 'aurora-postgresql' });
    expect(props(cluster).engine?.description).toBeTruthy();
    expect(cluster?.required).not.toContain('engine');
  });

  it('gives editors help text on the fields', () => {
    expect(props(schema).regions?.description).toBeTruthy();
    expect(props(props(schema).regions).primary?.description).toMatch(/production/);
    expect(props(props(schema).metadata).name?.description).toBeTruthy();
  });

  it('describes the example plans (structural check)', async () => {
    const files = (await readdir(fixturesDir)).filter((name) => name.endsWith('.yaml') && name !== 'five-mistakes.yaml');
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const plan: unknown = parse(await readFile(`${fixturesDir}${file}`, 'utf8'));
      expect(structuralProblems(schema, plan, file)).toEqual([]);
    }
    const broken: unknown = parse(await readFile(`${fixturesDir}five-mistakes.yaml`, 'utf8'));
    expect(structuralProblems(schema, broken, 'five-mistakes').length).toBeGreaterThan(0);
  });

  it('matches the committed plan.schema.json (run scripts/write-plan-schema.ts after changing the model)', async () => {
    const committed: unknown = JSON.parse(await readFile(fileURLToPath(new URL('../plan.schema.json', import.meta.url)), 'utf8'));
    expect(committed).toEqual(planJsonSchema());
  });
});
