/**
 * The lab end to end, in real Chromium, driven by role and accessible name. The determinism promise
 * (DESIGN.md) is checked across the boundary: the trace hash the page shows for a moment equals the
 * hash `faultline run --until <t>` computes in Node for the same URL parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { runScenario } from '../src/check/run';
import { parseArgs } from '../src/cli/args';
import { scenarioFromArgs } from '../src/cli/main';
import { failOnPageErrors, LabPage } from './lab-page';

/** `faultline run <flags> --until <t>ms --json`'s traceHash, computed here in Node. */
function cliHash(flags: string[], untilMs: number): string {
  const io = { out: () => undefined, err: () => undefined, readFile: (p: string) => readFileSync(p, 'utf8') };
  const args = parseArgs([...flags, '--until', `${untilMs}ms`], ['scenario', 'protocol', 'nodes', 'seed', 'until', 'nemesis', 'nemesis-interval', 'load', 'bug'], ['json', 'trace']);
  return runScenario(scenarioFromArgs(args, io)).traceHash;
}

const PORCUPINE = join(process.cwd(), '..', 'shared', 'testdata', 'porcupine');

let lab: LabPage;
failOnPageErrors((page) => (lab = new LabPage(page)));

test('opens on a live 5-node cluster that elects a leader and replicates client writes', async ({ page }) => {
  await lab.open();
  await expect(page).toHaveTitle('Faultline');
  await expect(page.getByRole('button', { name: /^n\d+, / })).toHaveCount(5);
  await lab.focusPage();
  await page.keyboard.press('Space');
  await expect(lab.pauseButton).toBeVisible();
  await lab.speed.fill('1000'); // the fastest speed, so the test does not wait on a slow-motion election
  await expect.poll(() => lab.leader(), { timeout: 20_000 }).not.toBeNull();
  await expect.poll(async () => lab.commitIndexOf((await lab.leader())!), { timeout: 20_000 }).toBeGreaterThan(2);
  await lab.pauseButton.click();
  await expect(lab.playButton).toBeVisible();
  const paused = await lab.nowMs();
  await page.waitForTimeout(300);
  expect(await lab.nowMs()).toBe(paused);
});

test('crashing the leader gets a new leader elected, and the action is on the timeline', async ({ page }) => {
  await lab.open('?t=1000');
  const first = (await lab.leader())!;
  expect(first).not.toBeNull();
  await lab.crash(first);
  await lab.scrub(10);
  await expect.poll(() => lab.leader()).not.toBeNull();
  const second = (await lab.leader())!;
  expect(second).not.toBe(first);
  expect(await lab.termOf(second)).toBeGreaterThan(1);
  await expect(page.getByRole('toolbar', { name: 'Timeline markers' }).getByRole('button', { name: /crash/ }).first()).toBeVisible();
});

test('partitioning away a minority of followers: the majority keeps committing', async () => {
  await lab.open('?seed=2&load=20&t=1000');
  const leader = (await lab.leader())!;
  const members = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const followers = members.filter((m) => m !== leader);
  const minority = followers.slice(0, 2);
  const majority = members.filter((m) => !minority.includes(m));
  await lab.partition([minority, majority]);
  const before = await lab.commitIndexOf(leader);
  const stuck = await lab.commitIndexOf(minority[0]!);
  await lab.scrub(15);
  expect(await lab.leader()).toBe(leader);
  expect(await lab.commitIndexOf(leader)).toBeGreaterThan(before + 3);
  expect(await lab.commitIndexOf(minority[0]!)).toBe(stuck);
});

test('scrubbing back and forth shows the same moment, with the CLI hash for that time', async () => {
  await lab.open('?seed=7&load=10&t=3000');
  const at3000 = await lab.hash();
  expect(at3000).toBe(cliHash(['--seed', '7', '--load', '10'], 3000));
  await lab.scrub(-10);
  const at2000 = await lab.hash();
  expect(at2000).toBe(cliHash(['--seed', '7', '--load', '10'], 2000));
  await lab.scrub(10);
  expect(await lab.hash()).toBe(at3000);
});

test('stepping one event at a time moves forward and back by exactly one step', async ({ page }) => {
  await lab.open('?t=500');
  const step = Number(await lab.status.getAttribute('data-step'));
  await lab.focusPage();
  await page.keyboard.press('ArrowRight');
  await expect(lab.status).toHaveAttribute('data-step', String(step + 1));
  await page.keyboard.press('ArrowLeft');
  await expect(lab.status).toHaveAttribute('data-step', String(step));
  await page.getByRole('button', { name: /Step forward/ }).click();
  await expect(lab.status).toHaveAttribute('data-step', String(step + 1));
});

test('the URL reproduces the same moment, operator actions included', async ({ page, context }) => {
  await lab.open('?seed=3&t=800');
  await lab.crash('n2');
  await lab.scrub(5);
  const hash = await lab.hash();
  const time = await lab.nowMs();
  await expect.poll(() => new URL(page.url()).searchParams.get('t')).toBe(String(time));
  const url = page.url();
  expect(new URL(url).searchParams.get('actions')).not.toBeNull();
  const other = new LabPage(await context.newPage());
  await other.page.goto(url);
  await expect(other.traceHash).toHaveText(hash);
  await other.expectTime(time);
  await expect(other.node('n2')).toHaveAttribute('aria-label', /crashed/);
});

test('an action in the past forks a new future, and says so', async ({ page }) => {
  await lab.open('?seed=4&t=2000');
  await lab.crash('n3');
  await lab.scrub(-5);
  await expect(page.getByText(/Replaying the recorded run\. An action now forks a new future/)).toBeVisible();
  await lab.crash('n4');
  await expect(page.getByText(/this is a new future/)).toBeVisible();
  await expect(page.getByText(/1 later action was discarded/)).toBeVisible();
});

test('a bug flag produces a visible violation: the run pauses, explains it, and can jump to the cause', async ({ page }) => {
  await lab.open('?scenario=figure-8-commit-old-term');
  await lab.speed.fill('1000');
  await lab.focusPage();
  await page.keyboard.press('Space');
  const banner = page.getByRole('alert').filter({ hasText: /broke at/ });
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toContainText(/StateMachineSafety|LeaderCompleteness/);
  await expect(lab.playButton).toBeVisible(); // paused itself
  await expect(page.getByRole('button', { name: /safety violation/ }).first()).toBeVisible();
  const at = await lab.nowMs();
  await banner.getByRole('button', { name: 'Jump to cause', exact: true }).click();
  await expect.poll(() => lab.nowMs()).toBeLessThanOrEqual(at);
});

test('the browser hash equals the CLI hash for the same inputs (issue 2 command)', async () => {
  await lab.open('?nodes=5&seed=42&nemesis=partition,crash&load=20&t=10000');
  expect(await lab.hash()).toBe(cliHash(['--nodes', '5', '--seed', '42', '--nemesis', 'partition,crash', '--load', '20'], 10_000));
});

test('a bad link is explained and the default cluster loads instead', async ({ page }) => {
  await lab.open('?seed=banana&nodes=12&scenario=nope');
  const problems = page.getByRole('alert').filter({ hasText: 'The link had problems' });
  await expect(problems).toContainText('seed: expected a whole number');
  await expect(problems).toContainText('nodes: expected a whole number from 1 to 9, got "12"');
  await expect(problems).toContainText('There is no scenario named "nope"');
  await expect(page.getByRole('button', { name: /^n\d+, / })).toHaveCount(5);
});

test('keyboard: every node is focusable and named; ? opens the shortcuts', async ({ page }) => {
  await lab.open('?t=1000');
  const leader = (await lab.leader())!;
  await lab.node(leader).focus();
  await expect(lab.node(leader)).toBeFocused();
  await expect(lab.node(leader)).toHaveAttribute('aria-label', new RegExp(`^${leader}, leader, term \\d+`));
  await lab.focusPage();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();
});

test('a message in flight can be inspected from the keyboard and dropped', async ({ page }) => {
  await lab.open('?scenario=nine-nodes-slow-links&t=2600');
  await page.getByRole('button', { name: 'Inspect the messages in flight' }).focus();
  const first = page.getByRole('button', { name: /^Inspect message #\d+/ }).first();
  await expect(first).toBeVisible();
  const id = /#(\d+)/.exec((await first.textContent())!)![1]!;
  await first.press('Enter');
  await expect(page.getByRole('heading', { name: `Message #${id}` })).toBeVisible();
  await page.getByRole('button', { name: 'Drop message', exact: true }).click();
  await expect(page.getByRole('list', { name: /^Recent events/ })).toContainText(`#${id} (operator)`);
});

test('the run\'s client history is checked for linearizability and drawn as lanes', async ({ page }) => {
  await lab.open('?load=20&t=5000');
  await page.getByRole('button', { name: 'Check the run up to now' }).click();
  const verdict = page.getByTestId('lincheck-verdict');
  await expect(verdict).toContainText(/the run up to 5000 ms: linearizable/);
  await expect(page.getByRole('listbox').first()).toBeVisible();
});

test('an imported Jepsen history gets its verdict; a bad file gets the line that is wrong', async ({ page }) => {
  await lab.open('?t=100');
  const chooser = page.getByLabel('Import a history file');
  await chooser.setInputFiles(join(PORCUPINE, 'jepsen-etcd', 'etcd_000.log'));
  await expect(page.getByTestId('lincheck-verdict')).toContainText('etcd_000.log: NOT linearizable');
  await chooser.setInputFiles({ name: 'broken.log', mimeType: 'text/plain', buffer: Buffer.from('INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:oops\t:read\tnil\n') });
  await expect(page.getByText(/broken\.log is not a history Faultline can read: line 2/)).toBeVisible();
});

test('hovering an operation of the history shows the register before and after it, in the order the checker found', async ({ page }) => {
  // c2's read of 3 is invoked after c1's write of 5 but completes before it: the order found puts the
  // read first, so the write takes the register from 3 to 5. c3's write of 7 never completed and no
  // read saw it: no order needs it.
  const op = (process: string, f: string, fields: Record<string, string | number | null>): Record<string, unknown> => ({
    process, f, key: null, value: null, expected: null, output: null, completeAt: null, ...fields,
  });
  const operations = [
    op('c1', 'write', { value: '3', outcome: 'ok', invokeAt: 1, completeAt: 2 }),
    op('c1', 'write', { value: '5', outcome: 'ok', invokeAt: 3, completeAt: 10 }),
    op('c2', 'read', { output: '3', outcome: 'ok', invokeAt: 4, completeAt: 5 }),
    op('c3', 'cas', { expected: '9', value: '1', outcome: 'fail', invokeAt: 6, completeAt: 8 }),
    op('c2', 'read', { output: '5', outcome: 'ok', invokeAt: 11, completeAt: 12 }),
    op('c3', 'write', { value: '7', outcome: 'info', invokeAt: 13 }),
  ];
  await lab.open('?t=100');
  await lab.importHistory('reordered.json', JSON.stringify({ model: 'register', operations }));
  await expect(page.getByTestId('lincheck-verdict')).toContainText('reordered.json: linearizable');

  const write5 = lab.historyOperation('c1 write 5');
  await write5.hover();
  await expect(lab.historyTooltip).toContainText('c1 · write 5');
  // The write's "after" is the value it wrote; its "before" is what the read placed first saw.
  await expect(lab.historyTooltip).toContainText(/before\s*3\s*after\s*5/);
  await expect(write5).toHaveAttribute('aria-label', /, before 3, after 5$/);

  await lab.historyOperation('c2 read = 3').hover();
  await expect(lab.historyTooltip).toContainText(/before\s*3\s*after\s*3/);
  await lab.historyOperation('c3 cas 9 to 1').hover();
  await expect(lab.historyTooltip).toContainText(/before\s*5\s*after\s*5/);

  await lab.historyOperation('c3 write 7').hover();
  await expect(lab.historyTooltip).toContainText('not placed: its outcome is unknown and no order needs it');
  await expect(lab.historyTooltip).not.toContainText('before');
});

test('a node can be slowed, its clock skewed and its power cut, and a storm started; the link replays all of it', async ({ page, context }) => {
  await lab.open('?seed=3&t=800');
  await lab.nodeSelect.selectOption('n2');
  await page.getByRole('button', { name: 'Slow n2 down ten times' }).click();
  await expect(lab.node('n2')).toHaveAttribute('aria-label', /slow, 10 times/);
  await page.getByRole('button', { name: "Make n2's clock run twice as fast" }).click();
  await expect(lab.node('n2')).toHaveAttribute('aria-label', /clock runs 2 times real time/);
  await page.getByRole('button', { name: 'Start a network storm' }).click();
  await expect(page.getByTestId('storm')).toHaveText('network storm: 30% duplicated, 30% reordered');
  await lab.scrub(3);
  await page.getByRole('button', { name: 'Power loss on n2' }).click();
  await expect(lab.node('n2')).toHaveAttribute('aria-label', /crashed/);
  // The machine faults outlive the power loss (they are the machine's, not the process's).
  await expect(lab.node('n2')).toHaveAttribute('aria-label', /slow, 10 times/);
  await page.getByRole('button', { name: 'End the network storm' }).click();
  await expect(page.getByTestId('storm')).toHaveCount(0);
  const hash = await lab.hash();
  const time = await lab.nowMs();
  await expect.poll(() => new URL(page.url()).searchParams.get('t')).toBe(String(time));
  const other = new LabPage(await context.newPage());
  await other.page.goto(page.url());
  await expect(other.traceHash).toHaveText(hash);
  await expect(other.node('n2')).toHaveAttribute('aria-label', /crashed, term \d+, slow, 10 times, clock runs 2 times real time/);
});

test('the quorum explorer says when phase-1 and phase-2 quorums can miss each other, and shows a pair that does', async ({ page }) => {
  await lab.open('?seed=3&t=500');
  const explorer = page.getByRole('region', { name: 'Quorum explorer' });
  const verdict = explorer.getByTestId('quorum-verdict');
  await expect(verdict).toContainText('Every phase-1 quorum meets every phase-2 quorum');
  await explorer.getByLabel('|Q1|').selectOption('2');
  await explorer.getByLabel('|Q2|').selectOption('2');
  await expect(verdict).toContainText('Quorums can miss each other (2 + 2 ≤ 5)');
  const pair = explorer.getByRole('list', { name: 'The example pair of quorums' });
  await expect(pair.getByRole('listitem', { name: 'n1: phase-1 quorum' })).toBeVisible();
  await expect(pair.getByRole('listitem', { name: 'n5: phase-2 quorum' })).toBeVisible();
  await expect(pair.getByRole('listitem', { name: /in both/ })).toHaveCount(0);
  await expect(explorer.getByText('--q1 2 --q2 2', { exact: false })).toBeVisible();
  await explorer.getByRole('radio', { name: 'Grid' }).check();
  await expect(verdict).toContainText('Every phase-1 quorum meets every phase-2 quorum');
  await expect(pair.getByRole('listitem', { name: 'n1: in both' })).toBeVisible();
});
