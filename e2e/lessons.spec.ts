/**
 * The lesson runner end to end (issue 7): the course index, a lesson step beside the live lab, goals
 * turning met as the student acts, "Show me", progress that survives a reload, and the Mermaid
 * export of a window of the run. Driven by role and accessible name, as a student would.
 */
import { expect, test, type Page } from '@playwright/test';
import { failOnPageErrors, LabPage } from './lab-page';

let lab: LabPage;
failOnPageErrors((page) => (lab = new LabPage(page)));

function lessonColumn(page: Page) {
  return page.getByRole('complementary', { name: 'Lesson' });
}

/** Opens a lesson step and waits until the lesson column and the lab's first frame are on screen. */
async function openStep(page: Page, id: string, step: number): Promise<void> {
  await page.goto(`/?lesson=${id}&step=${step}`);
  await expect(lessonColumn(page).getByRole('heading', { level: 3 })).toBeVisible();
  await expect(lab.traceHash).toHaveText(/^[0-9a-f]{64}$/);
}

/** The course card of a lesson. */
function courseCard(page: Page, id: string) {
  return page.locator(`[data-testid="course-lesson"][data-lesson="${id}"]`);
}

test('the course lists the lessons in order, and the lab links to it', async ({ page }) => {
  await lab.open();
  await page.getByRole('link', { name: 'Course', exact: true }).click();
  await expect(page).toHaveURL(/\?view=course$/);
  const lessons = page.getByRole('list', { name: 'Lessons' }).getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2 }) });
  await expect.poll(() => lessons.count()).toBeGreaterThanOrEqual(2);
  const titles = await page.getByRole('list', { name: 'Lessons' }).getByRole('heading', { level: 2 }).allTextContents();
  expect(titles).toContain('Leader election');
  const ids = await page.getByTestId('course-lesson').evaluateAll((els) => els.map((e) => e.getAttribute('data-lesson')));
  expect(ids.indexOf('leader-election')).toBeGreaterThanOrEqual(0);
  if (ids.includes('why-agree')) expect(ids.indexOf('why-agree')).toBeLessThan(ids.indexOf('leader-election'));
  const card = courseCard(page, 'leader-election');
  await expect(card.getByTestId('lesson-progress')).toHaveText('0 of 4 steps');
  await expect(card).toContainText('Raft');
  await expect(card).toContainText('10 min');
  await card.getByRole('link', { name: 'Leader election' }).click();
  await expect(page).toHaveURL(/\?lesson=leader-election&step=1$/);
  await expect(lessonColumn(page).getByRole('heading', { name: 'Leader election', level: 2 })).toBeVisible();
});

test('a student completes "Crash the leader" by doing it, and the progress survives a reload', async ({ page }) => {
  await openStep(page, 'leader-election', 2);
  const column = lessonColumn(page);
  await expect(column.getByRole('heading', { name: 'Crash the leader' })).toBeVisible();
  // A step opened directly first rebuilds the run as the course has it here: step 1 played to 1 s.
  await lab.expectTime(1000);
  const goal = column.getByTestId('goal');
  await expect(goal).toHaveAttribute('data-met', 'false');
  await expect(goal).toContainText('Not yet');
  const leader = await lab.leader();
  expect(leader).not.toBeNull();
  await lab.crash(leader!);
  await lab.speed.fill('1000');
  await lab.playButton.click();
  await expect(goal).toHaveAttribute('data-met', 'true', { timeout: 30_000 });
  await expect(goal).toContainText(`${leader} was crashed and`);
  await expect(column.getByTestId('step-done')).toBeVisible();
  await expect(column.getByRole('link', { name: /Step 2: Crash the leader \(done\)/ })).toBeVisible();

  await page.goto('/?view=course');
  const card = courseCard(page, 'leader-election');
  await expect(card.getByTestId('lesson-progress')).toHaveText('1 of 4 steps');
  await page.reload();
  await expect(card.getByTestId('lesson-progress')).toHaveText('1 of 4 steps');

  // Reset progress asks first, then forgets.
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Reset progress' }).click();
  await expect(card.getByTestId('lesson-progress')).toHaveText('0 of 4 steps');
});

test('"Show me" reaches the step\'s goal', async ({ page }) => {
  await openStep(page, 'leader-election', 2);
  const column = lessonColumn(page);
  await lab.expectTime(1000);
  await column.getByRole('button', { name: 'Show me' }).click();
  await expect(column.getByTestId('show-me-result')).toHaveText(/every goal of this step holds/);
  await expect(column.getByTestId('goal')).toHaveAttribute('data-met', 'true');
  await expect(column.getByTestId('step-done')).toBeVisible();
});

test('step 1 pauses at its cue with a question; keys and buttons move between steps', async ({ page }) => {
  await openStep(page, 'leader-election', 1);
  const column = lessonColumn(page);
  await lab.speed.fill('1000');
  await expect(column.getByTestId('pause-question')).toContainText('Which node became leader', { timeout: 20_000 });
  await lab.expectTime(1000);
  // The step highlights the leader: it is the node selected in Operator actions.
  const leader = await lab.leader();
  await expect(lab.nodeSelect).toHaveValue(leader!);

  await lab.focusPage();
  await page.keyboard.press(']');
  await expect(page).toHaveURL(/step=2$/);
  await expect(column.getByRole('heading', { name: 'Crash the leader' })).toBeVisible();
  // Step 1 has no goals: going on completes it.
  await expect(column.getByRole('link', { name: /Step 1: .* \(done\)/ })).toBeVisible();
  await page.keyboard.press('Alt+ArrowLeft');
  await expect(page).toHaveURL(/step=1$/);
  await column.getByRole('button', { name: /Next/ }).click();
  await expect(page).toHaveURL(/step=2$/);
  // Keys typed in a field are the field's, not the lesson's.
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const panel = page.getByRole('dialog', { name: 'Export and import' });
  await panel.getByText('Export as sequence diagram').click();
  await panel.getByRole('spinbutton', { name: /From/ }).press(']');
  await expect(page).toHaveURL(/step=2$/);
});

test('a bad lesson or step gets a message and a way back to the course', async ({ page }) => {
  await page.goto('/?lesson=no-such-lesson');
  await expect(page.getByRole('alert')).toContainText('There is no lesson called');
  await page.goto('/?lesson=leader-election&step=9');
  await expect(page.getByRole('alert')).toContainText('steps 1 to 4');
  await page.getByRole('link', { name: 'Go to the course' }).click();
  await expect(page).toHaveURL(/\?view=course$/);
});

test('a window of the run exports as a Mermaid sequence diagram that renders', async ({ page }) => {
  await lab.open('?t=1000');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const panel = page.getByRole('dialog', { name: 'Export and import' });
  await panel.getByText('Export as sequence diagram').click();
  const from = panel.getByRole('spinbutton', { name: /From/ });
  const to = panel.getByRole('spinbutton', { name: /To/ });
  await expect(from).toHaveValue('500');
  await expect(to).toHaveValue('1000');
  await from.fill('0');
  await panel.getByRole('button', { name: 'Make diagram' }).click();
  const out = panel.getByTestId('mermaid-export');
  await expect(out.locator('svg').first()).toBeVisible({ timeout: 20_000 });
  await expect(out.getByRole('img', { name: /Sequence diagram of the run from 0 ms to 1000 ms/ })).toBeVisible();
  const text = await out.getByRole('textbox', { name: 'Mermaid text' }).inputValue();
  expect(text.startsWith('sequenceDiagram')).toBe(true);
  expect(text).toContain('->>');
});

test('a lesson page is interactive soon after opening', async ({ page }) => {
  const started = Date.now();
  await page.goto('/?lesson=leader-election&step=2');
  await expect(lessonColumn(page).getByRole('button', { name: /Next/ })).toBeEnabled();
  const columnMs = Date.now() - started;
  await expect(lab.traceHash).toHaveText(/^[0-9a-f]{64}$/);
  const frameMs = Date.now() - started;
  test.info().annotations.push({ type: 'time-to-interactive', description: `lesson column ${columnMs} ms, first frame ${frameMs} ms` });
  console.log(`lesson page: lesson column after ${columnMs} ms, first lab frame after ${frameMs} ms`);
  // Loose: the target (1.5 s) belongs in the benchmarks; this only catches a page that hangs.
  expect(frameMs).toBeLessThan(10_000);
});
