/**
 * The page's side of the lab worker: starts it, sends commands, and keeps what comes back as
 * reactive state for the views. No protocol logic lives here: every number shown was computed in the
 * worker. Frames are acknowledged after the page has had a chance to draw them (next animation
 * frame), which paces the worker to the display.
 */
import {
  assertNever, SPEED_DEFAULT,
  type ClusterSnapshot, type MessageDelta, type MessageView, type PanelSnapshot, type LabAction, type LabCommand, type LabConfig, type LabReply, type RunInfo, type TimelineMarker,
  type GoalSpec, type PlayCue, type SolutionAction, type ExportKind, type TraceSummary,
} from '../../worker/lab-protocol';
import { mergeTelemetry, type TelemetryView } from './telemetry-chart';
import { MessageDeltaReader } from '../../worker/message-delta';

export interface Notice {
  kind: 'info' | 'warning' | 'error';
  text: string;
}

export class LabClient {
  info = $state.raw<RunInfo | null>(null);
  snapshot = $state.raw<ClusterSnapshot | null>(null);
  /** The tables' data: refreshed with every frame while paused, a few times a second while playing. */
  panels = $state.raw<PanelSnapshot | null>(null);
  markers = $state.raw<readonly TimelineMarker[]>([]);
  playing = $state(false);
  speed = $state(SPEED_DEFAULT);
  frontierMs = $state(0);
  totalSteps = $state(0);
  /** The run's inputs as they stand (operator actions included): what the URL holds. */
  config = $state.raw<LabConfig | null>(null);
  /** The latest message for the user (a fork, a refusal, an error), until dismissed or replaced. */
  notice = $state.raw<Notice | null>(null);
  /** Set while a load is on its way: the page shows "Loading…" instead of stale data. */
  loading = $state(false);
  /** The last history checked (the run's or an imported file's), with its verdict. */
  history = $state.raw<Extract<LabReply, { type: 'history' }> | null>(null);
  /** A history check is on its way. */
  checking = $state(false);
  /** Frames received: tests and the bench read it to know the page is live. */
  frames = $state(0);
  /** The last time playback paused at a cue (`playTo`): its message; null while none. */
  cueReached = $state.raw<{ message: string; atFrame: number } | null>(null);
  /** The answer to the last "show me" (`solve`), or null while one is on its way or none was asked. */
  solved = $state.raw<Extract<LabReply, { type: 'solved' }> | null>(null);
  /** The telemetry panel's data while it is open (`setTelemetry(true)`), else null. */
  telemetry = $state.raw<TelemetryView | null>(null);
  /** The last metrics export (`exportMetrics`), or null while one is on its way or none was asked. */
  metricsExport = $state.raw<Extract<LabReply, { type: 'metrics' }> | null>(null);
  /** The last Mermaid export, or null. */
  mermaid = $state.raw<Extract<LabReply, { type: 'mermaid' }> | null>(null);
  /** An imported file is being read and checked by the worker. */
  importing = $state(false);
  /** The last trace file imported, validated and summarised, until dismissed (set to null). */
  traceFile = $state.raw<TraceSummary | null>(null);
  /** Where the last trace replay left off (its verdict), or null. */
  replay = $state.raw<Extract<LabReply, { type: 'imported' }> | null>(null);


  #worker: Worker | null = null;
  #onLoadError: ((message: string) => void) | null = null;
  #nextExportId = 1;
  readonly #exports = new Map<number, { resolve: (file: ExportedFile) => void; reject: (error: Error) => void }>();

  constructor(private readonly createWorker: () => Worker = defaultWorker) {}

  load(config: LabConfig, atMs = 0, onLoadError?: (message: string) => void): void {
    this.loading = true;
    this.#onLoadError = onLoadError ?? null;
    this.#send({ type: 'load', config, atMs });
  }

  play(): void {
    this.#send({ type: 'play' });
  }

  pause(): void {
    this.#send({ type: 'pause' });
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  step(direction: 1 | -1): void {
    this.#send({ type: 'step', direction });
  }

  seek(atMs: number): void {
    this.#send({ type: 'seek', atMs });
  }

  seekStep(step: number): void {
    this.#send({ type: 'seek-step', step });
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    this.#send({ type: 'speed', speed });
  }

  act(action: LabAction): void {
    this.#send({ type: 'act', action });
  }

  /** A lesson step's goals, checked with every panels snapshot (PanelSnapshot.goals). */
  setGoals(goals: readonly GoalSpec[]): void {
    this.#send({ type: 'goals', goals });
  }

  /** Plays until a cue (a moment, or a goal first holding) and pauses there. */
  playTo(cue: PlayCue): void {
    this.cueReached = null;
    this.#send({ type: 'play-to', cue });
  }

  /** "Show me": applies a step's solution and runs on until its goals hold. */
  solve(solution: readonly SolutionAction[], goals: readonly GoalSpec[], withinMs: number): void {
    this.solved = null;
    this.#send({ type: 'solve', solution, goals, withinMs });
  }

  /** Asks for the run between two moments as Mermaid sequence-diagram text (arrives in `mermaid`). */
  exportMermaid(fromMs: number, toMs: number): void {
    this.mermaid = null;
    this.#send({ type: 'mermaid', fromMs, toMs });
  }

  /** Opens (frames then carry telemetry) or closes the telemetry panel's feed. */
  setTelemetry(on: boolean): void {
    this.telemetry = null;
    this.#send({ type: 'telemetry', on });
  }

  /** Asks for the metrics series up to the moment shown, as CSV and JSON (arrives in `metricsExport`). */
  exportMetrics(): void {
    this.metricsExport = null;
    this.#send({ type: 'metrics' });
  }

  /**
   * A file of the run up to the moment shown, made by the worker (the scenario that reproduces it, its
   * trace as JSON Lines, its client history as Jepsen EDN or the lab's JSON). Rejects with the
   * worker's reason when it refuses (a trace too long, a history Jepsen cannot say).
   */
  exportRun(what: ExportKind): Promise<ExportedFile> {
    const id = this.#nextExportId++;
    return new Promise<ExportedFile>((resolve, reject) => {
      this.#exports.set(id, { resolve, reject });
      this.#send({ type: 'export', id, what });
    });
  }

  /**
   * A file dropped or picked: the worker tells a scenario (loaded as the run), a trace (summarised in
   * `traceFile`) and a client history (checked, in `history`) apart, and names what is wrong with a bad one.
   */
  importFile(file: File): void {
    if (file.size > IMPORT_FILE_MAX_BYTES) {
      this.notice = { kind: 'warning', text: `${file.name} is ${Math.round(file.size / 1024 / 1024)} MB; the lab reads files of at most ${IMPORT_FILE_MAX_BYTES / 1024 / 1024} MB.` };
      return;
    }
    this.importing = true;
    this.notice = null;
    this.#send({ type: 'import-file', name: file.name, file });
  }

  /** Replays an imported trace's scenario in the lab and compares the run with the file's events. */
  replayTrace(summary: TraceSummary): void {
    if (summary.scenarioText === null) return;
    this.replay = null;
    this.loading = true;
    this.#send({ type: 'replay-trace', name: summary.name, scenarioText: summary.scenarioText, events: summary.events, traceHash: summary.computedHash });
  }

  checkHistory(): void {
    this.checking = true;
    this.#send({ type: 'lincheck' });
  }

  importHistory(name: string, text: string): void {
    this.checking = true;
    this.#send({ type: 'import-history', name, text });
  }

  dispose(): void {
    this.#worker?.terminate();
    this.#worker = null;
    for (const pending of this.#exports.values()) pending.reject(new Error('The lab worker stopped.'));
    this.#exports.clear();
  }

  #send(command: LabCommand): void {
    this.#ensureWorker().postMessage(command);
  }

  #ensureWorker(): Worker {
    if (this.#worker !== null) return this.#worker;
    const worker = this.createWorker();
    worker.addEventListener('message', (event: MessageEvent<LabReply>) => this.#receive(event.data));
    worker.addEventListener('error', (event: ErrorEvent) => {
      this.notice = { kind: 'error', text: `The lab worker stopped: ${event.message || 'it could not be loaded'}. Reload the page to start again.` };
      this.loading = false;
      this.dispose();
    });
    worker.addEventListener('messageerror', () => {
      this.notice = { kind: 'error', text: 'The lab worker sent a message that could not be read.' };
    });
    this.#worker = worker;
    return worker;
  }

  /** The messages of the last frame (the worker sends each once: MessageDelta). */
  #messages = new MessageDeltaReader();

  #messagesInFlight(delta: MessageDelta): MessageView[] {
    const { messages, missing } = this.#messages.apply(delta);
    // The worker sends every message the page does not hold: a gap is a bug there. Say so, and draw
    // the rest rather than stop the lab (a throw here would leave the frame unacknowledged).
    if (missing.length > 0) {
      this.notice = { kind: 'error', text: `The lab worker named message #${missing[0]} without sending it; the drawing may miss messages. Reload to start again.` };
    }
    return messages;
  }

  #receive(reply: LabReply): void {
    switch (reply.type) {
      case 'loaded':
        this.info = reply.info;
        this.config = reply.info.config;
        this.loading = false;
        this.#onLoadError = null;
        return;
      case 'frame': {
        this.snapshot = { ...reply.snapshot, messages: this.#messagesInFlight(reply.messages) };
        if (reply.panels !== null) this.panels = reply.panels;
        this.playing = reply.playing;
        this.speed = reply.speed;
        this.frontierMs = reply.frontierMs;
        this.totalSteps = reply.totalSteps;
        if (reply.resetMarkers) this.markers = reply.markers;
        else if (reply.markers.length > 0) this.markers = [...this.markers, ...reply.markers];
        if (reply.telemetry !== undefined && reply.telemetry !== null) this.telemetry = mergeTelemetry(this.telemetry, reply.telemetry);
        this.frames++;
        const frame = reply.frame;
        // Acknowledge once the browser has drawn (or would have drawn) this frame.
        const ack = (): void => this.#worker?.postMessage({ type: 'ack', frame } satisfies LabCommand);
        if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') requestAnimationFrame(ack);
        else setTimeout(ack, 16);
        return;
      }
      case 'input':
        this.config = reply.config;
        return;
      case 'history':
        this.history = reply;
        this.checking = false;
        this.importing = false;
        return;
      case 'exported': {
        const pending = this.#exports.get(reply.id);
        this.#exports.delete(reply.id);
        pending?.resolve({ what: reply.what, fileName: reply.fileName, mimeType: reply.mimeType, data: reply.data, note: reply.note });
        return;
      }
      case 'trace-file':
        this.traceFile = reply.summary;
        this.importing = false;
        return;
      case 'imported':
        this.importing = false;
        if (reply.kind === 'replay') this.replay = reply;
        this.notice = { kind: reply.ok ? 'info' : 'warning', text: reply.message };
        return;
      case 'forked':
        this.config = reply.config;
        this.notice = {
          kind: 'info',
          text: `You changed the past at ${formatSeconds(reply.atMs)}: this is a new future.${
            reply.discardedActions > 0 ? ` ${reply.discardedActions} later action${reply.discardedActions === 1 ? ' was' : 's were'} discarded.` : ''
          }`,
        };
        return;
      case 'stopped':
        this.playing = false;
        if (reply.reason === 'end') this.notice = { kind: 'info', text: reply.message };
        if (reply.reason === 'cue') this.cueReached = { message: reply.message, atFrame: this.frames };
        return;
      case 'solved':
        this.solved = reply;
        return;
      case 'mermaid':
        this.mermaid = reply;
        return;
      case 'metrics':
        this.metricsExport = reply;
        return;
      case 'error': {
        this.loading = false;
        this.checking = false;
        this.importing = false;
        const pending = reply.id === undefined ? undefined : this.#exports.get(reply.id);
        if (pending !== undefined) {
          this.#exports.delete(reply.id!);
          pending.reject(new Error(reply.message));
          return;
        }
        if (!reply.recoverable && this.#onLoadError !== null) {
          const onLoadError = this.#onLoadError;
          this.#onLoadError = null;
          onLoadError(reply.message);
          return;
        }
        this.notice = { kind: reply.recoverable ? 'warning' : 'error', text: reply.message };
        return;
      }
      default:
        assertNever(reply, 'lab reply');
    }
  }
}

/** A file the worker made (`exportRun`), ready to download. */
export interface ExportedFile {
  readonly what: ExportKind;
  readonly fileName: string;
  readonly mimeType: string;
  readonly data: Blob;
  /** What the file holds, in a sentence. */
  readonly note: string;
}

/** Larger files are refused before the worker reads them (the worker bounds each kind again). */
export const IMPORT_FILE_MAX_BYTES = 256 * 1024 * 1024;

function defaultWorker(): Worker {
  return new Worker(new URL('../../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'faultline-lab' });
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}
