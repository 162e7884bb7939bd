// Shared setup of the browser tests: Debian's Chromium driven by playwright-core (no browser
// download), the network closed except loopback, axe-core for accessibility.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

export const BASE_URL = process.env.PST_E2E_BASE_URL;
if (!BASE_URL) {
  throw new Error('PST_E2E_BASE_URL is not set: run the browser tests with `cargo xtask test`');
}

export const PASSWORD = process.env.PST_E2E_PASSWORD;
if (!PASSWORD) {
  throw new Error('PST_E2E_PASSWORD is not set: run the browser tests with `cargo xtask test`');
}

export const ARTIFACTS = path.join(here, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/// A page that can only reach loopback: the app must need nothing from the internet.
export async function newPage(browser, { locale = 'fr-BE', timezoneId = undefined } = {}) {
  const context = await browser.newContext({ locale, timezoneId, viewport: { width: 1280, height: 900 } });
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return ['127.0.0.1', 'localhost', '[::1]'].includes(host) ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error));
  // The Content-Security-Policy is part of what is tested: a violation is an error.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/.test(message.text())) {
      page.errors.push(new Error(message.text()));
    }
  });
  return page;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/// axe-core's WCAG 2.1 A/AA violations on the current page.
export async function accessibilityViolations(page) {
  // Evaluated through the DevTools protocol: the page's CSP forbids inline scripts, rightly.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/// Signs in through the login page, from wherever the app sent us.
export async function signIn(page, email, password = PASSWORD) {
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  // Exactly: the providers' buttons say "Se connecter avec …".
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
}

/// An access token for the API, to arrange data.
export async function apiToken(email, password = PASSWORD) {
  const response = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`login of ${email}: ${response.status}`);
  return (await response.json()).access_token;
}

/// A call to the API with `token`, to arrange data or read it back: the JSON answer
/// (`null` when empty); any status but 2xx fails the test with the problem's text.
export async function apiCall(token, method, url, body) {
  const response = await fetch(`${BASE_URL}${url}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
