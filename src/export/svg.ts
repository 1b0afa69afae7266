/**
 * The cluster view (the ring or the map) as one self-contained SVG file: what the page shows, with
 * nothing that depends on the page. The views draw nodes, links and hulls as stacked SVG layers and
 * the messages in flight on a canvas (canvas-stage.ts); here the SVG layers are copied in order with
 * every computed colour, stroke and font written onto each element (so the file needs no stylesheet
 * and no CSS custom property), interactive attributes dropped, hidden elements left out, and the
 * canvas replaced by the messages as SVG shapes, placed and painted exactly as the canvas paints them
 * (the view supplies them: `ExportGlyph`).
 *
 * The page does this (it needs the DOM); it takes milliseconds for a few hundred elements, so it does
 * not freeze the page. The PNG is rendered from this SVG (png.ts).
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

export { glyphShape } from './glyph';
export type { ExportGlyph, ViewBox, ViewExportSource } from './glyph';
import type { ViewExportSource } from './glyph';

/** The computed style of an element, as much of it as the serializer reads. */
export interface StyleLike {
  getPropertyValue(property: string): string;
}

export interface SvgExportOptions {
  /** The file's <title> (also the caption's first words). */
  readonly title: string;
  /** A line under the drawing: the run and the moment ("raft, 5 nodes, seed 42 · t = 12.340 s · trace 3fa2…"). */
  readonly caption: string;
  /** Reads an element's computed style (tests pass a fake; the page, getComputedStyle). */
  readonly styleOf?: (element: Element) => StyleLike;
  /** Whether an element's style is being animated (its animated properties are written at rest). */
  readonly animated?: (element: Element) => boolean;
}

export interface SvgExport {
  readonly svg: string;
  /** The drawing's size in user units (= CSS px at 1x), caption included. */
  readonly width: number;
  readonly height: number;
}

/**
 * The presentation properties copied onto every element, each with its initial value: a property is
 * written only where it differs, which keeps the file small without depending on inheritance.
 */
const PROPERTIES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['fill', ['rgb(0, 0, 0)', '#000', 'black']],
  ['fill-opacity', ['1']],
  ['fill-rule', ['nonzero']],
  ['stroke', ['none']],
  ['stroke-width', ['1px', '1']],
  ['stroke-opacity', ['1']],
  ['stroke-dasharray', ['none']],
  ['stroke-dashoffset', ['0px', '0']],
  ['stroke-linecap', ['butt']],
  ['stroke-linejoin', ['miter']],
  ['opacity', ['1']],
  ['font-size', ['16px']],
  ['font-weight', ['400', 'normal']],
  ['font-style', ['normal']],
  ['font-variant-numeric', ['normal']],
  ['letter-spacing', ['normal', '0px']],
  ['text-anchor', ['start']],
  ['dominant-baseline', ['auto']],
  ['paint-order', ['normal']],
];
/** Properties an animation may be moving (the violation ring pulses): written at rest, not mid-pulse. */
const ANIMATED_PROPERTIES = new Set(['opacity', 'fill-opacity', 'stroke-opacity']);
/** Attributes that only matter to a live page: interaction, accessibility of controls, styling hooks. */
const DROPPED_ATTRIBUTE = /^(class|style|role|tabindex|aria-.*|data-.*|on.*|focusable)$/;
/** Shapes that draw nothing when neither filled nor stroked. */
const SHAPES = new Set(['rect', 'circle', 'ellipse', 'line', 'path', 'polygon', 'polyline']);
/** Elements copied with their text. */
const TEXT_ELEMENTS = new Set(['text', 'tspan', 'title', 'desc']);

function invisiblePaint(value: string): boolean {
  const v = value.replace(/\s+/g, '');
  return v === '' || v === 'none' || v === 'transparent' || /^rgba\(\d+,\d+,\d+,0\)$/.test(v);
}

function defaultStyleOf(element: Element): StyleLike {
  const view = element.ownerDocument.defaultView;
  if (view === null) throw new Error('svg export: the element is not in a window');
  return view.getComputedStyle(element);
}

function defaultAnimated(element: Element): boolean {
  return typeof (element as Element & { getAnimations?: () => unknown[] }).getAnimations === 'function' &&
    (element as Element & { getAnimations: () => unknown[] }).getAnimations().length > 0;
}

/** Numbers in attributes with at most three decimals (positions need no more at any zoom). */
function n(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/**
 * Copies `source` (an SVG element of the page) into `doc` with its computed style inlined, or returns
 * null when it draws nothing (display none, hidden, or a shape neither filled nor stroked).
 */
function copyElement(source: Element, doc: Document, options: Required<Pick<SvgExportOptions, 'styleOf' | 'animated'>>, rootFont: string): Element | null {
  const name = source.localName;
  const style = options.styleOf(source);
  if (style.getPropertyValue('display') === 'none') return null;
  const hidden = style.getPropertyValue('visibility') === 'hidden';
  const copy = doc.createElementNS(SVG_NS, name);
  for (const attr of Array.from(source.attributes)) {
    if (DROPPED_ATTRIBUTE.test(attr.name) || attr.name === 'xmlns') continue;
    copy.setAttribute(attr.name, attr.value);
  }
  if (name === 'title' || name === 'desc') {
    copy.textContent = source.textContent;
    return copy;
  }
  const declarations: string[] = [];
  const animated = options.animated(source);
  for (const [property, initial] of PROPERTIES) {
    if (animated && ANIMATED_PROPERTIES.has(property)) continue;
    const value = style.getPropertyValue(property).trim();
    if (value === '' || initial.includes(value)) continue;
    declarations.push(`${property}:${value}`);
  }
  const font = style.getPropertyValue('font-family').trim();
  if (font !== '' && font !== rootFont) declarations.push(`font-family:${font}`);
  if (declarations.length > 0) copy.setAttribute('style', declarations.join(';'));
  const children = Array.from(source.children);
  let drawn = false;
  if (SHAPES.has(name)) {
    drawn = !hidden && !(invisiblePaint(style.getPropertyValue('fill')) && invisiblePaint(style.getPropertyValue('stroke')));
  } else if (TEXT_ELEMENTS.has(name) && children.length === 0) {
    drawn = !hidden && !invisiblePaint(style.getPropertyValue('fill')) && (source.textContent ?? '') !== '';
    copy.textContent = source.textContent;
  }
  // A hidden container may still hold a visible child (visibility is inherited but can be overridden).
  for (const child of children) {
    const c = copyElement(child, doc, options, rootFont);
    if (c === null) continue;
    copy.appendChild(c);
    if (c.localName !== 'title' && c.localName !== 'desc') drawn = true;
  }
  return drawn ? copy : null;
}

/** The background the view sits on: the first opaque background of the stage or an ancestor. */
function backgroundOf(stage: Element, styleOf: (e: Element) => StyleLike): string {
  for (let e: Element | null = stage; e !== null; e = e.parentElement) {
    const bg = styleOf(e).getPropertyValue('background-color').trim();
    if (!invisiblePaint(bg)) return bg;
  }
  return 'rgb(255, 255, 255)';
}

function el(doc: Document, name: string, attrs: Record<string, string>, text?: string): Element {
  const e = doc.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Caption band under the drawing (user units). */
const CAPTION_HEIGHT = 28;

/** The view as an SVG document: its layers back to front, the messages as shapes, a caption. */
export function serializeView(source: ViewExportSource, options: SvgExportOptions): SvgExport {
  const styleOf = options.styleOf ?? defaultStyleOf;
  const animated = options.animated ?? defaultAnimated;
  const doc = source.stage.ownerDocument.implementation.createDocument(SVG_NS, 'svg', null);
  const root = doc.documentElement;
  const { x, y, width, height } = source.viewBox;
  const stageStyle = styleOf(source.stage);
  const rootFont = stageStyle.getPropertyValue('font-family').trim() || 'system-ui, sans-serif';
  const textColor = stageStyle.getPropertyValue('color').trim() || 'rgb(0, 0, 0)';
  const total = height + CAPTION_HEIGHT;
  root.setAttribute('viewBox', `${n(x)} ${n(y)} ${n(width)} ${n(total)}`);
  root.setAttribute('width', n(width));
  root.setAttribute('height', n(total));
  root.setAttribute('font-family', rootFont);
  root.appendChild(el(doc, 'title', {}, options.title));
  root.appendChild(el(doc, 'desc', {}, options.caption));
  root.appendChild(el(doc, 'rect', { x: n(x), y: n(y), width: n(width), height: n(total), fill: backgroundOf(source.stage, styleOf) }));
  const copyOptions = { styleOf, animated };
  for (const layer of Array.from(source.stage.children)) {
    if (layer.localName === 'svg') {
      const box = layer.getAttribute('viewBox') ?? `${x} ${y} ${width} ${height}`;
      // Clip as the page does (an inline <svg> hides its overflow unless styled otherwise): the map's
      // land runs past its latitude band, and must not spill over the caption.
      const overflow = styleOf(layer).getPropertyValue('overflow').trim() === 'visible' ? 'visible' : 'hidden';
      const nested = el(doc, 'svg', { x: n(x), y: n(y), width: n(width), height: n(height), viewBox: box, overflow });
      for (const child of Array.from(layer.children)) {
        const c = copyElement(child, doc, copyOptions, rootFont);
        if (c !== null) nested.appendChild(c);
      }
      if (nested.children.length > 0) root.appendChild(nested);
    } else if (layer.localName === 'canvas') {
      const group = el(doc, 'g', { 'stroke-linejoin': 'round' });
      for (const g of source.glyphs) {
        const glyph = el(doc, 'g', { transform: `translate(${n(g.x)},${n(g.y)})` });
        glyph.appendChild(el(doc, 'title', {}, g.title));
        glyph.appendChild(el(doc, 'path', { d: g.d, fill: g.fill, stroke: g.stroke, 'stroke-width': n(g.strokeWidth) }));
        if (g.ring !== null) glyph.appendChild(el(doc, 'circle', { r: n(g.ring.r), fill: 'none', stroke: g.ring.stroke, 'stroke-width': n(g.ring.strokeWidth) }));
        group.appendChild(glyph);
      }
      root.appendChild(group);
    }
  }
  root.appendChild(el(doc, 'text', { x: n(x + 12), y: n(y + height + CAPTION_HEIGHT / 2), 'dominant-baseline': 'middle', 'font-size': '13', fill: textColor }, options.caption));
  const text = new (source.stage.ownerDocument.defaultView?.XMLSerializer ?? XMLSerializer)().serializeToString(doc);
  return { svg: `<?xml version="1.0" encoding="UTF-8"?>\n${text}\n`, width, height: total };
}
