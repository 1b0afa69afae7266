/**
 * Exports and imports in the lab (issue 8), in real Chromium, driven from the header's Export dialog
 * by role and accessible name. The round trip is checked across the boundary: a scenario file the
 * page saved runs, in the CLI (in Node here) and imported back into the page, to the trace hash the
 * page showed; a trace saved as JSON Lines verifies and replays; a history saved as Jepsen EDN reads
 * back; the view saved as SVG and PNG is self-contained and holds the messages in flight.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import { parseJepsenEdn } from '../src/check/history-formats';
import { main } from '../src/cli/main';
import { failOnPageErrors, LabPage } from './lab-page';

let lab: LabPage;
failOnPageErrors((page) => (lab = new LabPage(page)));


function exportDialog(page: Page) {
  return page.getByRole('dialog', { name: 'Export and import' });
}

async function openExport(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(exportDialog(page)).toBeVisible();
}

/** Clicks a button of the Export dialog and returns the file it saved. */
async function save(page: Page, button: string | RegExp): Promise<{ name: string; text: string; bytes: Buffer; download: Download }> {
  const download = page.waitForEvent('download');
  await exportDialog(page).getByRole('button', { name: button, exact: typeof button === 'string' }).click();
  const file = await download;
  const bytes = readFileSync((await file.path())!);
  // Kept with the test's results, for a person to look at.
  writeFileSync(test.info().outputPath(file.suggestedFilename()), bytes);
  await expect(exportDialog(page).getByTestId('export-status')).toContainText(`Saved ${file.suggestedFilename()}`);
  return { name: file.suggestedFilename(), text: bytes.toString('utf8'), bytes, download: file };
}

/** `faultline run --scenario FILE --json` on `text`, in Node. */
async function cli(text: string): Promise<{ traceHash: string; events: number }> {
  let out = '';
  let err = '';
  const code = await main(['run', '--scenario', 'exported.json', '--json'], { out: (t) => (out += t), err: (t) => (err += t), readFile: () => text });
  expect(code, err).not.toBe(2);
  return JSON.parse(out) as { traceHash: string; events: number };
}

/** Drops a file on the page, as a person dragging it from their desktop would. */
async function drop(page: Page, name: string, text: string): Promise<void> {
  const transfer = await page.evaluateHandle(({ name, text }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], name, { type: 'application/octet-stream' }));
    return dt;
  }, { name, text });
  await page.dispatchEvent('main', 'dragover', { dataTransfer: transfer });
  await expect(page.getByText('Drop to import: a scenario file')).toBeVisible();
  await page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
  await expect(page.getByText('Drop to import: a scenario file')).toBeHidden();
}

test('the Export dialog opens from the header by keyboard, lists every export, and gives focus back', async ({ page }) => {
  await lab.open('?t=800');
  const opener = page.getByRole('button', { name: 'Export', exact: true });
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = exportDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('t = 0.800s');
  for (const name of ['View as SVG', 'View as PNG', 'Scenario file (JSON)', 'Trace (JSON Lines)', 'Client history (Jepsen EDN)', 'Client history (JSON)', 'Metrics (CSV)', 'Metrics (JSON)']) {
    await expect(dialog.getByRole('button', { name, exact: true })).toBeVisible();
  }
  await expect(dialog.getByText('Open a file…')).toBeVisible();
  // Keys typed in the dialog are not the lab's shortcuts (Space would play, an arrow would step).
  await dialog.getByRole('button', { name: 'Close' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  await expect(lab.playButton).toBeVisible();
  expect(await lab.nowMs()).toBe(800);
  // The header still fits one row at 1280 px with the new button: every part of it overlaps every other vertically.
  await page.setViewportSize({ width: 1280, height: 720 });
  const boxes = await page.locator('.masthead > *').evaluateAll((els) =>
    els.map((e) => e.getBoundingClientRect()).filter((r) => r.height > 0).map((r) => [Math.round(r.top), Math.round(r.bottom)]),
  );
  expect(boxes.length).toBeGreaterThanOrEqual(3);
  expect(Math.max(...boxes.map((b) => b[0]!)), `header boxes at 1280 px: ${JSON.stringify(boxes)}`).toBeLessThan(Math.min(...boxes.map((b) => b[1]!)));
});

test('a scenario file reproduces the run: the CLI and an import give the trace hash the lab showed', async ({ page }) => {
  await lab.open('?seed=42&load=20&nemesis=partition&t=700');
  await lab.crash('n2');
  await lab.scrub(8);
  const shownHash = await lab.hash();
  const shownMs = await lab.nowMs();
  await openExport(page);
  const file = await save(page, 'Scenario file (JSON)');
  expect(file.name).toBe(`faultline-raft-seed42-t${(shownMs / 1000).toFixed(3)}s.json`);
  const scenario = JSON.parse(file.text) as { seed: number; untilMs: number; actions: Array<{ type: string; node: string }>; workload: { opsPerSec: number }; nemesis: { faults: string[] } };
  expect(scenario).toMatchObject({ seed: 42, untilMs: shownMs, workload: { opsPerSec: 20 }, nemesis: { faults: ['partition'] } });
  expect(scenario.actions).toEqual([expect.objectContaining({ type: 'crash', node: 'n2' })]);
  await expect(exportDialog(page).getByTestId('export-status')).toContainText(`trace hash ${shownHash}`);
  expect((await cli(file.text)).traceHash).toBe(shownHash);

  // Import it back through the dialog's file picker: the lab shows the file's end with the same hash.
  await lab.open('?seed=1&t=100');
  await openExport(page);
  await exportDialog(page).getByLabel('Open a file…').setInputFiles({ name: file.name, mimeType: 'application/json', buffer: file.bytes });
  await expect(exportDialog(page)).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `Loaded ${file.name}` })).toBeVisible();
  await lab.expectTime(shownMs);
  await expect(lab.traceHash).toHaveText(shownHash);
  await expect(page.getByLabel('Run', { exact: true })).toContainText(`file ${file.name}`);
  // The address cannot carry the file: no query, a fragment naming it; this tab reopens it on reload.
  await expect.poll(() => new URL(page.url()).search).toBe('');
  expect(new URL(page.url()).hash).toMatch(new RegExp(`^#file=${file.name.replace(/\./g, '\\.')}&sum=[0-9a-f]{8}&t=${shownMs}$`));
  await expect(page.getByTestId('file-address')).toContainText('a link cannot carry');
  await expect(page.getByRole('link', { name: /Compare with/ })).toHaveCount(0);
  await page.reload();
  await expect(lab.traceHash).toHaveText(shownHash);
  // Anywhere else the link says which file to import, and shows no run under its name.
  const other = await page.context().browser()!.newPage();
  await other.goto(page.url());
  await expect(other.getByRole('alert')).toContainText(`This link names ${file.name}, a scenario file imported in another tab`);
  await other.close();
  // And the run goes on past the file's end.
  await lab.scrub(3);
  // What the lab lays over the file (a new seed here) goes in the fragment too, and survives a reload.
  await page.getByRole('button', { name: 'New seed' }).click();
  await expect.poll(() => new URL(page.url()).hash).toMatch(/&seed=\d+&t=0$/);
  await lab.scrub(5);
  const reseeded = await lab.hash();
  await page.reload();
  await expect(lab.traceHash).toHaveText(reseeded);
  await expect(page.getByLabel('Run', { exact: true })).toContainText(`file ${file.name}`);
});

test('a bad scenario file is refused with its name, the field and the reason', async ({ page }) => {
  await lab.open('?t=100');
  const before = await lab.hash();
  await drop(page, 'typo.json', JSON.stringify({ seed: 3, cluster: { nodes: 3 }, actions: [{ atMs: 50, type: 'crash', node: 'n4' }] }));
  await expect(page.getByRole('status').filter({ hasText: 'typo.json is not a scenario Faultline can run' })).toContainText(
    'actions[0].node: must be a node id of this cluster (n1, n2, n3), got "n4"',
  );
  await drop(page, 'broken.json', '{\n  "seed": 3,\n  "cluster": { "nodes": 3 }\n  "untilMs": 10\n}');
  await expect(page.getByRole('status').filter({ hasText: 'broken.json is not valid JSON: line 4, column 3' })).toBeVisible();
  // Nothing else changed: the run shown is the one before.
  await expect(lab.traceHash).toHaveText(before);
});

test('a trace saved as JSON Lines verifies against its hash when dropped back, and replays event for event', async ({ page }) => {
  await lab.open('?seed=5&load=30&t=600');
  await lab.crash('n1');
  await lab.scrub(4);
  // One step more: the moment shown may fall between two steps of one millisecond; the trace is what is shown.
  const step = Number(await lab.status.getAttribute('data-step'));
  await page.keyboard.press('ArrowRight');
  await expect(lab.status).toHaveAttribute('data-step', String(step + 1));
  const shownHash = await lab.hash();
  const events = Number(/(\d+) events/.exec((await lab.status.textContent())!)![1]);
  await openExport(page);
  const file = await save(page, 'Trace (JSON Lines)');
  expect(file.name).toMatch(/^faultline-raft-seed5-t\d+\.\d{3}s\.jsonl$/);
  const lines = file.text.trimEnd().split('\n');
  expect(lines).toHaveLength(events + 1);
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  expect(header).toMatchObject({ format: 'faultline-trace', version: 1, protocol: 'raft', seed: 5, events, traceHash: shownHash });
  expect(Object.keys(JSON.parse(lines[1]!)).slice(0, 2)).toEqual(['kind', 'atMs']);
  expect(lines.some((l) => l.startsWith('{"kind":"action"') && l.includes('crash'))).toBe(true);
  await page.keyboard.press('Escape');

  await lab.open('?seed=9&t=100');
  await drop(page, file.name, file.text);
  const card = page.getByTestId('trace-file');
  await expect(card).toHaveAttribute('data-verdict', 'verified');
  await expect(card).toHaveAttribute('data-events', String(events));
  await expect(card).toContainText(`Verified: the ${events} events hash to ${shownHash}`);
  await expect(card).toContainText('Recorded from raft, 5 nodes, seed 5');
  await card.getByRole('button', { name: 'Replay in the lab' }).click();
  await expect(card.getByTestId('replay-verdict')).toContainText(`the run's first ${events} events are the file's, event for event`);
  await expect(lab.traceHash).toHaveText(shownHash);

  // A changed event no longer matches the recorded hash, and the card says so.
  const changed = [...lines];
  const i = changed.findIndex((l) => l.startsWith('{"kind":"role"'));
  changed[i] = changed[i]!.replace(/"term":(\d+)/, (_, t: string) => `"term":${Number(t) + 7}`);
  await drop(page, 'changed.jsonl', changed.join('\n'));
  await expect(card).toHaveAttribute('data-verdict', 'mismatch');
  await expect(card).toContainText('the file was changed');
  // A malformed line: the file, the line and the field.
  await drop(page, 'bad.jsonl', `${lines[0]}\n${lines[1]}\n{"kind":"commit","atMs":3,"node":"n1"}\n`);
  await expect(page.getByRole('status').filter({ hasText: 'bad.jsonl is not a trace Faultline can read' })).toContainText('line 3: commitIndex must be a whole number >= 0');
});

test('the client history saves as Jepsen EDN that reads back, and checks again when dropped', async ({ page }) => {
  await lab.open('?seed=3&load=40&nemesis=partition&t=3000');
  await openExport(page);
  const file = await save(page, 'Client history (Jepsen EDN)');
  expect(file.name).toBe('faultline-raft-seed3-t3.000s-history.edn');
  const parsed = parseJepsenEdn(file.text);
  expect(parsed.ok).toBe(true);
  const lines = file.text.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^\{:process "c\d+", :type :invoke, :f :(read|write|cas), :key "k\d+", :value .*, :index 0, :time \d+\}$/);
  if (parsed.ok) expect(parsed.history.operations.length).toBe(lines.filter((l) => l.includes(':type :invoke')).length);
  await page.keyboard.press('Escape');
  await drop(page, file.name, file.text);
  await expect(page.getByTestId('lincheck-verdict')).toContainText(`${file.name}: linearizable`);
});

test('the view saves as a self-contained SVG with every message in flight, and as a PNG at twice its size', async ({ page }) => {
  // Nine nodes on slow links under heavy load: hundreds of messages in flight.
  await lab.open('?scenario=nine-nodes-slow-links&t=3000');
  // Select a node so its ring shows.
  await lab.node('n1').click();
  const inFlight = Number(await page.getByTestId('in-flight').getAttribute('data-count'));
  expect(inFlight).toBeGreaterThan(100);
  const seed = /seed (\d+)/.exec((await page.getByLabel('Run', { exact: true }).textContent())!)![1];
  await openExport(page);
  const svg = await save(page, 'View as SVG');
  expect(svg.name).toBe(`faultline-raft-seed${seed}-t3.000s.svg`);
  expect(svg.text.startsWith('<?xml')).toBe(true);
  // Self-contained: no stylesheet, no custom property, no external reference, no script or handler.
  expect(svg.text).not.toMatch(/var\(--|<style|<script|href=|class=|\son[a-z]+=/);
  expect(svg.text).toContain(`<title>Faultline: raft, 9 nodes, seed ${seed}, at 3.000s</title>`);
  expect((svg.text.match(/<title>[A-Za-z]+ [a-z]\d+ to [a-z]\d+, #\d+<\/title>/g) ?? []).length).toBe(Math.min(inFlight, 400));
  for (let i = 1; i <= 9; i++) expect(svg.text).toContain(`>n${i}</text>`);
  // Rendered on its own (no page around it), it draws the cluster.
  const shot = await page.context().newPage();
  await shot.setContent(`<img id="x" src="data:image/svg+xml;base64,${svg.bytes.toString('base64')}">`);
  const size = await shot.locator('#x').evaluate((img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]));
  expect(size[0]).toBeGreaterThan(300);
  await shot.locator('#x').screenshot({ path: test.info().outputPath('svg-rendered.png') });
  await shot.close();

  const png = await save(page, 'View as PNG');
  expect(png.name).toBe(`faultline-raft-seed${seed}-t3.000s.png`);
  expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  // IHDR: width and height at bytes 16-23, twice the SVG's size.
  expect([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)]).toEqual([size[0]! * 2, size[1]! * 2]);
  await exportDialog(page).screenshot({ path: test.info().outputPath('dialog.png') });
});

test('the map saves as SVG too, with its routes and messages along great circles', async ({ page }) => {
  await lab.open('?regions=us-east,eu-west,ap-tokyo&load=20&layout=map&t=2500');
  await expect(page.locator('.land')).toHaveAttribute('d', /^M/);
  await openExport(page);
  const svg = await save(page, 'View as SVG');
  expect(svg.name).toBe('faultline-raft-seed1-t2.500s-map.svg');
  // The map's width, and its height cropped to the regions' latitudes (plus the caption).
  expect(svg.text).toMatch(/<svg [^>]*viewBox="0 0 960 \d+"/);
  expect(svg.text).toMatch(/<svg x="0" y="0" width="960" height="\d+" viewBox="0 0 960 \d+" overflow="hidden"/);
  expect(svg.text).toMatch(/<title>N\. Virginia to Ireland: RTT about [\d.]+ ms<\/title>/);
  expect(svg.text).toMatch(/<title>AppendEntries n\d to n\d, #\d+<\/title>/);
  expect(svg.text).toContain('>Tokyo</text>');
});

test('a time window exports as a Mermaid sequence diagram from the dialog, drawn and saved as .mmd', async ({ page }) => {
  await lab.open('?t=1000');
  await openExport(page);
  const dialog = exportDialog(page);
  await dialog.getByText('Export as sequence diagram').click();
  const from = dialog.getByRole('spinbutton', { name: /From/ });
  await expect(from).toHaveValue('500');
  await expect(dialog.getByRole('spinbutton', { name: /To/ })).toHaveValue('1000');
  await from.fill('0');
  await dialog.getByRole('button', { name: 'Make diagram' }).click();
  const out = dialog.getByTestId('mermaid-export');
  await expect(out.getByRole('img', { name: /Sequence diagram of the run from 0 ms to 1000 ms/ })).toBeVisible({ timeout: 20_000 });
  const download = page.waitForEvent('download');
  await out.getByRole('button', { name: 'Download .mmd' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('faultline-raft-seed1-0.000s-1.000s.mmd');
  const text = readFileSync((await file.path())!, 'utf8');
  expect(text.startsWith('sequenceDiagram')).toBe(true);
  expect(text).toBe(await out.getByRole('textbox', { name: 'Mermaid text' }).inputValue());
});

test('a time window records as a WebM video of the view, and the lab returns to the moment it showed', async ({ page }) => {
  await lab.open('?load=20&t=1000');
  await openExport(page);
  const dialog = exportDialog(page);
  await dialog.getByText('Video of the view (WebM)').click();
  await expect(dialog.getByRole('spinbutton', { name: 'To' }).last()).toHaveValue('1000');
  await dialog.getByRole('spinbutton', { name: 'From' }).last().fill('900');
  await dialog.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '1/5×' });
  await expect(dialog.getByText('11 frames, 0.6 s of video.')).toBeVisible();
  // Too many frames: said plainly, and the button is off.
  await dialog.getByRole('spinbutton', { name: 'From' }).last().fill('0');
  await dialog.getByRole('spinbutton', { name: 'To' }).last().fill('2000');
  await dialog.getByRole('combobox', { name: 'Speed' }).selectOption({ label: "1/20× (the lab's default)" });
  await expect(dialog.getByRole('alert')).toContainText('That is 801 frames; a video holds at most 600');
  await expect(dialog.getByRole('button', { name: 'Record video' })).toBeDisabled();
  await dialog.getByRole('spinbutton', { name: 'From' }).last().fill('900');
  await dialog.getByRole('spinbutton', { name: 'To' }).last().fill('1000');
  await dialog.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '1/5×' });
  const download = page.waitForEvent('download', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Record video' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('faultline-raft-seed1-0.900s-1.000s.webm');
  const bytes = readFileSync((await file.path())!);
  writeFileSync(test.info().outputPath(file.suggestedFilename()), bytes);
  // A WebM (Matroska) file starts with the EBML magic number, and holds frames.
  expect(bytes.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
  expect(bytes.length).toBeGreaterThan(2000);
  await expect(dialog.getByTestId('export-status')).toContainText('Saved faultline-raft-seed1-0.900s-1.000s.webm. 11 frames at 20 fps');
  await lab.expectTime(1000);
});
