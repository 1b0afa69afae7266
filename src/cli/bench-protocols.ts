/**
 * Raft vs Multi-Paxos vs Flexible Paxos on the same seeded workload (issue 4's comparison table), run
 * by `npm run bench` (`--skip-compare` leaves it out): commit latency as the clients saw it (invoke
 * to ok of every completed operation, p50 and p99, in virtual ms) and messages sent per committed
 * client operation. Same seed, same workload, same fault plan: only the protocol differs.
 */
import { okLatenciesMs, percentile } from '../check/latency';
import { runScenario } from '../check/run';
import { evaluateScenario } from '../check/shrink';
import { buildScenario, type BuildOptions } from '../sim/scenario';

export interface ProtocolFigures {
  name: string;
  okOps: number;
  latencyMsP50: number;
  latencyMsP99: number;
  messagesPerOk: number;
  violations: number;
}

/** The contenders: the protocol options each adds to the shared workload. */
export const CONTENDERS: ReadonlyArray<{ name: string; options: BuildOptions }> = [
  { name: 'raft', options: { protocol: 'raft' } },
  { name: 'multipaxos (majorities 3/3)', options: { protocol: 'paxos', paxosMode: 'multi' } },
  // |Q1| + |Q2| = 6 > 5: quorums still meet, and phase 2 (every command) waits for one reply fewer.
  { name: 'flexible paxos (|Q1| 4, |Q2| 2)', options: { protocol: 'paxos', paxosMode: 'multi', phase1Quorum: 4, phase2Quorum: 2 } },
];

/** One contender on the shared workload: 5 nodes, 50 ops/s, a partition or crash every 5 s. */
export function measureProtocol(name: string, options: BuildOptions, seed: number, untilMs: number): ProtocolFigures {
  const scenario = buildScenario({ nodes: 5, seed, untilMs, loadOpsPerSec: 50, nemesis: ['partition', 'crash'], nemesisIntervalMs: 5000, ...options });
  const evaluation = evaluateScenario(scenario, { collect: true });
  const summary = runScenario(scenario);
  const latencies = okLatenciesMs(evaluation.clientEvents);
  return {
    name,
    okOps: latencies.length,
    latencyMsP50: percentile(latencies, 50),
    latencyMsP99: percentile(latencies, 99),
    messagesPerOk: latencies.length === 0 ? 0 : summary.messages.sent / latencies.length,
    violations: summary.violations.length,
  };
}

export function compareProtocols(seed = 1, untilMs = 60_000): ProtocolFigures[] {
  return CONTENDERS.map((c) => measureProtocol(c.name, c.options, seed, untilMs));
}
