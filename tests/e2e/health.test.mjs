// An action's health (issue 16.3), on CPAS A's Pe17, used by no other browser test: the
// PCS reports it "à surveiller" with a few words, the president approves, the tree, the
// action page and the dashboard show it; a too-long comment is stopped by the app's own
// message; the form fits a 360 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, PASSWORD, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let pe17;
let planId;

before(async () => {
  browser = await launch();
  const token = await apiToken('dg@cpas-a.example');
  const headers = { authorization: `Bearer ${token}` };
  const found = await (await fetch(`${BASE_URL}/api/v1/actions?q=Pe17`, { headers })).json();
  pe17 = found.items.find((a) => a.code === 'Pe17');
  const plans = await (await fetch(`${BASE_URL}/api/v1/plans`, { headers })).json();
  planId = plans.find((p) => p.tenant.slug === 'cpas-a').id;
});
after(async () => { await browser?.close(); });

test('a partner reports a health, the president approves, the tree and the dashboard show it', async () => {
  const partner = await newPage(browser);
  await partner.goto(`${BASE_URL}/actions/${pe17.id}`);
  await signIn(partner, 'pcs@cpas-a.example');
  await partner.getByRole('heading', { name: 'Proposer une mise à jour' }).waitFor();
  assert.equal(await partner.getByLabel('État de santé', { exact: true }).inputValue(), '', 'not assessed yet');

  // The app's own message, with the limit, and nothing sent.
  await partner.getByLabel('État de santé', { exact: true }).selectOption({ label: 'À surveiller' });
  await partner.getByLabel('Commentaire sur l’état de santé').fill('x'.repeat(301));
  await partner.getByRole('button', { name: 'Envoyer la proposition' }).click();
  const error = partner.locator('#propose-health_comment-error');
  await error.filter({ hasText: '300' }).waitFor();
  assert.equal(await partner.getByLabel('Commentaire sur l’état de santé').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await accessibilityViolations(partner), []);

  await partner.getByLabel('Commentaire sur l’état de santé').fill('Formateur absent en janvier');
  await partner.getByRole('button', { name: 'Envoyer la proposition' }).click();
  const card = partner.locator('.pending-proposal');
  await card.getByRole('heading', { name: 'Votre proposition en attente' }).waitFor();
  assert.match(await card.innerText(), /État de santé\s+Non évalué\s+À surveiller/);
  assert.match(await card.innerText(), /Formateur absent en janvier/);
  await screenshot(partner, 'health-1-proposed');

  const president = await newPage(browser);
  await president.goto(`${BASE_URL}/approbations`);
  await signIn(president, 'president@cpas-a.example');
  const proposal = president.locator('li.proposal').filter({ hasText: 'Pe17' });
  await proposal.waitFor();
  assert.match(await proposal.innerText(), /État de santé\s+Non évalué\s+À surveiller/);
  await proposal.getByRole('button', { name: 'Approuver la proposition sur Pe17', exact: true }).click();
  await proposal.waitFor({ state: 'detached' });

  // The tree: a chip named for a screen reader too.
  await president.goto(`${BASE_URL}/plans/${planId}`);
  const chip = president.locator('#action-Pe17 .chip.health-at_risk');
  await chip.waitFor();
  assert.equal((await chip.textContent()).replace(/\s+/g, ' ').trim(), 'État de santé : À surveiller');
  assert.equal(await chip.locator('.visually-hidden').count(), 1);
  await screenshot(president, 'health-2-tree');

  // The action page: the chip and the comment.
  await president.goto(`${BASE_URL}/actions/${pe17.id}`);
  await president.locator('.action-status .chip.health-at_risk').waitFor();
  assert.match(await president.locator('dl.fields').innerText(), /État de santé\s+À surveiller — Formateur absent en janvier/);

  // The dashboard counts it.
  await president.goto(`${BASE_URL}/plans/${planId}/tableau-de-bord`);
  const legend = president.locator('.health-legend');
  await legend.waitFor();
  assert.match(await legend.innerText(), /À surveiller : 1/);
  assert.match(await legend.innerText(), /Non évalué : 40/);
  assert.deepEqual(await accessibilityViolations(president), []);
  await screenshot(president, 'health-3-dashboard');
  await partner.context().close();
  await president.context().close();
});

test('the health fields fit a 360 px phone, in Dutch too', async () => {
  const page = await newPage(browser, { locale: 'nl-BE' });
  await page.setViewportSize({ width: 360, height: 740 });
  // The language is the app's choice, remembered in the browser (not the browser's own);
  // the session resumes from a refresh token, as after a reload.
  const login = await (await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'pcs@cpas-a.example', password: PASSWORD }),
  })).json();
  await page.addInitScript((refresh) => {
    localStorage.setItem('pst.locale', 'nl');
    if (!sessionStorage.getItem('pst.refresh')) sessionStorage.setItem('pst.refresh', refresh);
  }, login.refresh_token);
  await page.goto(`${BASE_URL}/actions/${pe17.id}`);
  await page.getByLabel('Gezondheid', { exact: true }).waitFor();
  assert.deepEqual(
    await page.getByLabel('Gezondheid', { exact: true }).locator('option').allInnerTexts(),
    ['Niet beoordeeld', 'Goed', 'Op te volgen', 'In moeilijkheden', 'Gepauzeerd'],
  );
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  await screenshot(page, 'health-4-phone-nl');
  await page.context().close();
});
