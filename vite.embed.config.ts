/**
 * The embeddable lab as a library: `vite build -c vite.embed.config.ts` (npm run build:embed) writes
 *
 *   dist/embed/faultline-lab.js          the <faultline-lab> element (an ES module; src/embed/faultline-lab.ts)
 *   dist/embed/faultline-lab-worker.js   its lab worker, loaded relative to the element's URL
 *
 * and nothing else: the stylesheet is inside the element's script (see inlineShadowCss), the
 * scenarios inside the worker. Copy the folder to any static hosting; docs/EMBEDDING.md.
 * `--outDir` moves it (the e2e build puts it under its own output folder, as <out>/embed).
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { shadowCss } from './src/embed/shadow-css';

const PLACEHOLDER = /(["'`])__FAULTLINE_EMBED_CSS__\1/g;

/**
 * The element's styles must be inside its shadow root, and under a strict Content-Security-Policy
 * they cannot be a <style> element. So the CSS Vite collects (theme.css, host.css, every Svelte
 * component's styles) is taken out of the bundle and put into the script as a string, which the
 * element hands to a constructable stylesheet (src/embed/embed-css.ts, faultline-lab.ts), rewritten
 * for a shadow root first (src/embed/shadow-css.ts).
 */
function inlineShadowCss(): Plugin {
  return {
    name: 'faultline-inline-shadow-css',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const cssFiles = Object.values(bundle).filter((file) => file.type === 'asset' && file.fileName.endsWith('.css'));
      const text = (source: string | Uint8Array): string => (typeof source === 'string' ? source : new TextDecoder().decode(source));
      const css = shadowCss(cssFiles.map((file) => (file.type === 'asset' ? text(file.source) : '')).join('\n'));
      for (const file of cssFiles) delete bundle[file.fileName];
      let replaced = 0;
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        file.code = file.code.replace(PLACEHOLDER, () => {
          replaced++;
          return JSON.stringify(css);
        });
      }
      if (replaced === 0) this.error('the embed CSS placeholder (src/embed/embed-css.ts) was not found in the element bundle');
      if (css.length === 0) this.error('the embed build produced no CSS');
    },
  };
}

export default defineConfig({
  plugins: [svelte(), inlineShadowCss()],
  // Library mode leaves process.env.NODE_ENV for a downstream bundler; these files are the end product.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  // The element's script is the only thing an author includes; public/ (the lab's favicon) is not part of it.
  publicDir: false,
  // Relative URLs in the output: the worker is found beside the element's script, wherever that is hosted.
  base: './',
  worker: {
    format: 'es',
    rolldownOptions: { output: { entryFileNames: 'faultline-lab-worker.js', chunkFileNames: 'faultline-lab-worker-[hash].js' } },
  },
  build: {
    target: 'es2022',
    outDir: 'dist/embed',
    emptyOutDir: true,
    assetsDir: '',
    cssCodeSplit: false,
    lib: {
      entry: 'src/embed/faultline-lab.ts',
      formats: ['es'],
      fileName: () => 'faultline-lab.js',
      cssFileName: 'faultline-lab',
    },
    rolldownOptions: {
      output: {
        // One file for the element: an author copies a folder of two files, whatever the bundler splits.
        codeSplitting: false,
        // Library mode keeps whitespace in ES output for bundlers downstream; this file is the end product.
        minify: true,
      },
    },
  },
});
