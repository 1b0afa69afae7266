/**
 * A PNG of the cluster view, rendered from its self-contained SVG (svg.ts) at `scale` times its size
 * (2x by default: crisp on a slide or a high-density screen). The SVG refers to nothing outside
 * itself, so the canvas it is drawn on is never tainted and can be read back. Browser only; the
 * WebM recorder (src/ui/lab/webm-recorder.ts) draws its frames with `svgImage` too.
 */

/** Bound on the PNG's pixels per side (a canvas past about 16k pixels fails in some browsers). */
const MAX_SIDE_PX = 8192;

/** The SVG decoded as an image, ready to draw on a canvas (the PNG here, the WebM's frames). */
export async function svgImage(svg: string): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    const loaded = new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the SVG could not be drawn as an image'));
    });
    image.src = url;
    await loaded;
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  if (!(width > 0 && height > 0)) throw new Error(`png export: the drawing has no size (${width} x ${height})`);
  const k = Math.min(scale, MAX_SIDE_PX / width, MAX_SIDE_PX / height);
  const image = await svgImage(svg);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * k);
  canvas.height = Math.round(height * k);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('png export: no 2D canvas in this browser');
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  return await new Promise<Blob>((resolve, reject) => {
    canvas.toBlob((blob) => (blob === null ? reject(new Error('png export: the browser made no PNG')) : resolve(blob)), 'image/png');
  });
}
