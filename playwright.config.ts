import { defineConfig, devices } from '@playwright/test';
import { existsSync } from 'node:fs';

/**
 * Playwright runs the e2e tests in real Chromium against the production build (`vite build` +
 * `vite preview`), so the bundled module worker is what gets tested.
 *
 * Browser: Debian's /usr/bin/chromium when it exists (scripts/ensure-chromium.mjs installs it where
 * Playwright's own browser download is not reachable); Playwright's own Chromium otherwise.
 */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';
// Overridable so that several checkouts or helpers can run e2e side by side without sharing a server or a build.
const PORT = Number(process.env.FAULTLINE_E2E_PORT ?? 4417);
const OUT_DIR = process.env.FAULTLINE_E2E_OUT ?? 'dist';
const BASE_URL = `http://127.0.0.1:${PORT}`;

const useSystemChromium = existsSync(SYSTEM_CHROMIUM);

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 1,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: BASE_URL,
    headless: true,
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          ...(useSystemChromium ? { executablePath: SYSTEM_CHROMIUM } : {}),
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    // The lab, then the embeddable element beside it (<out>/embed) and the embed examples (<out>/examples).
    command: `npx vite build --outDir ${OUT_DIR} && npx vite build -c vite.embed.config.ts --outDir ${OUT_DIR}/embed && node examples/build.mjs --out ${OUT_DIR}/examples && npx vite preview --outDir ${OUT_DIR} --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
