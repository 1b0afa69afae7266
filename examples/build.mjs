#!/usr/bin/env node
/**
 * Builds the embed examples into a folder beside the built bundle, as a docs site would publish them:
 *
 *   node examples/build.mjs [--out dist/examples]
 *
 * - docs/*.md are rendered to HTML with marked (raw HTML passes through, as in VitePress, MkDocs and
 *   Docusaurus), inside a docs-site page (docs.css);
 * - plain.html, plain.js, iframe.html and the stylesheets are copied as they are.
 * The pages load the element from ../embed/faultline-lab.js and the iframe page from ../embed.html,
 * so the output folder goes next to the lab's build (`vite build` then `npm run build:embed`).
 * Nothing inline: every page works under a strict Content-Security-Policy (docs/EMBEDDING.md).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { marked } from 'marked';

const HERE = import.meta.dirname;
const COPIED = ['plain.html', 'plain.js', 'iframe.html', 'examples.css', 'docs.css'];

function outDir() {
  const i = process.argv.indexOf('--out');
  if (i >= 0 && process.argv[i + 1] === undefined) throw new Error('--out needs a folder');
  return resolve(i >= 0 ? process.argv[i + 1] : join(HERE, '..', 'dist', 'examples'));
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

function page(title, body, pages) {
  const nav = pages.map((p) => `<li><a href="${escapeHtml(p.file)}">${escapeHtml(p.title)}</a></li>`).join('\n          ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>${escapeHtml(title)} · Example docs</title>
    <link rel="stylesheet" href="docs.css" />
  </head>
  <body>
    <header class="top">Example docs</header>
    <div class="layout">
      <nav aria-label="Pages">
        <ul>
          ${nav}
          <li><a href="plain.html">A plain HTML page</a></li>
          <li><a href="iframe.html">An iframe</a></li>
        </ul>
      </nav>
      <main class="content">
${body}
      </main>
    </div>
  </body>
</html>
`;
}

function main() {
  const out = outDir();
  mkdirSync(out, { recursive: true });
  for (const file of COPIED) copyFileSync(join(HERE, file), join(out, file));
  const sources = readdirSync(join(HERE, 'docs')).filter((f) => f.endsWith('.md')).sort();
  const pages = sources.map((f) => {
    const markdown = readFileSync(join(HERE, 'docs', f), 'utf8');
    const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? basename(f, '.md');
    return { source: f, file: `${basename(f, '.md')}.html`, title, markdown };
  });
  for (const p of pages) writeFileSync(join(out, p.file), page(p.title, marked.parse(p.markdown, { async: false }), pages));
  console.log(`examples: ${[...COPIED, ...pages.map((p) => p.file)].length} files in ${out}`);
}

main();
