/**
 * The JSON Schema of plan files, for editors (YAML language server, VS Code) and other tools.
 */
import { z } from 'zod';
import { planSchema } from './plan-schema.js';

/**
 * Where the schema is published; plans can point at it for editor help.
 * @example `# yaml-language-server: $schema=${PLAN_SCHEMA_ID}`
 */
export const PLAN_SCHEMA_ID = 'https://firedrill.dev/schema/plan.json';

/**
 * JSON Schema (draft 2020-12) of a plan as written: durations are strings such as `"15m"`, defaults
 * are optional. Cross-field rules (such as regions that must differ) are checked by `parsePlan` only.
 * The package ships the same document as `@firedrill/core/plan.schema.json`.
 *
 * @example
 * import { writeFile } from 'node:fs/promises';
 * await writeFile('plan.schema.json', JSON.stringify(planJsonSchema(), null, 2));
 */
export function planJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(planSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: PLAN_SCHEMA_ID, ...rest };
}
