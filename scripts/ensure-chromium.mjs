#!/usr/bin/env node
/**
 * Makes sure a Chromium exists for the Playwright tests, then exits 0; exits non-zero with a plain
 * message when it cannot.
 *
 * Order of preference:
 *   1. /usr/bin/chromium (Debian's package): used as is. playwright.config.ts launches it when present.
 *   2. Linux, apt-get available and running as root: `apt-get update` + `apt-get install -y chromium`.
 *      Playwright's own browser download is not reachable on every machine this project runs on,
 *      but Debian's package mirror is.
 *   3. Anywhere else: `npx playwright install chromium`, Playwright's own browser build.
 *
 * Every step runs once with a time limit; there are no retries.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const APT_TIMEOUT_MS = 15 * 60 * 1000;
const PLAYWRIGHT_INSTALL_TIMEOUT_MS = 15 * 60 * 1000;
/** How long apt waits for another apt/dpkg to release its lock before giving up. */
const APT_LOCK_TIMEOUT_S = 300;

/** @param {string} message */
function fail(message) {
  console.error(`ensure-chromium: ${message}`);
  process.exit(1);
}

/** @param {string} command */
function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/**
 * Runs a command with inherited stdio and a time limit; fails the script if it does not succeed.
 * @param {string} command
 * @param {string[]} args
 * @param {number} timeoutMs
 * @param {NodeJS.ProcessEnv} [env]
 */
function run(command, args, timeoutMs, env = process.env) {
  console.log(`ensure-chromium: $ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', timeout: timeoutMs, env });
  if (result.error) {
    const reason = /** @type {NodeJS.ErrnoException} */ (result.error).code === 'ETIMEDOUT'
      ? `timed out after ${Math.round(timeoutMs / 1000)} s`
      : result.error.message;
    fail(`\`${command} ${args.join(' ')}\` failed: ${reason}`);
  }
  if (result.status !== 0) {
    fail(`\`${command} ${args.join(' ')}\` exited with ${result.status ?? `signal ${result.signal}`}`);
  }
}

/** @returns {string | null} the version line of the system Chromium, or null when it does not run */
function systemChromiumVersion() {
  const result = spawnSync(SYSTEM_CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

function main() {
  if (existsSync(SYSTEM_CHROMIUM)) {
    console.log(`ensure-chromium: using ${SYSTEM_CHROMIUM} (${systemChromiumVersion() ?? 'version unknown'})`);
    return;
  }

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.platform === 'linux' && onPath('apt-get') && isRoot) {
    console.log(`ensure-chromium: ${SYSTEM_CHROMIUM} not found; installing Debian's chromium package`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const lock = ['-o', `DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT_S}`];
    run('apt-get', ['update', '-qq', ...lock], APT_TIMEOUT_MS, env);
    run('apt-get', ['install', '-y', '-qq', ...lock, 'chromium'], APT_TIMEOUT_MS, env);
    if (!existsSync(SYSTEM_CHROMIUM)) {
      fail(`apt-get installed chromium but ${SYSTEM_CHROMIUM} still does not exist`);
    }
    const version = systemChromiumVersion();
    if (version === null) fail(`${SYSTEM_CHROMIUM} was installed but \`${SYSTEM_CHROMIUM} --version\` fails`);
    console.log(`ensure-chromium: installed ${SYSTEM_CHROMIUM} (${version})`);
    return;
  }

  console.log(
    `ensure-chromium: ${SYSTEM_CHROMIUM} not found and apt-get as root is not available; ` +
      'installing Playwright\'s own Chromium',
  );
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  run(npx, ['playwright', 'install', 'chromium'], PLAYWRIGHT_INSTALL_TIMEOUT_MS);
  console.log('ensure-chromium: Playwright Chromium installed');
}

main();
