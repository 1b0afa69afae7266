/**
 * What the Export dialog needs to know about video before it loads the recorder (webm-recorder.ts,
 * loaded when a video is asked for).
 */

/** Bound on frames of one video (30 s at 20 fps). */
export const WEBM_FRAMES_MAX = 600;

/** The codec the browser records, or null when it records no WebM. */
export function webmType(): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  return ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t)) ?? null;
}
