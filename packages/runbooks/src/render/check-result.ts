import type { Finding } from '@firedrill/strategies';

/**
 * What `firedrill check --json` prints and a scheduled check writes: the readiness findings of one plan, tagged
 * with their own schema so a folder of reports (`schedule --reports`) tells them from run reports
 * (`firedrill.report/v1`). A check is no run: it has no journal, so `report` and `history` do not list it.
 */
export interface CheckResult {
  schema: 'firedrill.check/v1';
  plan: string;
  /** No finding failed. */
  ready: boolean;
  findings: Finding[];
  /** Scheduled checks: the id the schedule recorded it under, the target, the cron slot it answered and when it ran. */
  checkId?: string;
  target?: string;
  slotAt?: string;
  checkedAt?: string;
}

/** The check result of `findings`, with the scheduled fields when given. */
export function checkResult(plan: string, findings: Finding[], scheduled: { checkId: string; target: string; slotAt: string; checkedAt: string } | Record<string, never> = {}): CheckResult {
  return { schema: 'firedrill.check/v1', plan, ready: findings.every((f) => f.status !== 'fail'), findings, ...scheduled };
}
