import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planSlots, SLOT_COUNT, wantedScenes, type SlotInfo } from './slots';

const EMPTY: SlotInfo = { scene: null, fresh: false, ready: false };
const holding = (scene: number, ready = true): SlotInfo => ({ scene, fresh: true, ready });
const spent = (scene: number): SlotInfo => ({ scene, fresh: false, ready: true });

/** Applies a plan the way the presenter does: the live slot is spent, prepared slots hold their scene fresh (ready at once here). */
function apply(slots: SlotInfo[], plan: ReturnType<typeof planSlots>, target: number): SlotInfo[] {
  const next = slots.map((s) => ({ ...s }));
  for (const p of plan.prepare) next[p.slot] = holding(p.scene);
  next[plan.live] = { scene: target, fresh: false, ready: true };
  return next;
}

describe('slots', () => {
  it('wants the next scene, a fresh copy of this one, and the previous one', () => {
    expect(wantedScenes(3, 8)).toEqual([4, 3, 2]);
    expect(wantedScenes(0, 8)).toEqual([1, 0]);
    expect(wantedScenes(7, 8)).toEqual([7, 6]);
    expect(wantedScenes(0, 1)).toEqual([0]);
  });

  it('at start prepares the scene shown first, then its neighbours in the other slots', () => {
    const plan = planSlots([EMPTY, EMPTY, EMPTY, EMPTY], null, 2, 8);
    expect(plan.live).toBe(0);
    expect(plan.prepare).toEqual([
      { slot: 0, scene: 2 },
      { slot: 1, scene: 3 },
      { slot: 2, scene: 2 },
      { slot: 3, scene: 1 },
    ]);
  });

  it('advancing swaps in the prepared next scene, keeps the fresh copy of the scene left as "previous", and prepares two slots', () => {
    // Live: slot 0 on scene 2 (spent). Slot 1 holds 3, slot 2 a fresh 2, slot 3 holds 1.
    const slots = [spent(2), holding(3), holding(2), holding(1)];
    const plan = planSlots(slots, 0, 3, 8);
    expect(plan.live).toBe(1);
    // Next (4) and a fresh 3 are prepared in the spent slot 0 and the no-longer-wanted slot 3; the fresh 2 (slot 2) is "previous" now.
    expect(plan.prepare).toEqual([
      { slot: 0, scene: 4 },
      { slot: 3, scene: 3 },
    ]);
  });

  it('reset swaps in the fresh copy of the current scene and prepares the spent one again', () => {
    const slots = [spent(2), holding(3), holding(2), holding(1)];
    expect(planSlots(slots, 0, 2, 8)).toEqual({ live: 2, prepare: [{ slot: 0, scene: 2 }] });
  });

  it('prefers a ready copy over one still preparing, and prepares in a spare slot when none holds the scene', () => {
    expect(planSlots([spent(2), holding(3, false), holding(3), holding(1)], 0, 3, 8).live).toBe(2);
    const jump = planSlots([spent(2), holding(3), holding(2), holding(1)], 0, 6, 8);
    expect(jump.prepare[0]).toEqual({ slot: jump.live, scene: 6 });
    expect(jump.live).not.toBe(0);
  });

  it('after any sequence of moves: the live slot shows the target, and every wanted scene is held fresh in another slot', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), (count, moves) => {
        let slots: SlotInfo[] = Array.from({ length: SLOT_COUNT }, () => EMPTY);
        let live: number | null = null;
        for (const m of moves) {
          const target = m % count;
          const plan = planSlots(slots, live, target, count);
          expect(plan.live).not.toBe(live);
          expect(new Set(plan.prepare.map((p) => p.slot)).size).toBe(plan.prepare.length);
          // A slot being prepared for another scene is never the one to show.
          for (const p of plan.prepare) if (p.slot === plan.live) expect(p.scene).toBe(target);
          slots = apply(slots, plan, target);
          live = plan.live;
          for (const w of wantedScenes(target, count)) {
            expect(slots.some((s, i) => i !== live && s.fresh && s.scene === w), `scene ${w} held after moving to ${target}`).toBe(true);
          }
        }
      }),
    );
  });

  it('moving one scene forward with everything ready prepares at most two slots', () => {
    let slots: SlotInfo[] = Array.from({ length: SLOT_COUNT }, () => EMPTY);
    let live: number | null = null;
    for (let target = 0; target < 8; target++) {
      const plan = planSlots(slots, live, target, 8);
      if (target > 0) expect(plan.prepare.length).toBeLessThanOrEqual(2);
      if (target > 0) expect(plan.prepare.some((p) => p.slot === plan.live)).toBe(false);
      slots = apply(slots, plan, target);
      live = plan.live;
    }
  });
});
