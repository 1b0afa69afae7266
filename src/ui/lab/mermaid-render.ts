/**
 * Draws Mermaid text as SVG, loading Mermaid (a large library) only the first time a diagram is
 * shown: it is never in the main bundle. `securityLevel: 'strict'` makes Mermaid sanitize labels
 * and refuse click handlers; the SVG is parsed in an inert document and inserted as nodes (no HTML string is ever
 * injected, and scripts in a parsed document never run).
 */
type Mermaid = typeof import('mermaid').default;

let loading: Promise<Mermaid> | null = null;
let counter = 0;

function loadMermaid(): Promise<Mermaid> {
  loading ??= import('mermaid').then((m) => m.default);
  // A failed load (offline) may be retried by the next diagram.
  loading.catch(() => (loading = null));
  return loading;
}

/** Renders the text to an <svg> element; rejects with Mermaid's message when the text is not a diagram. */
export async function renderMermaid(text: string, theme: 'light' | 'dark'): Promise<SVGSVGElement> {
  const mermaid = await loadMermaid();
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: theme === 'dark' ? 'dark' : 'default' });
  const { svg } = await mermaid.render(`faultline-mermaid-${++counter}`, text);
  // An inert document: nothing in it runs, and its <svg> is moved into the page as nodes.
  const root = new DOMParser().parseFromString(svg, 'text/html').querySelector('svg');
  if (root === null) throw new Error('Mermaid did not produce an SVG');
  return document.importNode(root, true);
}

/** The current page theme (theme.ts sets data-theme on <html>). */
export function pageTheme(): 'light' | 'dark' {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}
