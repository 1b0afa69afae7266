/**
 * The side-by-side view (issue 4): Raft and Paxos on one seed, workload and fault plan, their
 * latency and message counts compared. Runs against the production build like the lab's specs.
 */
import { expect, test, type Page } from '@playwright/test';

/** A figure of the comparison table: [left, right] as the cells say them. */
async function figure(page: Page, label: string): Promise<[string, string]> {
  const cells = page.locator(`tr[data-figure="${label}"] td`);
  return [(await cells.nth(0).textContent())!.trim(), (await cells.nth(1).textContent())!.trim()];
}

test('Raft and Multi-Paxos on the same run: both drawn, figures for both at the moment of the link', async ({ page }) => {
  await page.goto('/?view=compare&seed=1&load=20&nemesis=partition,crash&t=8000');
  const left = page.getByRole('region', { name: /^Left: Raft/ });
  const right = page.getByRole('region', { name: /^Right: Multi-Paxos, \|Q1\| 3, \|Q2\| 3/ });
  await expect(left).toBeVisible();
  await expect(right).toBeVisible();
  await expect(page.getByTestId('compare-time')).toHaveAttribute('data-now-ms', '8000');
  // Each side draws its own protocol: Raft terms on the left, Paxos ballots on the right.
  await expect(left.getByRole('button', { name: /^n\d, leader, term \d+/ })).toHaveCount(1);
  await expect(right.getByRole('button', { name: /^n\d, leader/ })).toHaveCount(1);
  await expect(page.getByText('Shared: seed 1, 5 nodes, 20 ops/s, nemesis partition, crash.')).toBeVisible();
  await expect.poll(async () => (await figure(page, 'Operations completed (ok)')).every((t) => Number(t) > 50)).toBe(true);
  const [raftMsgs, paxosMsgs] = await figure(page, 'Messages sent');
  expect(Number(raftMsgs)).toBeGreaterThan(100);
  expect(Number(paxosMsgs)).toBeGreaterThan(100);
  expect(raftMsgs).not.toBe(paxosMsgs);
  for (const label of ['Client latency p50', 'Client latency p99']) {
    for (const cell of await figure(page, label)) expect(cell).toMatch(/^\d+ ms$/);
  }
  // The same link, opened again, shows the same figures (the runs are pure functions of the link).
  const before = await figure(page, 'Messages per ok operation');
  await page.reload();
  await expect(page.getByTestId('compare-time')).toHaveAttribute('data-now-ms', '8000');
  await expect.poll(() => figure(page, 'Messages per ok operation')).toEqual(before);
});

test('switching the right side to Flexible Paxos |Q2| = 2 reloads it and puts it in the link', async ({ page }) => {
  await page.goto('/?view=compare&seed=2&load=20');
  await expect(page.getByRole('region', { name: /^Right: Multi-Paxos/ })).toBeVisible();
  const form = page.getByRole('form', { name: 'What to compare' });
  await form.getByLabel('|Q1|').last().selectOption('4');
  await form.getByLabel('|Q2|').last().selectOption('2');
  await form.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByRole('region', { name: /^Right: Multi-Paxos, \|Q1\| 4, \|Q2\| 2/ })).toBeVisible();
  // Playing moves both runs on together.
  await page.getByRole('region', { name: 'Playback' }).getByRole('button', { name: 'Play' }).click();
  await expect.poll(async () => Number(await page.getByTestId('compare-time').getAttribute('data-now-ms'))).toBeGreaterThan(200);
  await page.getByRole('region', { name: 'Playback' }).getByRole('button', { name: 'Pause' }).click();
  await expect(page).toHaveURL(/wq1=4/);
  await expect(page).toHaveURL(/wq2=2/);
  await expect.poll(async () => (await figure(page, 'Operations completed (ok)')).every((t) => t !== '-')).toBe(true);
});

test('a bad link names what is wrong and still compares what it can', async ({ page }) => {
  await page.goto('/?view=compare&with=zab&wq2=99');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('with: expected one of raft, paxos, multipaxos, got "zab"');
  await expect(alert).toContainText('wq2: expected a whole number from 1 to 9, got "99"');
  await expect(page.getByRole('region', { name: /^Right: Multi-Paxos/ })).toBeVisible();
});

test('the lab links the run it shows to the same run with the other protocol', async ({ page }) => {
  await page.goto('/?seed=4&load=10&t=3000');
  await expect(page.getByTestId('trace-hash')).toHaveText(/^[0-9a-f]{64}$/);
  await page.getByRole('link', { name: 'Compare with Multi-Paxos' }).click();
  await expect(page).toHaveURL(/view=compare/);
  await expect(page.getByRole('region', { name: /^Left: Raft/ })).toBeVisible();
  await expect(page.getByRole('region', { name: /^Right: Multi-Paxos/ })).toBeVisible();
  await expect(page.getByTestId('compare-time')).toHaveAttribute('data-now-ms', '3000');
  await expect(page.getByText(/Shared: seed 4, 5 nodes, 10 ops\/s/)).toBeVisible();
});

test('a grid run compared with Raft: both on nine nodes, the grid named, and Compare keeps them so', async ({ page }) => {
  await page.goto('/?view=compare&protocol=multipaxos&grid=3x3&with=raft&seed=4&load=20&t=2000');
  const left = page.getByRole('region', { name: /^Left: Multi-Paxos, grid 3x3/ });
  const right = page.getByRole('region', { name: /^Right: Raft/ });
  await expect(left.getByRole('button', { name: /^n\d, / })).toHaveCount(9);
  await expect(right.getByRole('button', { name: /^n\d, / })).toHaveCount(9);
  const form = page.getByRole('form', { name: 'What to compare' });
  await expect(form.getByText('grid 3 × 3')).toBeVisible();
  await expect(form.getByLabel('Nodes')).toBeDisabled();
  await form.getByRole('button', { name: 'Compare' }).click();
  await expect(right.getByRole('button', { name: /^n\d, / })).toHaveCount(9);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect.poll(() => new URL(page.url()).searchParams.get('grid')).toBe('3x3');
});
