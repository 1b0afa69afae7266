/**
 * The embed's whole stylesheet (theme.css, host.css and every component's styles), as text, for the
 * element's shadow root. The source holds a placeholder: the library build (vite.embed.config.ts)
 * replaces it with the built CSS, rewritten for a shadow root (`:root` becomes `.fl-root`, and `rem`
 * a length measured from the reader's default font size, so the host page's `html { font-size }`
 * does not scale the embed).
 */
export const EMBED_CSS: string = '__FAULTLINE_EMBED_CSS__';

/** False when running unbuilt (the placeholder is still there). */
export const EMBED_CSS_BUILT: boolean = !EMBED_CSS.startsWith('__FAULTLINE_EMBED_');
