/**
 * Runs a lesson's steps on the lab: on entering a step it sends the step's directives to the worker
 * in order (load, reset, play to a moment or until a goal, pause with a question, highlight), sets
 * the step's goals, and answers "Show me" and "Reset". Every protocol fact comes from the worker
 * (LabClient): this class only sequences commands and keeps what the lesson column shows.
 *
 * A step opened directly (a deep link, Previous, Reset) first rebuilds the run the course would have
 * at that step: the scenario in force, then each earlier step's directives at full speed (a play
 * becomes a seek or an instant play-until) and its "show me" where its goals do not hold yet, which
 * is what the headless lesson test does (src/worker/lesson-driver.ts, playLessonHeadless).
 */
import type { Directive, Lesson, Step } from '../../lessons/lesson';
import type { GoalSpec, GoalStatus, LabConfig } from '../../worker/lab-protocol';
import { lessonScenarioName } from '../../worker/lesson-driver';
import type { LabClient } from '../lab/lab-client.svelte';
import { goalsFresh, playsAfter, scenarioBefore } from './lesson-run';

const POLL_MS = 40;

const BASE_CONFIG: LabConfig = { scenario: null, protocol: null, nodes: null, seed: null, bugs: null, loadOpsPerSec: null, nemesis: null, q1: null, q2: null, actions: [] };

export class LessonRunner {
  /** 0-based index of the step shown. */
  index = $state(0);
  /** The question of the step's `pause`, once its cue is reached. */
  question = $state<string | null>(null);
  /** The pause waits for "Continue" because more of the step's directives play the run. */
  awaitingContinue = $state(false);
  /** The step's directives are being run (or an earlier step's, rebuilding the run). */
  busy = $state(false);
  /** Rebuilding the run from the lesson's start (a deep link, Previous or Reset). */
  rebuilding = $state(false);
  showMe = $state<'idle' | 'working' | 'done'>('idle');
  showMeResult = $state.raw<{ met: boolean; message: string } | null>(null);
  /** Wall time the step was entered (hints appear after their delay). */
  enteredAtMs = $state(0);
  /** Hints asked for with the Hint button before their time. */
  hintsAsked = $state(0);
  /** A node the step highlights ("leader" resolved when the directive ran). */
  highlightNode = $state<string | null>(null);
  highlightLogIndex = $state<number | null>(null);

  /** Panel updates since the goals were last sent, and when they were sent (see goalsFresh). */
  #panelUpdates = $state(0);
  #goalsSetAtMs = $state(0);
  #clock = $state(0);
  #run = 0;
  #continue: (() => void) | null = null;
  /** The scenario the run was last loaded from (a `reset` reloads it). */
  #scenario: { file: string; seed: number | null } = { file: '', seed: null };

  constructor(
    private readonly lab: LabClient,
    readonly lesson: Lesson,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#scenario = { file: lesson.scenario, seed: null };
  }

  get step(): Step {
    return this.lesson.steps[this.index]!;
  }

  get goalSpecs(): GoalSpec[] {
    return this.step.goals.map((g) => g.spec);
  }

  /**
   * The step's goal statuses from the worker, or null while the page may still hold another step's
   * (or none: a new run has no goals until they are sent again).
   */
  get goalStatuses(): readonly GoalStatus[] | null {
    void this.#clock;
    const panels = this.lab.panels;
    if (panels === null || this.step.goals.length === 0) return null;
    if (!goalsFresh(this.#panelUpdates, this.now() - this.#goalsSetAtMs)) return null;
    return panels.goals.length === this.step.goals.length ? panels.goals : null;
  }

  get goalsMet(): boolean {
    const s = this.goalStatuses;
    return s !== null && s.length > 0 && s.every((g) => g.met);
  }

  /** Sends the step's goals (again after every load: a new run starts without them). */
  sendGoals(): void {
    this.lab.setGoals(this.goalSpecs);
    this.#panelUpdates = 0;
    this.#goalsSetAtMs = this.now();
    // Re-check freshness once the panels interval has passed, even if no new panels arrive.
    setTimeout(() => this.#clock++, 450);
  }

  /** Called when the lab's panels snapshot changes. */
  panelsArrived(): void {
    this.#panelUpdates++;
  }

  /**
   * Enters step `index`. `fresh`: rebuild the run for it from the lesson's start (deep link,
   * Previous, Reset); otherwise continue the run as it stands (Next).
   */
  enter(index: number, fresh: boolean): void {
    const run = ++this.#run;
    this.index = index;
    this.question = null;
    this.awaitingContinue = false;
    this.#continue = null;
    this.showMe = 'idle';
    this.showMeResult = null;
    this.enteredAtMs = this.now();
    this.hintsAsked = 0;
    this.highlightNode = null;
    this.highlightLogIndex = null;
    this.busy = true;
    // A run that is loaded gets the new step's goals now; a load on its way gets them when it lands.
    if (this.lab.info !== null) this.sendGoals();
    void this.#enter(run, index, fresh).finally(() => {
      if (run === this.#run) {
        this.busy = false;
        this.rebuilding = false;
      }
    });
  }

  /** "Continue" after a pause question, when the step plays on. */
  continueAfterPause(): void {
    const go = this.#continue;
    this.#continue = null;
    this.awaitingContinue = false;
    go?.();
  }

  /** "Show me": the step's solution from where the run stands, until its goals hold. */
  async showSolution(): Promise<void> {
    const run = this.#run;
    const step = this.step;
    this.showMe = 'working';
    this.showMeResult = null;
    this.lab.solve(step.solution, step.goals.map((g) => g.spec), step.solutionWithinMs);
    const ok = await this.#waitFor(run, () => this.lab.solved !== null);
    if (!ok || run !== this.#run) return;
    const solved = this.lab.solved!;
    this.showMeResult = { met: solved.met, message: solved.message };
    this.showMe = 'done';
  }

  dispose(): void {
    this.#run++;
    this.#continue = null;
  }

  #config(scenario: { file: string; seed: number | null }): LabConfig {
    this.#scenario = scenario;
    return { ...BASE_CONFIG, scenario: lessonScenarioName(this.lesson.id, scenario.file), seed: scenario.seed };
  }

  async #enter(run: number, index: number, fresh: boolean): Promise<void> {
    if (fresh) {
      this.rebuilding = true;
      this.lab.load(this.#config(scenarioBefore(this.lesson, 0)));
      for (const step of this.lesson.steps.slice(0, index)) {
        if (!(await this.#fastForward(run, step))) return;
      }
      this.rebuilding = false;
    }
    const directives = this.lesson.steps[index]!.directives;
    for (const [i, d] of directives.entries()) {
      if (run !== this.#run) return;
      if (!(await this.#live(run, d, playsAfter(directives, i)))) return;
    }
  }

  /** An earlier step at full speed: its directives without pauses, then its solution if its goals do not hold. */
  async #fastForward(run: number, step: Step): Promise<boolean> {
    for (const d of step.directives) {
      switch (d.kind) {
        case 'load':
          this.lab.load(this.#config({ file: d.file, seed: d.seed }));
          break;
        case 'reset':
          this.lab.load(this.#config(this.#scenario));
          break;
        case 'play-to':
          this.lab.seek(d.ms);
          break;
        case 'play-until':
          if (!(await this.#solveNow(run, [], [d.goal], d.withinMs))) return false;
          break;
        case 'pause':
        case 'highlight':
          break;
      }
    }
    if (step.goals.length === 0) return run === this.#run;
    const specs = step.goals.map((g) => g.spec);
    const held = await this.#solveNow(run, [], specs, 0);
    if (held === null) return false;
    if (!held && (await this.#solveNow(run, step.solution, specs, step.solutionWithinMs)) === null) return false;
    return run === this.#run;
  }

  /** Sends `solve` and waits for its answer: whether the goals hold (null: the step changed meanwhile). */
  async #solveNow(run: number, solution: Step['solution'], goals: readonly GoalSpec[], withinMs: number): Promise<boolean | null> {
    this.lab.solve(solution, goals, withinMs);
    if (!(await this.#waitFor(run, () => this.lab.solved !== null))) return null;
    return this.lab.solved!.met;
  }

  async #live(run: number, d: Directive, moreToPlay: boolean): Promise<boolean> {
    switch (d.kind) {
      case 'load':
        this.lab.load(this.#config({ file: d.file, seed: d.seed }));
        return true;
      case 'reset':
        this.lab.load(this.#config(this.#scenario));
        return true;
      case 'play-to':
      case 'play-until': {
        const framesAtSend = this.lab.frames;
        this.lab.playTo(d.kind === 'play-to' ? { atMs: d.ms } : { goal: d.goal, withinMs: d.withinMs });
        let sawPlaying = false;
        return this.#waitFor(run, () => {
          // The worker says the cue is reached before it may draw that moment (it holds a frame back until
          // the page acknowledges the previous one): what follows (a highlight of the leader) reads the
          // snapshot, so wait for the frame that comes after `stopped`.
          if (this.lab.cueReached !== null) return this.lab.frames > this.lab.cueReached.atFrame;
          if (this.lab.loading || this.lab.frames <= framesAtSend) return false;
          if (this.lab.playing) sawPlaying = true;
          // Paused by the student, the end of the run or a violation: the cue will not come.
          else if (sawPlaying) return true;
          // A moment already passed: the worker seeks back to it without a cue.
          else if (d.kind === 'play-to' && (this.lab.snapshot?.nowMs ?? -1) === d.ms) return true;
          return false;
        });
      }
      case 'pause':
        this.question = d.question;
        if (!moreToPlay) return true;
        this.awaitingContinue = true;
        return new Promise<boolean>((resolve) => {
          this.#continue = () => resolve(run === this.#run);
        });
      case 'highlight': {
        if (d.node !== null) {
          this.highlightNode = d.node === 'leader' ? (this.lab.snapshot?.nodes.find((n) => n.role === 'leader' && n.status === 'up')?.id ?? null) : d.node;
        }
        this.highlightLogIndex = d.logIndex;
        return true;
      }
    }
  }

  /** Waits (polling; bounded by the step changing) until `done` holds. False when the step changed first. */
  #waitFor(run: number, done: () => boolean): Promise<boolean> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (run !== this.#run) resolve(false);
        else if (done()) resolve(true);
        else setTimeout(check, POLL_MS);
      };
      check();
    });
  }
}
