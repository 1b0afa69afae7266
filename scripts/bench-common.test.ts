import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { assertPortFree } from './bench-common.mjs';

describe('browser benchmarks: the preview port', () => {
  it('is refused, by number, when something already listens there (the wrong server would be measured)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as { port: number }).port;
    await expect(assertPortFree(port)).rejects.toThrow(`port ${port} is in use`);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(assertPortFree(port)).resolves.toBeUndefined();
  });
});
