/** Shared EC2 helpers: state codes, tags, filters, lookups. */
import type { Filter, Tag } from '@aws-sdk/client-ec2';
import { badRequest } from '../errors.js';
import type { OperationContext } from '../operation-context.js';
import type { TagRecord } from '../resources.js';
import type { Ec2RegionState } from '../world.js';

/** EC2 instance state codes. */
export const STATE_CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

/** The EC2 state of the caller's region. */
export function ec2Region(ctx: OperationContext, region = ctx.region): Ec2RegionState {
  const state = ctx.world.ec2[region];
  if (!state) throw badRequest('InvalidParameterValue', `Region ${region} is not simulated`);
  return state;
}

/** Tags from TagSpecifications for `resourceType`. */
export function tagsFromSpecifications(input: Record<string, unknown>, resourceType: string): TagRecord[] {
  const specs = Array.isArray(input['TagSpecifications']) ? (input['TagSpecifications'] as { ResourceType?: string; Tags?: Tag[] }[]) : [];
  return specs.filter((s) => s.ResourceType === resourceType).flatMap((s) => (s.Tags ?? []).map((t) => ({ Key: String(t.Key), Value: String(t.Value ?? '') })));
}

/** Whether a resource matches EC2 filters (`tag:<key>`, `tag-key`, and the given named attributes). */
export function matchesFilters(filters: Filter[] | undefined, tags: TagRecord[], attributes: Record<string, string | undefined>): boolean {
  return (filters ?? []).every((f) => {
    const values = f.Values ?? [];
    const name = f.Name ?? '';
    const match = (v: string | undefined): boolean => v !== undefined && values.some((p) => (p.includes('*') ? new RegExp(`^${p.split('*').map(escape).join('.*')}$`).test(v) : p === v));
    if (name.startsWith('tag:')) return tags.some((t) => t.Key === name.slice(4) && match(t.Value));
    if (name === 'tag-key') return tags.some((t) => match(t.Key));
    if (name === 'tag-value') return tags.some((t) => match(t.Value));
    if (name in attributes) return match(attributes[name]);
    return true;
  });
}

function escape(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** Merges tags (same key: the new value wins). */
export function mergeTags(into: TagRecord[], tags: TagRecord[]): void {
  for (const tag of tags) {
    const existing = into.find((t) => t.Key === tag.Key);
    if (existing) existing.Value = tag.Value;
    else into.push({ ...tag });
  }
}

/** A deterministic EC2-style id (`i-`, `ami-`, `snap-`, …: 17 hex digits). */
export function ec2Id(ctx: OperationContext, prefix: string): string {
  const n = (ctx.world.counters[prefix] = (ctx.world.counters[prefix] ?? 0) + 1);
  return `${prefix}-${(0x0a000000 + n).toString(16).padStart(17, '0')}`;
}

/** A canonical JSON fingerprint of a request (to detect a ClientToken reused with other parameters). */
export function fingerprint(input: Record<string, unknown>): string {
  const { ClientToken: _token, ...rest } = input;
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canonical(x)])) : v;
  return JSON.stringify(canonical(rest));
}
