/**
 * The side-by-side view (issue 4): two protocols on the same inputs, so commit latency and message
 * counts can be compared on one seeded workload and fault plan. What is compared is what
 * `npm run bench` compares (src/cli/bench-protocols.ts); the figures come from the workers.
 *
 * URL: the lab's parameters (url-state.ts) describe the left run; `view=compare` selects this view,
 * `with` names the right run's protocol, and `wq1` / `wq2` are its Flexible Paxos quorum sizes (as
 * `q1` / `q2` are the left run's). Everything else (seed, nodes, load, nemesis, bugs, scenario,
 * operator actions) is shared, so the two runs differ only in the protocol.
 *
 * Same seed, same fault plan: the nemesis draws its schedule (when, which kind, which node) from
 * the seed's own stream; "which node" is the last announced leader half the time, in either run.
 */
import type { LabConfig, PanelSnapshot, ProtocolName, TimelineMarker } from '../../worker/lab-protocol';
import { formatUrlState, parseUrlState } from '../lab/url-state';

export const COMPARE_VIEW = 'compare';
const PROTOCOLS: readonly ProtocolName[] = ['raft', 'paxos', 'multipaxos'];
const QUORUM_MAX = 9;
/** Parameters this view adds to the lab's. */
const OWN = ['view', 'with', 'wq1', 'wq2'] as const;

export interface CompareState {
  readonly left: LabConfig;
  readonly right: LabConfig;
  readonly atMs: number;
  /** One line per problem, naming the parameter; a bad parameter is ignored. */
  readonly problems: string[];
}

/** Whether the URL asks for the side-by-side view. */
export function isCompareUrl(search: string): boolean {
  return new URLSearchParams(search).get('view') === COMPARE_VIEW;
}

function protocolParam(text: string | null, name: string, fallback: ProtocolName, problems: string[]): ProtocolName {
  if (text === null) return fallback;
  if ((PROTOCOLS as readonly string[]).includes(text)) return text as ProtocolName;
  problems.push(`${name}: expected one of ${PROTOCOLS.join(', ')}, got "${text.slice(0, 40)}"`);
  return fallback;
}

function quorumParam(text: string | null, name: string, problems: string[]): number | null {
  if (text === null) return null;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > QUORUM_MAX) {
    problems.push(`${name}: expected a whole number from 1 to ${QUORUM_MAX}, got "${text.slice(0, 40)}"`);
    return null;
  }
  return Number(text);
}

/** The other protocol to compare with by default: Raft against Multi-Paxos, anything else against Raft. */
export function defaultPartner(protocol: ProtocolName): ProtocolName {
  return protocol === 'raft' ? 'multipaxos' : 'raft';
}

export function parseCompareUrl(search: string): CompareState {
  const params = new URLSearchParams(search);
  const rest = new URLSearchParams(search);
  for (const name of OWN) rest.delete(name);
  const { config, atMs, problems } = parseUrlState(rest.toString() === '' ? '' : `?${rest.toString()}`);
  const leftProtocol = protocolParam(config.protocol, 'protocol', 'raft', problems);
  const left: LabConfig = { ...config, protocol: leftProtocol };
  const rightProtocol = protocolParam(params.get('with'), 'with', defaultPartner(leftProtocol), problems);
  const right: LabConfig = {
    ...sameCluster(config),
    protocol: rightProtocol,
    q1: quorumParam(params.get('wq1'), 'wq1', problems),
    q2: quorumParam(params.get('wq2'), 'wq2', problems),
  };
  return { left, right, atMs, problems };
}

/** The URL of a comparison: the left run's lab parameters, then this view's own. */
export function formatCompareUrl(left: LabConfig, right: LabConfig, atMs: number): string {
  const params = new URLSearchParams(formatUrlState(left, atMs));
  params.set('view', COMPARE_VIEW);
  params.set('with', right.protocol ?? 'raft');
  if (right.q1 !== null) params.set('wq1', String(right.q1));
  if (right.q2 !== null) params.set('wq2', String(right.q2));
  return `?${params.toString()}`;
}

/**
 * The left run's config for the right run: the same cluster, without the left's grid (the right run
 * has majorities, or its own wq1 / wq2; Raft refuses a grid). A grid sets the left's cluster size
 * (rows x columns), so the right run gets that size explicitly.
 */
function sameCluster(config: LabConfig): LabConfig {
  const grid = config.grid ?? null;
  if (grid === null) return config;
  return { ...config, grid: null, nodes: config.nodes ?? grid.rows * grid.columns };
}

/** The comparison of the lab's current run with another protocol (the lab's "Compare" link). */
export function compareUrlFor(config: LabConfig, protocol: ProtocolName, atMs: number): string {
  const right: LabConfig = { ...sameCluster(config), protocol: defaultPartner(protocol), q1: null, q2: null };
  return formatCompareUrl({ ...config, protocol }, right, atMs);
}

export interface StatRow {
  readonly label: string;
  readonly left: string;
  readonly right: string;
  /** Which side does better on this row (lower latency, fewer messages, more operations), or null when equal or unknown. */
  readonly better: 'left' | 'right' | null;
  /** The right run's figure over the left's ("1.6x"), or '' when either is missing or zero. */
  readonly ratio: string;
}

interface Figure {
  readonly value: number | null;
  readonly text: string;
}

function figure(value: number | null, format: (n: number) => string): Figure {
  return { value, text: value === null ? '-' : format(value) };
}

function row(label: string, a: Figure, b: Figure, lowerIsBetter: boolean): StatRow {
  let better: StatRow['better'] = null;
  if (a.value !== null && b.value !== null && a.value !== b.value) better = (a.value < b.value) === lowerIsBetter ? 'left' : 'right';
  const ratio = a.value !== null && b.value !== null && a.value !== 0 && b.value !== 0 ? `${(b.value / a.value).toFixed(2)}x` : '';
  return { label, left: a.text, right: b.text, better, ratio };
}

/** Elections won up to `nowMs` (each marker is a leader announcing itself). */
export function leaderChanges(markers: readonly TimelineMarker[], nowMs: number): number {
  let n = 0;
  for (const m of markers) if (m.kind === 'election' && m.atMs <= nowMs) n++;
  return n;
}

const ms = (n: number): string => `${n} ms`;
const count = (n: number): string => String(n);

/** The comparison table: one row per figure, the left and right runs' values at the moments shown. */
export function statRows(
  left: { panels: PanelSnapshot | null; markers: readonly TimelineMarker[] },
  right: { panels: PanelSnapshot | null; markers: readonly TimelineMarker[] },
): StatRow[] {
  const side = (s: typeof left) => {
    const st = s.panels?.stats ?? null;
    const now = s.panels?.nowMs ?? 0;
    return {
      ok: figure(st?.okOps ?? null, count),
      p50: figure(st?.latencyP50Ms ?? null, ms),
      p99: figure(st?.latencyP99Ms ?? null, ms),
      sent: figure(st?.messagesSent ?? null, count),
      perOk: figure(st?.messagesPerOk ?? null, (n) => n.toFixed(1)),
      leaders: figure(s.panels === null ? null : leaderChanges(s.markers, now), count),
      violations: figure(s.panels?.violations.length ?? null, count),
    };
  };
  const a = side(left);
  const b = side(right);
  return [
    row('Operations completed (ok)', a.ok, b.ok, false),
    row('Client latency p50', a.p50, b.p50, true),
    row('Client latency p99', a.p99, b.p99, true),
    row('Messages sent', a.sent, b.sent, true),
    row('Messages per ok operation', a.perOk, b.perOk, true),
    row('Leaders elected', a.leaders, b.leaders, true),
    row('Safety violations', a.violations, b.violations, true),
  ];
}
