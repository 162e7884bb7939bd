// Sectoral plans (issue 17.2), in Paliseul (no other browser test changes its list): the DG
// adds one to the CPAS's list, tags an action with it in the structure editor, finds it on
// the dashboard, and deletes it after a confirmation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let plan;
before(async () => {
  browser = await launch();
  const dg = await apiToken('dg@paliseul.example');
  const list = await (await fetch(`${BASE_URL}/api/v1/plans`, { headers: { authorization: `Bearer ${dg}` } })).json();
  plan = list.find((p) => p.tenant.slug === 'paliseul');
  const tree = await (await fetch(`${BASE_URL}/api/v1/plans/${plan.id}`, { headers: { authorization: `Bearer ${dg}` } })).json();
  plan.action = tree.objectives[1].operational_objectives[0].actions[0];
});
after(async () => { await browser?.close(); });

test('the DG adds a sectoral plan, tags an action with it, reads it on the dashboard and deletes it', async () => {
  const name = 'Plan stratégique de sécurité';
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/administration`);
  await signIn(page, 'dg@paliseul.example');
  const section = page.locator('section[aria-labelledby="sectoral-title"]');
  await section.getByText('Plan de cohésion sociale (PCS)').waitFor();
  await section.getByLabel('Nouveau plan sectoriel').fill(name);
  await section.getByRole('button', { name: 'Ajouter le plan sectoriel' }).click();
  await section.getByText(`Plan sectoriel ajouté : « ${name} »`).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'sectoral-1-list');

  const code = plan.action.code;
  await page.goto(`${BASE_URL}/plans/${plan.id}/structure`);
  const row = page.locator('li.structure-action').filter({ has: page.locator('summary', { hasText: new RegExp(`^Modifier ${code}$`) }) });
  await row.locator('summary').click();
  await row.getByLabel(name).check();
  await row.getByRole('button', { name: 'Enregistrer' }).click();
  await page.locator('.sr-status').filter({ hasText: 'Modification enregistrée.' }).waitFor({ state: 'attached' });
  assert.deepEqual(await accessibilityViolations(page), []);

  // The action's page names its sectoral plans.
  await page.goto(`${BASE_URL}/actions/${plan.action.id}`);
  const tags = page.locator('section[aria-labelledby="sectoral-title"] .sectoral-tags');
  await tags.getByText(name).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);

  // The tree, filtered by the plan: that action alone, and the URL says so.
  await page.goto(`${BASE_URL}/plans/${plan.id}`);
  await page.locator('li.action').first().waitFor();
  await page.getByLabel('Plan sectoriel').selectOption({ label: name });
  await page.waitForFunction(() => document.querySelectorAll('li.action:not([hidden])').length === 1);
  assert.deepEqual(await page.locator('li.action:not([hidden]) > .action-head .code, li.action:not([hidden]) .code').first().allInnerTexts(), [code]);
  assert.match(page.url(), /plan=/);
  assert.deepEqual(await accessibilityViolations(page), []);

  await page.goto(`${BASE_URL}/plans/${plan.id}/tableau-de-bord`);
  const table = page.locator('table.sectoral-rollup');
  await table.waitFor();
  const tagged = table.locator('tr', { has: page.getByRole('rowheader', { name }) });
  assert.equal(await tagged.locator('td').first().innerText(), '1');
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'sectoral-2-dashboard');

  await page.goto(`${BASE_URL}/administration`);
  await section.getByRole('button', { name: `Supprimer « ${name} »` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('perdent', { exact: false }).waitFor();
  await dialog.getByRole('button', { name: `Supprimer « ${name} »` }).click();
  await section.getByText(`Plan sectoriel supprimé : « ${name} »`).waitFor();
  // The list is read again: the plan leaves it.
  await section.locator('li', { hasText: name }).waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
});
