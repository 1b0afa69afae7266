/**
 * What a view hands over for export (src/export/svg.ts): its layers and its messages in flight as
 * shapes. Apart from the serializer so that the views, which are in the lab's first bundle, do not
 * pull it in: the Export dialog loads the serializer when it is used.
 */

/** A message glyph as the canvas paints it, in the view's user units (see canvas-stage.ts's paintGlyph). */
export interface ExportGlyph {
  /** Centre of the glyph. */
  readonly x: number;
  readonly y: number;
  /** The glyph's outline, centred on (0, 0) (cluster-geometry.ts's glyphPath). */
  readonly d: string;
  readonly fill: string;
  readonly stroke: string;
  readonly strokeWidth: number;
  /** The selected message's ring, or null. */
  readonly ring: { readonly r: number; readonly stroke: string; readonly strokeWidth: number } | null;
  /** What the message is ("AppendEntries n1 to n3, #123"): the shape's <title>. */
  readonly title: string;
}

/** The glyph's paint, as canvas-stage.ts's paintGlyph applies it: a request filled, a reply hollow. */
export function glyphShape(
  at: { x: number; y: number },
  d: string,
  style: { color: string; surface: string; text: string; hollow: boolean; selected: boolean },
  size: { hollowLinePx: number; solidLinePx: number; selectedRadiusPx: number },
  title: string,
): ExportGlyph {
  return {
    x: at.x,
    y: at.y,
    d,
    fill: style.hollow ? style.surface : style.color,
    stroke: style.hollow ? style.color : style.surface,
    strokeWidth: style.hollow ? size.hollowLinePx : size.solidLinePx,
    ring: style.selected ? { r: size.selectedRadiusPx, stroke: style.text, strokeWidth: 2.5 } : null,
    title,
  };
}

export interface ViewBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What a view hands over for export (ClusterView's and MapView's `exportView()`). */
export interface ViewExportSource {
  /** The element holding the view's layers, back to front: SVGs and the messages' canvas. */
  readonly stage: Element;
  /** The layers' common viewBox (user units). */
  readonly viewBox: ViewBox;
  /** The messages in flight, as the canvas paints them now. */
  readonly glyphs: readonly ExportGlyph[];
}
