/** The presenter's keys as the help overlay and the notes window list them (navigation.ts's keyIntent decides). */
export const PRESENTER_KEYS: ReadonlyArray<{ readonly keys: readonly string[]; readonly what: string }> = [
  { keys: ['Space', 'Page Down', '→', '↓', 'N'], what: 'Next: play to the next cue, or open the next scene' },
  { keys: ['Page Up', '←', '↑', 'Backspace', 'P'], what: 'Back: the previous cue, or the previous scene' },
  { keys: ['R'], what: 'Reset the scene to its first cue (undoes what you broke)' },
  { keys: ['K'], what: 'Play or pause, off the cues' },
  { keys: ['A'], what: 'Operator actions: crash, partition, cut a link, send a request' },
  { keys: ['S'], what: 'Open the speaker-notes window' },
  { keys: ['F'], what: 'Full screen' },
  { keys: ['B', '.'], what: 'Blank the screen' },
  { keys: ['T'], what: 'Light or dark theme' },
  { keys: ['Home', 'End'], what: 'First or last scene' },
  { keys: ['3', 'Enter'], what: 'Go to scene 3 (type its number, then Enter)' },
  { keys: ['?'], what: 'This list' },
];
