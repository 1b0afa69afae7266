/**
 * The lab's typed message protocol between the page and the lab worker (DESIGN.md, "Layers": typed
 * commands in, batched frames out).
 *
 * Everything here is data: the page sends commands and draws the snapshots that come back; every
 * number in a snapshot was computed in the worker by the simulator (or read from its trace). This
 * file imports nothing at run time, so the page bundle never pulls in the simulator.
 *
 * Time: a snapshot is "the cluster after the first `step` steps of the run", where a step fires one
 * timer of the virtual clock. `seek(atMs)` lands on the last step at or before `atMs`, which is what
 * `faultline run --until atMs` computes, so the trace hash shown for that moment equals the CLI's.
 */

import type { History, LinearizabilityResult } from '../check/history';
import type { LatencyBudget, PlacementRow } from '../check/latency-budget';
import type { GoalSpec, GoalStatus } from '../lessons/goals';
import type { SolutionAction } from '../lessons/lesson';
import type { TraceSummary } from '../export/trace-jsonl';
import type { GridShape } from '../protocols/paxos/quorums';

export type { GoalSpec, GoalStatus, SolutionAction, TraceSummary };
export type { Hop, LatencyBudget, PlacementRow } from '../check/latency-budget';

export type NodeStatus = 'up' | 'crashed' | 'paused';
export type RoleName = 'follower' | 'candidate' | 'leader';

/** The protocols the lab draws: `paxos` is single-decree Paxos, `multipaxos` Multi-Paxos (CLI names). */
export type ProtocolName = 'raft' | 'paxos' | 'multipaxos';
export const PROTOCOL_NAMES: readonly ProtocolName[] = ['raft', 'paxos', 'multipaxos'];

/**
 * A Paxos node's proposer and acceptor (Lamport, "Paxos Made Simple"). Ballots are integers
 * (round * 16 + the proposer's number); each comes with its label "round.proposer" ("3.n2"; "-" for none).
 */
export interface PaxosNodeView {
  /** Acceptor: the highest ballot it promised (phase 1b), as its disk holds it once the write is durable. */
  readonly promised: number;
  readonly promisedLabel: string;
  /** Proposer: the ballot it leads or tries (a follower: the last one it tried; 0 if none). */
  readonly ballot: number;
  readonly ballotLabel: string;
  /** Proposer phase: idle (follower), prepare (candidate: phase 1, gathering promises), accept (leader: phase 2). */
  readonly phase: 'idle' | 'prepare' | 'accept';
  /**
   * Candidate: the acceptors that promised its ballot so far; leader: the phase-1 quorum it won with.
   * Empty for a follower.
   */
  readonly promises: readonly string[];
  /** Leader: slots proposed (phase 2a sent) and not yet known chosen. */
  readonly inFlightSlots: number;
  /** Slots this node has learned chosen (as a learner). */
  readonly chosenSlots: number;
  /**
   * Slots before this one were applied from a snapshot (its own, restored on restart, or the leader's):
   * its state machine covers them but it holds no value for them. 1 when it has none.
   */
  readonly heldFrom: number;
  /** The highest slot it accepted a value for or learned chosen (0 if none). */
  readonly highestSlot: number;
}

/** One node at one moment. A crashed node shows what is on its disk (term, vote, log). */
export interface NodeSnapshot {
  readonly id: string;
  readonly status: NodeStatus;
  /** Role while up or paused; `follower` while crashed (a node always restarts as a follower). */
  readonly role: RoleName;
  readonly term: number;
  readonly votedFor: string | null;
  readonly leaderId: string | null;
  readonly commitIndex: number;
  readonly lastApplied: number;
  /**
   * The last index (Raft) or slot (Paxos) of the node's latest snapshot of its state machine, on
   * disk if it is crashed: what a restart resumes from (Raft section 7). 0 when it has none.
   */
  readonly snapshotIndex: number;
  readonly logLength: number;
  readonly lastLogTerm: number;
  /** When the election timer fires (followers and candidates that are up); null otherwise. */
  readonly electionDeadlineMs: number | null;
  /** When the running election timer was armed, so the view can draw it as a countdown arc. */
  readonly electionArmedAtMs: number | null;
  /** Leader only: per follower, the next index to send and the highest index known replicated. */
  readonly nextIndex: Readonly<Record<string, number>> | null;
  readonly matchIndex: Readonly<Record<string, number>> | null;
  /** Candidate or leader: who granted this node a vote in its current term (itself included). */
  readonly votesGranted: readonly string[];
  /** The applied key-value state, sorted by key. */
  readonly kv: ReadonlyArray<readonly [string, string]>;
  /** A slow-node fault: its fsyncs and sends take this many times as long (1 = healthy). */
  readonly slowFactor: number;
  /** A clock-skew fault: its clock runs at this rate (1 = in step). */
  readonly clockRate: number;
  /**
   * Paxos runs only (null for Raft). The Raft-shaped fields then mean: term = the promised ballot,
   * votedFor = null, votesGranted = paxos.promises, commitIndex = lastApplied = the slot up to which
   * every value is chosen and applied, logLength = paxos.highestSlot, lastLogTerm = the ballot of the
   * value accepted there, nextIndex = matchIndex = null.
   */
  readonly paxos: PaxosNodeView | null;
}

/** A log entry as the log table shows it. */
export interface LogEntryView {
  readonly index: number;
  readonly term: number;
  /** "noop", "write x=3", "cas x 1->2", "read x". Paxos: the value accepted at the slot ('' if none). */
  readonly label: string;
  /**
   * Paxos only (a slot of the acceptor and learner): `term` is the ballot the value was accepted in
   * (0 when nothing was), `ballotLabel` its label; `chosen` the value this node learned chosen there,
   * or null when it has not learned one (it may differ from the value it accepted, which then lost).
   */
  readonly ballotLabel?: string;
  readonly chosen?: string | null;
}

/** One node's log in the window [LogsView.startIndex, LogsView.endIndex]. */
export interface LogRow {
  readonly node: string;
  readonly length: number;
  readonly commitIndex: number;
  /** Entries of the window that this node has, in index order (starting at the window start). */
  readonly entries: readonly LogEntryView[];
}

export interface LogsView {
  /** The window shown: the last LOG_WINDOW indexes of the longest log (1-based, inclusive). */
  readonly startIndex: number;
  readonly endIndex: number;
  readonly rows: readonly LogRow[];
}

export type MessageCategory = 'vote' | 'vote-reply' | 'append' | 'append-reply' | 'client' | 'client-reply';

/** A message on the wire at the snapshot's moment. */
export interface MessageView {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly type: string;
  readonly category: MessageCategory;
  readonly term: number;
  /** The trace's one-line summary of the message's fields. */
  readonly detail: string;
  readonly sentAtMs: number;
  /** When it arrives (or arrived, or would have). Position on the link = (now - sent) / (deliver - sent). */
  readonly deliverAtMs: number;
  /** A heartbeat: an AppendEntries with no entries (Paxos: a Heartbeat carrying no chosen values). */
  readonly heartbeat: boolean;
  /** Paxos: the message's ballot (its `term`) as "round.proposer"; absent for Raft. */
  readonly ballotLabel?: string;
}

/**
 * The messages in flight in a frame, as a change to the previous frame's: a message's view never
 * changes within a run's timeline (sent, it has its route and its arrival time), so each goes to the
 * page once, while it is in flight, instead of in every frame (about 300 objects 60 times a second were
 * a third of the page's frame time in the map benchmark). The page keeps exactly the messages of the
 * previous frame, and so does the worker's record of what the page has.
 */
export interface MessageDelta {
  /** Forget every message held first (a new run, or a fork that rewrote the future). */
  readonly reset: boolean;
  /** Messages in flight now that were not in flight in the previous frame. */
  readonly added: readonly MessageView[];
  /** Every message id in flight now, in the snapshot's order (ascending id). */
  readonly inFlight: Float64Array;
}

/**
 * A quorum that did something: the voters that elected a leader, or the replicas that committed an entry.
 * Paxos: `vote` is a phase-1 quorum (the acceptors whose promises made the proposer leader of its
 * ballot), `commit` a phase-2 quorum (the acceptors whose accepts chose slot `index`); `term` is the ballot.
 */
export interface QuorumView {
  readonly id: string;
  readonly kind: 'vote' | 'commit';
  readonly term: number;
  /** For commits: the commit index the leader reached (Paxos: the slot chosen). */
  readonly index: number | null;
  /** Paxos: the ballot's label ("3.n2"); absent for Raft. */
  readonly ballotLabel?: string;
  readonly leader: string;
  readonly nodes: readonly string[];
  readonly atMs: number;
  readonly step: number;
}

export interface ViolationView {
  readonly invariant: string;
  /** The invariant's one-line statement. */
  readonly explanation: string;
  /** What happened, in plain words. */
  readonly message: string;
  readonly atMs: number;
  /** The step after which the property no longer held ("jump to cause" seeks here). */
  readonly step: number;
  readonly eventIndex: number;
  readonly nodes: readonly string[];
  /** The log index involved, when the property is about a log entry. */
  readonly logIndex: number | null;
  /** The trace event that caused it, formatted. */
  readonly cause: string;
}

export type MarkerKind = 'election' | 'fault' | 'action' | 'violation';

export interface TimelineMarker {
  readonly kind: MarkerKind;
  readonly atMs: number;
  readonly step: number;
  readonly label: string;
}

export interface InvariantStatus {
  readonly name: string;
  readonly explanation: string;
  /** Violations of this invariant at or before the snapshot's moment. */
  readonly violations: number;
}

/** What the cluster view draws: sent with every frame, so it is kept small. */
export interface ClusterSnapshot {
  /** Virtual time of the moment shown. */
  readonly nowMs: number;
  /** Steps executed up to this moment (0 = just booted). */
  readonly step: number;
  readonly nodes: readonly NodeSnapshot[];
  /** Messages in flight, oldest first, at most MESSAGE_LIMIT of them. */
  readonly messages: readonly MessageView[];
  /** How many were in flight in all (more than `messages.length` when capped). */
  readonly messagesInFlight: number;
  /** Current partition (nodes not listed are with everyone); empty when there is none. */
  readonly partition: ReadonlyArray<readonly string[]>;
  /** Cut links, directed: [from, to] means messages from `from` to `to` are lost. */
  readonly cutLinks: ReadonlyArray<readonly [string, string]>;
  /** A network storm: extra duplication and reordering on every link (0 and 0 when calm). */
  readonly storm: { readonly duplicateProbability: number; readonly reorderProbability: number };
  readonly clientOps: { readonly invoked: number; readonly ok: number; readonly fail: number; readonly info: number };
  /** Violations at or before this moment (the full list is in PanelSnapshot). */
  readonly violationCount: number;
}

/**
 * What the tables beside the cluster show (logs, safety, quorums, events, the trace hash). Sent with
 * every frame while paused or stepping, and a few times a second while playing: the page reads them,
 * it does not watch them move, and decoding and re-rendering them 60 times a second cost frames.
 */
export interface PanelSnapshot {
  /** The moment these panels describe (equal to the frame's snapshot when sent with it). */
  readonly nowMs: number;
  readonly step: number;
  /** Trace events up to this moment, and their hash: equal to `faultline run --until nowMs`'s. */
  readonly eventCount: number;
  readonly traceHash: string;
  /** The nodes at this moment (as in the ClusterSnapshot), for the tables. */
  readonly nodes: readonly NodeSnapshot[];
  readonly logs: LogsView;
  /** The latest quorums, newest last (at most QUORUM_LIMIT). */
  readonly quorums: readonly QuorumView[];
  readonly invariants: readonly InvariantStatus[];
  readonly violations: readonly ViolationView[];
  /** The last RECENT_EVENT_LIMIT trace events up to this moment, formatted, newest last. */
  readonly recentEvents: readonly string[];
  /** Set when the record hit one of its bounds (RECORD_LIMITS): what can no longer be shown. */
  readonly recordNote: string | null;
  /** What the side-by-side comparison shows, up to this moment. */
  readonly stats: RunStats;
  /** Paxos: every phase-1 and phase-2 quorum the run used up to this moment (distinct sets), for the quorum explorer. */
  readonly usedQuorums: UsedQuorums | null;
  /** The goals set by the `goals` command (a lesson step's), each checked against the run up to this moment. */
  readonly goals: readonly GoalStatus[];
  /** Geo-replication figures up to this moment (lab-geo.ts); null when the run has no regions. */
  readonly geo: PanelGeo | null;
}

/**
 * A run's cost and speed up to a moment, measured as `npm run bench`'s protocol comparison does
 * (src/cli/bench-protocols.ts): client latency from invoke to ok of every operation that completed
 * ok, and node-to-node messages sent per such operation.
 */
export interface RunStats {
  readonly okOps: number;
  /** Nearest-rank percentiles in virtual ms; null before any operation completed. */
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  /** Messages sent between nodes (client requests and replies not counted). */
  readonly messagesSent: number;
  /** messagesSent / okOps; null before any operation completed. */
  readonly messagesPerOk: number | null;
}

/** A distinct set of acceptors used as a quorum, how many times, and the last ballot that used it. */
export interface UsedQuorum {
  readonly nodes: readonly string[];
  readonly count: number;
  readonly lastBallotLabel: string;
}

export interface UsedQuorums {
  readonly phase1: readonly UsedQuorum[];
  readonly phase2: readonly UsedQuorum[];
}

export const LOG_WINDOW = 24;
export const MESSAGE_LIMIT = 400;
export const QUORUM_LIMIT = 8;
export const RECENT_EVENT_LIMIT = 40;

/**
 * What the page asks for. The fields mean what the CLI's `run` flags mean (`--scenario`, `--protocol`,
 * `--nodes`, `--seed`, `--bug`, `--load`, `--nemesis`); null means "as the scenario file says, or the
 * default", exactly as an absent flag does. URL parameters use the same names (src/ui/lab/url-state.ts).
 */
export interface LabConfig {
  /** A bundled scenario by name (scenarios/<name>.json), or null for the defaults. */
  readonly scenario: string | null;
  readonly protocol: string | null;
  readonly nodes: number | null;
  readonly seed: number | null;
  /** Bug variant flags (empty = correct Raft); null = the scenario's. */
  readonly bugs: readonly string[] | null;
  /** Background client load, operations per second. */
  readonly loadOpsPerSec: number | null;
  readonly nemesis: readonly string[] | null;
  /** Paxos phase-1 and phase-2 quorum sizes (CLI --q1, --q2; Flexible Paxos); null = majorities. A Raft run refuses them. */
  readonly q1: number | null;
  readonly q2: number | null;
  /**
   * Paxos: a grid quorum system of rows x columns (CLI --grid RxC, URL `grid=3x3`) instead of sizes; the
   * cluster takes rows x columns nodes unless `nodes` says otherwise. Absent or null: none.
   */
  readonly grid?: GridShape | null;
  /** Operator actions added in the lab: the run's input, each at its virtual time. */
  readonly actions: readonly LabTimedAction[];
  /**
   * Geo-replication (CLI --regions): node i in regions[i mod len], client i likewise; null or absent = no
   * regions (the scenario's own section, if it has one). URL `regions=us-east,us-west,eu-west`.
   */
  readonly regions?: readonly string[] | null;
  /** RTT overrides of some region pairs (scenario regions.rttMs), URL `rtt=us-east~eu-west:70`; absent = none. */
  readonly rtt?: readonly LabRttOverride[];
  /**
   * A scenario file the user imported (its name and JSON text), in place of a bundled `scenario`: the
   * CLI's `--scenario FILE`. The lab runs it past its `untilMs` (that moment is shown on import), so
   * the run can go on. A link cannot carry a file: the page says so (App.svelte, imported-url.ts).
   */
  readonly scenarioFile?: ScenarioFileInput | null;
}

/** A scenario file's name and text, as the page read it. */
export interface ScenarioFileInput {
  readonly name: string;
  readonly text: string;
}

/** What the worker exports of a run (the page exports the view itself: svg/png). */
export type ExportKind = 'scenario' | 'trace' | 'history-edn' | 'history-json';

/** An average round-trip time (ms) between two regions, replacing the approximate table's. */
export interface LabRttOverride {
  readonly between: readonly [string, string];
  readonly ms: number;
}

/** A region as the map places it (src/sim/regions.ts). */
export interface RegionView {
  readonly id: string;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
}

/** Where a geo run's nodes and clients are: static, sent once per load (RunInfo.geo). */
export interface RunGeo {
  /** The regions holding a node or a client, in first-use order (nodes first). */
  readonly regions: readonly RegionView[];
  readonly nodeRegions: Readonly<Record<string, string>>;
  readonly clientRegions: Readonly<Record<string, string>>;
  /** The RTT table's attribution and the word approximate (REGIONS_ABOUT). */
  readonly about: string;
  /** Average RTT (ms) of every pair of the regions used, as the run uses them (overrides applied). */
  readonly rttMs: readonly GeoPairRtt[];
}

export interface GeoPairRtt {
  readonly between: readonly [string, string];
  readonly ms: number;
  /** True when the run overrides the table's figure for this pair. */
  readonly overridden: boolean;
  /** The physics floor of the round trip: 2 x great circle / 200 km per ms. */
  readonly floorMs: number;
}

/** Latency percentiles (ms) over the samples up to a moment. */
export interface GeoPercentiles {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
}

/** Geo figures at one moment (PanelSnapshot.geo): measured up to it, and the analytic budget for its leader. */
export interface PanelGeo {
  /** Invoke-to-ok latency of the clients of each region, up to the moment (src/check/metrics.ts). */
  readonly clientLatencyMs: Readonly<Record<string, GeoPercentiles>>;
  /** At the leader: append (propose) to commit (chosen), up to the moment. */
  readonly quorumAckMs: GeoPercentiles;
  /** The leader at this moment (the up leader of the highest term), or null. */
  readonly leader: string | null;
  readonly leaderRegion: string | null;
  /** Replicas a commit needs, the leader included (Raft majority, Multi-Paxos |Q2|). */
  readonly quorum: number;
  /** The budget per client region for that leader (src/check/latency-budget.ts); empty without a leader or a model. */
  readonly budget: readonly LatencyBudget[];
  /** Expected commit latency per client region, for each region that could lead. */
  readonly placement: readonly PlacementRow[];
  /** Why there is no budget (single-decree Paxos has no stable leader), else null. */
  readonly note: string | null;
}

/** An operator action as the page sends it (the worker stamps the time). */
export type LabAction =
  | { type: 'crash'; node: string }
  | { type: 'restart'; node: string }
  | { type: 'pause'; node: string }
  | { type: 'resume'; node: string }
  | { type: 'partition'; groups: string[][] }
  | { type: 'heal' }
  | { type: 'cut-link'; from: string; to: string; oneWay: boolean }
  | { type: 'heal-link'; from: string; to: string; oneWay: boolean }
  | { type: 'drop-message'; messageId: number }
  | { type: 'duplicate-message'; messageId: number }
  | { type: 'client-request'; op: 'read' | 'write' | 'cas'; key: string; value?: string; expected?: string; node?: string }
  | { type: 'power-loss'; node: string }
  | { type: 'slow-node'; node: string; factor: number }
  | { type: 'clock-skew'; node: string; rate: number }
  | { type: 'network-storm'; duplicateProbability: number; reorderProbability: number };

export type LabTimedAction = LabAction & { atMs: number };

/** Static facts about the loaded run, sent once per load. */
export interface RunInfo {
  readonly config: LabConfig;
  /** The values in effect (the config's, or the scenario's, or the defaults). */
  readonly protocol: ProtocolName;
  readonly nodes: number;
  readonly seed: number;
  readonly bugs: readonly string[];
  readonly loadOpsPerSec: number;
  readonly nemesis: readonly string[];
  /** Paxos: the quorum sizes in force (null for Raft); with a grid, a column's and a row's. */
  readonly phase1Quorum: number | null;
  readonly phase2Quorum: number | null;
  /** Paxos: the grid in force (phase 1 a whole column, phase 2 a whole row), or null. */
  readonly grid: GridShape | null;
  /** Paxos with |Q1| + |Q2| <= N: why some phase-1 and phase-2 quorums miss each other (the run goes ahead). Else null. */
  readonly quorumWarning: string | null;
  /** Bundled scenarios the page may offer. */
  readonly scenarios: readonly string[];
  readonly members: readonly string[];
  readonly heartbeatMs: number;
  readonly electionTimeoutMinMs: number;
  readonly electionTimeoutMaxMs: number;
  readonly scenarioName: string;
  /** The run ends here (the scenario's untilMs, or the lab's cap). */
  readonly endMs: number;
  /** The CLI command that computes the same run (the hash at `t` matches its `--until t`). */
  readonly cliCommand: string;
  /** Where the nodes and clients are (a run with regions), else null. */
  readonly geo: RunGeo | null;
}

export type LabCommand =
  | { type: 'load'; config: LabConfig; /** Seek here once loaded (the URL's t). */ atMs: number }
  | { type: 'play' }
  | { type: 'pause' }
  /** One step forward (running the simulator if at the frontier) or back. */
  | { type: 'step'; direction: 1 | -1 }
  | { type: 'seek'; atMs: number }
  | { type: 'seek-step'; step: number }
  /** Virtual milliseconds per wall millisecond, SPEED_MIN to SPEED_MAX. */
  | { type: 'speed'; speed: number }
  | { type: 'act'; action: LabAction }
  /** Sent after each frame is drawn, so frames never pile up behind a busy page. */
  | { type: 'ack'; frame: number }
  /** Check the clients' history of the run, up to the moment shown, for linearizability. */
  | { type: 'lincheck' }
  /** Parse and check a history file (JSON, Jepsen log lines, Jepsen EDN). */
  | { type: 'import-history'; name: string; text: string }
  /** A lesson step's goals: checked against the run with every PanelSnapshot from now on (empty: none). */
  | { type: 'goals'; goals: readonly GoalSpec[] }
  /** Play at the current speed and pause at a cue: a moment, or the first moment a goal holds (within `withinMs`). */
  | { type: 'play-to'; cue: PlayCue }
  /** "Show me": apply a lesson step's solution from where the run stands, then run on until the goals hold. */
  | { type: 'solve'; solution: readonly SolutionAction[]; goals: readonly GoalSpec[]; withinMs: number }
  /** The run between two moments as Mermaid sequence-diagram text (src/export/mermaid.ts). */
  | { type: 'mermaid'; fromMs: number; toMs: number }
  /** The telemetry panel opened (`on`) or closed: frames carry `telemetry` only while it is open. */
  | { type: 'telemetry'; on: boolean }
  /** The run's metrics time series up to the moment shown, as CSV and JSON (replies `metrics`). */
  | { type: 'metrics' }
  /** A file of the run up to the moment shown (replies `exported`, or `error` with this id). */
  | { type: 'export'; id: number; what: ExportKind }
  /**
   * A file the user dropped or picked: a scenario (loaded as the run), a trace (validated and
   * summarised: `trace-file`) or a client history (checked: `history`). The worker reads the Blob itself.
   */
  | { type: 'import-file'; name: string; file: Blob }
  /** Replay an imported trace's scenario and compare the run with the file's events (their count and hash). */
  | { type: 'replay-trace'; name: string; scenarioText: string; events: number; traceHash: string };

export type PlayCue = { readonly atMs: number } | { readonly goal: GoalSpec; readonly withinMs: number };

/** A period when something was broken, to shade on the history's time axis. */
/**
 * One bucket of the operator's telemetry: src/check/metrics.ts's MetricsBucket as the run measured it
 * (bucket `index` covers [index * bucketMs, (index + 1) * bucketMs) of virtual time), plus the lab's
 * commit-index check for it.
 */
export interface TelemetryBucket {
  readonly index: number;
  readonly startMs: number;
  /** The leader at the end of the bucket, or null. */
  readonly leader: string | null;
  /** The highest term (Paxos: ballot) seen so far. */
  readonly term: number;
  readonly leaderChanges: number;
  readonly leaderChangesPerMin: number;
  /** Each node's commit point at the end of the bucket (Raft commit index; Paxos highest chosen slot learned). */
  readonly commitIndex: Readonly<Record<string, number>>;
  readonly quorumAckMs: GeoPercentiles;
  /** By the client's region ("all" without regions); only regions with an ok in the bucket. */
  readonly clientLatencyMs: Readonly<Record<string, GeoPercentiles>>;
  /** Requests refused by admission control or dropped by a full queue, by reason. */
  readonly rejected: Readonly<Record<string, number>>;
  readonly retries: number;
  readonly timeouts: number;
  /** Most messages in flight at once during the bucket. */
  readonly inFlightMax: number;
  /** Nodes whose commit index went down during the bucket while they stayed up (CommitMonotonicity): always empty in a correct run. */
  readonly commitDecreased: readonly string[];
}

/** A node's commit index going down while it stayed up (lab-telemetry.ts, CommitMonotonicity). */
export interface CommitDecrease {
  readonly node: string;
  readonly atMs: number;
  readonly from: number;
  readonly to: number;
}

/**
 * The telemetry panel's data with one frame (LabReply `frame`): the buckets up to the moment shown,
 * sent as appends. `reset`: drop every bucket held first. Then keep only buckets with index >= fromIndex
 * (a bounded window: the last TELEMETRY_WINDOW_BUCKETS before the moment shown).
 */
export interface TelemetryFrame {
  readonly reset: boolean;
  readonly bucketMs: number;
  readonly fromIndex: number;
  readonly buckets: readonly TelemetryBucket[];
  /** Whole buckets up to the moment shown (the series' length; the buckets held are its tail). */
  readonly bucketCount: number;
  /** Fault periods up to the moment shown that reach into the window (open ones end at the moment). */
  readonly faults: readonly FaultPeriod[];
  readonly nodes: readonly string[];
  /** The client latency series: one per client region, or ["all"] without regions. */
  readonly clientRegions: readonly string[];
  /** Rejection reasons with a series (the simulator's two, plus any other seen). */
  readonly rejectReasons: readonly string[];
  /** The cluster configuration's version: always 1 (the lab has no membership change yet). */
  readonly configVersion: number;
  /** Commit-index decreases up to the moment shown, in the whole run (not only the window); at most 20, oldest first. */
  readonly commitDecreases: readonly CommitDecrease[];
  readonly commitDecreaseCount: number;
}

export const TELEMETRY_BUCKET_MS = 500;
/** 120 s of virtual time at 500 ms buckets. */
export const TELEMETRY_WINDOW_BUCKETS = 240;

export interface FaultPeriod {
  readonly fromMs: number;
  readonly toMs: number;
  readonly label: string;
}

export type LabReply =
  | { type: 'loaded'; info: RunInfo }
  | {
      type: 'frame';
      frame: number;
      playing: boolean;
      speed: number;
      /** The recorded run ends here; moments before it are replayed from the record. */
      frontierMs: number;
      totalSteps: number;
      /** The cluster at this moment, its messages in flight sent as `messages` (a delta) instead. */
      snapshot: Omit<ClusterSnapshot, 'messages'>;
      messages: MessageDelta;
      /** The tables' data for the same moment, or null when they are not refreshed with this frame. */
      panels: PanelSnapshot | null;
      /** Markers new since the previous frame; `resetMarkers` means drop all earlier ones first. */
      markers: readonly TimelineMarker[];
      resetMarkers: boolean;
      /** The telemetry panel's data (lab-telemetry.ts), while the page asked for it (`telemetry` on), else null. */
      telemetry?: TelemetryFrame | null;
    }
  /** A history and its linearizability verdict (the run's, or an imported file's). */
  | { type: 'history'; source: 'run' | 'file'; name: string; history: History; result: LinearizabilityResult; faults: readonly FaultPeriod[] }
  /** The run's input changed (an operator action): what the URL must now hold. */
  | { type: 'input'; config: LabConfig }
  /** An action at a moment before the frontier discarded the old future. */
  | { type: 'forked'; atMs: number; discardedActions: number; rerunMs: number; config: LabConfig }
  /** The run paused itself: a violation, the end of the run, or a cue of `play-to` (met, or not within its time). */
  | { type: 'stopped'; reason: 'violation' | 'end' | 'cue'; message: string }
  /** The answer to `solve`: whether every goal holds now. */
  | { type: 'solved'; met: boolean; message: string }
  | { type: 'mermaid'; fromMs: number; toMs: number; text: string; arrows: number; truncated: boolean }
  /** The answer to `metrics`: the series up to `upToMs` (whole buckets), as `faultline run --metrics` writes it. */
  | { type: 'metrics'; upToMs: number; buckets: number; csv: string; json: string }
  /**
   * The answer to `export`: the file (a Blob made in the worker, so a large file never passes through
   * the page as one string), its suggested name, and a sentence saying what it holds.
   */
  | { type: 'exported'; id: number; what: ExportKind; fileName: string; mimeType: string; data: Blob; note: string }
  /** An imported trace file, validated and summarised (src/export/trace-jsonl.ts). */
  | { type: 'trace-file'; summary: TraceSummary }
  /** An import or a replay did something the user should read (a scenario loaded, a replay compared). */
  | { type: 'imported'; kind: 'scenario' | 'replay'; name: string; ok: boolean; message: string }
  | {
      type: 'error';
      message: string;
      /** The command was refused; the run is unchanged. */
      recoverable: boolean;
      /** The `export` command this answers, when it answers one. */
      id?: number;
    };

export const SPEED_MIN = 0.001;
export const SPEED_MAX = 10;
export const SPEED_DEFAULT = 0.05;

/** Ends every exhaustive switch: unreachable at compile time, a loud error at run time. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
