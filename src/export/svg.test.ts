// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { glyphShape, serializeView, type StyleLike } from './svg';

/** Computed styles by class, as a page's stylesheet and theme would give them (jsdom computes few). */
const STYLES: Record<string, Record<string, string>> = {
  cluster: { 'background-color': 'rgb(250, 250, 250)' },
  stage: { 'font-family': 'system-ui, sans-serif', color: 'rgb(20, 20, 20)' },
  backdrop: { fill: 'rgba(0, 0, 0, 0)' },
  link: { stroke: 'rgb(1, 2, 3)', 'stroke-width': '1.5px' },
  'focus-ring': { fill: 'none', stroke: 'rgb(0, 0, 255)', visibility: 'hidden' },
  body: { fill: 'rgb(255, 255, 255)', stroke: 'rgb(200, 100, 0)', 'stroke-width': '6px' },
  'node-id': { fill: 'rgb(20, 20, 20)', 'font-size': '31px', 'font-weight': '700', 'text-anchor': 'middle', 'font-family': 'system-ui, sans-serif' },
  badge: { fill: 'rgb(20, 20, 20)', 'font-family': 'ui-monospace, monospace' },
  'violation-ring': { fill: 'none', stroke: 'rgb(213, 94, 0)', opacity: '0.4' },
  gone: { display: 'none', fill: 'rgb(0, 0, 0)' },
  ghost: { fill: 'rgb(9, 9, 9)', visibility: 'hidden' },
};

function styleOf(element: Element): StyleLike {
  const merged: Record<string, string> = {};
  for (const c of Array.from(element.classList)) Object.assign(merged, STYLES[c]);
  return { getPropertyValue: (p: string) => merged[p] ?? '' };
}

function stage(): Element {
  document.body.innerHTML = `
    <div class="cluster"><div class="stage">
      <svg class="layer back" viewBox="10 20 100 50" aria-hidden="true">
        <rect class="backdrop" x="10" y="20" width="100" height="50" />
        <line class="link" x1="20" y1="30" x2="90" y2="60" />
      </svg>
      <canvas class="layer messages"></canvas>
      <svg class="layer front" viewBox="10 20 100 50" role="group" aria-label="Cluster of 1 node">
        <g class="node role-leader" role="button" tabindex="0" aria-label="n1, leader, term 2" aria-pressed="false" data-region="us-east" transform="translate(30,40)">
          <circle class="violation-ring" r="9" />
          <circle class="focus-ring" r="8" />
          <circle class="body" r="6" />
          <text class="node-id" dy="0.35em">n1</text>
          <text class="badge">LEADER</text>
          <text class="gone">not shown</text>
          <text class="ghost">hidden</text>
          <title>n1: leader</title>
        </g>
      </svg>
    </div></div>`;
  return document.querySelector('.stage')!;
}

describe('the cluster view as a self-contained SVG', () => {
  const glyphs = [
    glyphShape({ x: 50, y: 45.12345 }, 'M0,-4L4,0L0,4L-4,0Z', { color: 'rgb(0, 114, 178)', surface: 'rgb(255, 255, 255)', text: 'rgb(0,0,0)', hollow: false, selected: false }, { hollowLinePx: 2.2, solidLinePx: 1.2, selectedRadiusPx: 13 }, 'RequestVote n1 to n2, #7'),
    glyphShape({ x: 60, y: 50 }, 'M3,0A3,3,0,1,1,-3,0A3,3,0,1,1,3,0', { color: 'rgb(230, 159, 0)', surface: 'rgb(255, 255, 255)', text: 'rgb(0, 0, 0)', hollow: true, selected: true }, { hollowLinePx: 2.2, solidLinePx: 1.2, selectedRadiusPx: 13 }, 'AppendEntriesReply n2 to n1, #9'),
  ];

  function exported(): Document {
    const out = serializeView({ stage: stage(), viewBox: { x: 10, y: 20, width: 100, height: 50 }, glyphs }, {
      title: 'Faultline: raft at 1.000s',
      caption: 'Faultline · raft, 1 node, seed 1 · t = 1.000s',
      styleOf,
      animated: (e) => e.classList.contains('violation-ring'),
    });
    expect(out.width).toBe(100);
    expect(out.height).toBe(78);
    expect(out.svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
    return new DOMParser().parseFromString(out.svg, 'image/svg+xml');
  }

  it('is one SVG with the view box, a title, the background and a caption', () => {
    const doc = exported();
    const root = doc.documentElement;
    expect(root.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(root.getAttribute('viewBox')).toBe('10 20 100 78');
    expect(root.getAttribute('font-family')).toBe('system-ui, sans-serif');
    expect(root.querySelector(':scope > title')!.textContent).toBe('Faultline: raft at 1.000s');
    const background = root.querySelector(':scope > rect')!;
    expect(background.getAttribute('fill')).toBe('rgb(250, 250, 250)');
    const caption = [...root.querySelectorAll(':scope > text')].at(-1)!;
    expect(caption.textContent).toBe('Faultline · raft, 1 node, seed 1 · t = 1.000s');
    expect(caption.getAttribute('fill')).toBe('rgb(20, 20, 20)');
  });

  it('inlines computed style on every element and keeps only what draws', () => {
    const doc = exported();
    const line = doc.querySelector('line')!;
    expect(line.getAttribute('style')).toBe('stroke:rgb(1, 2, 3);stroke-width:1.5px');
    // Transparent backdrop, the hidden focus ring, display:none and visibility:hidden text: left out.
    expect(doc.querySelectorAll('rect').length).toBe(1);
    expect(doc.querySelectorAll('circle[r="8"]').length).toBe(0);
    expect(doc.documentElement.textContent).not.toContain('not shown');
    expect(doc.documentElement.textContent).not.toContain('hidden');
    const node = doc.querySelector('g[transform="translate(30,40)"]')!;
    // Nothing of the live page's interaction or styling hooks.
    for (const attr of ['class', 'role', 'tabindex', 'aria-label', 'aria-pressed', 'data-region']) expect(node.hasAttribute(attr), attr).toBe(false);
    expect(node.querySelector('circle[r="6"]')!.getAttribute('style')).toBe('fill:rgb(255, 255, 255);stroke:rgb(200, 100, 0);stroke-width:6px');
    const texts = [...node.querySelectorAll('text')];
    expect(texts.map((t) => t.textContent)).toEqual(['n1', 'LEADER']);
    // The root's font is not repeated; another font is written where it differs.
    expect(texts[0]!.getAttribute('style')).toBe('fill:rgb(20, 20, 20);font-size:31px;font-weight:700;text-anchor:middle');
    expect(texts[1]!.getAttribute('style')).toBe('fill:rgb(20, 20, 20);font-family:ui-monospace, monospace');
    expect(node.querySelector('title')!.textContent).toBe('n1: leader');
    // An animated property is written at rest (the violation ring pulses: no mid-pulse opacity).
    expect(node.querySelector('circle[r="9"]')!.getAttribute('style')).toBe('fill:none;stroke:rgb(213, 94, 0)');
  });

  it('draws the messages in flight as shapes between the layers, where the canvas was', () => {
    const doc = exported();
    const layers = [...doc.documentElement.children].filter((e) => e.localName === 'svg' || e.localName === 'g').map((e) => e.localName);
    expect(layers).toEqual(['svg', 'g', 'svg']);
    const group = [...doc.documentElement.children].find((e) => e.localName === 'g')!;
    const items = [...group.children];
    expect(items).toHaveLength(2);
    expect(items[0]!.getAttribute('transform')).toBe('translate(50,45.123)');
    expect(items[0]!.querySelector('title')!.textContent).toBe('RequestVote n1 to n2, #7');
    const solid = items[0]!.querySelector('path')!;
    expect([solid.getAttribute('fill'), solid.getAttribute('stroke'), solid.getAttribute('stroke-width')]).toEqual(['rgb(0, 114, 178)', 'rgb(255, 255, 255)', '1.2']);
    // A reply is hollow (surface fill, coloured outline); the selected one has its ring.
    const hollow = items[1]!.querySelector('path')!;
    expect([hollow.getAttribute('fill'), hollow.getAttribute('stroke'), hollow.getAttribute('stroke-width')]).toEqual(['rgb(255, 255, 255)', 'rgb(230, 159, 0)', '2.2']);
    expect(items[1]!.querySelector('circle')!.getAttribute('r')).toBe('13');
    expect(items[0]!.querySelector('circle')).toBeNull();
  });
});
