/**
 * A stand-in for the lab worker in unit tests: it records the commands the page sends and delivers
 * the replies a test scripts, as `message` events, in the order given.
 */
import type { LabCommand, LabReply } from '../../worker/lab-protocol';

export class ScriptedWorker extends EventTarget {
  readonly sent: LabCommand[] = [];

  postMessage(command: LabCommand): void {
    this.sent.push(command);
  }

  terminate(): void {}

  reply(message: LabReply): void {
    this.dispatchEvent(new MessageEvent('message', { data: message }));
  }

  /** Commands sent, acknowledgements of frames left out. */
  commands(): LabCommand[] {
    return this.sent.filter((c) => c.type !== 'ack');
  }
}
