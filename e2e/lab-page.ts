/**
 * Page object for the Faultline lab: drives it by role and accessible name, as a person would, and
 * reads back what the screen says (the trace hash, the time, the nodes' accessible names).
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

export class LabPage {
  readonly traceHash: Locator;
  readonly status: Locator;
  readonly playButton: Locator;
  readonly pauseButton: Locator;
  readonly speed: Locator;
  readonly nodeSelect: Locator;
  /** The history view's tooltip (hidden from screen readers: the option's name says the same). */
  readonly historyTooltip: Locator;

  constructor(readonly page: Page) {
    this.traceHash = page.getByTestId('trace-hash');
    this.status = page.getByTestId('sim-status');
    const playback = page.getByRole('group', { name: 'Playback' });
    this.playButton = playback.getByRole('button', { name: 'Play', exact: true });
    this.pauseButton = playback.getByRole('button', { name: 'Pause', exact: true });
    this.speed = page.getByRole('slider', { name: 'Speed' });
    this.nodeSelect = page.getByLabel('Node', { exact: true });
    this.historyTooltip = page.getByTestId('history-tooltip');
  }

  /** Opens the lab with a query string ("?seed=3&t=1000") and waits for the first frame. */
  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await expect(this.traceHash).toHaveText(/^[0-9a-f]{64}$/);
  }

  async hash(): Promise<string> {
    return (await this.traceHash.textContent())!.trim();
  }

  async nowMs(): Promise<number> {
    return Number(await this.status.getAttribute('data-now-ms'));
  }

  /** Waits until the screen shows virtual time `ms` (after a seek or a step). */
  async expectTime(ms: number): Promise<void> {
    await expect(this.status).toHaveAttribute('data-now-ms', String(ms));
  }

  /** The cluster's node button ("n1, leader, term 1"). */
  node(id: string): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^${id}, `) });
  }

  /** The id of the node the cluster view announces as leader, or null. */
  async leader(): Promise<string | null> {
    const leaders = this.page.getByRole('button', { name: /^n\d+, leader, term \d+/ });
    if ((await leaders.count()) === 0) return null;
    const name = (await leaders.first().getAttribute('aria-label'))!;
    return name.split(',')[0]!;
  }

  async termOf(id: string): Promise<number> {
    const name = (await this.node(id).getAttribute('aria-label'))!;
    return Number(/term (\d+)/.exec(name)![1]);
  }

  /** Gives the page (not a control) the keyboard, so the global shortcuts apply. */
  async focusPage(): Promise<void> {
    await this.page.locator('h1').click();
  }

  /** Moves the shown moment by `steps` x 100 ms with Shift+arrow (the page's scrub shortcut). */
  async scrub(steps: number): Promise<void> {
    await this.focusPage();
    const start = await this.nowMs();
    const key = steps > 0 ? 'Shift+ArrowRight' : 'Shift+ArrowLeft';
    for (let i = 0; i < Math.abs(steps); i++) {
      await this.page.keyboard.press(key);
      await this.expectTime(Math.max(0, start + Math.sign(steps) * 100 * (i + 1)));
    }
  }

  async crash(id: string): Promise<void> {
    await this.nodeSelect.selectOption(id);
    await this.page.getByRole('button', { name: `Crash ${id}`, exact: true }).click();
    await expect(this.node(id)).toHaveAttribute('aria-label', /crashed/);
  }

  /** Partitions the cluster: groups[0] into group A, groups[1] into B, groups[2] into C. */
  async partition(groups: string[][]): Promise<void> {
    const letters = ['A', 'B', 'C'];
    for (const [i, group] of groups.entries()) {
      for (const id of group) {
        await this.page.getByRole('group', { name: id, exact: true }).getByRole('radio', { name: `Group ${letters[i]}` }).check();
      }
    }
    await this.page.getByRole('button', { name: 'Partition', exact: true }).click();
  }

  /** Imports a history file (its name and text) through the history card's file input. */
  async importHistory(name: string, text: string): Promise<void> {
    await this.page.getByLabel('Import a history file').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
  }

  /** An operation of the history view, by the start of its accessible name ("c1 write 5"). */
  historyOperation(words: string): Locator {
    const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return this.page.getByRole('option', { name: new RegExp(`^${escaped},`) });
  }

  /** The commit index the cluster view shows for a node ("commit 12"). */
  async commitIndexOf(id: string): Promise<number> {
    const text = (await this.node(id).textContent()) ?? '';
    const m = /commit (\d+)/.exec(text);
    if (m === null) throw new Error(`no commit index in ${id}'s text: ${text}`);
    return Number(m[1]);
  }
}

/**
 * Registers hooks for the spec file that called it: before each test, `onPage` gets the test's page
 * (to make its LabPage); after each, the test fails if the page threw an uncaught error.
 */
export function failOnPageErrors(onPage: (page: Page) => void = () => undefined): void {
  const pageErrors: string[] = [];
  test.beforeEach(async ({ page }) => {
    pageErrors.length = 0;
    page.on('pageerror', (error) => pageErrors.push(error.message));
    onPage(page);
  });
  test.afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });
}
