/**
 * Debian's chromium through playwright-core. Playwright's own browser download cannot work
 * offline, so we point it at the system binary and pass the flags that keep chromium from
 * reaching for the (closed) network at every start.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

export function chromiumPath(): string {
  const path = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`chromium not found at ${path}. Install it with: npm run setup:test-env ` +
      '(or set CHROMIUM_PATH to a Chromium/Chrome binary)');
  }
  return path;
}

/**
 * A headless chromium with a fresh profile (playwright makes a temporary user-data-dir).
 * Signals are left to the caller: playwright's own handlers would kill chromium and exit
 * before the runner could take its screenshot, stop the server and print its verdict.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS, timeout: 60_000,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
}
