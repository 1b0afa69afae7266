/**
 * Plumbing shared by the views that draw messages on a canvas (the ring, ClusterView, and the map,
 * MapView): the canvas's size in CSS pixels and device pixel ratio, kept current by a
 * ResizeObserver, and the theme colors the canvas paints with, read from CSS custom properties and
 * re-read when the theme changes. Each returns its cleanup, for a Svelte $effect.
 */

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
