/**
 * The steps of a failover of a local replicated pair (PostgreSQL primary + standby, or MariaDB primary +
 * replica), for the engine: the same kinds of steps a real
 * strategy builds (fence, wait for catch-up, promote, move the endpoint), on real local servers.
 *
 * - graceful: steady state → fence the primary → wait until the standby replayed everything → promote →
 *   switch the endpoint. The disaster is the start of the run (a planned failover): RPO 0 expected.
 * - ungraceful (a drill that injects the loss of the primary): steady state → cut replication and hold a
 *   known lag → crash the primary (the disaster) → promote what the standby has → switch the endpoint.
 */
import type { StepDefinition } from '../../packages/core/src/index.js';
import type { TcpProxy } from './tcp-proxy.js';

/** What the steps need from a local primary/standby pair. */
export interface LocalReplicatedPair {
  /** `pg_ctl promote`, or `RESET SLAVE ALL` + `read_only = OFF`: for step titles. */
  readonly promoteHow: string;
  readonly standbyPort: number;
  /** The heartbeat row the standby holds for `source`, read directly. */
  standbyHeartbeat(source: string): Promise<{ seq: number; at: number } | undefined>;
  standbyIsWriter(): Promise<boolean>;
  cutReplication(): Promise<void>;
  crashPrimary(): Promise<void>;
  fencePrimary(): Promise<void>;
  standbyCaughtUp(): Promise<boolean>;
  promoteStandby(): Promise<void>;
}

/** Options of {@link localFailoverSteps}. */
export interface LocalFailoverStepsOptions {
  cluster: LocalReplicatedPair;
  /** The application's endpoint: moved from the primary to the standby by `switch-endpoint`. */
  proxy: TcpProxy;
  mode: 'graceful' | 'ungraceful';
  /** Heartbeat row key the steady-state check waits for on the standby. */
  source: string;
  /** ungraceful: how long the standby is cut off before the primary crashes. @default 1000 */
  lagMs?: number;
  /** Times of the cut, for tests that compare the measured RPO with the truth. */
  onCut?: (window: { startedAt: number; endedAt: number }) => void;
}

const quickPoll = { poll: { initialInterval: 50, maximumInterval: 100 }, timeout: '30s' } as const;

/** The failover of a local pair as engine steps. */
export function localFailoverSteps(options: LocalFailoverStepsOptions): StepDefinition[] {
  const { cluster, proxy, mode, source } = options;
  const steadyState: StepDefinition = {
    id: 'steady-state',
    title: 'Wait until heartbeats of this run reach the standby (replication is flowing)',
    kind: 'wait',
    policy: quickPoll,
    poll: async () => {
      const beat = await cluster.standbyHeartbeat(source);
      return beat && beat.seq >= 2 ? { status: 'success', value: beat } : { status: 'retry', progress: beat ? `heartbeat #${beat.seq}` : 'no heartbeat yet' };
    },
  };
  const promote: StepDefinition = {
    id: 'promote-standby',
    title: `Promote the standby (port ${cluster.standbyPort}): ${cluster.promoteHow}`,
    kind: 'action',
    promotesData: true,
    dependsOn: [mode === 'graceful' ? 'wait-caught-up' : 'crash-primary'],
    check: async () => ({ applied: await cluster.standbyIsWriter() }),
    act: async () => cluster.promoteStandby(),
  };
  const switchEndpoint: StepDefinition = {
    id: 'switch-endpoint',
    title: `Point the endpoint (127.0.0.1:${proxy.port}) at the promoted standby`,
    kind: 'action',
    restoresService: true,
    dependsOn: ['promote-standby'],
    check: async () => ({ applied: proxy.target.port === cluster.standbyPort }),
    act: async () => proxy.switchTo({ host: '127.0.0.1', port: cluster.standbyPort }),
  };
  if (mode === 'graceful') {
    return [
      steadyState,
      {
        id: 'fence-primary',
        title: 'Fence the primary: application writes refused',
        kind: 'action',
        dependsOn: ['steady-state'],
        act: async () => cluster.fencePrimary(),
      },
      {
        id: 'wait-caught-up',
        title: 'Wait until the standby has applied everything the primary wrote',
        kind: 'wait',
        dependsOn: ['fence-primary'],
        policy: quickPoll,
        poll: async () => ((await cluster.standbyCaughtUp()) ? { status: 'success', value: true } : { status: 'retry', progress: 'replaying' }),
      },
      promote,
      switchEndpoint,
    ];
  }
  const lagMs = options.lagMs ?? 1_000;
  return [
    steadyState,
    {
      id: 'cut-replication',
      title: `Cut the standby off the primary for ${lagMs} ms (a known replication lag)`,
      kind: 'action',
      dependsOn: ['steady-state'],
      act: async (ctx) => {
        const startedAt = ctx.clock.now();
        await cluster.cutReplication();
        options.onCut?.({ startedAt, endedAt: ctx.clock.now() });
        await ctx.clock.sleep(lagMs, ctx.signal);
      },
    },
    {
      id: 'crash-primary',
      title: 'Stop the primary hard (no shutdown, nothing more replicated)',
      kind: 'action',
      declaresDisaster: true,
      dependsOn: ['cut-replication'],
      act: async () => cluster.crashPrimary(),
    },
    promote,
    switchEndpoint,
  ];
}
