/**
 * Proves the determinism ban in eslint.config.js fires where it must (src/sim, src/protocols,
 * src/check) and stays quiet where it must not (src/ui, and tests inside the banned folders).
 * A ban that silently stopped matching would let nondeterminism in unnoticed, so this test exists.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const configFile = fileURLToPath(new URL('../eslint.config.js', import.meta.url));
const BAN_RULES = new Set(['no-restricted-globals', 'no-restricted-properties', 'no-restricted-syntax']);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot, overrideConfigFile: configFile });
});

/** Lints `code` as if it lived at `filePath` and returns the ban messages only, one line each. */
async function banned(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  expect(result, `no lint result for ${filePath}`).toBeDefined();
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, `parse error in snippet: ${JSON.stringify(fatal)}`).toEqual([]);
  return result!.messages.filter((m) => m.ruleId !== null && BAN_RULES.has(m.ruleId)).map((m) => `${m.line}:${m.ruleId}`);
}

const SNIPPETS: Record<string, string> = {
  'Math.random()': 'export const r = Math.random();\n',
  'setTimeout(() => {}, 1)': 'setTimeout(() => {}, 1);\n',
  'setInterval(() => {}, 1)': 'setInterval(() => {}, 1);\n',
  'Date.now()': 'export const t = Date.now();\n',
  'performance.now()': 'export const t = performance.now();\n',
  'globalThis.setTimeout': 'globalThis.setTimeout(() => {}, 1);\n',
  'window.setTimeout': 'window.setTimeout(() => {}, 1);\n',
  'self.setInterval': 'self.setInterval(() => {}, 1);\n',
  "globalThis['setTimeout']": "globalThis['setTimeout'](() => {}, 1);\n",
  'globalThis.Math.random()': 'export const r = globalThis.Math.random();\n',
  'globalThis.performance.now()': 'export const t = globalThis.performance.now();\n',
  'const { random } = Math': 'const { random } = Math;\nexport const r = random();\n',
};

describe('determinism lint ban', () => {
  for (const folder of ['src/sim', 'src/protocols/raft', 'src/check', 'src/export']) {
    for (const [name, code] of Object.entries(SNIPPETS)) {
      it(`reports ${name} in ${folder}`, async () => {
        expect(await banned(code, `${folder}/x.ts`)).not.toEqual([]);
      });
    }
  }

  it('reports each offence on its own line', async () => {
    const code = 'export const r = Math.random();\nsetTimeout(() => {}, 1);\nexport const t = Date.now();\n';
    const lines = (await banned(code, 'src/sim/x.ts')).map((m) => m.split(':')[0]);
    expect(new Set(lines)).toEqual(new Set(['1', '2', '3']));
  });

  for (const [name, code] of Object.entries(SNIPPETS)) {
    it(`allows ${name} in src/ui`, async () => {
      expect(await banned(code, 'src/ui/x.ts')).toEqual([]);
    });
    it(`allows ${name} in a test under src/sim`, async () => {
      expect(await banned(code, 'src/sim/x.test.ts')).toEqual([]);
    });
  }

  it('allows the virtual clock and the seeded PRNG in src/sim', async () => {
    const code = [
      'declare const clock: { setTimeout(fn: () => void, ms: number): number; nowMs: number };',
      'declare const rng: { random(): number };',
      'clock.setTimeout(() => {}, 5);',
      'export const x = rng.random() + clock.nowMs;',
      'export class Clock { setTimeout(_fn: () => void, _ms: number): number { return 0; } }',
      '',
    ].join('\n');
    expect(await banned(code, 'src/sim/x.ts')).toEqual([]);
  });
});
