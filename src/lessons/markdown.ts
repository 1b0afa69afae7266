/**
 * The Markdown of lessons, parsed into blocks and inline spans that the page renders as Svelte
 * elements. Nothing here produces HTML, and the page never injects any: raw HTML in a lesson is
 * shown as the text it is (and `validateLesson` refuses it, naming the line), so a lesson cannot put
 * a script or an event handler on the page.
 *
 * The subset: ATX headings (###, ####: a step's own "##" heading is the step), paragraphs, "-" / "*"
 * and "1." lists, "> " quotes, fenced code (```lang; ```mermaid is a diagram), and inline **strong**,
 * *emphasis*, `code` and [links](https://...) (http, https and relative links only).
 */

export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'strong'; readonly children: readonly Inline[] }
  | { readonly kind: 'em'; readonly children: readonly Inline[] }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'link'; readonly href: string; readonly children: readonly Inline[] };

export type Block =
  | { readonly kind: 'heading'; readonly level: 3 | 4; readonly children: readonly Inline[] }
  | { readonly kind: 'paragraph'; readonly children: readonly Inline[] }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: ReadonlyArray<readonly Inline[]> }
  | { readonly kind: 'quote'; readonly children: readonly Inline[] }
  | { readonly kind: 'code'; readonly lang: string; readonly text: string }
  | { readonly kind: 'mermaid'; readonly text: string };

export interface MarkdownProblem {
  /** 1-based, relative to the first line given. */
  readonly line: number;
  readonly message: string;
}

/** Bound on nesting of inline spans (a pathological line cannot recurse without end). */
const INLINE_DEPTH_MAX = 8;
/** Raw HTML: a tag or a comment start. */
const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(\s[^>]*)?\/?>|<!--/;

/** Whether a link target is allowed: http(s), or relative (no scheme at all: no javascript:, data:, ...). */
export function safeHref(href: string): boolean {
  if (/^https?:\/\//i.test(href)) return true;
  return !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('//');
}

/** Parses inline spans of one line or paragraph. */
export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = (): void => {
    if (plain !== '') out.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    if (depth < INLINE_DEPTH_MAX) {
      const code = /^`([^`]+)`/.exec(rest);
      if (code !== null) {
        flush();
        out.push({ kind: 'code', text: code[1]! });
        i += code[0].length;
        continue;
      }
      const strong = /^\*\*(.+?)\*\*/.exec(rest);
      if (strong !== null) {
        flush();
        out.push({ kind: 'strong', children: parseInline(strong[1]!, depth + 1) });
        i += strong[0].length;
        continue;
      }
      const em = /^[*_]([^*_\s][^*_]*?)[*_]/.exec(rest);
      if (em !== null && (i === 0 || /\W/.test(text[i - 1]!))) {
        flush();
        out.push({ kind: 'em', children: parseInline(em[1]!, depth + 1) });
        i += em[0].length;
        continue;
      }
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(rest);
      if (link !== null) {
        flush();
        const href = link[2]!;
        if (safeHref(href)) out.push({ kind: 'link', href, children: parseInline(link[1]!, depth + 1) });
        else out.push({ kind: 'text', text: link[1]! });
        i += link[0].length;
        continue;
      }
    }
    plain += text[i];
    i++;
  }
  flush();
  return out;
}

/** Parses Markdown blocks. Problems (raw HTML, an unclosed fence, a level-1 or -2 heading) are reported with their lines. */
export function parseMarkdown(source: string): { blocks: Block[]; problems: MarkdownProblem[] } {
  const lines = source.split('\n');
  const blocks: Block[] = [];
  const problems: MarkdownProblem[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  let quote: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', children: parseInline(paragraph.join(' ')) });
    if (list !== null) blocks.push({ kind: 'list', ordered: list.ordered, items: list.items.map((t) => parseInline(t)) });
    if (quote.length > 0) blocks.push({ kind: 'quote', children: parseInline(quote.join(' ')) });
    paragraph = [];
    list = null;
    quote = [];
  };
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\s+$/, '');
    const fence = /^```\s*([A-Za-z0-9_-]*)\s*$/.exec(line);
    if (fence !== null) {
      flush();
      const body: string[] = [];
      let closed = false;
      let m = n + 1;
      for (; m < lines.length; m++) {
        if (/^```\s*$/.test(lines[m]!)) {
          closed = true;
          break;
        }
        body.push(lines[m]!);
      }
      if (!closed) problems.push({ line: n + 1, message: 'a ``` code fence is never closed' });
      const lang = fence[1] ?? '';
      blocks.push(lang === 'mermaid' ? { kind: 'mermaid', text: body.join('\n') } : { kind: 'code', lang, text: body.join('\n') });
      n = m;
      continue;
    }
    if (HTML_TAG.test(line)) problems.push({ line: n + 1, message: 'raw HTML is not allowed in a lesson (write Markdown; it is shown as text)' });
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading !== null) {
      flush();
      const level = heading[1]!.length;
      if (level <= 2) problems.push({ line: n + 1, message: `a level-${level} heading here: "##" starts a step, "#" is not used` });
      blocks.push({ kind: 'heading', level: level <= 3 ? 3 : 4, children: parseInline(heading[2]!) });
      continue;
    }
    const bullet = /^\s*(?:[-*]|(\d+)\.)\s+(.*)$/.exec(line);
    if (bullet !== null) {
      const ordered = bullet[1] !== undefined;
      if (paragraph.length > 0 || quote.length > 0 || (list !== null && list.ordered !== ordered)) flush();
      if (list === null) list = { ordered, items: [] };
      list.items.push(bullet[2]!);
      continue;
    }
    const quoted = /^>\s?(.*)$/.exec(line);
    if (quoted !== null) {
      if (paragraph.length > 0 || list !== null) flush();
      quote.push(quoted[1]!);
      continue;
    }
    if (list !== null && /^\s+\S/.test(lines[n]!)) {
      // A continuation line of the last list item.
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    if (list !== null || quote.length > 0) flush();
    paragraph.push(line.trim());
  }
  flush();
  return { blocks, problems };
}

/** The plain text of inline spans (for accessible names and tests). */
export function inlineText(spans: readonly Inline[]): string {
  return spans.map((s) => (s.kind === 'text' || s.kind === 'code' ? s.text : inlineText(s.children))).join('');
}
