/**
 * The lab's state in the URL: the run's inputs and the moment shown, so a link reproduces exactly
 * what its author saw. Parameter names and meanings are the CLI's (`faultline run --protocol
 * --nodes --seed --bug --scenario --load --nemesis --q1 --q2`, and `t` = `--until` in ms); `actions` holds the
 * operator actions (base64url JSON). Absent parameters mean the CLI's defaults.
 *
 * Parsing never throws: every problem becomes a message naming the parameter, and the bad parameter
 * is ignored (the worker then validates the whole config again and names anything left).
 */
import type { LabConfig, LabRttOverride, LabTimedAction } from '../../worker/lab-protocol';
import { REGION_IDS } from '../../sim/regions';
import { formatGrid, parseGrid } from '../../protocols/paxos/quorums';

export interface UrlState {
  config: LabConfig;
  atMs: number;
  /** One line per problem: "seed: expected a whole number from 0 to 4294967295, got "x"". */
  problems: string[];
  /** `layout=map`: the cluster drawn on the world map (a run with regions); absent = the ring. */
  layout?: 'map';
}

/** Bounds the page itself can check (the worker checks everything again). */
const SEED_MAX = 0xffff_ffff;
const NODES_MIN = 1;
const NODES_MAX = 9;
/** Paxos quorum sizes (the CLI's --q1 and --q2 take 1 to 9; the worker checks them against the cluster size). */
const QUORUM_MIN = 1;
const QUORUM_MAX = 9;
const LOAD_MAX = 10_000;
const T_MAX_MS = 24 * 3600 * 1000;
const ACTIONS_TEXT_MAX = 64 * 1024;
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const KNOWN = new Set(['protocol', 'nodes', 'seed', 'bug', 'scenario', 't', 'load', 'nemesis', 'q1', 'q2', 'grid', 'actions', 'regions', 'rtt', 'layout']);
/** RTT overrides: each 0.1 to 2000 ms, at most one per pair of the ten regions. */
const RTT_MS_MAX = 2000;
const RTT_PAIRS_MAX = 45;

/** `regions=us-east,eu-west`: known region ids, in order (repeats allowed: two nodes in one region). */
export function parseRegions(text: string, problems: string[]): string[] | null {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) {
    problems.push('regions: expected a list of regions such as us-east,us-west,eu-west');
    return null;
  }
  const unknown = [...new Set(items.filter((r) => !REGION_IDS.includes(r)))];
  if (unknown.length > 0) {
    problems.push(`regions: unknown region${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r.slice(0, 40)}"`).join(', ')} (known: ${REGION_IDS.join(', ')})`);
    return null;
  }
  return items;
}

/** `rtt=us-east~eu-west:70,us-west~ap-tokyo:95.5`: average RTTs (ms) of region pairs. */
export function parseRtt(text: string, problems: string[]): LabRttOverride[] | null {
  const out: LabRttOverride[] = [];
  const seen = new Set<string>();
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([a-z0-9-]{1,40})~([a-z0-9-]{1,40}):(\d{1,4}(?:\.\d)?)$/.exec(item);
    if (m === null) {
      problems.push(`rtt: "${item.slice(0, 40)}" is not region~region:ms (e.g. us-east~eu-west:70)`);
      return null;
    }
    const [, a, b, msText] = m as unknown as [string, string, string, string];
    const unknown = [a, b].filter((r) => !REGION_IDS.includes(r));
    if (unknown.length > 0) {
      problems.push(`rtt: unknown region${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')} (known: ${REGION_IDS.join(', ')})`);
      return null;
    }
    const ms = Number(msText);
    if (a === b || ms < 0.1 || ms > RTT_MS_MAX) {
      problems.push(a === b ? `rtt: "${item}" names one region twice` : `rtt: ${a}~${b} must be from 0.1 to ${RTT_MS_MAX} ms, got ${msText}`);
      return null;
    }
    const key = [a, b].sort().join('~');
    if (seen.has(key)) {
      problems.push(`rtt: ${a}~${b} is given twice`);
      return null;
    }
    seen.add(key);
    out.push({ between: [a, b], ms });
  }
  if (out.length > RTT_PAIRS_MAX) {
    problems.push(`rtt: at most ${RTT_PAIRS_MAX} pairs`);
    return null;
  }
  return out;
}

export function formatRtt(rtt: readonly LabRttOverride[]): string {
  return rtt.map((o) => `${o.between[0]}~${o.between[1]}:${o.ms}`).join(',');
}

function wholeNumber(text: string, name: string, min: number, max: number, problems: string[]): number | null {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    problems.push(`${name}: expected a whole number from ${min} to ${max}, got "${text.slice(0, 40)}"`);
    return null;
  }
  return Number(text);
}

function nameList(text: string, name: string, problems: string[]): string[] | null {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'none');
  const bad = items.find((s) => !NAME.test(s));
  if (bad !== undefined) {
    problems.push(`${name}: "${bad.slice(0, 40)}" is not a valid name`);
    return null;
  }
  return items;
}

export function encodeActions(actions: readonly LabTimedAction[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(actions));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeActions(text: string): { actions: LabTimedAction[] } | { problem: string } {
  if (text.length > ACTIONS_TEXT_MAX) return { problem: `actions: longer than ${ACTIONS_TEXT_MAX} characters` };
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return { problem: 'actions: not base64url text' };
  let json: unknown;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { problem: 'actions: could not be decoded (the link may be cut short)' };
  }
  if (!Array.isArray(json)) return { problem: 'actions: expected a list of actions' };
  for (let i = 0; i < json.length; i++) {
    const a = json[i] as unknown;
    if (typeof a !== 'object' || a === null || typeof (a as { type?: unknown }).type !== 'string' || typeof (a as { atMs?: unknown }).atMs !== 'number') {
      return { problem: `actions[${i}]: expected an object with a type and an atMs` };
    }
  }
  return { actions: json as LabTimedAction[] };
}

export function parseUrlState(search: string): UrlState {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  for (const key of new Set(params.keys())) {
    if (!KNOWN.has(key)) problems.push(`${key.slice(0, 40)}: not a parameter Faultline knows (known: ${[...KNOWN].join(', ')})`);
  }
  const get = (name: string): string | null => {
    const all = params.getAll(name);
    return all.length === 0 ? null : all[all.length - 1]!;
  };
  const config: { -readonly [K in keyof LabConfig]: LabConfig[K] } = {
    scenario: null, protocol: null, nodes: null, seed: null, bugs: null, loadOpsPerSec: null, nemesis: null, q1: null, q2: null, actions: [],
  };
  const scenario = get('scenario');
  if (scenario !== null) {
    if (NAME.test(scenario)) config.scenario = scenario;
    else problems.push(`scenario: "${scenario.slice(0, 40)}" is not a valid scenario name`);
  }
  const protocol = get('protocol');
  if (protocol !== null) {
    if (NAME.test(protocol)) config.protocol = protocol;
    else problems.push(`protocol: "${protocol.slice(0, 40)}" is not a valid name`);
  }
  const nodes = get('nodes');
  if (nodes !== null) config.nodes = wholeNumber(nodes, 'nodes', NODES_MIN, NODES_MAX, problems);
  const seed = get('seed');
  if (seed !== null) config.seed = wholeNumber(seed, 'seed', 0, SEED_MAX, problems);
  const q1 = get('q1');
  if (q1 !== null) config.q1 = wholeNumber(q1, 'q1', QUORUM_MIN, QUORUM_MAX, problems);
  const q2 = get('q2');
  if (q2 !== null) config.q2 = wholeNumber(q2, 'q2', QUORUM_MIN, QUORUM_MAX, problems);
  const grid = get('grid');
  if (grid !== null) {
    const shape = parseGrid(grid);
    if (shape === null || shape.rows * shape.columns > NODES_MAX) problems.push(`grid: expected ROWSxCOLUMNS of at most ${NODES_MAX} nodes, such as 3x3, got "${grid.slice(0, 40)}"`);
    else config.grid = shape;
  }
  const load = get('load');
  if (load !== null) {
    const n = Number(load);
    if (load.trim() === '' || !Number.isFinite(n) || n < 0 || n > LOAD_MAX) problems.push(`load: expected a number of operations per second from 0 to ${LOAD_MAX}, got "${load.slice(0, 40)}"`);
    else config.loadOpsPerSec = n;
  }
  const bugs = params.getAll('bug');
  if (bugs.length > 0) {
    const list = nameList(bugs.join(','), 'bug', problems);
    if (list !== null) config.bugs = list;
  }
  const nemesis = get('nemesis');
  if (nemesis !== null) {
    const list = nameList(nemesis, 'nemesis', problems);
    if (list !== null) config.nemesis = list;
  }
  const actions = get('actions');
  if (actions !== null && actions !== '') {
    const decoded = decodeActions(actions);
    if ('problem' in decoded) problems.push(decoded.problem);
    else config.actions = decoded.actions;
  }
  const regions = get('regions');
  if (regions !== null) {
    const list = parseRegions(regions, problems);
    if (list !== null) config.regions = list;
  }
  const rtt = get('rtt');
  if (rtt !== null && rtt !== '') {
    const list = parseRtt(rtt, problems);
    if (list !== null && list.length > 0) config.rtt = list;
  }
  let layout: 'map' | undefined;
  const layoutText = get('layout');
  if (layoutText !== null) {
    if (layoutText === 'map') layout = 'map';
    else if (layoutText !== 'ring') problems.push(`layout: expected ring or map, got "${layoutText.slice(0, 40)}"`);
  }
  let atMs = 0;
  const t = get('t');
  if (t !== null) atMs = wholeNumber(t, 't', 0, T_MAX_MS, problems) ?? 0;
  return layout === undefined ? { config, atMs, problems } : { config, atMs, problems, layout };
}

/** The query string for a config and a moment; parameters equal to "not given" are left out. */
export function formatUrlState(config: LabConfig, atMs: number, layout: 'ring' | 'map' = 'ring'): string {
  const params = new URLSearchParams();
  if (config.scenario !== null) params.set('scenario', config.scenario);
  if (config.protocol !== null) params.set('protocol', config.protocol);
  if (config.nodes !== null) params.set('nodes', String(config.nodes));
  if (config.seed !== null) params.set('seed', String(config.seed));
  if (config.q1 !== null) params.set('q1', String(config.q1));
  if (config.q2 !== null) params.set('q2', String(config.q2));
  if (config.grid !== undefined && config.grid !== null) params.set('grid', formatGrid(config.grid));
  if (config.bugs !== null) params.set('bug', config.bugs.length === 0 ? 'none' : config.bugs.join(','));
  if (config.loadOpsPerSec !== null) params.set('load', String(config.loadOpsPerSec));
  if (config.nemesis !== null) params.set('nemesis', config.nemesis.length === 0 ? 'none' : config.nemesis.join(','));
  if (config.actions.length > 0) params.set('actions', encodeActions(config.actions));
  if (config.regions !== undefined && config.regions !== null) params.set('regions', config.regions.join(','));
  if (config.rtt !== undefined && config.rtt.length > 0) params.set('rtt', formatRtt(config.rtt));
  if (layout === 'map') params.set('layout', 'map');
  params.set('t', String(Math.max(0, Math.floor(atMs))));
  return `?${params.toString()}`;
}
