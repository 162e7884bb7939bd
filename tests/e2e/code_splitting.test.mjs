// Code splitting (issue 14.1): what a partner needs first (login, home, plan tree, action
// page, proposal form) is the initial set; the dashboard, the approval queue and the
// administration are WASM chunks fetched on first use (or when idle, for the roles that
// use them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, signIn } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The file names of the WASM modules the page fetches, in order. */
function wasmFetched(page) {
  const names = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith('.wasm')) names.push(url.pathname.split('/').pop());
  });
  return names;
}

test('a partner opening a plan tree downloads the main WASM and no chunk', async () => {
  const page = await newPage(browser);
  const wasm = wasmFetched(page);
  await page.goto(`${BASE_URL}/`);
  await signIn(page, 'pcs@cpas-a.example');
  await page.getByRole('link', { name: /CPAS A/ }).click();
  await page.locator('#action-Pe18').waitFor();
  // Time for an idle callback: a partner's browser prefetches nothing either.
  await page.waitForTimeout(1500);

  assert.deepEqual(wasm, ['pst_bg.wasm']);
});

test('an administration page fetches its chunk and works', async () => {
  const page = await newPage(browser);
  const wasm = wasmFetched(page);
  await page.goto(`${BASE_URL}/administration/organisations`);
  await signIn(page, 'dg@cpas-a.example');

  await page.getByRole('heading', { name: 'Organisations' }).first().waitFor();
  await page.getByLabel('Nom').waitFor();
  assert.equal(wasm[0], 'pst_bg.wasm');
  assert.ok(wasm.length > 1, `a chunk is fetched: ${wasm.join(', ')}`);
});
