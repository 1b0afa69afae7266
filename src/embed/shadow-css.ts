/**
 * The built CSS, rewritten for the element's shadow root (used by vite.embed.config.ts at build time):
 *
 * - theme.css's tokens on `:root` go on the embed's own root element, `.fl-root`, inside the shadow
 *   root, where the page's rules cannot reach them;
 * - every `rem` in a declaration becomes `calc(N * var(--fl-rem, 16px))`, a length EmbedLab.svelte
 *   measures from the reader's default font size: `rem` would follow the host page's
 *   `html { font-size }`, which docs themes change (MkDocs Material sets 125%). Conditions of `@media`
 *   and `@container` keep their units: `var()` is not allowed there, and a media query's `rem`
 *   already means the default font size.
 */

/** The user's default font size, until the element has measured it. */
export const REM_FALLBACK_PX = 16;

const REM = /(^|[^\w.-])(-?(?:\d+\.?\d*|\.\d+))rem\b/g;

export function shadowCss(css: string): string {
  const parts = css.replace(/:root\b/g, '.fl-root').split(/([{}])/);
  // split() keeps the braces: parts alternate text, brace, text, ... A text followed by "{" is a
  // selector or an at-rule's condition; one followed by "}" is declarations.
  for (let i = 0; i < parts.length; i += 2) {
    if (parts[i + 1] !== '}') continue;
    parts[i] = parts[i]!.replace(REM, (_, before: string, n: string) => `${before}calc(${n} * var(--fl-rem, ${REM_FALLBACK_PX}px))`);
  }
  return parts.join('');
}
