/**
 * embed.html: the embeddable lab for pages that cannot run scripts (or would rather not), in an
 * iframe: `<iframe src="/embed.html?scenario=figure-8-commit-old-term&controls=full" ...>`. The query
 * parameters are the element's attributes (src/embed/options.ts), the drawing the same EmbedLab, and
 * the iframe is the style boundary, so no shadow root is needed here. It fills the iframe's viewport.
 */
import { mount } from 'svelte';
import EmbedLab from './EmbedLab.svelte';
import { EmbedState } from './embed-state.svelte';
import { parseEmbedOptions, querySource } from './options';
import { createLabWorker } from './worker';
import '../ui/theme.css';
import './embed-page.css';

const target = document.getElementById('embed');
if (target === null) throw new Error('embed.html has no #embed element to mount the embed into');

const embed = new EmbedState(
  // The full lab is this build's index.html, beside embed.html.
  parseEmbedOptions(querySource(location.search), { baseUrl: document.baseURI, defaultLabUrl: new URL('./', location.href).href }),
);

export default mount(EmbedLab, {
  target,
  props: {
    embed,
    createWorker: createLabWorker,
    fill: true,
    ontheme: (theme: 'light' | 'dark') => {
      document.documentElement.dataset.theme = theme;
    },
  },
});
