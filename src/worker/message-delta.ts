/**
 * Frames carry the messages in flight as a change to the previous frame's (MessageDelta in
 * lab-protocol.ts): the worker's writer remembers what the page holds, the page's reader rebuilds the
 * full list. Both keep exactly the messages of the last frame, so they agree without talking about it.
 */
import type { MessageDelta, MessageView } from './lab-protocol';

/** The worker's side: what the page was last sent. */
export class MessageDeltaWriter {
  private held = new Set<number>();
  private recording: object | null = null;
  private resetNext = true;

  /** The next frame starts from nothing (also implied by a new recording). */
  reset(): void {
    this.resetNext = true;
  }

  /**
   * The delta that turns the previous frame's messages into `inFlight`. `recording` names the timeline
   * the messages come from: a fork or a new run replaces it, and ids of another timeline may name
   * other messages, so a new one starts the page from nothing.
   */
  next(recording: object, inFlight: readonly MessageView[]): MessageDelta {
    const reset = this.resetNext || recording !== this.recording;
    const before = reset ? new Set<number>() : this.held;
    const ids = new Float64Array(inFlight.length);
    const added: MessageView[] = [];
    const held = new Set<number>();
    for (let i = 0; i < inFlight.length; i++) {
      const m = inFlight[i]!;
      ids[i] = m.id;
      held.add(m.id);
      if (!before.has(m.id)) added.push(m);
    }
    this.held = held;
    this.recording = recording;
    this.resetNext = false;
    return { reset, added, inFlight: ids };
  }
}

/** The page's side: the messages of the last frame, by id. */
export class MessageDeltaReader {
  private held = new Map<number, MessageView>();

  /** The frame's messages in flight, and the ids it named without sending (none, unless the writer is wrong). */
  apply(delta: MessageDelta): { messages: MessageView[]; missing: number[] } {
    const before = delta.reset ? new Map<number, MessageView>() : this.held;
    for (const m of delta.added) before.set(m.id, m);
    const held = new Map<number, MessageView>();
    const messages: MessageView[] = [];
    const missing: number[] = [];
    for (const id of delta.inFlight) {
      const m = before.get(id);
      if (m === undefined) {
        missing.push(id);
        continue;
      }
      held.set(id, m);
      messages.push(m);
    }
    this.held = held;
    return { messages, missing };
  }
}
