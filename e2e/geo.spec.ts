/**
 * Geo-replication in the lab (issue 6): the world map, the latency budget, and regions chosen in the
 * run settings. Driven by role and accessible name.
 */
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

const FIVE = 'us-east,us-west,eu-west,eu-central,ap-tokyo';

test.describe('geo-replication', () => {
  test('the map places the nodes at their regions, and the budget follows the leader when it crashes', async ({ page }) => {
    const lab = new LabPage(page);
    await lab.open(`?regions=${FIVE}&load=20&t=5000`);
    const cluster = page.getByRole('region', { name: 'Cluster' });
    // The ring is the default; the switch appears because the run has regions.
    await cluster.getByRole('group', { name: 'Cluster layout' }).getByRole('button', { name: 'Map' }).click();
    await expect(page).toHaveURL(/layout=map/);
    const map = page.getByRole('group', { name: 'Cluster of 5 nodes on a world map' });
    await expect(map).toBeVisible();
    const nodes = map.getByRole('button');
    await expect(nodes).toHaveCount(5);
    for (const [id, name] of [['n1', 'N. Virginia'], ['n2', 'Oregon'], ['n3', 'Ireland'], ['n4', 'Frankfurt'], ['n5', 'Tokyo']] as const) {
      await expect(map.getByRole('button', { name: new RegExp(`^${id} in ${name} \\(`) })).toBeVisible();
    }
    // Nodes sit where their regions are: Virginia west of Ireland west of Frankfurt west of Tokyo.
    const xs: number[] = [];
    for (const id of ['n1', 'n3', 'n4', 'n5']) xs.push((await map.getByRole('button', { name: new RegExp(`^${id} in `) }).boundingBox())!.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);

    const budget = page.getByRole('region', { name: 'Latency budget' });
    await expect(budget).toBeVisible();
    await expect(budget.getByText('approximate', { exact: true })).toBeVisible();
    const leaderFacts = budget.getByTestId('budget-leader');
    await expect(leaderFacts).toHaveAttribute('data-leader', /^n\d$/);
    const leader = (await leaderFacts.getAttribute('data-leader'))!;
    const leaderRegion = (await leaderFacts.getAttribute('data-leader-region'))!;
    await expect(budget.getByRole('table').first().getByRole('row')).toHaveCount(6); // header + 5 client regions
    await expect(budget.getByTestId('placement').getByRole('row')).toHaveCount(6);
    await expect(budget.getByTestId('placement').getByText('best')).toHaveCount(1);

    // Crash the leader (from the map, as a person would: select it, then Crash).
    await map.getByRole('button', { name: new RegExp(`^${leader} in `) }).click();
    await page.getByRole('button', { name: `Crash ${leader}`, exact: true }).click();
    await expect(map.getByRole('button', { name: new RegExp(`^${leader} in .*crashed`) })).toBeVisible();
    await expect(leaderFacts).toHaveAttribute('data-leader', '');
    // Play until a new leader is elected: the budget is now for its region.
    await lab.playButton.click();
    await expect(leaderFacts).toHaveAttribute('data-leader', /^n\d$/, { timeout: 30_000 });
    await lab.pauseButton.click();
    await expect(leaderFacts).not.toHaveAttribute('data-leader', leader);
    await expect(leaderFacts).not.toHaveAttribute('data-leader-region', leaderRegion);
    // The CLI command carries the regions.
    await expect(page.getByTestId('cli-command')).toContainText(`--regions ${FIVE}`);
  });

  test('regions are chosen in the run settings; an RTT edit restarts the run with it', async ({ page }) => {
    const lab = new LabPage(page);
    await lab.open('?t=0');
    await expect(page.getByRole('group', { name: 'Cluster layout' })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Latency budget' })).toHaveCount(0);
    await page.getByLabel('Regions (geo-replication)').selectOption({ label: 'Virginia, Ireland, Tokyo' });
    await page.getByRole('button', { name: 'Start run' }).click();
    await expect(page).toHaveURL(/regions=us-east%2Ceu-west%2Cap-tokyo/);
    await page.getByRole('group', { name: 'Cluster layout' }).getByRole('button', { name: 'Map' }).click();
    const map = page.getByRole('group', { name: 'Cluster of 5 nodes on a world map' });
    // Five nodes in three regions, round robin: two in Virginia, two in Ireland, one in Tokyo.
    await expect(map.getByRole('button', { name: / in N\. Virginia / })).toHaveCount(2);
    await expect(map.getByRole('button', { name: / in Ireland / })).toHaveCount(2);
    await expect(map.getByRole('button', { name: / in Tokyo / })).toHaveCount(1);

    const budget = page.getByRole('region', { name: 'Latency budget' });
    await budget.getByLabel('RTT between').selectOption({ label: 'N. Virginia – Ireland' });
    await budget.getByLabel('RTT in ms').fill('60');
    await budget.getByRole('button', { name: 'Apply and restart' }).click();
    await expect(page).toHaveURL(/rtt=us-east%7Eeu-west%3A60/);
    await expect(budget.getByLabel('RTT between')).toContainText('N. Virginia – Ireland (edited)');

    // A link with an unknown region names it.
    await lab.open('?regions=us-east,atlantis&t=0');
    await expect(page.getByRole('alert').filter({ hasText: 'unknown region "atlantis"' })).toBeVisible();
  });
});
