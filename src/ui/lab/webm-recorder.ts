/**
 * A WebM video of a time window of the run (the Export dialog's stretch goal): the cluster view at a
 * steady virtual-time step, one self-contained SVG per frame (src/export/svg.ts), drawn onto a canvas
 * whose stream (captureStream, frames requested one by one) a MediaRecorder encodes.
 *
 * Two passes, because a MediaRecorder stamps each frame with the wall time it was requested: first
 * every frame's SVG is made (the lab seeks to each moment; as slow as it needs to be), then the frames
 * are drawn and requested on a steady 1/fps beat (decoding the next SVG while waiting for the beat), so
 * the video plays at its frame rate however fast the machine made it.
 */
import { svgImage } from '../../export/png';

import { WEBM_FRAMES_MAX, webmType } from './webm-support';

export { WEBM_FRAMES_MAX, webmType };

export interface WebmOptions {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly fps: number;
  /** Shows frame `i` on the page and returns it as SVG (the caller seeks the run and serializes the view). */
  readonly frame: (i: number) => Promise<string>;
  /** Frames made (first pass) and frames recorded (second pass). */
  readonly onprogress?: (pass: 'making' | 'recording', done: number) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function recordWebm(options: WebmOptions): Promise<Blob> {
  const type = webmType();
  if (type === null) throw new Error('this browser cannot record WebM video (no MediaRecorder for video/webm)');
  if (!(options.frames >= 1 && options.frames <= WEBM_FRAMES_MAX)) throw new Error(`a video has 1 to ${WEBM_FRAMES_MAX} frames, asked ${options.frames}`);
  const canvas = document.createElement('canvas');
  // Even sizes: some encoders refuse odd ones.
  canvas.width = 2 * Math.round(options.width / 2);
  canvas.height = 2 * Math.round(options.height / 2);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('no 2D canvas in this browser');
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack | undefined;
  if (track === undefined) throw new Error('the canvas gave no video track');
  const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 4_000_000 });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (event) => {
    if (event.data.size > 0) chunks.push(event.data);
  };
  const stopped = new Promise<void>((resolve, reject) => {
    recorder.onstop = () => resolve();
    recorder.onerror = () => reject(new Error('the browser stopped recording'));
  });
  const frameMs = 1000 / options.fps;
  const svgs: string[] = [];
  for (let i = 0; i < options.frames; i++) {
    svgs.push(await options.frame(i));
    options.onprogress?.('making', i + 1);
  }
  recorder.start();
  try {
    let next = svgImage(svgs[0]!);
    const startedMs = performance.now();
    for (let i = 0; i < svgs.length; i++) {
      const image = await next;
      if (i + 1 < svgs.length) next = svgImage(svgs[i + 1]!);
      // Each frame on its beat: the video's timestamps are when frames are requested.
      await sleep(startedMs + i * frameMs - performance.now());
      ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
      track.requestFrame();
      options.onprogress?.('recording', i + 1);
    }
    await sleep(frameMs);
  } finally {
    recorder.stop();
    track.stop();
  }
  await stopped;
  return new Blob(chunks, { type: 'video/webm' });
}
