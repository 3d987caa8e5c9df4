/** Placeholder, filled in below. */
import type { DrillSetup } from './drill-scenarios.js';
export interface ChainOperation { stepId: string; command: string; startedAt: number; completedAt: number; latencyMs: number }
export function criticalPathBound(_s: DrillSetup, _path: string[], _steps: Record<string, { startedAt: number; endedAt: number }>, _health: { intervalMs: number; consecutive: number }): { boundMs: number; chain: ChainOperation[] } | undefined {
  return undefined;
}
