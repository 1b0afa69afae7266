/**
 * What an embed shows, as reactive state shared between its host (the `<faultline-lab>` element or
 * the embed.html page) and its view (EmbedLab.svelte): the host parses its attributes or query into
 * `parsed` whenever they change, and the view follows (a new run, a new theme, other controls).
 */
import type { ParsedEmbed } from './options';

export class EmbedState {
  parsed = $state.raw<ParsedEmbed>({ options: null, problems: [] });

  constructor(parsed?: ParsedEmbed) {
    if (parsed !== undefined) this.parsed = parsed;
  }
}
