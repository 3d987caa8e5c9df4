/**
 * Writes packages/core/plan.schema.json from the zod plan schema, so editors can validate plans.
 * Run after changing the plan model: `pnpm exec tsx packages/core/scripts/write-plan-schema.ts`.
 * A test fails when the committed file and `planJsonSchema()` differ.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { planJsonSchema } from '../src/plan/plan-json-schema.js';

const target = fileURLToPath(new URL('../plan.schema.json', import.meta.url));
await writeFile(target, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
