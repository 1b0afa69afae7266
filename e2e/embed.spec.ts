/**
 * The embeddable lab (issue 8), end to end in real Chromium against the built bundle
 * (<out>/embed/faultline-lab.js and its worker), the iframe page (<out>/embed.html) and the examples
 * (<out>/examples, built by examples/build.mjs): live clusters on a plain page and on a page rendered
 * from Markdown, several embeds running independently, inline errors for bad attributes, reacting
 * to attribute changes, styles isolated in both directions, a strict Content-Security-Policy,
 * hosting anywhere (the worker loads relative to the script) with no request leaving the site, and
 * axe over an embed.
 */
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type ConsoleMessage, type Locator, type Page } from '@playwright/test';
import { failOnPageErrors } from './lab-page';

const OUT_DIR = process.env.FAULTLINE_E2E_OUT ?? 'dist';
const EMBED_DIR = join(import.meta.dirname, '..', OUT_DIR, 'embed');

/** What the docs (docs/EMBEDDING.md) say a site needs to allow. */
const STRICT_CSP = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'";

failOnPageErrors();

// ---- Helpers: an embed is read through its own shadow root, by role and test id, as a person would. ----

function facts(embed: Locator): Locator {
  return embed.getByTestId('embed-facts');
}

/** The virtual time an embed shows, in ms. */
async function nowMs(embed: Locator): Promise<number> {
  return Number(await facts(embed).getAttribute('data-now-ms'));
}

async function expectPlaying(embed: Locator, playing: boolean): Promise<void> {
  await expect(facts(embed)).toHaveAttribute('data-playing', String(playing));
}

/**
 * Pauses `embed` and returns the time it stopped at, once it has settled: a frame the worker sent
 * before the pause can still land after the click (on a loaded machine it moved the time by 1 ms
 * after it was read, and the test that compared it failed).
 */
async function pauseAndSettle(embed: Locator): Promise<number> {
  await transport(embed, 'Pause').click();
  await expectPlaying(embed, false);
  let last = await nowMs(embed);
  await expect
    .poll(async () => {
      await embed.page().waitForTimeout(150);
      const now = await nowMs(embed);
      const settled = now === last;
      last = now;
      return settled;
    })
    .toBe(true);
  return last;
}

/** Playback's Play or Pause button (minimal and full controls both put it in the "Playback" group). */
function transport(embed: Locator, name: 'Play' | 'Pause'): Locator {
  return embed.getByRole('group', { name: 'Playback' }).getByRole('button', { name, exact: true });
}

function node(embed: Locator, id: string): Locator {
  return embed.getByRole('button', { name: new RegExp(`^${id}, `) });
}

/** A page served by the test itself (through the test server's origin), e.g. a hostile docs theme. */
async function servePage(page: Page, path: string, html: string, extra: Record<string, string> = {}): Promise<void> {
  await page.route(`**${path}`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  for (const [file, body] of Object.entries(extra)) {
    await page.route(`**${file}`, (route) => route.fulfill({ contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body }));
  }
}

/** Serves every response matching `pattern` with a Content-Security-Policy header added. */
async function withCsp(page: Page, pattern: string, csp = STRICT_CSP): Promise<void> {
  await page.route(pattern, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
}

/** Records every CSP violation in the page and its frames (window.__csp), and the console's reports of them. */
async function recordCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`), true);
  });
  const console: string[] = [];
  const onConsole = (m: ConsoleMessage): void => {
    if (/Content Security Policy|Refused to/i.test(m.text())) console.push(m.text());
  };
  page.on('console', onConsole);
  // A worker reports its own violations (of the policy its script was served with) to its console.
  page.on('worker', (worker) => worker.on('console', onConsole));
  return async () => {
    const inFrames: string[] = [];
    for (const frame of page.frames()) inFrames.push(...(await frame.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []).catch(() => [])));
    return [...inFrames, ...console];
  };
}

async function axeFindings(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${v.nodes[0]?.target.join(' ')})`);
}

// ---- The plain HTML example ----

test('two embeds on a plain page play independently, each in its own worker, from the site alone', async ({ page, baseURL }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto('/examples/plain.html');
  const election = page.locator('#election');
  const figure8 = page.locator('#figure8');

  // autoplay: the first starts by itself (it is in view); the second waits at t = 0.
  await expectPlaying(election, true);
  await expect.poll(() => nowMs(election)).toBeGreaterThan(30);
  await expect(node(election, 'n1')).toBeVisible();
  await expect(node(figure8, 'n5')).toBeVisible();
  expect(await nowMs(figure8)).toBe(0);
  await expectPlaying(figure8, false);

  // One worker per live embed (the third has a bad attribute and starts none), loaded beside the script.
  await expect.poll(() => page.workers().length).toBe(2);
  for (const worker of page.workers()) expect(new URL(worker.url()).pathname).toBe('/embed/faultline-lab-worker.js');

  // Pausing one leaves it still while the other plays.
  const frozenMs = await pauseAndSettle(election);
  await figure8.scrollIntoViewIfNeeded();
  await transport(figure8, 'Play').click();
  await expect.poll(() => nowMs(figure8)).toBeGreaterThan(60);
  expect(await nowMs(election)).toBe(frozenMs);

  // A crash in one is not a crash in the other.
  await transport(figure8, 'Pause').click();
  await figure8.getByRole('combobox', { name: 'Node' }).selectOption('n2');
  await figure8.getByRole('button', { name: 'Crash n2' }).click();
  await expect(node(figure8, 'n2')).toHaveAttribute('aria-label', /^n2, crashed/);
  await expect(figure8.getByRole('button', { name: 'Restart n2' })).toHaveAttribute('aria-disabled', 'false');
  await expect(node(election, 'n2')).not.toHaveAttribute('aria-label', /crashed/);

  // "Open in Faultline": the full lab beside the embed's folder, at this run, with the crash in its actions.
  const open = figure8.getByRole('link', { name: /Open in Faultline/ });
  const href = new URL((await open.getAttribute('href'))!);
  expect(href.pathname).toBe('/');
  expect(href.searchParams.get('scenario')).toBe('figure-8-commit-old-term');
  expect(href.searchParams.get('actions')).not.toBeNull();
  await expect(open).toHaveAttribute('target', '_blank');

  // Nothing was fetched from anywhere but the site itself (no CDN, no fonts, no analytics).
  const origin = new URL(baseURL!).origin;
  expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
});

test('a bad attribute shows an inline error naming it; the page\'s own script and the other embeds go on', async ({ page }) => {
  await page.goto('/examples/plain.html');
  const typo = page.locator('#typo');
  const alert = typo.getByRole('alert');
  await expect(alert).toContainText('This Faultline embed has 2 bad attributes, so it does not run.');
  await expect(alert.locator('li').filter({ hasText: /^seed/ })).toHaveText('seed expected a whole number from 0 to 4294967295, got "seven"');
  const scenario = alert.locator('li').filter({ hasText: /^scenario/ });
  await expect(scenario).toContainText('"figure-8" is not a scenario this embed bundles. Did you mean "figure-8-commit-old-term"?');
  await expect(scenario.locator('code', { hasText: 'paxos-duelling-proposers' })).toBeVisible();
  await expect(typo.getByRole('button')).toHaveCount(0);
  await expect(page.locator('p.after')).toBeVisible();

  // The page's script sets the first embed's attributes; it follows (a new run, then the theme).
  const election = page.locator('#election');
  await expect(facts(election)).toContainText('Raft, seed 3');
  await page.locator('#seed-choice').selectOption('42');
  await expect(page.locator('#page-status')).toHaveText('Seed 42, light theme.');
  await expect(facts(election)).toContainText('Raft, seed 42');
  const surface = (): Promise<string> => election.locator('figure.fl-root').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(await surface()).toBe('rgb(255, 255, 255)');
  await page.locator('#dark-choice').check();
  await expect.poll(surface).toBe('rgb(21, 26, 34)');
  await expect(facts(election)).toContainText('Raft, seed 42');

  // Fixing the attributes in place starts the run that was meant.
  await typo.evaluate((el) => {
    el.setAttribute('scenario', 'figure-8-commit-old-term');
    el.setAttribute('seed', '7');
  });
  await expect(alert).toHaveCount(0);
  await expect(facts(typo)).toContainText('Raft, seed 7');
  await expect(typo.getByTestId('embed-caption')).toHaveText('Committing an entry of an older term');

  // Moving an embed keeps its run (and its worker); removing it stops its worker.
  await expect.poll(() => page.workers().length).toBe(3);
  // (Its new run autoplays once back in view.)
  await election.scrollIntoViewIfNeeded();
  await expectPlaying(election, true);
  await transport(election, 'Pause').click();
  await expectPlaying(election, false);
  const pausedAtMs = await nowMs(election);
  await election.evaluate((el) => document.querySelector('main')!.append(el));
  await expect(facts(election)).toHaveAttribute('data-now-ms', String(pausedAtMs));
  await expect(facts(election)).toContainText('Raft, seed 42');
  expect(page.workers().length).toBe(3);
  const workers = page.workers();
  const closed = Promise.race(workers.map((w) => new Promise<void>((resolve) => w.once('close', () => resolve()))));
  await election.evaluate((el) => el.remove());
  await closed;
  await expect.poll(() => page.workers().length).toBe(2);
});

// ---- The Markdown example ----

test('a docs page rendered from Markdown: the pasted snippets give live clusters, and a typo an inline error', async ({ page }) => {
  await page.goto('/examples/raft-in-five-minutes.html');
  await expect(page.getByRole('heading', { level: 1, name: 'Raft in five minutes' })).toBeVisible();
  // Each snippet carries its own <script>: two copies define the element once, without an error.
  expect(await page.locator('script[src$="faultline-lab.js"]').count()).toBe(2);
  const embeds = page.locator('faultline-lab');
  await expect(embeds).toHaveCount(3);
  const [first, second, third] = [embeds.nth(0), embeds.nth(1), embeds.nth(2)];

  await expectPlaying(first, true);
  await expect(first.getByRole('button', { name: /^n\d, / })).toHaveCount(5);
  await expect(first.getByTestId('embed-caption')).toHaveText('Five nodes, a trickle of client writes, no faults until you cause them');
  await expect(second.getByTestId('embed-caption')).toHaveText('Figure 8: a broken Raft commits an entry of an older term');
  await expect(second.getByRole('slider', { name: 'Time' })).toBeVisible();

  const frozenMs = await pauseAndSettle(first);
  await second.scrollIntoViewIfNeeded();
  await transport(second, 'Play').click();
  await expect.poll(() => nowMs(second)).toBeGreaterThan(60);
  expect(await nowMs(first)).toBe(frozenMs);

  const alert = third.getByRole('alert');
  await expect(alert).toContainText('This Faultline embed has a bad attribute, so it does not run.');
  await expect(alert.locator('li')).toHaveText('controls "compact" is not a kind of controls. Allowed: minimal, full.');
  await expect(page.getByRole('heading', { level: 2, name: 'Next' })).toBeVisible();
  await expect.poll(() => page.workers().length).toBe(2);
});

test('the docs theme does not size the embed: it looks the same under html { font-size: 125% }', async ({ page }) => {
  const sizes = async (): Promise<{ pad: string; font: string; play: number }> => {
    const embed = page.locator('faultline-lab').first();
    await expect(transport(embed, 'Pause')).toBeVisible();
    return {
      pad: await embed.locator('figure.fl-root').evaluate((el) => getComputedStyle(el).paddingTop),
      font: await embed.locator('figure.fl-root').evaluate((el) => getComputedStyle(el).fontSize),
      play: (await transport(embed, 'Pause').boundingBox())!.height,
    };
  };
  await page.goto('/examples/raft-in-five-minutes.html');
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('20px');
  const docs = await sizes();
  await page.goto('/examples/plain.html');
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('16px');
  expect(await sizes()).toEqual(docs);
  expect(docs).toEqual({ pad: '12px', font: '16px', play: 36 });
});

// ---- Styles: nothing in, nothing out ----

const HOSTILE_CSS = `
html { font-size: 10px; }
* { font-family: "Comic Sans MS", cursive !important; color: rgb(255, 0, 255) !important; letter-spacing: 4px !important;
    line-height: 3 !important; text-transform: uppercase !important; box-sizing: content-box !important; }
faultline-lab { font: italic 40px/4 cursive !important; text-align: right !important; direction: rtl; }
main, div, p, figure, section, ul { padding: 30px !important; margin: 30px !important; }
button { background: rgb(0, 255, 0) !important; border-radius: 0 !important; padding: 20px !important; }
svg, canvas { display: none !important; }
.button, .legend, .fl-root, .fl-reset, .controls, figure { display: none !important; }
:root { --accent: rgb(255, 0, 0); --surface: rgb(0, 0, 0); --space-3: 99px; --cluster-max-height: 10px; --fl-rem: 3px; }
`;

test('a hostile host stylesheet does not reach inside the embed', async ({ page }) => {
  await servePage(
    page,
    '/embed-test/hostile.html',
    `<!doctype html><html lang="en"><head><title>Hostile</title><link rel="stylesheet" href="hostile.css">
     <script type="module" src="/embed/faultline-lab.js"></script></head>
     <body><main><faultline-lab scenario="figure-8-commit-old-term" controls="full"></faultline-lab></main></body></html>`,
    { '/embed-test/hostile.css': HOSTILE_CSS },
  );
  await page.goto('/embed-test/hostile.html');
  const embed = page.locator('faultline-lab');
  await expect(node(embed, 'n1')).toBeVisible();
  // The page's rules are in force on the page itself...
  expect(await page.locator('main').evaluate((el) => getComputedStyle(el).paddingTop)).toBe('30px');
  // ...and not inside.
  const figure = embed.locator('figure.fl-root');
  const style = await figure.evaluate((el) => {
    const s = getComputedStyle(el);
    return { display: s.display, font: s.fontFamily, size: s.fontSize, line: s.lineHeight, color: s.color, spacing: s.letterSpacing, align: s.textAlign, style: s.fontStyle, pad: s.paddingTop, direction: s.direction };
  });
  expect(style).toEqual({
    display: 'flex', font: expect.stringMatching(/^system-ui/), size: '16px', line: '24px', color: 'rgb(17, 24, 39)', spacing: 'normal', align: 'start', style: 'normal', pad: '12px', direction: 'ltr',
  });
  const play = transport(embed, 'Play');
  const button = await play.evaluate((el) => {
    const s = getComputedStyle(el);
    return { background: s.backgroundColor, transform: s.textTransform, radius: s.borderTopLeftRadius, height: s.height, boxSizing: s.boxSizing };
  });
  expect(button).toEqual({ background: 'rgb(47, 91, 211)', transform: 'none', radius: '6px', height: '36px', boxSizing: 'border-box' });
  // The drawing is there, at its own size (the page's --cluster-max-height and svg rules do not apply).
  const drawing = await embed.locator('.cluster-view .stage').boundingBox();
  expect(drawing!.height).toBeGreaterThan(300);
  await expect(embed.getByRole('group', { name: 'Cluster of 5 nodes' })).toBeVisible();
});

test('the embed adds no style to the host page', async ({ page }) => {
  const body = `<h1>Probe</h1><p class="lead">Text</p><button class="button primary">Button</button>
    <ul class="legend"><li>item</li></ul><span class="visually-hidden">visible</span><figure class="fl-root">f</figure>
    <div class="fl-reset">r</div><div class="controls">c</div><details class="key"><summary>s</summary></details>`;
  const probe = (): Promise<unknown> =>
    page.evaluate(() => {
      const props = ['display', 'font-family', 'font-size', 'color', 'background-color', 'margin-top', 'padding-top', 'box-sizing', 'border-top-width', 'width', 'position', 'line-height'];
      const out: Record<string, Record<string, string>> = {};
      for (const el of document.querySelectorAll('body > *:not(faultline-lab):not(script)')) {
        const s = getComputedStyle(el);
        out[`${el.tagName}.${el.className}`] = Object.fromEntries(props.map((p) => [p, s.getPropertyValue(p)]));
      }
      return { out, sheets: document.styleSheets.length, adopted: document.adoptedStyleSheets.length, styleTags: document.querySelectorAll('style').length, root: getComputedStyle(document.documentElement).getPropertyValue('--accent') };
    });
  await servePage(page, '/embed-test/quiet.html', `<!doctype html><html lang="en"><head><title>Quiet</title></head><body>${body}</body></html>`);
  await servePage(
    page,
    '/embed-test/quiet-embed.html',
    `<!doctype html><html lang="en"><head><title>Quiet</title><script type="module" src="/embed/faultline-lab.js"></script></head>
     <body>${body}<faultline-lab controls="full" autoplay></faultline-lab></body></html>`,
  );
  await page.goto('/embed-test/quiet.html');
  const before = await probe();
  await page.goto('/embed-test/quiet-embed.html');
  await expect(node(page.locator('faultline-lab'), 'n1')).toBeVisible();
  const after = await probe();
  expect(after).toEqual(before);
  expect(after).toMatchObject({ sheets: 0, adopted: 0, styleTags: 0, root: '' });
});

// ---- Content-Security-Policy ----

test('works under a strict Content-Security-Policy: no eval, no inline script or style', async ({ page }) => {
  const violations = await recordCspViolations(page);
  await withCsp(page, '**/examples/*.html');
  await withCsp(page, '**/embed.html?*');
  // The workers run under the same policy (a worker's policy is the one its script is served with).
  await withCsp(page, '**/embed/faultline-lab-worker.js');
  await withCsp(page, '**/assets/lab.worker-*.js');
  await page.goto('/examples/plain.html');
  const election = page.locator('#election');
  await expectPlaying(election, true);
  await expect.poll(() => nowMs(election)).toBeGreaterThan(30);
  await expect(node(page.locator('#figure8'), 'n1')).toBeVisible();
  await expect(page.locator('#typo').getByRole('alert')).toBeVisible();
  // Styled from the constructable stylesheet (a <style> would have been refused).
  expect(await transport(election, 'Pause').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(47, 91, 211)');
  await page.locator('#dark-choice').check();
  await expect.poll(() => election.locator('figure.fl-root').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(21, 26, 34)');

  await page.goto('/examples/raft-in-five-minutes.html');
  await expectPlaying(page.locator('faultline-lab').first(), true);

  await page.goto('/examples/iframe.html');
  const frame = page.frameLocator('iframe').first();
  await expect(transport(frame.locator('body'), 'Pause')).toBeVisible();
  await expect.poll(async () => Number(await frame.getByTestId('embed-facts').getAttribute('data-now-ms'))).toBeGreaterThan(30);
  expect(await violations()).toEqual([]);

  // The policy was in force: the same page refuses an inline style (so the silence above means something).
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { color: red }';
    document.head.append(style);
  });
  await expect.poll(violations).toEqual(expect.arrayContaining([expect.stringMatching(/^style-src-elem blocked inline/)]));
});

// ---- Hosting ----

test('hosted anywhere: the worker loads beside the script, and nothing leaves the site', async ({ page, baseURL }) => {
  const foreign: string[] = [];
  await page.context().route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => {
    foreign.push(route.request().url());
    return route.abort();
  });
  await servePage(
    page,
    '/docs/guide/page.html',
    `<!doctype html><html lang="en"><head><title>Guide</title><script type="module" src="../assets/fl/faultline-lab.js"></script></head>
     <body><faultline-lab seed="5" autoplay controls="full"></faultline-lab></body></html>`,
  );
  for (const file of ['faultline-lab.js', 'faultline-lab-worker.js']) {
    await page.route(`**/docs/assets/fl/${file}`, (route) => route.fulfill({ path: join(EMBED_DIR, file), contentType: 'text/javascript' }));
  }
  await page.goto('/docs/guide/page.html');
  const embed = page.locator('faultline-lab');
  await expectPlaying(embed, true);
  await expect(facts(embed)).toContainText('Raft, seed 5');
  await expect.poll(() => page.workers().map((w) => new URL(w.url()).pathname)).toEqual(['/docs/assets/fl/faultline-lab-worker.js']);
  // By default "Open in Faultline" points one folder above the script (where Faultline's build puts the lab).
  const href = new URL((await embed.getByRole('link', { name: /Open in Faultline/ }).getAttribute('href'))!);
  expect(href.origin + href.pathname).toBe(`${new URL(baseURL!).origin}/docs/assets/`);
  expect(foreign).toEqual([]);
});

// ---- The iframe page ----

test('embed.html draws the same embed from its query, and names a bad parameter', async ({ page }) => {
  await page.goto('/examples/iframe.html');
  const frames = page.locator('iframe');
  await expect(frames).toHaveCount(2);
  const first = page.frameLocator('iframe').first().locator('body');
  await expect(transport(first, 'Pause')).toBeVisible();
  await expect(first.getByTestId('embed-caption')).toHaveText('Five nodes, a trickle of client writes, no faults until you cause them');
  await expect(first.getByRole('button', { name: /^n\d, / })).toHaveCount(5);
  // It fills the iframe: the drawing takes the height the controls leave.
  const frameBox = (await frames.first().boundingBox())!;
  const stageBox = (await first.locator('.cluster-view .stage').boundingBox())!;
  expect(stageBox.height).toBeGreaterThan(frameBox.height * 0.55);
  expect(stageBox.y + stageBox.height).toBeLessThanOrEqual(frameBox.y + frameBox.height);

  // A Paxos grid from the query: nine nodes, the grid named in the caption.
  await page.goto('/embed.html?protocol=multipaxos&grid=3x3&seed=4&t=1000');
  await expect(page.getByTestId('embed-caption')).toHaveText('Multi-Paxos, 9 nodes, grid 3 × 3, seed 4');
  await expect(page.getByRole('button', { name: /^n\d, / })).toHaveCount(9);

  // A run the simulator refuses is reported in place, with its reason.
  await page.goto('/embed.html?q1=2');
  await expect(page.getByRole('alert')).toContainText('The lab could not start this run.');
  await expect(page.getByRole('alert')).toContainText('Quorum sizes (q1, q2) and grids are for Paxos');

  await page.goto('/embed.html?scenario=nope&speed=fast&colour=red');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('This Faultline embed has 3 bad attributes, so it does not run.');
  await expect(alert.locator('li').filter({ hasText: /^colour/ })).toContainText('is not a parameter of the embed.');
  await expect(alert.locator('li').filter({ hasText: /^scenario/ })).toContainText('"nope" is not a scenario this embed bundles.');
  await expect(alert.locator('li').filter({ hasText: /^speed/ })).toContainText('"fast" is not a speed from 1/1000× to 10× real time');
});

// ---- Accessibility ----

test('axe finds nothing serious or critical in the embeds', async ({ page }) => {
  // Minimal and full controls, a violation banner, the dark theme, and an error, on one page.
  await servePage(
    page,
    '/embed-test/a11y.html',
    `<!doctype html><html lang="en"><head><title>Embeds</title><script type="module" src="/embed/faultline-lab.js"></script></head>
     <body><main><h1>Embeds</h1>
       <faultline-lab seed="3" load="20" t="3000"></faultline-lab>
       <faultline-lab scenario="figure-8-commit-old-term" controls="full" t="4000"></faultline-lab>
       <faultline-lab protocol="multipaxos" load="20" t="3000" controls="full" theme="dark"></faultline-lab>
       <faultline-lab scenario="typo"></faultline-lab>
     </main></body></html>`,
  );
  await page.goto('/embed-test/a11y.html');
  const embeds = page.locator('faultline-lab');
  for (const i of [0, 1, 2]) await expect.poll(() => nowMs(embeds.nth(i))).toBeGreaterThanOrEqual(3000);
  await expect(embeds.nth(1).getByRole('button', { name: 'Jump to cause' })).toBeVisible();
  await expect(embeds.nth(3).getByRole('alert')).toBeVisible();
  expect(await axeFindings(page)).toEqual([]);

  await page.goto('/embed.html?scenario=figure-8-commit-old-term&controls=full&t=4000');
  await expect(page.getByRole('button', { name: 'Jump to cause' })).toBeVisible();
  expect(await axeFindings(page)).toEqual([]);
});
