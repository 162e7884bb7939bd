// The public transparency page (no login, accessible) and the council report printed on A4.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE_URL, launch, newPage, screenshot, accessibilityViolations, apiToken } from './support.mjs';

let browser;
let dg;
let plan;
let step;
before(async () => {
  browser = await launch();
  dg = await apiToken('dg@cpas-a.example');
  const plans = await (await fetch(`${BASE_URL}/api/v1/plans`, { headers: { authorization: `Bearer ${dg}` } })).json();
  plan = plans[0];
});
after(async () => {
  if (step) {
    await fetch(`${BASE_URL}/api/v1/actions/${step}`, { method: 'DELETE', headers: { authorization: `Bearer ${dg}` } });
  }
  await fetch(`${BASE_URL}/api/v1/plans/${plan.id}/unpublish`, { method: 'POST', headers: { authorization: `Bearer ${dg}` } });
  await browser?.close();
});

test('the public page of a published plan needs no login and is accessible', async () => {
  // A step of Me1, shown under it (removed after this file: other files count Me1's rows).
  const tree = await (await fetch(`${BASE_URL}/api/v1/plans/${plan.id}`, { headers: { authorization: `Bearer ${dg}` } })).json();
  const me1 = tree.objectives[0].operational_objectives[0].actions[0];
  const added = await fetch(`${BASE_URL}/api/v1/actions/${me1.id}/sub-actions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${dg}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Étape publique de la permanence' }),
  });
  assert.equal(added.status, 201);
  const created = await added.json();
  step = created.action.id;
  const published = await fetch(`${BASE_URL}/api/v1/plans/${plan.id}/publish`, { method: 'POST', headers: { authorization: `Bearer ${dg}` } });
  assert.equal(published.status, 204);
  const page = await newPage(browser);
  const response = await page.goto(`${BASE_URL}/public/cpas-a/${plan.id}`);
  assert.equal(response.status(), 200);
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Plan/);
  assert.equal(await page.locator('tbody tr:not(.step)').count(), 41);
  const stepRow = page.locator('tbody tr.step').filter({ hasText: 'Étape publique de la permanence' });
  assert.match(await stepRow.getByRole('rowheader').innerText(), new RegExp(`Sous-action de ${me1.code}\\s*${created.action.code.replace('.', '\\.')}`));
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'public-page');
});

test('the council report prints on A4 without cutting a row', async () => {
  const page = await newPage(browser);
  await page.setExtraHTTPHeaders({ authorization: `Bearer ${dg}` });
  await page.goto(`${BASE_URL}/api/v1/plans/${plan.id}/report`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.emulateMedia({ media: 'print' });
  // Every row of every table refuses to break across pages.
  const breaking = await page.evaluate(() =>
    [...document.querySelectorAll('tr')].filter((tr) => getComputedStyle(tr).breakInside !== 'avoid').length);
  assert.equal(breaking, 0);
  const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  writeFileSync(path.join(ARTIFACTS, 'rapport-cpas-a.pdf'), pdf);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.ok(pages >= 2, `a multi-page report (${pages} pages)`);
  assert.deepEqual(await accessibilityViolations(page), []);
});
