import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendDigit, keyIntent, navigate, notesUrl, presentUrl, resolveScene, type NavCommand, type NavPosition } from './navigation';

/** Three scenes with 1, 3 and 2 cues. */
const CUES = [1, 3, 2];
const at = (scene: number, cue: number): NavPosition => ({ scene, cue });

describe('navigation', () => {
  it('next plays to the scene\'s next cue, then opens the next scene at its first cue, and stops at the end', () => {
    expect(navigate(CUES, at(0, 0), false, { type: 'next' })).toEqual({ position: at(1, 0), effect: { kind: 'enter', scene: 1 } });
    expect(navigate(CUES, at(1, 0), false, { type: 'next' })).toEqual({ position: at(1, 1), effect: { kind: 'play-to-cue', cue: 1 } });
    expect(navigate(CUES, at(1, 1), false, { type: 'next' })).toEqual({ position: at(1, 2), effect: { kind: 'play-to-cue', cue: 2 } });
    expect(navigate(CUES, at(1, 2), false, { type: 'next' })).toEqual({ position: at(2, 0), effect: { kind: 'enter', scene: 2 } });
    expect(navigate(CUES, at(2, 1), false, { type: 'next' })).toEqual({ position: at(2, 1), effect: { kind: 'none' } });
  });

  it('next while still playing to a cue gets there now instead of skipping it', () => {
    expect(navigate(CUES, at(1, 1), true, { type: 'next' })).toEqual({ position: at(1, 1), effect: { kind: 'finish-cue' } });
  });

  it('back returns to the previous cue\'s moment, then to the previous scene, and stops at the start', () => {
    expect(navigate(CUES, at(1, 2), false, { type: 'prev' })).toEqual({ position: at(1, 1), effect: { kind: 'seek-cue', cue: 1 } });
    expect(navigate(CUES, at(1, 1), true, { type: 'prev' })).toEqual({ position: at(1, 0), effect: { kind: 'seek-cue', cue: 0 } });
    expect(navigate(CUES, at(1, 0), false, { type: 'prev' })).toEqual({ position: at(0, 0), effect: { kind: 'enter', scene: 0 } });
    expect(navigate(CUES, at(0, 0), false, { type: 'prev' })).toEqual({ position: at(0, 0), effect: { kind: 'none' } });
  });

  it('reset reopens the scene at its first cue; first, last and go-to open scenes; a bad go-to stays', () => {
    expect(navigate(CUES, at(1, 2), false, { type: 'reset' })).toEqual({ position: at(1, 0), effect: { kind: 'enter', scene: 1 } });
    expect(navigate(CUES, at(1, 2), false, { type: 'first' })).toEqual({ position: at(0, 0), effect: { kind: 'enter', scene: 0 } });
    expect(navigate(CUES, at(0, 0), false, { type: 'last' })).toEqual({ position: at(2, 0), effect: { kind: 'enter', scene: 2 } });
    expect(navigate(CUES, at(0, 0), false, { type: 'goto', scene: 1 })).toEqual({ position: at(1, 0), effect: { kind: 'enter', scene: 1 } });
    for (const scene of [-1, 3, 1.5, NaN]) expect(navigate(CUES, at(0, 0), false, { type: 'goto', scene }).effect).toEqual({ kind: 'none' });
    expect(navigate([], at(0, 0), false, { type: 'next' }).effect).toEqual({ kind: 'none' });
  });

  it('every position reached is inside the deck, and next then back (once settled) returns where it was', () => {
    const command = fc.oneof(
      fc.constantFrom<NavCommand>({ type: 'next' }, { type: 'prev' }, { type: 'first' }, { type: 'last' }, { type: 'reset' }),
      fc.integer({ min: -2, max: 5 }).map((scene): NavCommand => ({ type: 'goto', scene })),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }), fc.array(command, { maxLength: 40 }), (cues, commands) => {
        let pos = at(0, 0);
        for (const c of commands) {
          pos = navigate(cues, pos, false, c).position;
          expect(pos.scene).toBeGreaterThanOrEqual(0);
          expect(pos.scene).toBeLessThan(cues.length);
          expect(pos.cue).toBeGreaterThanOrEqual(0);
          expect(pos.cue).toBeLessThan(cues[pos.scene]!);
        }
        const forward = navigate(cues, pos, false, { type: 'next' });
        if (forward.effect.kind === 'play-to-cue') expect(navigate(cues, forward.position, false, { type: 'prev' }).position).toEqual(pos);
      }),
    );
  });

  it('reads the scene of a deep link, or says why not', () => {
    expect(resolveScene(null, 8)).toEqual({ ok: true, index: 0 });
    expect(resolveScene('8', 8)).toEqual({ ok: true, index: 7 });
    for (const bad of ['0', '9', 'x', '-1', '1.5', '1000']) {
      const r = resolveScene(bad, 8);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain('scenes 1 to 8');
    }
    expect(presentUrl('raft-under-failure', 2)).toBe('?view=present&deck=raft-under-failure&scene=3');
    expect(notesUrl('a b')).toBe('?view=notes&deck=a%20b');
  });
});

describe('keys', () => {
  const key = (k: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) =>
    keyIntent({ key: k, altKey: false, ctrlKey: false, metaKey: false, ...mods });
  it('moves with what clickers send, resets with R, and leaves modified keys to the browser', () => {
    for (const k of [' ', 'PageDown', 'ArrowRight', 'ArrowDown', 'n']) expect(key(k)).toEqual({ kind: 'nav', command: { type: 'next' } });
    for (const k of ['PageUp', 'ArrowLeft', 'ArrowUp', 'Backspace', 'p']) expect(key(k)).toEqual({ kind: 'nav', command: { type: 'prev' } });
    expect(key('r')).toEqual({ kind: 'nav', command: { type: 'reset' } });
    expect(key('R')).toEqual({ kind: 'nav', command: { type: 'reset' } });
    expect(key('Home')).toEqual({ kind: 'nav', command: { type: 'first' } });
    expect(key('k')).toEqual({ kind: 'toggle-play' });
    expect(key('a')).toEqual({ kind: 'actions' });
    expect(key('.')).toEqual({ kind: 'blank' });
    expect(key('7')).toEqual({ kind: 'digit', digit: 7 });
    expect(key('PageDown', { ctrlKey: true })).toBeNull();
    expect(key('r', { metaKey: true })).toBeNull();
    expect(key('x')).toBeNull();
  });
  it('keeps the last three digits typed', () => {
    expect(appendDigit(appendDigit('', 1), 2)).toBe('12');
    expect(appendDigit('123', 4)).toBe('234');
  });
});
