/**
 * Plumbing shared by the views that draw messages on a canvas (the ring, ClusterView, and the map,
 * MapView): the canvas's size in CSS pixels and device pixel ratio, kept current by a
 * ResizeObserver, and the theme colors the canvas paints with, read from CSS custom properties and
 * re-read when the theme changes (each returns its cleanup, for a Svelte $effect); painting the
 * messages in flight, and the same glyphs as shapes for an exported SVG.
 */
import type { ExportGlyph } from '../../export/glyph';
import { glyphShape } from '../../export/glyph';
import type { MessageView } from '../../worker/lab-protocol';
import { glyphPath, messageGlyph, type GlyphShape, type Point } from './cluster-geometry';

export interface CanvasBox {
  widthPx: number;
  heightPx: number;
  dpr: number;
}

/** The custom properties a message canvas paints with. */
export const CANVAS_COLOR_VARS = ['--msg-vote', '--msg-append', '--msg-heartbeat', '--msg-client', '--surface', '--text'] as const;

/** Calls `set` with the canvas's box now and whenever it is resized. */
export function watchCanvasBox(canvas: HTMLCanvasElement, set: (box: CanvasBox) => void): () => void {
  const measure = (): void => {
    const r = canvas.getBoundingClientRect();
    set({ widthPx: r.width, heightPx: r.height, dpr: window.devicePixelRatio || 1 });
  };
  measure();
  const observer = new ResizeObserver(measure);
  observer.observe(canvas);
  return () => observer.disconnect();
}

/** Calls `set` with the canvas colors now and whenever the theme (attributes of <html>) changes. */
export function watchCanvasColors(el: Element, set: (colors: Record<string, string>) => void): () => void {
  const read = (): void => {
    const style = getComputedStyle(el);
    const next: Record<string, string> = {};
    for (const name of CANVAS_COLOR_VARS) next[name] = style.getPropertyValue(name).trim() || '#888';
    set(next);
  };
  read();
  const observer = new MutationObserver(read);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
  return () => observer.disconnect();
}

/**
 * Paints one message glyph at the context's current transform: filled (a request) or hollow (a
 * reply), outlined against the surface, with a ring when it is the selected message.
 */
export function paintGlyph(
  ctx: CanvasRenderingContext2D,
  path: Path2D,
  style: { color: string; surface: string; text: string; hollow: boolean; selected: boolean },
  size: { hollowLinePx: number; solidLinePx: number; selectedRadiusPx: number },
): void {
  ctx.fillStyle = style.hollow ? style.surface : style.color;
  ctx.fill(path);
  ctx.strokeStyle = style.hollow ? style.color : style.surface;
  ctx.lineWidth = style.hollow ? size.hollowLinePx : size.solidLinePx;
  ctx.stroke(path);
  if (style.selected) {
    ctx.beginPath();
    ctx.arc(0, 0, size.selectedRadiusPx, 0, 2 * Math.PI);
    ctx.strokeStyle = style.text;
    ctx.lineWidth = 2.5;
    ctx.stroke();
  }
}

/** How a view draws its message glyphs: at this fraction of their nominal area, with these lines. */
export interface GlyphStyle {
  readonly areaScale: number;
  readonly hollowLinePx: number;
  readonly solidLinePx: number;
  readonly selectedRadiusPx: number;
}

/** The viewBox-to-canvas mapping of a view (user units to CSS pixels). */
export interface ViewMapping {
  readonly scale: number;
  readonly dx: number;
  readonly dy: number;
}

/** Path2D objects by shape and area: a glyph's outline is parsed once, not once per frame. */
export class GlyphPaths {
  private readonly paths = new Map<string, Path2D>();

  get(shape: GlyphShape, areaPx2: number): Path2D {
    const key = `${shape}:${areaPx2}`;
    let p = this.paths.get(key);
    if (p === undefined) {
      p = new Path2D(glyphPath(shape, areaPx2));
      this.paths.set(key, p);
    }
    return p;
  }
}

/** A message's glyph as this view draws it: its shape, area, color variable and fill. */
function viewGlyph(message: MessageView, style: GlyphStyle): { shape: GlyphShape; area: number; colorVar: string; hollow: boolean } {
  const glyph = messageGlyph(message.category, message.heartbeat);
  return { shape: glyph.shape, area: style.areaScale === 1 ? glyph.areaPx2 : Math.round(glyph.areaPx2 * style.areaScale), colorVar: glyph.colorVar, hollow: glyph.hollow };
}

/**
 * Draws the messages in flight on the canvas, each where `place` puts it (user units; null: not
 * drawn), after sizing the canvas's backing store to its box and clearing it.
 */
export function paintMessages(
  canvas: HTMLCanvasElement,
  box: CanvasBox,
  mapping: ViewMapping,
  messages: readonly MessageView[],
  place: (message: MessageView) => Point | null,
  colors: Record<string, string>,
  selectedId: number | null,
  style: GlyphStyle,
  paths: GlyphPaths,
): void {
  const { widthPx, heightPx, dpr } = box;
  if (widthPx === 0 || heightPx === 0) return;
  const pixelWidth = Math.round(widthPx * dpr);
  const pixelHeight = Math.round(heightPx * dpr);
  if (canvas.width !== pixelWidth) canvas.width = pixelWidth;
  if (canvas.height !== pixelHeight) canvas.height = pixelHeight;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, pixelWidth, pixelHeight);
  const { scale, dx, dy } = mapping;
  const surface = colors['--surface'] ?? '#fff';
  const text = colors['--text'] ?? '#000';
  const k = dpr * scale;
  ctx.lineJoin = 'round';
  for (const message of messages) {
    const p = place(message);
    if (p === null) continue;
    const glyph = viewGlyph(message, style);
    ctx.setTransform(k, 0, 0, k, dpr * (dx + p.x * scale), dpr * (dy + p.y * scale));
    paintGlyph(ctx, paths.get(glyph.shape, glyph.area), { color: colors[glyph.colorVar] ?? '#888', surface, text, hollow: glyph.hollow, selected: message.id === selectedId }, style);
  }
}

/** The same messages as paintMessages draws them, as shapes for an exported SVG (src/export/svg.ts). */
export function messageShapes(
  messages: readonly MessageView[],
  place: (message: MessageView) => Point | null,
  colors: Record<string, string>,
  selectedId: number | null,
  style: GlyphStyle,
): ExportGlyph[] {
  const surface = colors['--surface'] ?? '#fff';
  const text = colors['--text'] ?? '#000';
  const out: ExportGlyph[] = [];
  for (const message of messages) {
    const p = place(message);
    if (p === null) continue;
    const glyph = viewGlyph(message, style);
    out.push(glyphShape(
      p,
      glyphPath(glyph.shape, glyph.area),
      { color: colors[glyph.colorVar] ?? '#888', surface, text, hollow: glyph.hollow, selected: message.id === selectedId },
      style,
      `${message.type} ${message.from} to ${message.to}, #${message.id}`,
    ));
  }
  return out;
}
