import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUrlState } from '../ui/lab/url-state';
import { closestName, EMBED_ATTRIBUTES, labLink, parseEmbedOptions, parseSpeed, querySource, type EmbedSource } from './options';
import { BUNDLED_SCENARIOS } from './scenarios';

const ENV = { baseUrl: 'https://docs.example.org/guide/raft/', defaultLabUrl: 'https://docs.example.org/faultline/' };

/** Attributes as an element would have them. */
function attrs(values: Record<string, string>): EmbedSource {
  return { names: Object.keys(values), get: (name) => values[name] ?? null, kind: 'attribute' };
}

function parse(values: Record<string, string>) {
  return parseEmbedOptions(attrs(values), ENV);
}

function problemFor(values: Record<string, string>, attribute: string) {
  const { options, problems } = parse(values);
  expect(options).toBeNull();
  const found = problems.find((p) => p.attribute === attribute);
  expect(found, `a problem naming ${attribute} among ${JSON.stringify(problems)}`).toBeDefined();
  return found!;
}

describe('parseEmbedOptions', () => {
  it('gives the defaults for a bare element', () => {
    const { options, problems } = parse({});
    expect(problems).toEqual([]);
    expect(options).toMatchObject({ atMs: 0, controls: 'minimal', autoplay: false, speed: 0.05, heightPx: null, theme: 'auto', caption: null, labUrl: ENV.defaultLabUrl });
    expect(options!.config).toEqual(parseUrlState('').config);
  });

  it('takes a Paxos grid as the lab does, and names a bad one', () => {
    const { options, problems } = parse({ protocol: 'multipaxos', grid: '3x3' });
    expect(problems).toEqual([]);
    expect(options!.config.grid).toEqual({ rows: 3, columns: 3 });
    expect(problemFor({ protocol: 'multipaxos', grid: '5x5' }, 'grid').message).toMatch(/ROWSxCOLUMNS of at most 9 nodes/);
  });

  it('reads the run inputs exactly as the lab reads the same URL parameters', () => {
    const values = { scenario: 'figure-8-commit-old-term', seed: '7', nodes: '3', load: '20', bug: 'none', nemesis: 'partition,crash', t: '1500', regions: 'us-east,eu-west' };
    const { options, problems } = parse(values);
    expect(problems).toEqual([]);
    const lab = parseUrlState(`?${new URLSearchParams(values).toString()}`);
    expect(options!.config).toEqual(lab.config);
    expect(options!.atMs).toBe(1500);
    expect(options!.config).toMatchObject({ scenario: 'figure-8-commit-old-term', seed: 7, nodes: 3, loadOpsPerSec: 20, bugs: [], nemesis: ['partition', 'crash'] });
  });

  it('reads how to show the run', () => {
    const { options } = parse({ controls: 'full', autoplay: '', speed: '1/10', height: '360px', theme: 'dark', caption: '  Leader\nelection  ', lab: '../../lab/' });
    expect(options).toMatchObject({ controls: 'full', autoplay: true, speed: 0.1, heightPx: 360, theme: 'dark', caption: 'Leader election', labUrl: 'https://docs.example.org/lab/' });
    expect(parse({ autoplay: 'false' }).options!.autoplay).toBe(false);
    expect(parse({ lab: 'none' }).options!.labUrl).toBeNull();
    expect(parse({ caption: '' }).options!.caption).toBe('');
  });

  it('names a mistyped scenario, suggests the likely one and lists the bundled ones', () => {
    const p = problemFor({ scenario: 'figure-8' }, 'scenario');
    expect(p.message).toBe('"figure-8" is not a scenario this embed bundles. Did you mean "figure-8-commit-old-term"?');
    expect(p.allowed).toContain('figure-8-commit-old-term');
    expect(p.allowed.every((name) => !name.startsWith('lesson-'))).toBe(true);
    expect(p.more?.values).toContain('lesson-leader-election-scenario');
    expect(problemFor({ scenario: 'Figure 8!' }, 'scenario').message).toMatch(/^"Figure 8!" is not a scenario/);
    expect(problemFor({ scenario: '' }, 'scenario').message).toBe('is empty.');
  });

  it('names every bad attribute at once, each with what it may be', () => {
    const { options, problems } = parse({ protocol: 'zab', seed: 'seven', nodes: '12', bug: 'off-by-one', controls: 'compact', theme: 'pink', autoplay: 'yes', speed: 'fast', height: '9999', lab: 'javascript:alert(1)' });
    expect(options).toBeNull();
    const by = Object.fromEntries(problems.map((p) => [p.attribute, p]));
    expect(Object.keys(by).sort()).toEqual(['autoplay', 'bug', 'controls', 'height', 'lab', 'nodes', 'protocol', 'seed', 'speed', 'theme']);
    expect(by.protocol!.allowed).toEqual(['raft', 'paxos', 'multipaxos']);
    expect(by.seed!.message).toBe('expected a whole number from 0 to 4294967295, got "seven"');
    expect(by.nodes!.message).toBe('expected a whole number from 1 to 9, got "12"');
    expect(by.bug!.allowed).toContain('commit-old-term');
    expect(by.controls!.allowed).toEqual(['minimal', 'full']);
    expect(by.theme!.allowed).toEqual(['light', 'dark', 'auto']);
    expect(by.autoplay!.allowed).toEqual(['(no value)', 'true', 'false']);
    expect(by.speed!.message).toMatch(/from 1\/1000× to 10× real time/);
    expect(by.height!.message).toMatch(/from 160 to 1200/);
    expect(by.lab!.message).toMatch(/not an http or https address/);
  });

  it('reports an unknown attribute (a typo) but not the attributes every element may carry', () => {
    const p = problemFor({ sead: '3' }, 'sead');
    expect(p.message).toBe('is not an attribute of <faultline-lab>.');
    expect(p.allowed).toEqual(EMBED_ATTRIBUTES);
    const { problems } = parse({ id: 'a', class: 'wide', style: 'margin: 0', 'data-v-1a2b': '', 'aria-describedby': 'x', onclick: 'f()', title: 't', hidden: '' });
    expect(problems).toEqual([]);
  });

  it('reports unknown query parameters of embed.html, where there are no global attributes', () => {
    const { problems } = parseEmbedOptions(querySource('?scenario=figure-8-commit-old-term&class=x&seed=2&seed=3'), ENV);
    expect(problems.map((p) => [p.attribute, p.message])).toEqual([['class', 'is not a parameter of the embed.']]);
    const ok = parseEmbedOptions(querySource('?seed=2&seed=3&autoplay'), ENV);
    expect(ok.options).toMatchObject({ autoplay: true, config: { seed: 3 } });
  });

  it('maps url-state problems of the actions list to the actions attribute', () => {
    expect(problemFor({ actions: 'not base64!' }, 'actions').message).toBe('not base64url text');
  });

  it('never throws, and every problem names an attribute it was given or knows', () => {
    const names = fc.constantFrom(...EMBED_ATTRIBUTES, 'sead', 'class', 'data-x', 'xyz');
    fc.assert(
      fc.property(fc.dictionary(names, fc.string({ maxLength: 30 })), (values) => {
        const { options, problems } = parse(values);
        expect((options === null) === (problems.length > 0)).toBe(true);
        for (const p of problems) expect([...Object.keys(values), ...EMBED_ATTRIBUTES]).toContain(p.attribute);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseSpeed', () => {
  it('reads fractions, decimals and multipliers within the lab bounds', () => {
    expect(parseSpeed('1/20')).toBeCloseTo(0.05);
    expect(parseSpeed('1/1000x')).toBeCloseTo(0.001);
    expect(parseSpeed(' 2× ')).toBe(2);
    expect(parseSpeed('0.5')).toBe(0.5);
    expect(parseSpeed('10')).toBe(10);
    for (const bad of ['11', '1/2000', '0', '-1', 'fast', '1/0', '', '2 x 3']) expect(parseSpeed(bad), bad).toBeNull();
  });
});

describe('labLink', () => {
  it('opens the full lab at the same run and moment', () => {
    const { options } = parse({ scenario: 'figure-8-commit-old-term', seed: '4', lab: 'https://lab.example.org/faultline/?old=1#x' });
    const link = labLink(options!.labUrl, options!.config, 1234.6);
    const url = new URL(link!);
    expect(url.origin + url.pathname).toBe('https://lab.example.org/faultline/');
    expect(url.hash).toBe('');
    const back = parseUrlState(url.search);
    expect(back.problems).toEqual([]);
    expect(back.config).toEqual(options!.config);
    expect(back.atMs).toBe(1234);
    expect(labLink(null, options!.config, 0)).toBeNull();
  });
});

describe('closestName', () => {
  const names = BUNDLED_SCENARIOS.map((s) => s.name);
  it('finds near misses and unique prefixes, and does not guess otherwise', () => {
    expect(closestName('figure-8-commit-old-trem', names)).toBe('figure-8-commit-old-term');
    expect(closestName('nine-nodes', names)).toBe('nine-nodes-slow-links');
    expect(closestName('paxos', names)).toBeNull();
    expect(closestName('zz', names)).toBeNull();
  });
});
