// Signing in, then the plan of one's own CPAS and its tree, in French, accessibly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken,
} from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an anonymous visitor is sent to the login page, which is accessible', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);

  await page.getByRole('heading', { name: 'Connexion' }).waitFor();
  assert.match(page.url(), /\/connexion\?next=/);
  await screenshot(page, 'login');
  assert.deepEqual(await accessibilityViolations(page), []);
});

test('a wrong password is refused with a message in French', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/connexion`);

  await signIn(page, 'dg@cpas-a.example', 'wrong password');

  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /Adresse e-mail ou mot de passe incorrect/);
});

test('the DG of CPAS A signs in and sees only their plan with its counts', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);
  await signIn(page, 'dg@cpas-a.example');

  const cards = page.locator('.plan-card');
  await cards.first().waitFor();
  assert.equal(await cards.count(), 1);
  const text = await page.locator('.plan-list').innerText();
  assert.match(text, /CPAS A/);
  assert.doesNotMatch(text, /Paliseul/);
  assert.match(text, /Objectifs stratégiques : 3 · Objectifs opérationnels : 10 · Actions : 41/);
  assert.match(await page.locator('.user-name').innerText(), /Direction générale/);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  await screenshot(page, 'plans');
  assert.deepEqual(await accessibilityViolations(page), []);
  assert.deepEqual(page.errors, []);
});

test('the 000 plan shows its 41 actions with lead, collaboration and reservation', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);
  await signIn(page, 'pcs@cpas-a.example');
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

test('a deep link survives the login and opens Paliseul with the DG opinions', async () => {
  const token = await apiToken('dg@paliseul.example');
  const plans = await (await fetch(`${BASE_URL}/api/v1/plans`, {
    headers: { authorization: `Bearer ${token}` },
  })).json();
  const page = await newPage(browser);

  await page.goto(`${BASE_URL}/plans/${plans[0].id}`);
  await signIn(page, 'social@paliseul.example');

  await page.locator('li.action').first().waitFor();
  assert.match(page.url(), new RegExp(`/plans/${plans[0].id}$`));
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

test('logging out returns to the login page, and the next person starts at home', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);
  await signIn(page, 'president@cpas-a.example');
  await page.locator('.plan-card a').first().click();
  await page.locator('li.action').first().waitFor();

  await page.getByRole('button', { name: 'Se déconnecter' }).click();

  await page.getByRole('heading', { name: 'Connexion' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/connexion');
  assert.equal(new URL(page.url()).search, '', 'no way back to the previous person\'s page');
  await signIn(page, 'social@cpas-a.example');
  await page.getByRole('heading', { name: 'Plans' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
});

test('the language switches FR → NL → EN and is remembered after a reload', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/connexion`);
  await page.getByRole('heading', { name: 'Connexion' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');

  await page.getByLabel('Langue').selectOption('nl');
  await page.getByRole('heading', { name: 'Aanmelden' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  await page.getByLabel('Taal').selectOption('en');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');

  await page.reload();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('E-mail address').fill('dg@cpas-a.example');
  await page.getByLabel('Password').fill(process.env.PST_E2E_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(/Strategic objectives: 3 · Operational objectives: 10 · Actions: 41/).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.getByLabel('Language').selectOption('fr');
  await page.getByText(/Objectifs stratégiques : 3/).waitFor();
});
