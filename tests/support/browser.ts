/**
 * Headless Chromium for the page tests and the screenshots: Debian's browser driven by
 * playwright-core (no bundled download), with the flags the machines here need.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export const CHROMIUM = process.env.HW_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

/**
 * Whether the `what` browser tests can run. Missing parts skip them with a message,
 * except under CI=true, where they are a failure: CI installs both.
 */
export function browserAvailable(what: string): boolean {
  let playwright = true;
  try {
    createRequire(import.meta.url).resolve('playwright-core');
  } catch {
    playwright = false;
  }
  const chromium = existsSync(CHROMIUM);
  const missing = `playwright-core ${playwright ? 'found' : 'missing'}, ${CHROMIUM} ${chromium ? 'found' : 'missing'}`;
  if (playwright && chromium) return true;
  if (process.env.CI === 'true')
    throw new Error(`the ${what} browser tests need playwright-core and ${CHROMIUM} under CI (${missing})`);
  console.warn(`[skip] ${what} browser tests: ${missing}`);
  return false;
}
