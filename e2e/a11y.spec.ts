/**
 * Accessibility audit (issue 8, scope 5): axe-core over the main views, with no serious or critical
 * findings. Each view is checked at a moment with messages in flight and panels filled.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

async function audit(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${v.nodes[0]?.target.join(' ')})`);
}

const VIEWS: ReadonlyArray<{ name: string; url: string; ready: (page: Page) => Promise<void> }> = [
  { name: 'the Raft lab', url: '/?seed=3&load=20&t=3000', ready: (p) => expect(p.getByTestId('trace-hash')).toHaveText(/^[0-9a-f]{64}$/) },
  { name: 'the Raft lab, dark theme', url: '/?seed=3&load=20&t=3000', ready: async (p) => {
    await expect(p.getByTestId('trace-hash')).toHaveText(/^[0-9a-f]{64}$/);
    await p.getByRole('button', { name: 'Dark theme' }).click();
  } },
  { name: 'a violation', url: '/?scenario=figure-8-commit-old-term&t=9000', ready: (p) => expect(p.getByTestId('trace-hash')).toHaveText(/^[0-9a-f]{64}$/) },
  { name: 'the Multi-Paxos lab', url: '/?protocol=multipaxos&load=20&t=3000', ready: (p) => expect(p.getByTestId('trace-hash')).toHaveText(/^[0-9a-f]{64}$/) },
  { name: 'the course index', url: '/?view=course', ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible() },
  { name: 'a lesson step', url: '/?lesson=leader-election&step=2', ready: (p) => expect(p.getByTestId('trace-hash')).toHaveText(/^[0-9a-f]{64}$/) },
  { name: 'the world map with telemetry open', url: '/?scenario=geo-nine-nodes-five-regions&layout=map&t=3000', ready: async (p) => {
    await expect(p.getByTestId('trace-hash')).toHaveText(/^[0-9a-f]{64}$/);
    await p.getByRole('region', { name: 'Telemetry' }).getByText('Telemetry', { exact: true }).click();
    await expect(p.getByTestId('telemetry-chart').first()).toBeVisible();
  } },
  { name: 'the Export dialog', url: '/?seed=3&load=20&t=3000', ready: async (p) => {
    await expect(p.getByTestId('trace-hash')).toHaveText(/^[0-9a-f]{64}$/);
    await p.getByRole('button', { name: 'Export', exact: true }).click();
    await expect(p.getByRole('dialog', { name: 'Export and import' })).toBeVisible();
  } },
  { name: 'the side-by-side view', url: '/?view=compare&seed=1&load=20&t=3000', ready: (p) => expect(p.getByTestId('compare-time')).toHaveAttribute('data-now-ms', '3000') },
];

for (const view of VIEWS) {
  test(`axe finds nothing serious or critical in ${view.name}`, async ({ page }) => {
    await page.goto(view.url);
    await view.ready(page);
    expect(await audit(page)).toEqual([]);
  });
}
