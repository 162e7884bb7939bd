// The web app lists the plans and shows a plan's tree, in French, accessibly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the home page lists both demo plans with their counts', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);

  const cards = page.locator('.plan-card');
  await cards.first().waitFor();
  assert.equal(await cards.count(), 2);
  const text = await page.locator('.plan-list').innerText();
  assert.match(text, /CPAS A/);
  assert.match(text, /CPAS de Paliseul/);
  assert.match(text, /3 objectifs stratégiques · 10 objectifs opérationnels · 41 actions/);
  assert.match(text, /2021–2024/);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  await screenshot(page, 'plans');
  assert.deepEqual(await accessibilityViolations(page), []);
  assert.deepEqual(page.errors, []);
});

test('the 000 plan shows its 41 actions with lead, collaboration and reservation', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);
  await page.getByRole('link', { name: /CPAS A/ }).click();

  await page.locator('li.action').first().waitFor();
  assert.equal(await page.locator('li.action').count(), 41);
  const pe19 = page.locator('#action-Pe19');
  assert.match(await pe19.innerText(), /Entité porteuse : Commune \(PCS\)/);
  assert.match(await pe19.innerText(), /Collaboration : CPAS/);
  assert.match(await pe19.innerText(), /sous réserve de ressources humaines et financières/);
  assert.match(await page.locator('#action-Pe40').innerText(), /transversale/);
  await screenshot(page, 'plan-000');
  assert.deepEqual(await accessibilityViolations(page), []);
  assert.deepEqual(page.errors, []);
});

test('a deep link opens Paliseul with the opinions of the Directeur général', async () => {
  const page = await newPage(browser);
  const plans = await (await fetch(`${BASE_URL}/api/v1/plans`)).json();
  const paliseul = plans.find((p) => p.tenant.slug === 'paliseul');

  await page.goto(`${BASE_URL}/plans/${paliseul.id}`);

  await page.locator('li.action').first().waitFor();
  assert.equal(await page.locator('li.action').count(), 20);
  const opinions = page.locator('section.opinions');
  assert.match(await opinions.innerText(), /Avis de la Direction générale sur le PST/);
  assert.match(await page.locator('#objectif-OOi3').innerText(), /permanences sur rendez-vous/);
  // The opinion on OOe1 and OOe2 is shown once in the tree, after OOe2, naming both.
  assert.doesNotMatch(await page.locator('#objectif-OOe1').innerText(), /La pandémie/);
  assert.match(await page.locator('#objectif-OOe2').innerText(), /\(OOe1, OOe2\)[\s\S]*La pandémie/);
  await screenshot(page, 'plan-paliseul');
  assert.deepEqual(await accessibilityViolations(page), []);
});
