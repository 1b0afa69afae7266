/**
 * Presenter mode (issue 8): a deck of live scenes driven by keys, off-script actions and reset, the
 * speaker-notes window over BroadcastChannel, a bad deck's problems on screen, and an accessibility
 * audit. The bundled deck presentations/raft-under-failure.md is the talk; the moments asserted here
 * are the ones src/present/decks.test.ts pins headless (the presenter plays to the same cues).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';

const DECK = 'raft-under-failure';
const LOCAL_DECK_KEY = 'faultline.present.local-deck.v1';

/** Page object for presenter mode: read back by the data attributes and what the screen says. */
class PresenterPage {
  readonly root: Locator;
  readonly title: Locator;
  readonly cueText: Locator;
  readonly time: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('presenter');
    this.title = page.getByRole('heading', { level: 1 });
    this.cueText = page.getByTestId('cue-text');
    this.time = page.getByTestId('present-time');
  }

  async open(query: string): Promise<void> {
    await this.page.goto(`/?view=present&deck=${DECK}${query}`);
    await this.expectAt(query.includes('scene=') ? Number(/scene=(\d+)/.exec(query)![1]) : 1, 1);
  }

  /** Waits until the presenter shows this scene and cue (1-based), paused at the cue. */
  async expectAt(scene: number, cue: number, nowMs?: number): Promise<void> {
    await expect(this.root).toHaveAttribute('data-scene', String(scene));
    await expect(this.root).toHaveAttribute('data-cue', String(cue));
    await expect(this.root).toHaveAttribute('data-phase', 'at-cue');
    if (nowMs !== undefined) await expect(this.root).toHaveAttribute('data-now-ms', String(nowMs));
  }

  /** The next scene is prepared (what a speaker waits for without knowing: a few seconds on a scene). */
  async nextPrepared(): Promise<void> {
    await expect(this.root).toHaveAttribute('data-next-ready', 'true');
  }

  node(id: string): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^${id}, `) });
  }
}

test.describe('presenter mode', () => {
  test('opens at the first cue, plays to the next cue, and swaps in the next scene at once', async ({ page, baseURL }) => {
    // Offline: nothing is fetched from anywhere but the app's own origin.
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const p = new PresenterPage(page);
    await p.open('');
    await expect(p.title).toHaveText('Who leads?');
    await expect(p.cueText).toContainText('Five followers');
    await expect(p.time).toHaveText('t = 0.000 s');
    await expect(page.getByRole('progressbar', { name: 'Talk progress' })).toHaveAttribute('aria-valuetext', 'Scene 1 of 8, cue 1 of 2');

    // Space plays (at the deck's speed, the audience watching) to the next cue, and pauses there.
    await page.keyboard.press('Space');
    await expect(p.root).toHaveAttribute('data-phase', 'to-cue');
    await p.expectAt(1, 2, 210);
    await expect(p.time).toHaveText('t = 0.210 s');
    await expect(p.cueText).toContainText("n2's timer fired first");
    await expect(p.node('n2')).toHaveAccessibleName(/^n2, leader, term 1/);
    await expect(page.getByTestId('present-phase')).toHaveText('paused at cue 2 of 2');

    // The last cue passed, Page Down opens scene 2: prepared in advance, so it is there at once.
    await p.nextPrepared();
    await page.keyboard.press('PageDown');
    expect(await p.root.getAttribute('data-scene')).toBe('2');
    expect(await p.root.getAttribute('data-phase')).toBe('at-cue');
    expect(await p.root.getAttribute('data-now-ms')).toBe('550');
    await expect(p.title).toHaveText('Replicating a write');
    await expect(page).toHaveURL(/[?&]scene=2(&|$)/);

    // Back: the previous scene at its first cue, fresh.
    await page.keyboard.press('PageUp');
    await p.expectAt(1, 1, 0);
    await expect(p.title).toHaveText('Who leads?');

    // A clicker pressed twice while a cue plays: the second press lands on the cue at once.
    await p.nextPrepared();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await p.expectAt(1, 2, 210);

    const origin = new URL(baseURL!).origin;
    expect(requests.some((url) => /lab\.worker-.*\.js$/.test(url))).toBe(true);
    expect(requests.filter((url) => !url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([]);
  });

  test('a deep link opens its scene; off script a node crashes; R resets the scene as scripted', async ({ page }) => {
    const p = new PresenterPage(page);
    await p.open('&scene=3');
    await expect(p.title).toHaveText('The leader crashes');
    await p.expectAt(3, 1, 900);
    await expect(p.node('n2')).toHaveAccessibleName(/^n2, leader, term 1/);
    await expect(p.root).toHaveAttribute('data-off-script', 'false');

    // Click the leader: the operator actions open with it selected. Crash it.
    await p.node('n2').click();
    const drawer = page.getByRole('complementary', { name: 'Go off script' });
    await expect(drawer).toBeVisible();
    await drawer.getByRole('button', { name: 'Crash n2' }).click();
    await expect(p.node('n2')).toHaveAccessibleName(/^n2, crashed/);
    await expect(p.root).toHaveAttribute('data-off-script', 'true');
    await expect(page.getByText('off script', { exact: true })).toBeVisible();

    // Off script, K plays on: the cluster elects a new leader without n2.
    await drawer.getByRole('button', { name: /^Close/ }).click();
    await expect(drawer).toBeHidden();
    await page.keyboard.press('k');
    await expect(page.getByRole('button', { name: /^n\d, leader, term 2/ })).toBeVisible();
    await page.keyboard.press('k');

    // R: the scene as scripted, at its first cue, n2 leading again.
    await page.keyboard.press('r');
    await p.expectAt(3, 1, 900);
    await expect(p.root).toHaveAttribute('data-off-script', 'false');
    await expect(p.node('n2')).toHaveAccessibleName(/^n2, leader, term 1/);
    await expect(page.getByText('off script', { exact: true })).toBeHidden();
  });

  test('the notes window follows the presenter and drives it', async ({ page, context }) => {
    const p = new PresenterPage(page);
    await p.open('');
    const notes = await context.newPage();
    await notes.goto(`/?view=notes&deck=${DECK}`);
    const notesRoot = notes.getByTestId('notes');
    await expect(notesRoot).toHaveAttribute('data-connected', 'true');
    await expect(notes.getByTestId('notes-scene-title')).toHaveText('Who leads?');
    await expect(notes.getByTestId('notes-text')).toContainText('The arcs around the nodes are the election timers');
    await expect(notes.getByTestId('notes-next')).toContainText('Cue 2 (until leader-elected)');
    await expect(notes.getByTestId('notes-next')).toContainText("n2's timer fired first");
    await expect(notes.getByTestId('notes-next-scene')).toHaveText('Then scene 2: Replicating a write');

    // The presenter moves (type 2, Enter: scene 2); the notes follow.
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await p.expectAt(2, 1, 550);
    await expect(notes.getByTestId('notes-scene-title')).toHaveText('Replicating a write');
    await expect(notesRoot).toHaveAttribute('data-scene', '2');
    await expect(notes.getByTestId('notes-next')).toContainText('Cue 2 (until client-outcome)');

    // The notes window drives: Next plays the presenter on to cue 2; the scene list jumps to scene 4.
    await notes.getByRole('button', { name: 'Next ▶' }).click();
    await expect(p.root).toHaveAttribute('data-cue', '2');
    await expect(notesRoot).toHaveAttribute('data-cue', '2');
    await p.expectAt(2, 2, 630);
    await notes.getByLabel('Go to scene').selectOption({ label: '4. A leader in the minority' });
    await p.expectAt(4, 1, 950);
    await expect(p.title).toHaveText('A leader in the minority');
    await expect(notes.getByTestId('notes-scene-title')).toHaveText('A leader in the minority');
    // Keys in the notes window drive it too.
    await notes.keyboard.press('PageUp');
    await p.expectAt(3, 1, 900);

    // The talk timer started with the first move forward and counts in the notes window.
    await expect(notes.getByTestId('talk-timer')).toHaveText(/^0:(0[1-9]|[1-5]\d)$/, { timeout: 15_000 });
    await notes.getByRole('button', { name: 'Reset timer' }).click();
    await expect(notes.getByTestId('talk-timer')).toHaveText('0:00');

    // The presenter window closes: the notes window says so.
    await page.close();
    await expect(notesRoot).toHaveAttribute('data-connected', 'false');
    await expect(notes.getByRole('button', { name: 'Open the presenter window' })).toBeVisible();
  });

  test('a deck with problems shows them, file:line and field, instead of a talk', async ({ page }) => {
    const bad = [
      '---',
      'id: bad-talk',
      'title: Bad talk',
      '---',
      '',
      '## A scene',
      '::: run protocol=raft nodes=12',
      '::: cue until=world-peace',
      'A caption with <script>alert(1)</script> in it.',
    ].join('\n');
    await page.addInitScript(([key, text]) => localStorage.setItem(key!, JSON.stringify({ name: 'bad-talk.md', text })), [LOCAL_DECK_KEY, bad]);
    await page.goto('/?view=present&deck=local');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('“Bad talk” cannot be presented');
    const problems = page.getByTestId('deck-problem');
    await expect(problems).toHaveCount(3);
    await expect(problems.nth(0)).toContainText('bad-talk.md:7');
    await expect(problems.nth(0)).toContainText('scene 1 › run › nodes');
    await expect(problems.nth(1)).toContainText('bad-talk.md:8');
    await expect(problems.nth(1)).toContainText('unknown goal "world-peace"');
    await expect(problems.nth(2)).toContainText('bad-talk.md:9');
    await expect(problems.nth(2)).toContainText('raw HTML');
    await expect(page.getByTestId('presenter')).toHaveCount(0);
    // Shown as text, never run.
    expect(await page.evaluate(() => document.querySelectorAll('script:not([src])').length)).toBe(0);

    await page.goto('/?view=present&deck=no-such-deck');
    await expect(page.getByRole('heading', { level: 1, name: 'There is no deck called “no-such-deck”' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Present' })).toHaveAttribute('href', `?view=present&deck=${DECK}&scene=1`);

    await page.goto(`/?view=present&deck=${DECK}&scene=9`);
    await expect(page.getByRole('alert')).toContainText('This deck has scenes 1 to 8; there is no scene "9".');
  });

  test('a deck opened from a file is presented without rebuilding', async ({ page }) => {
    const deck = [
      '---',
      'id: my-talk',
      'title: My own talk',
      '---',
      '## Three nodes',
      '::: run protocol=raft nodes=3 seed=2 load=0',
      '::: cue until=leader-elected within=5s | A leader of three.',
      'Three nodes tolerate one failure.',
    ].join('\n');
    await page.goto('/?view=present');
    await expect(page.getByRole('heading', { level: 1, name: 'Presenter mode' })).toBeVisible();
    await page.getByLabel('Open a deck file…').setInputFiles({ name: 'my-talk.md', mimeType: 'text/markdown', buffer: Buffer.from(deck) });
    await expect(page).toHaveURL(/deck=local/);
    const p = new PresenterPage(page);
    await expect(p.title).toHaveText('Three nodes');
    await p.expectAt(1, 1);
    await expect(page.getByRole('button', { name: /^n\d, leader, term 1/ })).toHaveCount(1);
    await expect(p.cueText).toHaveText('A leader of three.');
  });
});

test.describe('presenter mode accessibility', () => {
  async function audit(page: Page): Promise<string[]> {
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${v.nodes[0]?.target.join(' ')})`);
  }

  test('axe finds nothing serious or critical in presenter mode, its operator panel, the notes window and the deck list', async ({ page, context }) => {
    const p = new PresenterPage(page);
    await p.open('&scene=5');
    await page.keyboard.press('Space');
    await p.expectAt(5, 2);
    expect(await audit(page)).toEqual([]);
    await page.keyboard.press('a');
    await expect(page.getByRole('complementary', { name: 'Go off script' })).toBeVisible();
    expect(await audit(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.keyboard.press('t');
    expect(await audit(page)).toEqual([]);

    const notes = await context.newPage();
    await notes.goto(`/?view=notes&deck=${DECK}`);
    await expect(notes.getByTestId('notes')).toHaveAttribute('data-connected', 'true');
    expect(await audit(notes)).toEqual([]);

    await notes.goto('/?view=present');
    await expect(notes.getByRole('heading', { level: 1, name: 'Presenter mode' })).toBeVisible();
    expect(await audit(notes)).toEqual([]);
  });
});
