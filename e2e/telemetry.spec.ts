/**
 * The telemetry panel (issue 6): open it on a run with load and a nemesis, see charts with data, scrub
 * back and watch the cursor move, export the metrics as CSV.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

test('the telemetry panel charts the run, follows the cursor and exports CSV', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('?load=20&nemesis=partition,crash&t=8000');
  const card = page.getByRole('region', { name: 'Telemetry' });
  await card.getByText('Telemetry', { exact: true }).click();
  const body = page.getByTestId('telemetry');
  await expect(body).toHaveAttribute('data-buckets', '16');
  const charts = page.getByTestId('telemetry-chart');
  await expect(charts).toHaveCount(8);
  await expect(page.locator('[data-chart=commit-index]')).toHaveAttribute('data-points', '16');
  // Each chart says its latest values in words (its accessible name too).
  await expect(page.locator('[data-chart=commit-index] [data-testid=chart-summary]')).toHaveText(/n1 \d+, n2 \d+/);
  await expect(page.getByRole('img', { name: /^Quorum-ack latency at the leader: p50 \d+ ms/ })).toBeVisible();
  await expect(page.getByTestId('commit-check')).toHaveAttribute('data-decreases', '0');
  await expect(page.getByTestId('telemetry-facts')).toContainText('config version 1');
  const cursor = page.locator('[data-chart=in-flight] [data-testid=telemetry-cursor]');
  const before = Number(await cursor.getAttribute('data-x'));
  expect(before).toBeGreaterThan(100);

  // Export the series up to the moment shown.
  const download = page.waitForEvent('download');
  await card.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^faultline-metrics-\d+s\.csv$/);
  const text = await readFile((await file.path())!, 'utf8');
  expect(text.split('\n')[0]).toMatch(/^start_s,leader,term,leader_changes_per_min,commit_index_n1,.*quorum_ack_p50_ms,quorum_ack_p99_ms,client_all_count,.*rejected_overloaded,rejected_queue-full,retries,timeouts,in_flight_max$/);

  // Scrub back on the timeline: the cursor moves left and the series ends earlier.
  await page.getByRole('slider', { name: 'Time', exact: true }).focus();
  await page.keyboard.press('Home');
  await expect.poll(async () => Number(await cursor.getAttribute('data-x'))).toBeLessThan(before - 50);
  await expect(body).not.toHaveAttribute('data-buckets', '16');
});
