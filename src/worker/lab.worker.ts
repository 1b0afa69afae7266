/// <reference lib="webworker" />
/**
 * The lab worker: hosts one LabSession off the main thread. Typed commands in (lab-protocol.ts),
 * frames out. The page never runs protocol code; this worker never touches the DOM.
 *
 * Playback: every tick (about 60 per second) the cursor moves by (wall time elapsed) x speed of
 * virtual time, computing new steps when it passes the frontier, within a wall-clock budget per tick
 * so the worker keeps answering commands. A frame goes out only after the page acknowledged the
 * previous one, so a busy page never builds up a backlog. Wall time here only paces playback: it never
 * enters the run (the simulator sees virtual time only).
 */
import { assertNever, SPEED_DEFAULT, SPEED_MAX, SPEED_MIN, type ExportKind, type LabCommand, type LabConfig, type LabReply } from './lab-protocol';
import { MessageDeltaWriter } from './message-delta';
import type { History, LinearizabilityResult } from '../check/history';
import { parseHistory, toHistoryJson, toJepsenEdn } from '../check/history-formats';
import { fileName, momentStem, secondsText } from '../export/file-names';
import { parseScenarioFile, SCENARIO_FILE_MAX_CHARS } from '../export/scenario-file';
import { looksLikeTrace, TRACE_FILE_MAX_BYTES, TraceFileReader } from '../export/trace-jsonl';
import { checkLinearizability } from '../check/linearizability';
import { defaultLabConfig, LabInputError, LabSession } from './lab-session';
import { evaluateGoal } from '../lessons/goals';
import { sequenceDiagram } from '../export/mermaid';
import { lessonScenarioName, solve } from './lesson-driver';
import { LabTelemetry } from './lab-telemetry';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** scenarios/<name>.json, and each lesson's scenario files (lessons/<id>/<file>.json as lesson-<id>-<file>), bundled as text. */
const BUNDLED: ReadonlyMap<string, string> = new Map([
  ...Object.entries(import.meta.glob('../../scenarios/*.json', { query: '?raw', import: 'default', eager: true }) as Record<string, string>).map(
    ([path, text]) => [path.replace(/^.*\//, '').replace(/\.json$/, ''), text] as const,
  ),
  ...Object.entries(import.meta.glob('../../lessons/*/*.json', { query: '?raw', import: 'default', eager: true }) as Record<string, string>).map(
    ([path, text]) => {
      const [, id = '', file = ''] = /lessons\/([^/]+)\/([^/]+)$/.exec(path) ?? [];
      return [lessonScenarioName(id, file), text] as const;
    },
  ),
]);

/** Bound on a Mermaid export's window (virtual ms): a diagram of more is unreadable anyway. */
const MERMAID_WINDOW_MAX_MS = 60_000;

const TICK_MS = 16;
/** Wall time the simulator may take per tick before the frame goes out with what it has. */
const TICK_BUDGET_MS = 12;
/** A tick never moves more than this much wall time (a backgrounded tab must not leap ahead). */
const MAX_TICK_GAP_MS = 100;

let session: LabSession | null = null;
/** The telemetry panel's data source for `session`; frames carry it only while the page's panel is open. */
let telemetry: LabTelemetry | null = null;
let telemetryOn = false;
let playing = false;
let speed = SPEED_DEFAULT;
let frame = 0;
let awaitingAck = false;
let dirty = false;
let markersSent = 0;
let resetMarkers = true;
let lastTickWallMs = 0;
/** While playing, the tables' data goes out at most this often (see PanelSnapshot). */
const PANELS_INTERVAL_MS = 250;
let lastPanelsWallMs = -Infinity;
let tickTimer: ReturnType<typeof setTimeout> | null = null;
/** Where playback pauses by itself (a lesson's cue), or null. */
let cue: { atMs: number } | { goal: import('../lessons/goals').GoalSpec; untilMs: number } | null = null;

function reply(message: LabReply): void {
  scope.postMessage(message);
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function sendFrame(): void {
  if (session === null) return;
  if (awaitingAck) {
    dirty = true;
    return;
  }
  const nowWallMs = performance.now();
  const withPanels = !playing || nowWallMs - lastPanelsWallMs >= PANELS_INTERVAL_MS;
  if (withPanels) lastPanelsWallMs = nowWallMs;
  const all = session.markers();
  const markers = resetMarkers ? all.slice() : all.slice(markersSent);
  const { messages: inFlight, ...snapshot } = session.snapshot();
  const message: LabReply = {
    type: 'frame',
    frame: ++frame,
    playing,
    speed,
    frontierMs: session.frontierMs,
    totalSteps: session.recorder.steps,
    snapshot,
    messages: messageDeltas.next(session.recorder, inFlight),
    panels: withPanels ? session.panels() : null,
    markers,
    resetMarkers,
    // Every frame, not only with panels: at 10x a bucket of 500 ms closes every 50 ms of wall time.
    telemetry: telemetryOn && telemetry !== null ? telemetry.frame() : null,
  };
  markersSent = all.length;
  resetMarkers = false;
  awaitingAck = true;
  dirty = false;
  reply(message);
}

/** What the page holds of the messages in flight (each is sent once: MessageDelta). */
const messageDeltas = new MessageDeltaWriter();

function stopTicking(): void {
  if (tickTimer !== null) clearTimeout(tickTimer);
  tickTimer = null;
}

function startTicking(): void {
  stopTicking();
  lastTickWallMs = performance.now();
  tickTimer = setTimeout(tick, TICK_MS);
}

function pause(reason: 'violation' | 'end' | 'cue' | null, message = ''): void {
  playing = false;
  cue = null;
  stopTicking();
  if (reason !== null) reply({ type: 'stopped', reason, message });
}

function tick(): void {
  tickTimer = null;
  if (!playing || session === null) return;
  const now = performance.now();
  const elapsedMs = Math.min(MAX_TICK_GAP_MS, Math.max(0, now - lastTickWallMs));
  lastTickWallMs = now;
  const before = session.cursor.step;
  const deadline = now + TICK_BUDGET_MS;
  let target = session.cursor.atMs + elapsedMs * speed;
  if (cue !== null) target = Math.min(target, 'atMs' in cue ? cue.atMs : cue.untilMs);
  session.advanceTo(target, () => performance.now() < deadline);
  const violation = session.recorder.firstViolationBetween(before, session.cursor.step);
  if (violation !== null) {
    // The moment a safety property breaks, playback stops there (issue 3, "Safety panel").
    session.seekStep(violation.step);
    pause('violation', `${violation.invariant} broke at ${violation.atMs} ms: ${violation.message}`);
  } else if (cue !== null && 'atMs' in cue && session.cursor.atMs >= cue.atMs) {
    pause('cue', `Paused at ${cue.atMs} ms.`);
  } else if (cue !== null && 'goal' in cue && evaluateGoal(cue.goal, { events: session.events.upToCursor(), members: session.members, nowMs: Math.floor(session.cursor.atMs) }).met) {
    pause('cue', 'Paused where it happened.');
  } else if (cue !== null && 'goal' in cue && session.cursor.atMs >= cue.untilMs) {
    pause('cue', 'It has not happened yet; press Play to go on.');
  } else if (session.atEnd()) {
    pause('end', session.halted ?? `The run ended at ${session.endMs} ms.`);
  }
  sendFrame();
  if (playing) tickTimer = setTimeout(tick, TICK_MS);
}

/** Largest history file the lab reads (the parsers bound lines and operations as well). */
const IMPORT_TEXT_MAX = 64 * 1024 * 1024;
/** Wall-clock budget of one check in the page: past it the verdict is "unknown", never a guess. */
const LINCHECK_BUDGET_MS = 10_000;

function check(history: History): LinearizabilityResult {
  const deadline = performance.now() + LINCHECK_BUDGET_MS;
  return checkLinearizability(history, { shouldStop: () => performance.now() > deadline, clockMs: () => performance.now() });
}

/** The run's events up to `toMs` (the trace is in time order). */
function eventsThrough(s: LabSession, toMs: number): import('../sim/trace').TraceEvent[] {
  const out: import('../sim/trace').TraceEvent[] = [];
  const trace = s.run.sim.trace;
  for (let i = 0; i < trace.length; i++) {
    const e = trace.at(i);
    if (e.atMs > toMs) break;
    out.push(e);
  }
  return out;
}

function requireSession(): LabSession {
  if (session === null) throw new LabInputError('No run is loaded yet.');
  return session;
}

/** Makes `next` the run shown, at `atMs` (the URL's t, an imported file's end). */
function start(next: LabSession, atMs: number): void {
  pause(null);
  session = next;
  telemetry = new LabTelemetry(next);
  resetMarkers = true;
  messageDeltas.reset();
  markersSent = 0;
  if (atMs > 0) next.seek(atMs);
  reply({ type: 'loaded', info: next.info() });
  sendFrame();
}

/** The history file `name` parsed and checked, or a LabInputError naming the file, line and reason. */
function importHistoryText(name: string, text: string): void {
  if (typeof text !== 'string' || text.length > IMPORT_TEXT_MAX) {
    throw new LabInputError(`A history file must be text of at most ${IMPORT_TEXT_MAX / 1024 / 1024} MB.`);
  }
  const parsed = parseHistory(text, undefined, name);
  if (!parsed.ok) {
    const lines = parsed.errors.slice(0, 5).map((e) => (e.line > 0 ? `line ${e.line}: ${e.message}` : e.message));
    throw new LabInputError(`${name} is not a history Faultline can read: ${lines.join('; ')}${parsed.errors.length > 5 ? ` (and ${parsed.errors.length - 5} more)` : ''}`);
  }
  reply({ type: 'history', source: 'file', name, history: parsed.history, result: check(parsed.history), faults: [] });
}

/** A file of the run up to the moment shown: made here, so the page only downloads a Blob. */
function exportFile(id: number, what: ExportKind): void {
  const s = requireSession();
  const info = s.info();
  const atMs = Math.floor(s.cursor.atMs);
  const stem = momentStem(info, atMs);
  const send = (name: string, mimeType: string, parts: BlobPart[], note: string): void => {
    reply({ type: 'exported', id, what, fileName: name, mimeType, data: new Blob(parts, { type: mimeType }), note });
  };
  switch (what) {
    case 'scenario': {
      const file = s.exportScenario();
      const actions = file.scenario.actions.length;
      send(fileName(stem, 'json'), 'application/json', [file.text],
        `The run's inputs to ${secondsText(file.untilMs)} (seed ${info.seed}, ${actions} operator action${actions === 1 ? '' : 's'}): ` +
        `"faultline run --scenario FILE --json" and importing the file both give trace hash ${file.traceHash} (${file.events} events).`);
      return;
    }
    case 'trace': {
      const file = s.exportTrace();
      send(fileName(stem, 'jsonl'), 'application/x-ndjson', [...file.chunks],
        `${file.header.events} events to ${secondsText(atMs)}, one per line after a header with their trace hash ${file.header.traceHash} and the scenario that replays them.`);
      return;
    }
    case 'history-edn':
    case 'history-json': {
      const { history } = s.historyNow();
      const edn = what === 'history-edn';
      let text: string;
      try {
        text = edn ? toJepsenEdn(history) : toHistoryJson(history);
      } catch (error) {
        throw new LabInputError(`The history cannot be written as Jepsen EDN: ${errorMessage(error)}`);
      }
      send(fileName(stem, edn ? 'edn' : 'json', 'history'), edn ? 'application/edn' : 'application/json', [text],
        `${history.operations.length} client operations to ${secondsText(atMs)}${edn ? ', one Jepsen map per line (:process, :type, :f, :key, :value, :index, :time in ns)' : ''}.`);
      return;
    }
    default:
      assertNever(what, 'export kind');
  }
}

/** Loads a scenario file as the run and shows its end; says what was loaded. */
function loadScenarioFile(name: string, text: string): void {
  const parsed = parseScenarioFile(name, text);
  if (!parsed.ok) throw new LabInputError(parsed.message);
  const config: LabConfig = { ...defaultLabConfig(), scenarioFile: { name, text } };
  const next = new LabSession(config, BUNDLED);
  const endMs = parsed.scenario.untilMs;
  start(next, endMs);
  const info = next.info();
  reply({
    type: 'imported',
    kind: 'scenario',
    name,
    ok: true,
    message: `Loaded ${name}: ${info.protocol}, ${info.nodes} nodes, seed ${info.seed}, ${parsed.scenario.actions.length} operator actions. ` +
      `Shown at its end, ${secondsText(endMs)} (trace hash ${next.panels().traceHash.slice(0, 12)}…, as "faultline run --scenario ${name} --json" prints); press Play to go on past it.`,
  });
}

/** Largest file of any kind the lab reads (a trace; scenarios and histories have smaller bounds). */
const IMPORT_FILE_MAX_BYTES = TRACE_FILE_MAX_BYTES;

/**
 * A dropped or picked file: a trace (JSON Lines), a scenario (a JSON object that is not a history) or
 * a client history (Jepsen log lines, Jepsen EDN, the lab's JSON). Each is validated; a problem is
 * one message naming the file, the line or field, and the reason.
 */
async function importFile(name: string, file: Blob): Promise<void> {
  if (!(file instanceof Blob)) throw new LabInputError('Import: expected a file.');
  if (file.size > IMPORT_FILE_MAX_BYTES) throw new LabInputError(`${name} is ${(file.size / 1024 / 1024).toFixed(0)} MB; the lab reads files of at most ${IMPORT_FILE_MAX_BYTES / 1024 / 1024} MB.`);
  const head = await file.slice(0, 4096).text();
  if (looksLikeTrace(head) || /\.(jsonl|ndjson)$/i.test(name)) {
    const reader = new TraceFileReader(name);
    const stream = file.stream().pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await stream.read();
      if (done) break;
      reader.push(value);
      if (reader.failed) {
        await stream.cancel();
        break;
      }
    }
    const result = reader.finish();
    if (!result.ok) throw new LabInputError(result.message);
    reply({ type: 'trace-file', summary: result.summary });
    return;
  }
  const trimmed = head.trimStart();
  // A JSON object that is not a history ({"model", "operations"}) is a scenario; EDN maps start "{:".
  if (trimmed.startsWith('{') && !/^\{\s*:/.test(trimmed)) {
    if (file.size > IMPORT_TEXT_MAX) throw new LabInputError(`${name} is larger than ${IMPORT_TEXT_MAX / 1024 / 1024} MB.`);
    const text = await file.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Broken JSON: a history if it says so, else reported as a scenario (with the line and column).
      if (/"operations"\s*:/.test(head)) {
        importHistoryText(name, text);
        return;
      }
    }
    const record = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
    if (record !== null && ('operations' in record || 'model' in record)) {
      importHistoryText(name, text);
      return;
    }
    if (text.length > SCENARIO_FILE_MAX_CHARS) throw new LabInputError(`${name}: larger than ${SCENARIO_FILE_MAX_CHARS / 1024 / 1024} MB; a scenario file is far smaller.`);
    loadScenarioFile(name, text);
    return;
  }
  if (file.size > IMPORT_TEXT_MAX) throw new LabInputError(`${name} is larger than ${IMPORT_TEXT_MAX / 1024 / 1024} MB; a history file must be smaller.`);
  importHistoryText(name, await file.text());
}

/** Replays an imported trace's scenario and says whether the run's first events are the file's. */
function replayTrace(name: string, scenarioText: string, events: number, traceHash: string): void {
  const scenarioName = `${name.replace(/\.(jsonl|ndjson)$/i, '')} (its scenario)`;
  const next = new LabSession({ ...defaultLabConfig(), scenarioFile: { name: scenarioName, text: scenarioText } }, BUNDLED);
  start(next, 0);
  const found = next.seekEvents(events);
  const replayedHash = found ? next.recorder.traceHashAt(next.cursor.step) : null;
  const ok = replayedHash === traceHash;
  reply({
    type: 'imported',
    kind: 'replay',
    name,
    ok,
    message: ok
      ? `Replayed ${name}: the run's first ${events} events are the file's, event for event (trace hash ${traceHash.slice(0, 12)}…). Shown right after the last of them, at ${secondsText(next.cursor.atMs)}.`
      : found
        ? `Replayed ${name}, but the run differs from the file: its first ${events} events hash to ${replayedHash!.slice(0, 12)}…, the file's to ${traceHash.slice(0, 12)}…. The file's events were not made by this scenario (or were changed).`
        : `Replayed ${name}, but the run differs from the file: no step of it ends after exactly ${events} events, so its events are not the file's.`,
  });
  sendFrame();
}

function handle(command: LabCommand): void {
  switch (command.type) {
    case 'load':
      start(new LabSession(command.config, BUNDLED), command.atMs);
      return;
    case 'play': {
      const s = requireSession();
      if (s.atEnd()) s.seek(0);
      playing = true;
      startTicking();
      sendFrame();
      return;
    }
    case 'pause':
      pause(null);
      sendFrame();
      return;
    case 'step':
      pause(null);
      requireSession().stepBy(command.direction);
      sendFrame();
      return;
    case 'seek':
      if (!Number.isFinite(command.atMs)) throw new LabInputError(`seek: time must be a number, got ${String(command.atMs)}`);
      requireSession().seek(command.atMs);
      sendFrame();
      return;
    case 'seek-step':
      pause(null);
      requireSession().seekStep(command.step);
      sendFrame();
      return;
    case 'speed':
      if (!(Number.isFinite(command.speed) && command.speed >= SPEED_MIN && command.speed <= SPEED_MAX)) {
        throw new LabInputError(`speed must be from ${SPEED_MIN} to ${SPEED_MAX}, got ${String(command.speed)}`);
      }
      speed = command.speed;
      sendFrame();
      return;
    case 'act': {
      const s = requireSession();
      const startedMs = performance.now();
      const { forked } = s.act(command.action);
      if (forked !== null) {
        resetMarkers = true;
        messageDeltas.reset();
        const rerunMs = Math.round(performance.now() - startedMs);
        reply({ type: 'forked', atMs: forked.atMs, discardedActions: forked.discardedActions, rerunMs, config: s.config });
      }
      reply({ type: 'input', config: s.config });
      sendFrame();
      return;
    }
    case 'lincheck': {
      const s = requireSession();
      const { history, faults } = s.historyNow();
      reply({ type: 'history', source: 'run', name: `the run up to ${Math.floor(s.cursor.atMs)} ms`, history, result: check(history), faults });
      return;
    }
    case 'import-history':
      importHistoryText(command.name, command.text);
      return;
    case 'import-file':
      // Reading the file is asynchronous: its errors are reported here, not by the listener below.
      importFile(command.name, command.file).catch((error: unknown) => {
        const recoverable = error instanceof LabInputError;
        reply({ type: 'error', message: recoverable ? errorMessage(error) : `Import of ${command.name} failed: ${errorMessage(error)}`, recoverable: true });
      });
      return;
    case 'export':
      exportFile(command.id, command.what);
      return;
    case 'replay-trace':
      replayTrace(command.name, command.scenarioText, command.events, command.traceHash);
      return;
    case 'goals':
      requireSession().setGoals(command.goals);
      sendFrame();
      return;
    case 'play-to': {
      const s = requireSession();
      const c = command.cue;
      if ('atMs' in c) {
        if (!Number.isFinite(c.atMs)) throw new LabInputError('play-to: the cue time must be a number');
        if (c.atMs <= s.cursor.atMs) {
          // Already there (or past it): show the cue's moment and say the cue is reached.
          s.seek(c.atMs);
          pause('cue', `Paused at ${c.atMs} ms.`);
          sendFrame();
          return;
        }
        cue = { atMs: Math.min(c.atMs, s.endMs) };
      } else {
        cue = { goal: c.goal, untilMs: Math.min(s.endMs, s.cursor.atMs + Math.max(0, c.withinMs)) };
      }
      playing = true;
      startTicking();
      sendFrame();
      return;
    }
    case 'solve': {
      const s = requireSession();
      pause(null);
      const result = solve(s, s.events, command.solution, command.goals, command.withinMs);
      if (result.applied.length > 0) reply({ type: 'input', config: s.config });
      reply({ type: 'solved', met: result.met, message: result.met ? 'Done: every goal of this step holds now.' : 'The solution did not reach every goal in time.' });
      sendFrame();
      return;
    }
    case 'mermaid': {
      const s = requireSession();
      const fromMs = Math.floor(command.fromMs);
      const toMs = Math.floor(command.toMs);
      if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs >= 0 && toMs >= fromMs)) throw new LabInputError('Export: the window must run forward from a time at or after 0.');
      if (toMs - fromMs > MERMAID_WINDOW_MAX_MS) throw new LabInputError(`Export: at most ${MERMAID_WINDOW_MAX_MS / 1000} s at a time.`);
      if (toMs > s.frontierMs) s.extendTo(toMs);
      const events = eventsThrough(s, toMs);
      const diagram = sequenceDiagram(events, { fromMs, toMs, members: s.members, protocol: s.scenario.protocol, title: `${s.info().protocol}, ${s.members.length} nodes, seed ${s.info().seed}` });
      reply({ type: 'mermaid', fromMs, toMs, text: diagram.text, arrows: diagram.arrows, truncated: diagram.truncated });
      return;
    }
    case 'telemetry':
      telemetryOn = command.on === true;
      telemetry?.forget();
      if (telemetryOn) sendFrame();
      return;
    case 'metrics': {
      requireSession();
      reply({ type: 'metrics', ...telemetry!.export() });
      return;
    }
    case 'ack':
      if (command.frame === frame) {
        awaitingAck = false;
        if (dirty) sendFrame();
      }
      return;
    default:
      assertNever(command, 'lab command');
  }
}

scope.addEventListener('message', (event: MessageEvent<LabCommand>) => {
  const command = event.data;
  try {
    handle(command);
  } catch (error) {
    const recoverable = error instanceof LabInputError;
    reply({
      type: 'error',
      message: recoverable ? errorMessage(error) : `The lab hit an internal error: ${errorMessage(error)}`,
      recoverable: command?.type !== 'load' && recoverable,
      ...(command?.type === 'export' ? { id: command.id } : {}),
    });
    if (command?.type === 'lincheck' || command?.type === 'import-history' || command?.type === 'export') return;
    // The page must never wait forever for a frame that an error swallowed.
    awaitingAck = false;
    if (session !== null && command?.type !== 'load') sendFrame();
  }
});
