// Shared by the browser tests: Debian's headless Chromium driven by playwright-core, pages
// whose errors fail the test, and what the tests wait for.

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--mute-audio'];
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

// Playwright gives every launch a fresh temporary profile (user data directory).
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// A page whose script errors and console errors (a CSP refusal, say) fail the test.
export async function openPage(browser, baseUrl, { viewport = DESKTOP, setup } = {}) {
  const context = await browser.newContext({ viewport, baseURL: baseUrl });
  if (setup) await setup(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // Failed requests the app expects (a refused media link, a 401/403/404 it shows) are
    // logged by Chromium as errors too; those are checked by the tests themselves.
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.problems = problems;
  page.failedRequests = [];
  page.on('requestfailed', (req) => page.failedRequests.push(`${req.url()} ${req.failure()?.errorText}`));
  return { context, page };
}

export async function closePage({ context, page }) {
  assert.deepEqual(page.problems, [], 'the page logged errors');
  await context.close();
}

// Resolves once the audio element plays past `beyondSeconds`; on timeout the error tells
// what the element and the page were doing.
export async function waitForPlayback(page, beyondSeconds) {
  try {
    await page.waitForFunction((t) => {
      const a = document.querySelector('#audio');
      return !a.paused && a.currentTime > t;
    }, beyondSeconds, { timeout: 10_000 });
  } catch (err) {
    const audio = await page.evaluate(() => {
      const a = document.querySelector('#audio');
      return { paused: a.paused, currentTime: a.currentTime, readyState: a.readyState, networkState: a.networkState, error: a.error?.code, src: a.src, notice: document.querySelector('#notice').hidden ? null : document.querySelector('#notice-text').textContent };
    });
    throw new Error(`no playback past ${beyondSeconds} s: ${JSON.stringify(audio)}; failed requests: ${JSON.stringify(page.failedRequests)}`, { cause: err });
  }
}

// A link of the header's navigation, by its exact text.
export function navLink(page, name) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

