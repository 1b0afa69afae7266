/**
 * The run page end to end, in real Chromium: the page's run happens in a module worker, and its trace
 * hash must equal the one Node computes for the same options. That equality is the determinism
 * promise of DESIGN.md ("same inputs, same trace, byte for byte, in Node and in any browser").
 */
import { expect, test } from '@playwright/test';
import { runScenario } from '../src/check/run';
import { buildScenario } from '../src/sim/scenario';
import { FaultlinePage, type PageRunOptions } from './faultline-page';

const BASE: PageRunOptions = {
  nodes: 5,
  seed: 42,
  simulatedSeconds: 10,
  partitions: true,
  crashes: true,
  loadOpsPerSec: 20,
  bug: 'none',
};

/** The same run, computed in Node; the options are spelled out here, not mapped by the page's code. */
function nodeRun(options: PageRunOptions) {
  const nemesis = [...(options.partitions ? ['partition'] : []), ...(options.crashes ? ['crash'] : [])];
  return runScenario(
    buildScenario({
      nodes: options.nodes,
      seed: options.seed,
      untilMs: options.simulatedSeconds * 1000,
      nemesis,
      loadOpsPerSec: options.loadOpsPerSec,
      bugs: options.bug === 'none' ? [] : [options.bug],
    }),
  );
}

test.describe('run page', () => {
  let faultline: FaultlinePage;
  const pageErrors: string[] = [];

  test.beforeEach(async ({ page }) => {
    pageErrors.length = 0;
    page.on('pageerror', (error) => pageErrors.push(error.message));
    faultline = new FaultlinePage(page);
    await faultline.open();
  });

  test.afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });

  test('has a title, a description and the run form', async ({ page }) => {
    await expect(page).toHaveTitle('Faultline');
    await expect(page.getByText(/Raft under failure/)).toBeVisible();
    await expect(faultline.nodes.locator('option')).toHaveText(['3', '5', '7']);
    await expect(faultline.bug.locator('option')).toHaveText([
      'none',
      'commit-old-term',
      'vote-without-log-check',
      'forget-vote-on-restart',
      'skip-prev-log-check',
      'no-step-down',
    ]);
    await expect(faultline.runButton).toBeEnabled();
    await expect(page.getByText('No run yet.')).toBeVisible();
  });

  test('a browser run has the same trace hash as the same run in Node', async ({ page }) => {
    const expected = nodeRun(BASE);
    expect(expected.traceHash).toMatch(/^[0-9a-f]{64}$/);

    const result = await faultline.run(BASE);
    expect(result.traceHash).toBe(expected.traceHash);

    // The correct protocol must not trip an invariant: no violation panel, and the page says so.
    expect(expected.violations).toEqual([]);
    await expect(faultline.violations).toHaveCount(0);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(faultline.noViolations).toBeVisible();

    const stat = (name: string) => page.locator('.stat').filter({ has: page.getByText(name, { exact: true }) }).locator('dd');
    await expect(stat('Events')).toHaveText(expected.events.toLocaleString('en-US'));
    await expect(stat('Leader changes')).toHaveText(expected.leaderChanges.toLocaleString('en-US'));
    await expect(page.getByRole('row')).toHaveCount(1 + BASE.nodes);

    await page.screenshot({ path: '/tmp/faultline-run.png', fullPage: true });
  });

  test('running the same options again gives the same hash, in the same page and after a reload', async ({ page }) => {
    const first = await faultline.run(BASE);
    const second = await faultline.run(BASE);
    expect(second.traceHash).toBe(first.traceHash);

    await page.reload();
    faultline = new FaultlinePage(page);
    const afterReload = await faultline.run(BASE);
    expect(afterReload.traceHash).toBe(first.traceHash);
  });

  test('a different seed gives a different hash, again equal to Node', async () => {
    const first = await faultline.run(BASE);
    const other = { ...BASE, seed: 43 };
    const second = await faultline.run(other);
    expect(second.traceHash).not.toBe(first.traceHash);
    expect(second.traceHash).toBe(nodeRun(other).traceHash);
  });

  test('a bug variant shows exactly the violations Node finds for the same run', async ({ page }) => {
    // Whether this seed trips the bug is up to the run; the page must show what the run found, no more, no less.
    const options: PageRunOptions = { ...BASE, bug: 'commit-old-term' };
    const expected = nodeRun(options);
    const result = await faultline.run(options);
    expect(result.traceHash).toBe(expected.traceHash);
    expect(result.violationCount).toBe(expected.violations.length);
    if (expected.violations.length > 0) {
      await expect(faultline.violations).toBeVisible();
      await expect(faultline.violations).toContainText(expected.violations[0]!.invariant);
      await expect(faultline.noViolations).toHaveCount(0);
    } else {
      await expect(faultline.violations).toHaveCount(0);
      await expect(faultline.noViolations).toBeVisible();
    }
    await page.screenshot({ path: '/tmp/faultline-bug-run.png', fullPage: true });
  });
});
