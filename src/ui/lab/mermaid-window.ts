/**
 * The time window of a sequence-diagram export: by default the last 500 ms up to the moment shown,
 * and what is wrong with a window the user typed (the worker refuses windows over 60 s as well).
 */
export const EXPORT_DEFAULT_SPAN_MS = 500;
export const EXPORT_MAX_SPAN_MS = 60_000;

export function defaultWindow(nowMs: number, spanMs = EXPORT_DEFAULT_SPAN_MS): { fromMs: number; toMs: number } {
  const toMs = Math.max(0, Math.floor(nowMs));
  return { fromMs: Math.max(0, toMs - spanMs), toMs };
}

/** Null when the window can be exported, else why not. */
export function windowProblem(fromMs: number, toMs: number): string | null {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return 'From and to must be numbers of milliseconds.';
  if (fromMs < 0) return 'From must be 0 ms or later.';
  if (toMs < fromMs) return 'To must not be before from.';
  if (toMs - fromMs > EXPORT_MAX_SPAN_MS) return `At most ${EXPORT_MAX_SPAN_MS / 1000} s at a time.`;
  return null;
}
