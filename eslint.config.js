// @ts-check
/**
 * ESLint flat config.
 *
 * The one rule that matters most here is the determinism ban (see DESIGN.md, "The one rule everything
 * rests on"): a run is a pure function of (scenario, seed, operator actions), so the simulator, the
 * protocols, the checkers and the exports may not read wall-clock time, ambient randomness or the
 * host's timers.
 * Time comes from the simulator's virtual clock and randomness from its seeded PRNG streams.
 * Tests in those folders are exempt: a test may time itself or use a real timeout.
 * scripts/lint-rule.test.ts proves the ban fires.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Folders whose code must be deterministic. */
export const DETERMINISTIC_FILES = ['src/sim/**', 'src/protocols/**', 'src/check/**', 'src/export/**'];

const WHY = 'breaks determinism: a run must be a pure function of (scenario, seed, operator actions).';
const USE_CLOCK = `use the simulator's virtual clock; the host clock ${WHY}`;
const USE_RNG = `use the run's seeded PRNG stream; Math.random ${WHY}`;

/** Objects through which the host timers can also be reached. */
const GLOBAL_OBJECTS = ['globalThis', 'window', 'self', 'global'];
const HOST_TIMERS = ['setTimeout', 'setInterval'];

export default defineConfig(
  { ignores: ['dist/', 'dist-*/', 'node_modules/', 'test-results/', 'playwright-report/', '.vite/', '.scratch/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    name: 'faultline/determinism',
    files: DETERMINISTIC_FILES,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: `Host timer: ${USE_CLOCK}` },
        { name: 'setInterval', message: `Host timer: ${USE_CLOCK}` },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: USE_RNG },
        { object: 'Date', property: 'now', message: `Date.now: ${USE_CLOCK}` },
        { object: 'performance', property: 'now', message: `performance.now: ${USE_CLOCK}` },
        ...GLOBAL_OBJECTS.flatMap((object) =>
          HOST_TIMERS.map((property) => ({ object, property, message: `Host timer: ${USE_CLOCK}` })),
        ),
      ],
      'no-restricted-syntax': [
        'error',
        // Catches what no-restricted-properties cannot see: globalThis.Math.random(),
        // globalThis.performance.now(), globalThis['setTimeout'] and the like.
        {
          selector: "MemberExpression[object.property.name='Math'][property.name='random']",
          message: USE_RNG,
        },
        {
          selector: "MemberExpression[object.property.name=/^(Date|performance)$/][property.name='now']",
          message: `Host clock: ${USE_CLOCK}`,
        },
        {
          selector: `MemberExpression[object.name=/^(${GLOBAL_OBJECTS.join('|')})$/][property.value=/^(${HOST_TIMERS.join('|')})$/]`,
          message: `Host timer: ${USE_CLOCK}`,
        },
      ],
    },
  },
);
