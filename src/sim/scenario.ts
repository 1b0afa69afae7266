/**
 * Scenarios: the input of a run, as data. A run is a pure function of (scenario, seed, operator
 * actions), and the scenario holds all three: cluster, timing, network, workload, nemesis, the timed
 * operator actions, the seed and how long to run.
 *
 * `parseScenario` validates untrusted JSON and names the path of every bad field
 * (`network.latency.meanMs: must be a number >= 0`), so a user never gets a crash or a silent default.
 */
import { internalized } from './ids';
import { isRegion, REGION_IDS } from './regions';
import type { NodeId } from './trace';

export const PROTOCOLS = ['raft', 'paxos'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];

export const RAFT_BUGS = [
  'commit-old-term',
  'vote-without-log-check',
  'forget-vote-on-restart',
  'skip-prev-log-check',
  'no-step-down',
] as const;
/** Paxos bug variants (src/protocols/paxos), each breaking one rule of Lamport's "Paxos Made Simple". */
export const PAXOS_BUGS = ['acceptor-forgets-promise', 'ignore-accepted-value', 'accept-lower-ballot'] as const;
export type BugName = (typeof RAFT_BUGS)[number] | (typeof PAXOS_BUGS)[number];
/** The bug variants each protocol has. */
export const BUGS_BY_PROTOCOL = { raft: RAFT_BUGS, paxos: PAXOS_BUGS } as const;

export const PAXOS_MODES = ['multi', 'single'] as const;
export type PaxosMode = (typeof PAXOS_MODES)[number];

export const NEMESIS_FAULTS = [
  'partition', 'crash', 'pause', 'kill', 'asymmetric', 'bridge', 'flap', 'slow', 'skew', 'duplicate', 'reorder', 'power',
] as const;
/**
 * Faults that need a `regions` section (region: one region cut off from the others, nodes and clients).
 * Kept out of NEMESIS_FAULTS so that the fuzzer's swarm draws (one coin per kind there) stay the same.
 */
export const GEO_NEMESIS_FAULTS = ['region'] as const;
export type NemesisFault = (typeof NEMESIS_FAULTS)[number] | (typeof GEO_NEMESIS_FAULTS)[number];

/**
 * Extra one-way latency on a cross-region link, as a fraction of the pair's mean one-way latency:
 * none; normal (standard deviation = fraction x mean, truncated so a message never beats the clock);
 * pareto (a heavy tail: a Lomax-distributed extra delay of scale fraction x mean and shape alpha; the
 * median extra is scale x (2^(1/alpha) - 1), the mean scale / (alpha - 1)).
 */
export type JitterSpec = { kind: 'none' } | { kind: 'normal'; fraction: number } | { kind: 'pareto'; fraction: number; alpha: number };

/** Geo-replication: where nodes and clients are, and how far apart (src/sim/regions.ts). */
export interface RegionsConfig {
  /** The region of each node, n1 first (one per node). */
  nodes: string[];
  /** The region of each background client c1, c2, ...; null = client ci in the region of node n(i mod N). */
  clients: string[] | null;
  /** Average RTTs (ms) overriding the table's for some pairs; a region with itself sets its intra-region RTT. */
  rttMs: Array<{ between: [string, string]; ms: number }>;
  jitter: JitterSpec;
}

/**
 * Overload (issue 6): every node serves client requests one at a time from a bounded queue, each taking
 * `serviceMs` of its time before the protocol sees it. Past `queueLimit` waiting requests, new ones are
 * dropped (the client times out); with admission control (`admitLimit`), past that many waiting a
 * request is refused at once with "retry later" (a ClientReply with rejected and reason overloaded).
 */
export interface OverloadConfig {
  serviceMs: number;
  queueLimit: number;
  admitLimit: number | null;
}

export const RETRY_POLICIES = ['none', 'immediate', 'backoff'] as const;
export type RetryPolicyName = (typeof RETRY_POLICIES)[number];

/**
 * A client's retries of an operation whose attempt timed out or was refused (overloaded, no leader):
 * the same operation (same opId) sent again, which the cluster's client sessions execute at most once.
 * `maxRetries` per operation; `backoff` waits min(maxMs, baseMs x 2^k) x (a uniform draw in [0.5, 1));
 * `budget` (a retry budget, as Finagle's) lets each client retry at most `budget` times per new
 * operation on average (tokens: +budget per new operation, up to 10; -1 per retry); null = no budget.
 */
export interface RetryPolicy {
  policy: RetryPolicyName;
  maxRetries: number;
  baseMs: number;
  maxMs: number;
  budget: number | null;
}

export type LatencySpec =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'normal'; meanMs: number; jitterMs: number };

export interface LinkOverride {
  from: NodeId;
  to: NodeId;
  latency?: LatencySpec;
  lossProbability?: number;
}

export type OperatorAction =
  | { atMs: number; type: 'crash'; node: NodeId }
  | { atMs: number; type: 'restart'; node: NodeId }
  | { atMs: number; type: 'pause'; node: NodeId }
  | { atMs: number; type: 'resume'; node: NodeId }
  | { atMs: number; type: 'partition'; groups: NodeId[][] }
  | { atMs: number; type: 'heal' }
  | { atMs: number; type: 'cut-link'; from: NodeId; to: NodeId; oneWay: boolean }
  | { atMs: number; type: 'heal-link'; from: NodeId; to: NodeId; oneWay: boolean }
  | { atMs: number; type: 'drop-message'; messageId: number }
  | { atMs: number; type: 'duplicate-message'; messageId: number }
  | { atMs: number; type: 'client-request'; op: 'read' | 'write' | 'cas'; key: string; value?: string; expected?: string; node?: NodeId }
  /** The node loses power: down like a crash, and its disk loses every write not yet fsynced. */
  | { atMs: number; type: 'power-loss'; node: NodeId }
  /** Its fsyncs and the messages it sends take `factor` times as long (1 = normal again). */
  | { atMs: number; type: 'slow-node'; node: NodeId; factor: number }
  /** Its clock runs at `rate` times real time (1 = in step again): a fast clock times out early. */
  | { atMs: number; type: 'clock-skew'; node: NodeId; rate: number }
  /** Extra duplication and reordering on every link, over the scenario's own (0 and 0 = back to it). */
  | { atMs: number; type: 'network-storm'; duplicateProbability: number; reorderProbability: number }
  /**
   * A partition along region lines (needs a `regions` section): nodes and clients of regions in
   * different groups cannot talk; regions in no group form one more group together. `heal` ends it.
   */
  | { atMs: number; type: 'partition-regions'; groups: string[][] };

/** Bounds of the slow-node factor and the clock-skew rate an action may set. */
export const SLOW_FACTOR_MAX = 1000;
export const CLOCK_RATE_MIN = 0.1;
export const CLOCK_RATE_MAX = 10;

export type OperatorActionType = OperatorAction['type'];

export interface Scenario {
  version: 1;
  name: string;
  protocol: ProtocolName;
  /** Unsigned 32-bit seed: with the rest of the scenario it determines the whole run. */
  seed: number;
  /** Simulated time to run, in milliseconds. */
  untilMs: number;
  cluster: { nodes: number };
  timing: {
    heartbeatMs: number;
    electionTimeoutMinMs: number;
    electionTimeoutMaxMs: number;
    /** Time for a disk write to become durable. */
    fsyncMs: number;
  };
  network: {
    latency: LatencySpec;
    lossProbability: number;
    duplicateProbability: number;
    reorderProbability: number;
    links: LinkOverride[];
  };
  workload: {
    clients: number;
    /** Total client operations per second across all clients (0 = no background load). */
    opsPerSec: number;
    keys: number;
    readFraction: number;
    casFraction: number;
    timeoutMs: number;
    /** Retries of a request the cluster definitely did not execute (redirects). */
    maxRedirects: number;
    /** Retries of timed-out or refused attempts (absent = none: a timeout is recorded as info). */
    retry?: RetryPolicy;
  };
  nemesis: {
    faults: NemesisFault[];
    /** A fault is injected (or healed) every intervalMs. */
    intervalMs: number;
  };
  actions: OperatorAction[];
  bugs: BugName[];
  /**
   * Paxos only: `multi` (a stable leader, phase 1 once for all slots, a log of slots) or `single` (one
   * decree, every node a proposer); the phase-1 and phase-2 quorum sizes (Flexible Paxos, Howard et al.
   * 2016), null for a majority. |Q1| + |Q2| <= N is allowed on purpose: the lab warns and runs it.
   * Or, instead of sizes, a grid of rows x columns = N nodes (filled row by row): a phase-1 quorum is
   * a whole column, a phase-2 quorum a whole row (src/protocols/paxos/quorums.ts). Absent: no grid.
   */
  paxos: { mode: PaxosMode; phase1Quorum: number | null; phase2Quorum: number | null; grid?: { rows: number; columns: number } };
  /** Geo-replication (absent = one flat network with `network.latency`, as before). */
  regions?: RegionsConfig;
  /** Request queues and admission control (absent = requests reach the protocol at once, unbounded). */
  overload?: OverloadConfig;
}

/** Hard limits: a scenario outside them is refused, not run for hours. */
export const LIMITS = {
  nodesMin: 1,
  nodesMax: 9,
  untilMsMax: 24 * 3600 * 1000,
  clientsMax: 64,
  keysMax: 1000,
  opsPerSecMax: 10_000,
  actionsMax: 10_000,
  timeMsMax: 600_000,
} as const;

/** n1..nN, as internalized strings (see ids.ts: they are compared on every message). */
export function nodeIds(n: number): NodeId[] {
  return Array.from({ length: n }, (_, i) => internalized(`n${i + 1}`));
}

/** The reference defaults (the benchmark workload of issue 2, with no load and no faults). */
export function defaultScenario(): Scenario {
  return {
    version: 1,
    name: 'untitled',
    protocol: 'raft',
    seed: 1,
    untilMs: 10_000,
    cluster: { nodes: 5 },
    timing: { heartbeatMs: 50, electionTimeoutMinMs: 150, electionTimeoutMaxMs: 300, fsyncMs: 1 },
    network: {
      latency: { kind: 'normal', meanMs: 5, jitterMs: 2 },
      lossProbability: 0,
      duplicateProbability: 0,
      reorderProbability: 0,
      links: [],
    },
    workload: { clients: 5, opsPerSec: 5, keys: 3, readFraction: 0.4, casFraction: 0.2, timeoutMs: 1000, maxRedirects: 3 },
    nemesis: { faults: [], intervalMs: 5000 },
    actions: [],
    bugs: [],
    paxos: { mode: 'multi', phase1Quorum: null, phase2Quorum: null },
  };
}

/**
 * The quorums in effect: sizes (a majority where the scenario says null), or a grid, whose phase-1
 * quorums (columns) have `rows` nodes and phase-2 quorums (rows) `columns`.
 */
export function paxosQuorums(s: Pick<Scenario, 'cluster' | 'paxos'>): { phase1: number; phase2: number; grid: { rows: number; columns: number } | null } {
  const grid = s.paxos.grid;
  if (grid !== undefined) return { phase1: grid.rows, phase2: grid.columns, grid: { rows: grid.rows, columns: grid.columns } };
  const majority = Math.floor(s.cluster.nodes / 2) + 1;
  return { phase1: s.paxos.phase1Quorum ?? majority, phase2: s.paxos.phase2Quorum ?? majority, grid: null };
}

/**
 * A Paxos run's quorums in words, for the CLI's headers: "grid 3x3, phase 1 a column of 3, phase 2 a
 * row of 3", or "|Q1| = 2, |Q2| = 2 of 5" with a warning when they need not meet; null for Raft.
 */
export function paxosQuorumsText(s: Pick<Scenario, 'protocol' | 'cluster' | 'paxos'>): string | null {
  if (s.protocol !== 'paxos') return null;
  const q = paxosQuorums(s);
  if (q.grid !== null) return `grid ${q.grid.rows}x${q.grid.columns}, phase 1 a column of ${q.phase1}, phase 2 a row of ${q.phase2}`;
  const meet = q.phase1 + q.phase2 > s.cluster.nodes;
  return `|Q1| = ${q.phase1}, |Q2| = ${q.phase2} of ${s.cluster.nodes}${meet ? '' : ': the quorums need not meet, so Agreement can break'}`;
}

export interface BuildOptions {
  protocol?: string;
  nodes?: number;
  seed?: number;
  untilMs?: number;
  nemesis?: string[];
  nemesisIntervalMs?: number;
  loadOpsPerSec?: number;
  bugs?: string[];
  name?: string;
  paxosMode?: string;
  phase1Quorum?: number;
  phase2Quorum?: number;
  /** A grid quorum system (null: none, back to sizes); without `nodes`, the cluster is rows x columns. */
  grid?: { rows: number; columns: number } | null;
}

/** Builds a scenario from CLI-style options over the defaults, validating the result. */
export function buildScenario(options: BuildOptions = {}): Scenario {
  return buildScenarioFrom(defaultScenario(), options);
}

/** Lays CLI-style options over a base scenario (a file, or the defaults) and validates the result. */
export function buildScenarioFrom(base: Scenario, options: BuildOptions = {}): Scenario {
  const s = structuredClone(base);
  const raw: Record<string, unknown> = { ...s };
  if (options.protocol !== undefined) raw.protocol = options.protocol;
  if (options.nodes !== undefined) raw.cluster = { nodes: options.nodes };
  // A grid of R x C is R * C nodes: the cluster takes that size unless `nodes` says otherwise (the CLI's
  // --grid sets --nodes the same way).
  else if (options.grid !== undefined && options.grid !== null) raw.cluster = { nodes: options.grid.rows * options.grid.columns };
  if (options.seed !== undefined) raw.seed = options.seed;
  if (options.untilMs !== undefined) raw.untilMs = options.untilMs;
  if (options.nemesis !== undefined || options.nemesisIntervalMs !== undefined) {
    raw.nemesis = { faults: options.nemesis ?? [], intervalMs: options.nemesisIntervalMs ?? s.nemesis.intervalMs };
  }
  if (options.loadOpsPerSec !== undefined) raw.workload = { ...s.workload, opsPerSec: options.loadOpsPerSec };
  if (options.bugs !== undefined) raw.bugs = options.bugs;
  if (options.name !== undefined) raw.name = options.name;
  if (options.paxosMode !== undefined || options.phase1Quorum !== undefined || options.phase2Quorum !== undefined || options.grid !== undefined) {
    const paxos: Record<string, unknown> = {
      ...s.paxos,
      ...(options.paxosMode !== undefined ? { mode: options.paxosMode } : {}),
      ...(options.phase1Quorum !== undefined ? { phase1Quorum: options.phase1Quorum } : {}),
      ...(options.phase2Quorum !== undefined ? { phase2Quorum: options.phase2Quorum } : {}),
    };
    if (options.grid === null) delete paxos.grid;
    else if (options.grid !== undefined) paxos.grid = { ...options.grid };
    raw.paxos = paxos;
  }
  const parsed = parseScenario(raw);
  if (!parsed.ok) throw new ScenarioError(parsed.errors);
  return parsed.scenario;
}

export interface ValidationError {
  path: string;
  message: string;
}

export class ScenarioError extends Error {
  constructor(readonly errors: ValidationError[]) {
    super(errors.map((e) => `${e.path || '(scenario)'}: ${e.message}`).join('\n'));
    this.name = 'ScenarioError';
  }
}

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: ValidationError[] };

/** Parses JSON text into a validated scenario. Missing sections take their defaults. */
export function parseScenarioText(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [{ path: '', message: `not valid JSON: ${(err as Error).message}` }] };
  }
  return parseScenario(json);
}

/**
 * Validates an untrusted value as a scenario. Sections and fields that are absent take the defaults;
 * every present field must be well-formed; unknown fields are errors (a typo must not pass silently).
 */
export function parseScenario(input: unknown): ParseResult {
  const v = new Validator();
  const d = defaultScenario();
  const root = v.object(input, '', [
    'version', 'name', 'protocol', 'seed', 'untilMs', 'cluster', 'timing', 'network', 'workload', 'nemesis', 'actions', 'bugs', 'paxos',
    'regions', 'overload',
  ]);
  if (root === null) return { ok: false, errors: v.errors };

  const version = root.version === undefined ? 1 : v.literal(root.version, 'version', [1]);
  const name = root.name === undefined ? d.name : v.string(root.name, 'name', 200);
  const protocol = root.protocol === undefined ? d.protocol : v.literal(root.protocol, 'protocol', PROTOCOLS);
  const seed = root.seed === undefined ? d.seed : v.int(root.seed, 'seed', 0, 0xffffffff);
  const untilMs = root.untilMs === undefined ? d.untilMs : v.int(root.untilMs, 'untilMs', 1, LIMITS.untilMsMax);

  const clusterObj = v.section(root.cluster, 'cluster', ['nodes']);
  const nodes = clusterObj?.nodes === undefined ? d.cluster.nodes : v.int(clusterObj.nodes, 'cluster.nodes', LIMITS.nodesMin, LIMITS.nodesMax);

  const t = v.section(root.timing, 'timing', ['heartbeatMs', 'electionTimeoutMinMs', 'electionTimeoutMaxMs', 'fsyncMs']);
  const timing = {
    heartbeatMs: t?.heartbeatMs === undefined ? d.timing.heartbeatMs : v.int(t.heartbeatMs, 'timing.heartbeatMs', 1, LIMITS.timeMsMax),
    electionTimeoutMinMs:
      t?.electionTimeoutMinMs === undefined ? d.timing.electionTimeoutMinMs : v.int(t.electionTimeoutMinMs, 'timing.electionTimeoutMinMs', 1, LIMITS.timeMsMax),
    electionTimeoutMaxMs:
      t?.electionTimeoutMaxMs === undefined ? d.timing.electionTimeoutMaxMs : v.int(t.electionTimeoutMaxMs, 'timing.electionTimeoutMaxMs', 1, LIMITS.timeMsMax),
    fsyncMs: t?.fsyncMs === undefined ? d.timing.fsyncMs : v.int(t.fsyncMs, 'timing.fsyncMs', 0, LIMITS.timeMsMax),
  };
  // Cross-field rules only between fields that are valid on their own: a bad field stands in as a
  // placeholder, and comparing against it would report a second, misleading error.
  const timingOk = !v.hasErrorUnder('timing.');
  if (timingOk && timing.electionTimeoutMinMs > timing.electionTimeoutMaxMs) {
    v.error('timing.electionTimeoutMaxMs', 'must be >= timing.electionTimeoutMinMs');
  }
  if (timingOk && timing.heartbeatMs >= timing.electionTimeoutMinMs) {
    // Raft section 5.6: broadcastTime << electionTimeout, or followers time out under a healthy leader.
    v.error('timing.heartbeatMs', 'must be less than timing.electionTimeoutMinMs (Raft section 5.6)');
  }

  const n = v.section(root.network, 'network', ['latency', 'lossProbability', 'duplicateProbability', 'reorderProbability', 'links']);
  const members = new Set(nodeIds(nodes));
  const network = {
    latency: n?.latency === undefined ? d.network.latency : v.latency(n.latency, 'network.latency'),
    lossProbability: n?.lossProbability === undefined ? 0 : v.probability(n.lossProbability, 'network.lossProbability'),
    duplicateProbability: n?.duplicateProbability === undefined ? 0 : v.probability(n.duplicateProbability, 'network.duplicateProbability'),
    reorderProbability: n?.reorderProbability === undefined ? 0 : v.probability(n.reorderProbability, 'network.reorderProbability'),
    links: n?.links === undefined ? [] : v.array(n.links, 'network.links', 100, (item, p) => v.link(item, p, members)),
  };

  const w = v.section(root.workload, 'workload', ['clients', 'opsPerSec', 'keys', 'readFraction', 'casFraction', 'timeoutMs', 'maxRedirects', 'retry']);
  const dw = d.workload;
  const workload = {
    clients: w?.clients === undefined ? dw.clients : v.int(w.clients, 'workload.clients', 1, LIMITS.clientsMax),
    opsPerSec: w?.opsPerSec === undefined ? dw.opsPerSec : v.number(w.opsPerSec, 'workload.opsPerSec', 0, LIMITS.opsPerSecMax),
    keys: w?.keys === undefined ? dw.keys : v.int(w.keys, 'workload.keys', 1, LIMITS.keysMax),
    readFraction: w?.readFraction === undefined ? dw.readFraction : v.probability(w.readFraction, 'workload.readFraction'),
    casFraction: w?.casFraction === undefined ? dw.casFraction : v.probability(w.casFraction, 'workload.casFraction'),
    timeoutMs: w?.timeoutMs === undefined ? dw.timeoutMs : v.int(w.timeoutMs, 'workload.timeoutMs', 1, LIMITS.timeMsMax),
    maxRedirects: w?.maxRedirects === undefined ? dw.maxRedirects : v.int(w.maxRedirects, 'workload.maxRedirects', 0, 100),
  };
  if (!v.hasErrorUnder('workload.') && workload.readFraction + workload.casFraction > 1 + 1e-9) {
    v.error('workload.casFraction', 'readFraction + casFraction must be at most 1');
  }
  if (w?.retry !== undefined) (workload as Scenario['workload']).retry = v.retry(w.retry, 'workload.retry');

  const regions = root.regions === undefined ? undefined : v.regions(root.regions, 'regions', nodes as number, workload.clients as number);
  /** Regions that hold a node or a client: what region partitions may name. */
  const usedRegions = new Set<string>(regions === undefined ? [] : [...regions.nodes, ...(regions.clients ?? [])]);
  const overload = root.overload === undefined ? undefined : v.overload(root.overload, 'overload');

  const nm = v.section(root.nemesis, 'nemesis', ['faults', 'intervalMs']);
  const nemesis = {
    faults:
      nm?.faults === undefined
        ? []
        : v.array(nm.faults, 'nemesis.faults', NEMESIS_FAULTS.length + GEO_NEMESIS_FAULTS.length, (f, p) => {
            const fault = v.literal<NemesisFault>(f, p, [...NEMESIS_FAULTS, ...GEO_NEMESIS_FAULTS]);
            if (fault === 'region' && regions === undefined) v.error(p, 'the region fault needs a regions section');
            return fault;
          }),
    intervalMs: nm?.intervalMs === undefined ? d.nemesis.intervalMs : v.int(nm.intervalMs, 'nemesis.intervalMs', 10, LIMITS.timeMsMax),
  };

  const actions = root.actions === undefined ? [] : v.array(root.actions, 'actions', LIMITS.actionsMax, (a, p) => v.action(a, p, members, untilMs, usedRegions));
  const bugList: readonly string[] = BUGS_BY_PROTOCOL[protocol as ProtocolName] ?? RAFT_BUGS;
  const bugs = root.bugs === undefined ? [] : v.array(root.bugs, 'bugs', bugList.length, (b, p) => v.literal(b, p, bugList));
  const px = v.section(root.paxos, 'paxos', ['mode', 'phase1Quorum', 'phase2Quorum', 'grid']);
  const quorum = (value: unknown, path: string): number | null =>
    value === undefined || value === null ? null : v.int(value, path, 1, (nodes as number) >= 1 ? (nodes as number) : 1);
  const paxos: Scenario['paxos'] = {
    mode: px?.mode === undefined ? d.paxos.mode : v.literal(px.mode, 'paxos.mode', PAXOS_MODES),
    phase1Quorum: quorum(px?.phase1Quorum, 'paxos.phase1Quorum'),
    phase2Quorum: quorum(px?.phase2Quorum, 'paxos.phase2Quorum'),
  };
  const grid = px?.grid === undefined ? null : v.object(px.grid, 'paxos.grid', ['rows', 'columns']);
  if (grid !== null) {
    const rows = v.int(grid.rows, 'paxos.grid.rows', 1, LIMITS.nodesMax);
    const columns = v.int(grid.columns, 'paxos.grid.columns', 1, LIMITS.nodesMax);
    if (rows * columns !== nodes) v.error('paxos.grid', `a grid of ${rows} x ${columns} is ${rows * columns} nodes, but the cluster has ${String(nodes)}`);
    if (paxos.phase1Quorum !== null || paxos.phase2Quorum !== null) {
      v.error('paxos.grid', 'a grid sets both quorums (a column, then a row): leave phase1Quorum and phase2Quorum out');
    }
    paxos.grid = { rows, columns };
  }

  if (v.errors.length > 0) return { ok: false, errors: v.errors };
  const scenario: Scenario = {
    version: version as 1,
    name: name as string,
    protocol: protocol as ProtocolName,
    seed: seed as number,
    untilMs: untilMs as number,
    cluster: { nodes: nodes as number },
    timing: timing as Scenario['timing'],
    network: network as Scenario['network'],
    workload: workload as Scenario['workload'],
    nemesis: nemesis as Scenario['nemesis'],
    actions: (actions as OperatorAction[]).slice().sort((a, b) => a.atMs - b.atMs),
    bugs: [...new Set(bugs as BugName[])],
    paxos,
  };
  // Absent sections stay absent (not undefined-valued keys): a scenario without them is exactly as before.
  if (regions !== undefined) scenario.regions = regions;
  if (overload !== undefined) scenario.overload = overload;
  return { ok: true, scenario };
}

type Obj = Record<string, unknown>;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Collects errors with their paths; each check returns a placeholder on failure so parsing goes on. */
class Validator {
  readonly errors: ValidationError[] = [];

  /** Whether an error was reported at `prefix` or below it. */
  hasErrorUnder(prefix: string): boolean {
    return this.errors.some((e) => e.path === prefix || e.path.startsWith(prefix));
  }

  error(path: string, message: string): void {
    if (this.errors.length < 50) this.errors.push({ path, message });
  }

  object(value: unknown, path: string, allowed: readonly string[]): Obj | null {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.error(path, 'must be an object');
      return null;
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.error(path ? `${path}.${key}` : key, `unknown field (expected one of: ${allowed.join(', ')})`);
    }
    return value as Obj;
  }

  section(value: unknown, path: string, allowed: readonly string[]): Obj | null {
    return value === undefined ? null : this.object(value, path, allowed);
  }

  number(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.error(path, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return min;
    }
    return value;
  }

  int(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.error(path, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return min;
    }
    return value;
  }

  probability(value: unknown, path: string): number {
    return this.number(value, path, 0, 1);
  }

  string(value: unknown, path: string, maxLength: number): string {
    if (typeof value !== 'string' || value.length > maxLength) {
      this.error(path, `must be a string of at most ${maxLength} characters`);
      return '';
    }
    if (LONE_SURROGATE.test(value)) {
      // UTF-8 cannot hold half a surrogate pair: two different strings would encode (and hash) alike.
      this.error(path, 'must be valid Unicode text (it holds half of a surrogate pair)');
      return '';
    }
    return value;
  }

  literal<T extends string | number>(value: unknown, path: string, allowed: readonly T[]): T {
    if (!allowed.includes(value as T)) {
      this.error(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
      return allowed[0]!;
    }
    return value as T;
  }

  array<T>(value: unknown, path: string, maxLength: number, item: (v: unknown, p: string) => T): T[] {
    if (!Array.isArray(value)) {
      this.error(path, 'must be an array');
      return [];
    }
    if (value.length > maxLength) {
      this.error(path, `must have at most ${maxLength} items, has ${value.length}`);
      return [];
    }
    return value.map((v, i) => item(v, `${path}[${i}]`));
  }

  latency(value: unknown, path: string): LatencySpec {
    const o = this.object(value, path, ['kind', 'ms', 'minMs', 'maxMs', 'meanMs', 'jitterMs']);
    const fallback: LatencySpec = { kind: 'constant', ms: 0 };
    if (o === null) return fallback;
    const kind = this.literal(o.kind, `${path}.kind`, ['constant', 'uniform', 'normal'] as const);
    const onlyFields = (fields: string[]): void => {
      for (const k of Object.keys(o)) if (k !== 'kind' && !fields.includes(k)) this.error(`${path}.${k}`, `not a field of a ${kind} latency`);
    };
    if (kind === 'constant') {
      onlyFields(['ms']);
      return { kind, ms: this.number(o.ms, `${path}.ms`, 0, LIMITS.timeMsMax) };
    }
    if (kind === 'uniform') {
      onlyFields(['minMs', 'maxMs']);
      const minMs = this.number(o.minMs, `${path}.minMs`, 0, LIMITS.timeMsMax);
      const maxMs = this.number(o.maxMs, `${path}.maxMs`, 0, LIMITS.timeMsMax);
      if (maxMs < minMs) this.error(`${path}.maxMs`, 'must be >= minMs');
      return { kind, minMs, maxMs };
    }
    onlyFields(['meanMs', 'jitterMs']);
    return { kind, meanMs: this.number(o.meanMs, `${path}.meanMs`, 0, LIMITS.timeMsMax), jitterMs: this.number(o.jitterMs, `${path}.jitterMs`, 0, LIMITS.timeMsMax) };
  }

  regionId(value: unknown, path: string): string {
    if (typeof value !== 'string' || !isRegion(value)) {
      this.error(path, `must be a region (${REGION_IDS.join(', ')}), got ${JSON.stringify(value)}`);
      return REGION_IDS[0]!;
    }
    return value;
  }

  regions(value: unknown, path: string, nodes: number, clients: number): RegionsConfig {
    const o = this.object(value, path, ['nodes', 'clients', 'rttMs', 'jitter']);
    const fallback: RegionsConfig = { nodes: [], clients: null, rttMs: [], jitter: { kind: 'none' } };
    if (o === null) return fallback;
    const list = (v: unknown, p: string, count: number, what: string): string[] => {
      const items = this.array(v, p, LIMITS.clientsMax, (r, q) => this.regionId(r, q));
      if (!this.hasErrorUnder(p) && items.length !== count) this.error(p, `must list one region per ${what} (${count}), has ${items.length}`);
      return items;
    };
    const nodeRegions = list(o.nodes, `${path}.nodes`, nodes, 'node');
    const clientRegions = o.clients === undefined || o.clients === null ? null : list(o.clients, `${path}.clients`, clients, 'client');
    const rttMs =
      o.rttMs === undefined
        ? []
        : this.array(o.rttMs, `${path}.rttMs`, 100, (item, p) => {
            const r = this.object(item, p, ['between', 'ms']);
            if (r === null) return { between: ['us-east', 'us-east'] as [string, string], ms: 1 };
            const between = this.array(r.between, `${p}.between`, 2, (x, q) => this.regionId(x, q));
            if (!this.hasErrorUnder(`${p}.between`) && between.length !== 2) this.error(`${p}.between`, 'must name two regions');
            return { between: [between[0] ?? 'us-east', between[1] ?? 'us-east'] as [string, string], ms: this.number(r.ms, `${p}.ms`, 0, LIMITS.timeMsMax) };
          });
    return { nodes: nodeRegions, clients: clientRegions, rttMs, jitter: o.jitter === undefined ? { kind: 'normal', fraction: 0.02 } : this.jitter(o.jitter, `${path}.jitter`) };
  }

  jitter(value: unknown, path: string): JitterSpec {
    const o = this.object(value, path, ['kind', 'fraction', 'alpha']);
    if (o === null) return { kind: 'none' };
    const kind = this.literal(o.kind, `${path}.kind`, ['none', 'normal', 'pareto'] as const);
    if (kind === 'none') {
      for (const k of ['fraction', 'alpha']) if (o[k] !== undefined) this.error(`${path}.${k}`, 'not a field of a none jitter');
      return { kind };
    }
    const fraction = this.number(o.fraction, `${path}.fraction`, 0, 10);
    if (kind === 'normal') {
      if (o.alpha !== undefined) this.error(`${path}.alpha`, 'not a field of a normal jitter');
      return { kind, fraction };
    }
    // alpha > 1: a finite mean (the tail is heavy, not infinite).
    return { kind, fraction, alpha: this.number(o.alpha, `${path}.alpha`, 1.01, 10) };
  }

  overload(value: unknown, path: string): OverloadConfig {
    const o = this.object(value, path, ['serviceMs', 'queueLimit', 'admitLimit']);
    if (o === null) return { serviceMs: 0, queueLimit: 1, admitLimit: null };
    const serviceMs = this.int(o.serviceMs, `${path}.serviceMs`, 0, 1000);
    const queueLimit = o.queueLimit === undefined ? 10_000 : this.int(o.queueLimit, `${path}.queueLimit`, 1, 100_000);
    const admitLimit = o.admitLimit === undefined || o.admitLimit === null ? null : this.int(o.admitLimit, `${path}.admitLimit`, 0, 100_000);
    if (admitLimit !== null && !this.hasErrorUnder(path) && admitLimit > queueLimit) this.error(`${path}.admitLimit`, 'must be at most queueLimit');
    return { serviceMs, queueLimit, admitLimit };
  }

  retry(value: unknown, path: string): RetryPolicy {
    const o = this.object(value, path, ['policy', 'maxRetries', 'baseMs', 'maxMs', 'budget']);
    if (o === null) return { policy: 'none', maxRetries: 0, baseMs: 0, maxMs: 0, budget: null };
    const policy = this.literal(o.policy, `${path}.policy`, RETRY_POLICIES);
    const maxRetries = o.maxRetries === undefined ? (policy === 'none' ? 0 : 3) : this.int(o.maxRetries, `${path}.maxRetries`, 0, 100);
    const baseMs = o.baseMs === undefined ? 50 : this.int(o.baseMs, `${path}.baseMs`, 0, LIMITS.timeMsMax);
    const maxMs = o.maxMs === undefined ? Math.max(baseMs, 2000) : this.int(o.maxMs, `${path}.maxMs`, 0, LIMITS.timeMsMax);
    if (!this.hasErrorUnder(path) && maxMs < baseMs) this.error(`${path}.maxMs`, 'must be >= baseMs');
    const budget = o.budget === undefined || o.budget === null ? null : this.number(o.budget, `${path}.budget`, 0, 100);
    return { policy, maxRetries, baseMs, maxMs, budget };
  }

  node(value: unknown, path: string, members: ReadonlySet<string>): NodeId {
    if (typeof value !== 'string' || !members.has(value)) {
      this.error(path, `must be a node id of this cluster (${[...members].join(', ')}), got ${JSON.stringify(value)}`);
      return 'n1';
    }
    return value;
  }

  link(value: unknown, path: string, members: ReadonlySet<string>): LinkOverride {
    const o = this.object(value, path, ['from', 'to', 'latency', 'lossProbability']);
    if (o === null) return { from: 'n1', to: 'n1' };
    const link: LinkOverride = { from: this.node(o.from, `${path}.from`, members), to: this.node(o.to, `${path}.to`, members) };
    if (o.latency !== undefined) link.latency = this.latency(o.latency, `${path}.latency`);
    if (o.lossProbability !== undefined) link.lossProbability = this.probability(o.lossProbability, `${path}.lossProbability`);
    return link;
  }

  action(value: unknown, path: string, members: ReadonlySet<string>, untilMs: number, regions: ReadonlySet<string>): OperatorAction {
    const placeholder: OperatorAction = { atMs: 0, type: 'heal' };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.error(path, 'must be an object');
      return placeholder;
    }
    const type = this.literal((value as Obj).type, `${path}.type`, [
      'crash', 'restart', 'pause', 'resume', 'partition', 'heal', 'cut-link', 'heal-link', 'drop-message', 'duplicate-message', 'client-request',
      'power-loss', 'slow-node', 'clock-skew', 'network-storm', 'partition-regions',
    ] as const);
    const fieldsByType: Record<OperatorActionType, string[]> = {
      crash: ['node'], restart: ['node'], pause: ['node'], resume: ['node'],
      partition: ['groups'], heal: [],
      'cut-link': ['from', 'to', 'oneWay'], 'heal-link': ['from', 'to', 'oneWay'],
      'drop-message': ['messageId'], 'duplicate-message': ['messageId'],
      'client-request': ['op', 'key', 'value', 'expected', 'node'],
      'power-loss': ['node'], 'slow-node': ['node', 'factor'], 'clock-skew': ['node', 'rate'],
      'network-storm': ['duplicateProbability', 'reorderProbability'],
      'partition-regions': ['groups'],
    };
    const o = this.object(value, path, ['atMs', 'type', ...fieldsByType[type]]);
    if (o === null) return placeholder;
    const atMs = this.int(o.atMs, `${path}.atMs`, 0, untilMs);
    switch (type) {
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
      case 'power-loss':
        return { atMs, type, node: this.node(o.node, `${path}.node`, members) };
      case 'slow-node':
        return { atMs, type, node: this.node(o.node, `${path}.node`, members), factor: this.number(o.factor, `${path}.factor`, 1, SLOW_FACTOR_MAX) };
      case 'clock-skew':
        return { atMs, type, node: this.node(o.node, `${path}.node`, members), rate: this.number(o.rate, `${path}.rate`, CLOCK_RATE_MIN, CLOCK_RATE_MAX) };
      case 'network-storm':
        return {
          atMs,
          type,
          duplicateProbability: this.probability(o.duplicateProbability, `${path}.duplicateProbability`),
          reorderProbability: this.probability(o.reorderProbability, `${path}.reorderProbability`),
        };
      case 'partition': {
        const groups = this.array(o.groups, `${path}.groups`, LIMITS.nodesMax, (g, p) =>
          this.array(g, p, LIMITS.nodesMax, (id, q) => this.node(id, q, members)),
        );
        const seen = new Set<string>();
        groups.forEach((g, i) =>
          g.forEach((id, j) => {
            const at = `${path}.groups[${i}][${j}]`;
            if (this.hasErrorUnder(at)) return; // an unknown node, already reported
            if (seen.has(id)) this.error(at, `node ${id} is in more than one group`);
            seen.add(id);
          }),
        );
        if (groups.length < 2) this.error(`${path}.groups`, 'a partition needs at least two groups');
        return { atMs, type, groups };
      }
      case 'heal':
        return { atMs, type };
      case 'partition-regions': {
        if (regions.size === 0) {
          this.error(`${path}.type`, 'a region partition needs a regions section');
          return { atMs, type, groups: [] };
        }
        const groups = this.array(o.groups, `${path}.groups`, REGION_IDS.length, (g, p) =>
          this.array(g, p, REGION_IDS.length, (r, q) => {
            if (typeof r !== 'string' || !regions.has(r)) {
              this.error(q, `must be a region of this scenario's nodes or clients (${[...regions].join(', ')}), got ${JSON.stringify(r)}`);
              return '';
            }
            return r;
          }),
        );
        const seen = new Set<string>();
        groups.forEach((g, i) =>
          g.forEach((r, j) => {
            const at = `${path}.groups[${i}][${j}]`;
            if (this.hasErrorUnder(at)) return;
            if (seen.has(r)) this.error(at, `region ${r} is in more than one group`);
            seen.add(r);
          }),
        );
        if (groups.length < 1) this.error(`${path}.groups`, 'a region partition needs at least one group');
        return { atMs, type, groups };
      }
      case 'cut-link':
      case 'heal-link': {
        const from = this.node(o.from, `${path}.from`, members);
        const to = this.node(o.to, `${path}.to`, members);
        if (from === to) this.error(`${path}.to`, 'a link joins two different nodes');
        const oneWay = o.oneWay === undefined ? false : o.oneWay === true;
        if (o.oneWay !== undefined && typeof o.oneWay !== 'boolean') this.error(`${path}.oneWay`, 'must be true or false');
        return { atMs, type, from, to, oneWay };
      }
      case 'drop-message':
      case 'duplicate-message':
        return { atMs, type, messageId: this.int(o.messageId, `${path}.messageId`, 1, Number.MAX_SAFE_INTEGER) };
      case 'client-request': {
        const op = this.literal(o.op, `${path}.op`, ['read', 'write', 'cas'] as const);
        const key = this.string(o.key, `${path}.key`, 64);
        const action: OperatorAction = { atMs, type, op, key };
        if (op !== 'read') action.value = this.string(o.value, `${path}.value`, 256);
        if (op === 'cas') action.expected = this.string(o.expected, `${path}.expected`, 256);
        if (o.node !== undefined) action.node = this.node(o.node, `${path}.node`, members);
        return action;
      }
      default: {
        const never: never = type;
        return never;
      }
    }
  }
}
