// The interactive API documentation works with no internet: its assets come from our server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, apiToken } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('/api/docs lists the endpoints with the network closed except loopback', async () => {
  const page = await newPage(browser);
  const external = [];
  page.on('requestfailed', (request) => external.push(request.url()));

  await page.goto(`${BASE_URL}/api/docs/`);
  await page.locator('.opblock').first().waitFor({ timeout: 15_000 });

  const text = await page.locator('#swagger-ui').innerText();
  assert.match(text, /PST — Plan Stratégique Transversal/);
  for (const path of ['/api/v1/plans/{plan_id}', '/api/v1/actions/{action_id}/change-requests', '/api/v1/webhooks', '/api/v1/api-tokens']) {
    assert.ok(text.includes(path), `${path} is listed`);
  }
  assert.ok(await page.locator('.opblock').count() > 50, 'every operation is listed');
  // Try-it-out with a token: the Authorize dialog offers both schemes.
  await page.getByRole('button', { name: /Authorize/ }).first().click();
  const dialog = await page.locator('.dialog-ux').innerText();
  assert.match(dialog, /bearer/);
  assert.match(dialog, /api_token/);
  await screenshot(page, 'api-docs');

  // Try it out with a token: list the plans.
  const token = await apiToken('dg@cpas-a.example');
  const bearer = page.locator('form', { hasText: 'bearer (http, Bearer)' });
  await bearer.locator('input').fill(token);
  await bearer.locator('button[type=submit]').click();
  await page.getByRole('button', { name: 'Close' }).first().click();
  const operation = page.locator('#operations-plans-list_plans');
  await operation.locator('.opblock-summary').click();
  // Try-it-out is on from the start: the Execute button is there.
  await operation.locator('button.execute').click();
  const status = operation.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor();
  assert.match((await status.innerText()).trim(), /^200/);
  assert.match(await operation.locator('.live-responses-table').innerText(), /CPAS A/);
  assert.deepEqual(external, [], 'nothing was fetched from outside');
  assert.deepEqual(page.errors, []);
});
