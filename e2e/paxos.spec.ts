/**
 * Paxos in the lab, end to end in real Chromium: single-decree Paxos and Multi-Paxos runs drawn from
 * the worker, the run settings that choose them (protocol, Flexible Paxos quorum sizes), the warning
 * when phase-1 and phase-2 quorums need not meet, and the quorum explorer that shows which quorums a
 * run used and which pairs of them missed each other. Every run is checked against the CLI computing
 * the same flags in Node (DESIGN.md: a run is a pure function of its inputs), and every test seeks
 * with `t=` instead of playing in real time.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { PAXOS_INVARIANTS } from '../src/check/paxos-invariants';
import { runScenario } from '../src/check/run';
import { parseArgs } from '../src/cli/args';
import { scenarioFromArgs } from '../src/cli/main';
import { failOnPageErrors, LabPage } from './lab-page';

/** `faultline run <flags> --until <t>ms --json`, computed here in Node. */
function cliRun(flags: string[], untilMs: number): ReturnType<typeof runScenario> {
  const io = { out: () => undefined, err: () => undefined, readFile: (p: string) => readFileSync(p, 'utf8') };
  const args = parseArgs(
    [...flags, '--until', `${untilMs}ms`],
    ['scenario', 'protocol', 'nodes', 'seed', 'until', 'nemesis', 'nemesis-interval', 'load', 'bug', 'q1', 'q2', 'grid'],
    ['json', 'trace'],
  );
  return runScenario(scenarioFromArgs(args, io));
}

/**
 * A Multi-Paxos run whose quorums need not meet (|Q1| = |Q2| = 2 of 5) under the partition nemesis
 * (every 5 s, the lab's interval). Seed 9 is the seed of 1 to 30 where the CLI reports the Agreement
 * violation earliest: `npm run -s faultline -- run --protocol multipaxos --nodes 5 --q1 2 --q2 2
 * --nemesis partition --load 20 --seed 9 --until 30s --json` exits 1 with Agreement at 6305 ms
 * (slot 78, ballot 34 = 2.n2), then StateMachineSafety at 6313 ms.
 */
const UNSAFE_FLAGS = ['--protocol', 'multipaxos', '--nodes', '5', '--q1', '2', '--q2', '2', '--nemesis', 'partition', '--load', '20', '--seed', '9'];
const AGREEMENT_AT_MS = 6305;
/** Between the Agreement violation and the StateMachineSafety one that follows it. */
const JUST_AFTER_MS = 6308;

let lab: LabPage;
failOnPageErrors((page) => (lab = new LabPage(page)));

function settingsOf(page: Page): Locator {
  return page.getByRole('form', { name: 'Run settings' });
}

function explorerOf(page: Page): Locator {
  return page.getByRole('region', { name: 'Quorum explorer' });
}

/** The node sets of a pairs-table row: "n1 n2 1.n1" -> ["n1", "n2"]. */
async function setOf(cell: Locator): Promise<string[]> {
  return ((await cell.locator('.set').textContent()) ?? '').trim().split(/\s+/);
}

test('Multi-Paxos: nodes show their ballots, slots get chosen, and every Paxos invariant holds', async ({ page }) => {
  const atMs = 4000;
  await lab.open(`?protocol=multipaxos&t=${atMs}`);
  await lab.expectTime(atMs);
  expect(await lab.hash()).toBe(cliRun(['--protocol', 'multipaxos'], atMs).traceHash);

  // Every node names its promised ballot ("3.n2"); exactly one leads, in phase 2, with its own ballot.
  const nodes = page.getByRole('button', { name: /^n\d+, / });
  await expect(nodes).toHaveCount(5);
  for (const name of await nodes.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))) {
    expect(name).toMatch(/promised \d+\.n\d/);
  }
  const leaders = page.getByRole('button', { name: /^n\d+, leader, phase 2, promised (\d+\.n\d), own ballot \1/ });
  await expect(leaders).toHaveCount(1);
  await expect(page.getByRole('banner').getByLabel('Run', { exact: true })).toContainText('multipaxos');

  // The slots table: every acceptor has learned slots chosen.
  const slots = page.getByRole('table', { name: /^Slots \d+ to \d+/ });
  await expect(slots).toBeVisible();
  const rows = slots.getByRole('row').filter({ has: page.getByRole('rowheader') });
  await expect(rows).toHaveCount(5);
  for (let i = 0; i < 5; i++) expect(await rows.nth(i).getByRole('cell').filter({ hasText: ', chosen' }).count()).toBeGreaterThan(0);

  // The safety panel lists exactly the Paxos invariants, none violated.
  const safety = page.getByRole('region', { name: 'Safety' });
  const names = await safety.locator('.invariants .name').allTextContents();
  expect(names.sort()).toEqual(Object.keys(PAXOS_INVARIANTS).sort());
  await expect(safety).toContainText(`All ${names.length} invariants hold.`);
  await expect(safety.getByText(/violated/)).toHaveCount(0);
  await expect(safety).toContainText('None so far.');

  // Majorities always meet: no warning, and every pair of used quorums shares an acceptor.
  await expect(page.getByTestId('quorum-warning')).toHaveCount(0);
  await expect(explorerOf(page).getByTestId('used-quorum-verdict')).toContainText(/All \d+ pairs meet|The only pair meets/);
});

test('single-decree Paxos: slot 1 gets chosen, and is the only slot', async ({ page }) => {
  const atMs = 3000;
  await lab.open(`?protocol=paxos&t=${atMs}`);
  await lab.expectTime(atMs);
  const cli = cliRun(['--protocol', 'paxos'], atMs);
  expect(await lab.hash()).toBe(cli.traceHash);
  expect(cli.violations).toEqual([]);
  const slots = page.getByRole('table', { name: /^Slots 1 to 1\b/ });
  await expect(slots).toBeVisible();
  await expect(slots.getByRole('columnheader', { name: '1', exact: true })).toBeVisible();
  await expect(slots.getByRole('columnheader', { name: '2', exact: true })).toHaveCount(0);
  const chosen = slots.getByRole('cell').filter({ hasText: ', chosen' });
  expect(await chosen.count()).toBeGreaterThanOrEqual(3);
  // One value: every acceptor that learned slot 1 learned the same one.
  const values = await chosen.locator('.value').allTextContents();
  expect(new Set(values).size).toBe(1);
  await expect(page.getByRole('region', { name: 'Safety' })).toContainText(/All \d+ invariants hold\./);
});

test('quorums that need not meet: a warning as you pick them, the run goes ahead, and Agreement breaks on a pair that missed', async ({ page }) => {
  const cli = cliRun(UNSAFE_FLAGS, AGREEMENT_AT_MS + 100);
  expect(cli.violations[0]).toMatchObject({ invariant: 'Agreement', atMs: AGREEMENT_AT_MS });

  await lab.open('?t=500');
  const settings = settingsOf(page);
  await settings.getByLabel('Protocol').selectOption({ label: 'Multi-Paxos' });
  const q1 = settings.getByLabel('Phase-1 quorum |Q1|');
  const q2 = settings.getByLabel('Phase-2 quorum |Q2|');
  await expect(q1).toHaveValue('majority');
  await expect(q1.getByRole('option', { name: 'Majority (3)' })).toBeAttached();
  const warning = settings.getByTestId('quorum-settings-warning');
  await expect(warning).toHaveCount(0);
  // Flexible Paxos: a small phase-2 quorum is safe with a large enough phase-1 quorum (4 + 2 > 5).
  await q1.selectOption('4');
  await q2.selectOption('2');
  await expect(settings).toContainText('|Q1| + |Q2| = 4 + 2 > 5: every phase-1 quorum meets every phase-2 quorum.');
  await expect(warning).toHaveCount(0);
  await q1.selectOption('2');
  await expect(warning).toContainText('some phase-1 and phase-2 quorums do not meet');
  await expect(warning).toContainText('2 + 2 ≤ 5');
  await expect(warning).toContainText('The run will go ahead so you can watch it.');
  // The bug menu offers Paxos's variants, with the rule of "Paxos Made Simple" each one skips.
  const bug = settings.getByLabel('Bug variant');
  await expect(bug.getByRole('option')).toHaveText(['None (correct Paxos)', 'acceptor-forgets-promise', 'ignore-accepted-value', 'accept-lower-ballot']);
  await bug.selectOption('accept-lower-ballot');
  await expect(settings).toContainText('Paxos Made Simple, section 2.2, phase 2(b)');
  await expect(settings.locator('code', { hasText: 'AcceptedBallotNotAbovePromise' })).toBeVisible();
  await bug.selectOption('none');
  await settings.getByLabel('Seed').fill('9');
  await settings.getByLabel('Client ops/s').fill('20');
  await settings.getByRole('checkbox', { name: 'Partitions', exact: true }).check();
  await settings.getByRole('button', { name: 'Start run' }).click();

  // The run is loaded as the CLI flags say, and the page warns about it (the run goes ahead).
  await expect.poll(() => new URL(page.url()).searchParams.toString()).toMatch(/protocol=multipaxos&nodes=5&seed=9&q1=2&q2=2&bug=none&load=20&nemesis=partition&t=0/);
  await expect(page.getByTestId('quorum-warning')).toContainText('|Q1| + |Q2| = 2 + 2 <= 5');
  await expect(page.getByTestId('cli-command')).toContainText('--q1 2 --q2 2');

  // Seek to just after the violation through the link, as a shared link would.
  const url = new URL(page.url());
  url.searchParams.set('t', String(JUST_AFTER_MS));
  await page.goto(url.toString());
  await lab.expectTime(JUST_AFTER_MS);
  expect(await lab.hash()).toBe(cliRun(UNSAFE_FLAGS, JUST_AFTER_MS).traceHash);
  const banner = page.getByRole('alert').filter({ hasText: 'broke at' });
  await expect(banner).toContainText(`Agreement broke at ${(AGREEMENT_AT_MS / 1000).toFixed(3)} s`);
  await expect(page.getByTestId('quorum-warning')).toBeVisible();

  // The explorer follows the run (2 + 2 <= 5) and lists a pair of quorums this run used that share no acceptor.
  const explorer = explorerOf(page);
  await expect(explorer.getByTestId('quorum-verdict')).toContainText('Quorums can miss each other (2 + 2 ≤ 5)');
  await expect(explorer.getByTestId('used-quorum-verdict')).toContainText(/\d+ of \d+ pairs share no acceptor/);
  const pairs = explorer.getByRole('table', { name: 'Pairs of quorums this run used' });
  const misses = pairs.locator('tr[data-meets="false"]');
  expect(await misses.count()).toBeGreaterThan(0);
  const first = misses.first();
  await expect(first).toContainText('do not meet');
  const phase1 = await setOf(first.getByRole('cell').nth(0));
  const phase2 = await setOf(first.getByRole('cell').nth(1));
  expect(phase1.length).toBeGreaterThanOrEqual(2);
  expect(phase2.length).toBeGreaterThanOrEqual(2);
  expect(phase1.filter((n) => phase2.includes(n)), `${phase1.join(' ')} vs ${phase2.join(' ')}`).toEqual([]);
  // ...and the pair is really among the sets the run used, in both lists.
  await expect(explorer.getByRole('list', { name: 'Phase 1 (promises): quorums used' })).toContainText(phase1.join(' '));
  await expect(explorer.getByRole('list', { name: 'Phase 2 (accepts): quorums used' })).toContainText(phase2.join(' '));
  // A pair that does meet is not shown as a miss.
  const meets = pairs.locator('tr[data-meets="true"]');
  if ((await meets.count()) > 0) await expect(meets.first()).not.toContainText('do not meet');
});

test('the quorum explorer follows the run\'s settings, and goes back to them on demand', async ({ page }) => {
  await lab.open('?protocol=multipaxos&nodes=7&q1=3&q2=5&t=1500');
  const explorer = explorerOf(page);
  await expect(explorer.getByLabel(/^N\b/)).toHaveValue('7');
  await expect(explorer.getByLabel(/^\|Q1\|/)).toHaveValue('3');
  await expect(explorer.getByLabel(/^\|Q2\|/)).toHaveValue('5');
  const verdict = explorer.getByTestId('quorum-verdict');
  await expect(verdict).toContainText('Every phase-1 quorum meets every phase-2 quorum');
  await expect(explorer.getByTestId('explorer-run-sizes')).toContainText("These are this run's quorums: N = 7, |Q1| = 3, |Q2| = 5.");
  await expect(page.getByTestId('quorum-warning')).toHaveCount(0);
  // The run settings start from the run too.
  const settings = settingsOf(page);
  await expect(settings.getByLabel('Protocol')).toHaveValue('multipaxos');
  await expect(settings.getByLabel('Phase-1 quorum |Q1|')).toHaveValue('3');
  await expect(settings.getByLabel('Phase-2 quorum |Q2|')).toHaveValue('5');

  // Exploring away from the run, then back.
  await explorer.getByLabel(/^\|Q2\|/).selectOption('4');
  await expect(verdict).toContainText('Quorums can miss each other (3 + 4 ≤ 7)');
  await explorer.getByRole('button', { name: "Show this run's sizes" }).click();
  await expect(explorer.getByLabel(/^\|Q2\|/)).toHaveValue('5');
  await expect(verdict).toContainText('Every phase-1 quorum meets every phase-2 quorum');

  // Loading a Raft run of 3 re-seeds it with majorities, and there are no Paxos quorums to list.
  await settings.getByLabel('Protocol').selectOption('raft');
  await expect(settings.getByLabel('Phase-1 quorum |Q1|')).toHaveCount(0);
  await settings.getByLabel('Nodes', { exact: true }).selectOption('3');
  await settings.getByRole('button', { name: 'Start run' }).click();
  await expect(page.getByRole('button', { name: /^n\d+, / })).toHaveCount(3);
  await expect.poll(() => new URL(page.url()).searchParams.get('protocol')).toBe('raft');
  expect(new URL(page.url()).searchParams.get('q1')).toBeNull();
  await expect(explorer.getByLabel(/^N\b/)).toHaveValue('3');
  await expect(explorer.getByLabel(/^\|Q1\|/)).toHaveValue('2');
  await expect(explorer.getByLabel(/^\|Q2\|/)).toHaveValue('2');
  await expect(explorer.getByTestId('explorer-run-sizes')).toContainText('(Raft uses majorities)');
  await expect(explorer.getByRole('heading', { name: 'Quorums this run used' })).toHaveCount(0);
});

test('a grid quorum system: chosen in Run settings, drawn row by row, each slot chosen by a whole row', async ({ page }) => {
  await lab.open('?protocol=multipaxos&load=20&seed=4&t=1000');
  const settings = settingsOf(page);
  await settings.getByLabel('Quorum system').selectOption('3x3');
  await expect(settings.getByLabel('Nodes', { exact: true })).toHaveValue('9');
  await expect(settings.getByLabel('Nodes', { exact: true })).toBeDisabled();
  await expect(settings.getByLabel('Phase-1 quorum |Q1|')).toHaveCount(0);
  await expect(settings.getByTestId('quorum-grid-note')).toContainText('Phase 1 needs a whole column (3 nodes), phase 2 a whole row');
  await settings.getByRole('button', { name: 'Start run' }).click();
  await expect(page.getByRole('button', { name: /^n\d+, / })).toHaveCount(9);
  await expect.poll(() => new URL(page.url()).searchParams.get('grid')).toBe('3x3');
  await expect(page.getByLabel('Run', { exact: true })).toContainText('grid 3 × 3');

  // The same link, at a later moment: the CLI computes the same run, and every phase-2 quorum drawn is a row.
  const atMs = 3000;
  await lab.open(`?protocol=multipaxos&grid=3x3&load=20&seed=4&t=${atMs}`);
  await lab.expectTime(atMs);
  expect(await lab.hash()).toBe(cliRun(['--protocol', 'multipaxos', '--grid', '3x3', '--load', '20', '--seed', '4'], atMs).traceHash);
  const rows = ['n1 n2 n3', 'n4 n5 n6', 'n7 n8 n9'];
  const used = explorerOf(page).getByRole('list', { name: 'Phase 2 (accepts): quorums used' });
  await expect(used.locator('.set').first()).toBeVisible();
  for (const set of await used.locator('.set').allTextContents()) expect(rows).toContain(set.trim());
  const explorer = explorerOf(page);
  await expect(explorer.getByTestId('explorer-run-sizes')).toContainText("These are this run's quorums: a 3 x 3 grid of N = 9");
  await expect(explorer.getByLabel('Rows')).toHaveValue('3');
  await expect(page.getByTestId('quorum-warning')).toHaveCount(0);
});
