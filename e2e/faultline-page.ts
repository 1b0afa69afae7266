/**
 * Page object for the Faultline run page: drives it by role and accessible name, as a person would.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export interface PageRunOptions {
  nodes: 3 | 5 | 7;
  seed: number;
  simulatedSeconds: number;
  partitions: boolean;
  crashes: boolean;
  loadOpsPerSec: number;
  bug: 'none' | 'commit-old-term' | 'vote-without-log-check' | 'forget-vote-on-restart' | 'skip-prev-log-check' | 'no-step-down';
}

/** The page's result for one finished run, read back from the screen. */
export interface PageRunResult {
  traceHash: string;
  violationCount: number;
}

export class FaultlinePage {
  readonly nodes: Locator;
  readonly seed: Locator;
  readonly simulatedSeconds: Locator;
  readonly partitions: Locator;
  readonly crashes: Locator;
  readonly load: Locator;
  readonly bug: Locator;
  readonly runButton: Locator;
  readonly traceHash: Locator;
  readonly violations: Locator;
  readonly noViolations: Locator;
  /** Runs finished so far in this page load; the page titles each result "Run n". */
  private runsFinished = 0;

  constructor(readonly page: Page) {
    this.nodes = page.getByLabel('Nodes', { exact: true });
    this.seed = page.getByLabel('Seed', { exact: true });
    this.simulatedSeconds = page.getByLabel('Simulated seconds', { exact: true });
    this.partitions = page.getByRole('checkbox', { name: 'Partitions', exact: true });
    this.crashes = page.getByRole('checkbox', { name: 'Crashes', exact: true });
    this.load = page.getByLabel('Client load (ops/s)', { exact: true });
    this.bug = page.getByLabel('Bug variant', { exact: true });
    this.runButton = page.getByRole('button', { name: 'Run', exact: true });
    this.traceHash = page.getByLabel('Trace hash', { exact: true });
    this.violations = page.getByRole('alert').filter({ hasText: /invariant violation/ });
    this.noViolations = page.getByText('No invariant violations.', { exact: true });
  }

  async open(): Promise<void> {
    await this.page.goto('/');
    this.runsFinished = 0;
    await expect(this.page.getByRole('heading', { level: 1, name: 'Faultline' })).toBeVisible();
  }

  async fill(options: PageRunOptions): Promise<void> {
    await this.nodes.selectOption(String(options.nodes));
    await this.seed.fill(String(options.seed));
    await this.simulatedSeconds.fill(String(options.simulatedSeconds));
    await this.partitions.setChecked(options.partitions);
    await this.crashes.setChecked(options.crashes);
    await this.load.fill(String(options.loadOpsPerSec));
    await this.bug.selectOption(options.bug);
  }

  /** Fills the form, presses Run and waits for this run's result ("Run n"), then reads it back. */
  async run(options: PageRunOptions): Promise<PageRunResult> {
    await this.fill(options);
    await this.runButton.click();
    this.runsFinished += 1;
    const heading = this.page.getByRole('heading', { level: 2, name: `Run ${this.runsFinished}`, exact: true });
    await expect(heading).toBeVisible({ timeout: 45_000 });
    await expect(this.traceHash).toHaveText(/^[0-9a-f]{64}$/);
    const traceHash = (await this.traceHash.textContent()) ?? '';
    const violationCount = await this.violations.getByRole('listitem').count();
    return { traceHash, violationCount };
  }
}
