/**
 * Which scene each lab worker holds, so that moving through a deck is a swap and not a load (the
 * target: a keypress to the new scene's first frame at its cue in under 100 ms).
 *
 * The presenter keeps SLOT_COUNT workers ("slots"). One is live (on screen). The others hold, each
 * prepared at its first cue and never shown: the next scene (what a clicker asks for most), a fresh
 * copy of the current scene (so "reset scene" after going off-script is a swap too), and the
 * previous scene. Entering a scene takes the slot that holds it fresh; the slot that was live has
 * been played and acted on, so it is "spent" and is prepared again for something else.
 *
 * Pure: the page (src/ui/present/presenter.svelte.ts) performs the plan.
 */

export const SLOT_COUNT = 4;

export interface SlotInfo {
  /** The scene it holds (or is preparing), or null when it holds none. */
  readonly scene: number | null;
  /** Prepared (or preparing) and never shown: as good as new. A slot that was live is not fresh. */
  readonly fresh: boolean;
  /** Preparation finished (it can be shown at once). */
  readonly ready: boolean;
}

export interface SlotPlan {
  /** The slot to show. */
  readonly live: number;
  /** Slots to prepare (each at its scene's first cue), most wanted first. */
  readonly prepare: ReadonlyArray<{ readonly slot: number; readonly scene: number }>;
}

/** The scenes to hold besides the live one, most wanted first: next, a fresh copy of this one, previous. */
export function wantedScenes(scene: number, sceneCount: number): number[] {
  return [scene + 1, scene, scene - 1].filter((s) => s >= 0 && s < sceneCount);
}

/**
 * Shows scene `target`: picks the slot to make live (one holding it fresh, ready ones first; else one
 * to prepare it in) and the preparations that keep the wanted scenes at hand. `live` is the slot live
 * now (null at start); it is spent by this move.
 */
export function planSlots(slots: readonly SlotInfo[], live: number | null, target: number, sceneCount: number): SlotPlan {
  if (!(target >= 0 && target < sceneCount)) throw new Error(`present: scene ${target} is not in a deck of ${sceneCount}`);
  if (slots.length < 2) throw new Error('present: need at least two slots');
  const usable = (i: number): boolean => i !== live;
  const holds = (i: number, scene: number): boolean => slots[i]!.fresh && slots[i]!.scene === scene;
  const indexes = slots.map((_, i) => i);
  const prepare: { slot: number; scene: number }[] = [];

  // The slot to show: a fresh copy of the target, ready first; else the slot least useful now.
  const wanted = new Set(wantedScenes(target, sceneCount));
  let chosen =
    indexes.find((i) => usable(i) && holds(i, target) && slots[i]!.ready) ??
    indexes.find((i) => usable(i) && holds(i, target));
  if (chosen === undefined) {
    chosen = pickSpare(indexes.filter(usable), slots, wanted, new Set());
    prepare.push({ slot: chosen, scene: target });
  }

  // Keep the wanted scenes at hand in the other slots (never in the new live one).
  const claimed = new Set<number>([chosen]);
  const missing: number[] = [];
  for (const scene of wantedScenes(target, sceneCount)) {
    const have = indexes.find((i) => !claimed.has(i) && i !== live && holds(i, scene));
    if (have !== undefined) claimed.add(have);
    else missing.push(scene);
  }
  for (const scene of missing) {
    const free = indexes.filter((i) => !claimed.has(i));
    if (free.length === 0) break;
    const slot = pickSpare(free, slots, wanted, claimed);
    claimed.add(slot);
    prepare.push({ slot, scene });
  }
  return { live: chosen, prepare };
}

/** Of the candidate slots, the one whose content is worth least: empty or spent first, then a scene nobody wants. */
function pickSpare(candidates: readonly number[], slots: readonly SlotInfo[], wanted: ReadonlySet<number>, claimed: ReadonlySet<number>): number {
  const score = (i: number): number => {
    const s = slots[i]!;
    if (s.scene === null || !s.fresh) return 0;
    return wanted.has(s.scene) ? 2 : 1;
  };
  const free = candidates.filter((i) => !claimed.has(i));
  if (free.length === 0) throw new Error('present: no slot left to prepare a scene in');
  return free.reduce((best, i) => (score(i) < score(best) ? i : best), free[0]!);
}
