// The follow-up story in the browser: a partner proposes, the president approves, the
// partner sees the result and the history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openPe18(page) {
  await page.getByRole('link', { name: /CPAS A/ }).click();
  await page.locator('#action-Pe18').waitFor();
  await page.locator('#action-Pe18 a.action-title').click();
  await page.getByRole('heading', { name: /Pe18/ }).waitFor();
}

test('a partner proposes 40 % on Pe18, the president approves, the partner sees it', async () => {
  const partner = await newPage(browser);
  await partner.goto(`${BASE_URL}/`);
  await signIn(partner, 'pcs@cpas-a.example');
  await openPe18(partner);

  assert.equal(await partner.getByRole('link', { name: /Approbations/ }).count(), 0, 'no approvals for a partner');
  await partner.getByLabel('Avancement (%)').fill('40');
  await partner.getByLabel('Statut').selectOption('en_cours');
  await partner.getByLabel('Note pour le journal').fill('Atelier tricot relancé le mardi.');
  assert.deepEqual(await accessibilityViolations(partner), []);
  await partner.getByRole('button', { name: 'Envoyer la proposition' }).click();
  await partner.getByText('Votre proposition est envoyée').waitFor();
  await partner.getByText('Une proposition de mise à jour attend la décision').waitFor();
  await screenshot(partner, 'story-1-proposed');

  const president = await newPage(browser);
  await president.goto(`${BASE_URL}/`);
  await signIn(president, 'president@cpas-a.example');
  const approvals = president.getByRole('link', { name: /Approbations/ });
  await approvals.locator('.badge.count').waitFor();
  assert.equal((await approvals.locator('.badge.count').innerText()).trim(), '1');
  await approvals.click();
  const proposal = president.locator('li.proposal').filter({ hasText: 'Pe18' });
  await proposal.waitFor();
  assert.match(await proposal.innerText(), /Avancement \(%\)\s+0 %\s+40 %/);
  assert.match(await proposal.innerText(), /Atelier tricot relancé/);
  assert.deepEqual(await accessibilityViolations(president), []);
  await screenshot(president, 'story-2-queue');
  // Each button names its action, for whoever lists the page's buttons.
  assert.equal(await proposal.getByRole('button', { name: 'Refuser la proposition sur Pe18', exact: true }).count(), 1);
  await proposal.getByRole('button', { name: 'Approuver la proposition sur Pe18', exact: true }).click();
  await president.getByText('Aucune proposition en attente.').waitFor();
  // The header's count follows the decision without a navigation.
  await president.locator('header .badge.count').waitFor({ state: 'detached' });
  await screenshot(president, 'story-3-approved');

  // A reload keeps the session (the refresh token is in the tab's session storage).
  await partner.reload();
  await partner.getByRole('heading', { name: /Pe18/ }).waitFor();
  assert.equal(await partner.getByLabel('Adresse e-mail').count(), 0, 'no login again');
  await partner.locator('.progress-figure').first().waitFor();
  assert.equal((await partner.locator('.action-status .progress-figure').first().innerText()).replace(/\s/g, ''), '40%');
  const history = partner.locator('.history-entry').first();
  assert.match(await history.innerText(), /appliqué par Présidence \(CPAS A\)/);
  assert.match(await history.innerText(), /proposé par Plan de Cohésion Sociale \(CPAS A\)/);
  assert.match(await history.innerText(), /Avancement \(%\) : 0 % → 40 %/);
  assert.match(await partner.locator('.journal').innerText(), /Atelier tricot relancé le mardi\./);
  assert.deepEqual(await accessibilityViolations(partner), []);
  await screenshot(partner, 'story-4-partner-sees-it');
  assert.deepEqual(partner.errors, []);
  assert.deepEqual(president.errors, []);
});

test('a partner opening the approvals page is told it is for the management', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/approbations`);
  await signIn(page, 'defits@cpas-a.example');

  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /réservée à la présidence/);
  assert.equal(await page.getByRole('button', { name: 'Approuver' }).count(), 0);
});

test('invalid values are explained next to the field', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);
  await signIn(page, 'social@cpas-a.example');
  await openPe18(page);

  await page.getByLabel('Début prévu').fill('2026-06-01');
  await page.getByLabel('Échéance prévue').fill('2026-01-01');
  await page.getByRole('button', { name: 'Envoyer la proposition' }).click();

  await page.locator('#propose-planned_end-error').filter({ hasText: /précède la date de début/ }).waitFor();
  assert.equal(await page.getByLabel('Échéance prévue').getAttribute('aria-invalid'), 'true');
});

test('indicator values and amounts spent are proposed in the same form', async () => {
  const dg = await apiToken('dg@cpas-a.example');
  const social = await apiToken('social@cpas-a.example');
  const headers = (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const found = await (await fetch(`${BASE_URL}/api/v1/actions?q=Pe19`, { headers: headers(dg) })).json();
  const pe19 = found.items.find((a) => a.code === 'Pe19');
  await fetch(`${BASE_URL}/api/v1/actions/${pe19.id}/indicators`, {
    method: 'POST', headers: headers(dg),
    body: JSON.stringify({ name: 'Trajets assurés', unit: 'trajets', year: 2026, target: 120 }),
  });
  const defined = await (await fetch(`${BASE_URL}/api/v1/actions/${pe19.id}/budget-lines`, {
    method: 'POST', headers: headers(dg),
    body: JSON.stringify({ year: 2026, service: 'ordinaire', direction: 'depense', article: '87101/124-48', planned_cents: 300000 }),
  })).json();
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/actions/${pe19.id}`);
  await signIn(page, 'social@cpas-a.example');

  await page.getByLabel(/Trajets assurés/).fill('42');
  await page.getByLabel('Mesurée le').fill('2026-03-31');
  await page.getByLabel(/Dépensé \(€\)/).fill('150,50');
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.getByRole('button', { name: 'Envoyer la proposition' }).click();
  await page.getByText('Votre proposition est envoyée').waitFor();

  const pending = await (await fetch(`${BASE_URL}/api/v1/change-requests?status=pending&action_id=${pe19.id}`, { headers: headers(social) })).json();
  const diff = Object.fromEntries(pending.at(-1).diff.map((d) => [d.field.split(':')[0], d.proposed]));
  assert.deepEqual(diff.indicator, { current_value: 42, measured_at: '2026-03-31' });
  assert.equal(diff.budget_line, 15050);
  assert.equal(defined.budget_lines[0].spent_cents, 0);
  for (const proposal of pending) {
    await fetch(`${BASE_URL}/api/v1/change-requests/${proposal.id}/withdraw`, { method: 'POST', headers: headers(social) });
  }
});
