/**
 * `<faultline-lab>`: a live Faultline cluster for a docs page, in one element.
 *
 *   <script type="module" src="/faultline/embed/faultline-lab.js"></script>
 *   <faultline-lab scenario="figure-8-commit-old-term" controls="full" autoplay></faultline-lab>
 *
 * The library build of this file (vite.embed.config.ts) is the element; its lab worker is a file
 * beside it, loaded relative to this script's URL. Each element:
 * - renders into its own shadow root, styled by one constructable stylesheet shared by every element
 *   on the page (adoptedStyleSheets: no <style> or style attribute is ever created, so a strict
 *   Content-Security-Policy needs no 'unsafe-inline'); page styles do not reach in, and its styles
 *   do not reach out;
 * - starts its own worker, so several on a page run independently;
 * - re-reads its attributes whenever one changes (src/embed/options.ts), and shows an inline error
 *   naming a bad attribute instead of running; nothing it does throws into the host page.
 * Content inside the element (before the script runs, or without JavaScript) is a fallback: the
 * shadow root replaces it once the element starts.
 */
import { mount, unmount } from 'svelte';
import EmbedLab from './EmbedLab.svelte';
import { EMBED_CSS, EMBED_CSS_BUILT } from './embed-css';
import { EmbedState } from './embed-state.svelte';
import { attributeSource, EMBED_ATTRIBUTES, parseEmbedOptions, type ParsedEmbed } from './options';
import { createLabWorker } from './worker';
import '../ui/theme.css';
import './host.css';

export const TAG_NAME = 'faultline-lab';

let sheet: CSSStyleSheet | null = null;

/** One stylesheet for every element on the page (constructable: no <style> element, no CSP exception). */
function sharedSheet(): CSSStyleSheet {
  if (sheet === null) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(EMBED_CSS);
  }
  return sheet;
}

function adoptStyles(shadow: ShadowRoot): void {
  if (!EMBED_CSS_BUILT) {
    console.warn(`<${TAG_NAME}>: unbuilt (no stylesheet); use the library build (npm run build:embed).`);
    return;
  }
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    shadow.adoptedStyleSheets = [sharedSheet()];
    return;
  }
  // Browsers without constructable stylesheets (before Safari 16.4): a <style> element, which a
  // Content-Security-Policy allows only with style-src 'unsafe-inline'.
  const style = document.createElement('style');
  style.textContent = EMBED_CSS;
  shadow.append(style);
}

/** The full lab, by default: where Faultline's build puts it, one folder above this script (dist/embed/ -> dist/). */
function defaultLabUrl(): string | null {
  try {
    return new URL(/* @vite-ignore */ '../', import.meta.url).href;
  } catch {
    return null;
  }
}

export class FaultlineLabElement extends HTMLElement {
  static get observedAttributes(): readonly string[] {
    return EMBED_ATTRIBUTES;
  }

  readonly #shadow: ShadowRoot;
  readonly #state = new EmbedState();
  #app: Record<string, unknown> | null = null;
  #parseQueued = false;

  constructor() {
    super();
    this.#shadow = this.attachShadow({ mode: 'open' });
    guard(this.#shadow, () => adoptStyles(this.#shadow));
  }

  connectedCallback(): void {
    guard(this.#shadow, () => {
      this.#parse();
      if (this.#app === null) {
        this.#app = mount(EmbedLab, { target: this.#shadow, props: { embed: this.#state, createWorker: createLabWorker } });
      }
    });
  }

  disconnectedCallback(): void {
    // A move (remove, then insert elsewhere) keeps the run; only a removal for good stops the worker.
    queueMicrotask(() => {
      if (this.isConnected || this.#app === null) return;
      const app = this.#app;
      this.#app = null;
      guard(this.#shadow, () => unmount(app));
    });
  }

  attributeChangedCallback(): void {
    // Several attributes set in a row (a framework rendering the element) make one change.
    if (this.#parseQueued) return;
    this.#parseQueued = true;
    queueMicrotask(() => {
      this.#parseQueued = false;
      guard(this.#shadow, () => this.#parse());
    });
  }

  /** What the attributes ask for, and what is wrong with them (read by tests and by the page's own scripts). */
  get parsed(): ParsedEmbed {
    return this.#state.parsed;
  }

  #parse(): void {
    this.#state.parsed = parseEmbedOptions(attributeSource(this), { baseUrl: document.baseURI, defaultLabUrl: defaultLabUrl() });
  }
}

/**
 * Runs `fn`; an exception is logged and shown as text inside the element, never thrown to the page
 * (the page's own scripts, and every other embed on it, go on).
 */
function guard(shadow: ShadowRoot, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    console.error(`<${TAG_NAME}>:`, error);
    try {
      const p = document.createElement('p');
      p.setAttribute('role', 'alert');
      p.textContent = `This Faultline embed stopped: ${error instanceof Error ? error.message : String(error)}`;
      shadow.replaceChildren(p);
    } catch {
      /* nothing more can be done without risking the page */
    }
  }
}

// Defined once, even if the script is included twice (two copies of a snippet on one page).
if (typeof customElements !== 'undefined' && customElements.get(TAG_NAME) === undefined) {
  customElements.define(TAG_NAME, FaultlineLabElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'faultline-lab': FaultlineLabElement;
  }
}
