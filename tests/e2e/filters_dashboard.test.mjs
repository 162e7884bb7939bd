// Filtering the tree (kept in the URL), the dashboard, and the proposal flow by keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const visibleCodes = (page) =>
  page.locator('li.action:not([hidden]) .code').allInnerTexts();

async function openPlanA(page, email) {
  await page.goto(`${BASE_URL}/`);
  await signIn(page, email);
  await page.getByRole('link', { name: /CPAS A/ }).click();
  await page.locator('li.action').first().waitFor();
}

test('the tree filters by text (accents ignored), status and organisation, in the URL', async () => {
  const page = await newPage(browser);
  await openPlanA(page, 'dg@cpas-a.example');

  await page.getByLabel('Rechercher').fill('défits');
  await page.waitForFunction(() => document.querySelectorAll('li.action:not([hidden])').length === 2);
  assert.deepEqual(await visibleCodes(page), ['Pe13', 'Pe17']);
  assert.match(page.url(), /q=d%C3%A9fits/);
  assert.match(await page.locator('.filter-count').innerText(), /^Actions : 2$/);

  // The link carries the filter: a reload (the session survives) shows the same.
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('li.action:not([hidden])').length === 2);
  assert.equal(await page.getByLabel('Rechercher').inputValue(), 'défits');

  await page.getByLabel('Rechercher').fill('');
  await page.getByLabel('Organisation').selectOption({ label: 'Commune (PCS)' });
  await page.waitForFunction(() => document.querySelectorAll('li.action:not([hidden])').length === 4);
  assert.deepEqual(await visibleCodes(page), ['Pe17', 'Pe18', 'Pe19', 'Pe20']);
  assert.equal(await page.locator('#objectif-OSe3').isHidden(), true, 'objectives without a match are hidden');
  await screenshot(page, 'tree-filtered');
  assert.deepEqual(await accessibilityViolations(page), []);
});

test('an empty result says so and offers to clear the filters', async () => {
  const page = await newPage(browser);
  await openPlanA(page, 'dg@cpas-a.example');

  await page.getByLabel('Rechercher').fill('aucune action ne porte ce nom');

  await page.getByText('Aucune action ne correspond à ces filtres.').waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.getByRole('button', { name: 'Effacer les filtres' }).click();
  await page.waitForFunction(() => document.querySelectorAll('li.action:not([hidden])').length === 41);
  assert.equal(new URL(page.url()).search, '');
  assert.equal(await page.getByLabel('Rechercher').inputValue(), '');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'filter-q');
});

test('the stale filter shows the actions nobody has reported on, as the server flags them', async () => {
  const token = await apiToken('dg@cpas-a.example');
  const auth = { headers: { authorization: `Bearer ${token}` } };
  const plans = await (await fetch(`${BASE_URL}/api/v1/plans`, auth)).json();
  const tree = await (await fetch(`${BASE_URL}/api/v1/plans/${plans[0].id}`, auth)).json();
  const stale = tree.objectives
    .flatMap((os) => os.operational_objectives)
    .flatMap((oo) => oo.actions)
    .filter((a) => a.stale)
    .map((a) => a.code);
  const page = await newPage(browser);
  await openPlanA(page, 'dg@cpas-a.example');

  await page.getByLabel('Sans mise à jour seulement').check();

  await page.waitForFunction((n) => document.querySelectorAll('li.action:not([hidden])').length === n, stale.length);
  assert.deepEqual((await visibleCodes(page)).sort(), stale.sort());
  assert.match(page.url(), /stale=1/);
});

test('a partner finds "my actions" in one click', async () => {
  const page = await newPage(browser);
  await openPlanA(page, 'defits@cpas-a.example');

  await page.getByLabel('Mes actions').check();

  await page.waitForFunction(() => document.querySelectorAll('li.action:not([hidden])').length === 1);
  assert.deepEqual(await visibleCodes(page), ['Pe13']);
  assert.match(page.url(), /mine=1/);
});

test('the dashboard shows progress per objective and the actions by status', async () => {
  const page = await newPage(browser);
  await openPlanA(page, 'president@cpas-a.example');

  await page.getByRole('link', { name: 'Tableau de bord' }).click();

  await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
  await page.locator('.big-figures').waitFor();
  assert.match(await page.locator('.big-figures').innerText(), /Actions :\s+41/);
  assert.equal(await page.locator('svg.progress-chart g').count(), 13, '3 strategic and 10 operational objectives');
  assert.match(await page.locator('section').filter({ hasText: 'Par organisation' }).innerText(), /Commune \(PCS\)/);
  await screenshot(page, 'dashboard');
  assert.deepEqual(await accessibilityViolations(page), []);
});

test('a proposal is made with the keyboard only', async () => {
  const token = await apiToken('social@cpas-a.example');
  const page_ = await (await fetch(`${BASE_URL}/api/v1/actions?q=Pe36`, { headers: { authorization: `Bearer ${token}` } })).json();
  const pe36 = page_.items.find((a) => a.code === 'Pe36');
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/actions/${pe36.id}`);
  await signIn(page, 'social@cpas-a.example');
  await page.getByRole('heading', { name: /Proposer une mise à jour/ }).waitFor();

  // Tab until the progress field has the focus, then only type, Tab, Space and Enter.
  const focusOn = async (id) => {
    for (let i = 0; i < 60; i += 1) {
      if (await page.evaluate(() => document.activeElement?.id) === id) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`${id} never got the focus`);
  };
  await focusOn('propose-progress');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('25');
  await focusOn('propose-note');
  await page.keyboard.type('Local réservé le jeudi matin.');
  // The evidence field (optional) comes next, then the button.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'propose-files');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Envoyer la proposition');
  await page.keyboard.press('Enter');

  await page.getByText('Votre proposition est envoyée').waitFor();

  // Leave the queue as it was for the other tests: withdraw the proposal.
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const pending = await (await fetch(`${BASE_URL}/api/v1/change-requests?status=pending&action_id=${pe36.id}`, { headers })).json();
  const made = pending.at(-1);
  assert.deepEqual(made.diff.map((d) => [d.field, d.proposed]), [['progress', 25]]);
  assert.equal(made.note, 'Local réservé le jeudi matin.');
  for (const proposal of pending) {
    const withdrawn = await fetch(`${BASE_URL}/api/v1/change-requests/${proposal.id}/withdraw`, { method: 'POST', headers });
    assert.equal(withdrawn.status, 200);
  }
});

test('a step the filter matches keeps its action in the tree, unfolded on that step', async () => {
  const dg = await apiToken('dg@cpas-a.example');
  const headers = { authorization: `Bearer ${dg}`, 'content-type': 'application/json' };
  const found = await (await fetch(`${BASE_URL}/api/v1/actions?q=Pe33`, { headers })).json();
  const pe33 = found.items.find((a) => a.code === 'Pe33');
  const added = await fetch(`${BASE_URL}/api/v1/actions/${pe33.id}/sub-actions`, {
    method: 'POST', headers, body: JSON.stringify({ title: 'Installer une borne au Zéphyr' }),
  });
  assert.equal(added.status, 201);
  const step = (await added.json()).action;
  try {
    // The search API names the step's action.
    const searched = await (await fetch(`${BASE_URL}/api/v1/actions?q=zephyr`, { headers })).json();
    assert.deepEqual(searched.items.map((a) => [a.code, a.parent?.code]), [[step.code, 'Pe33']]);

    const page = await newPage(browser);
    await openPlanA(page, 'dg@cpas-a.example');
    await page.getByLabel('Rechercher').fill('zephyr');
    await page.waitForFunction(() => document.querySelectorAll('li.action:not([hidden])').length === 1);
    const action = page.locator('li.action:not([hidden])');
    assert.equal(await action.getAttribute('id'), 'action-Pe33');
    const shown = action.locator('li.sub-action:not([hidden])');
    await shown.first().waitFor();
    assert.deepEqual(await shown.locator('.code').allInnerTexts(), [step.code]);
    assert.match(await shown.innerText(), /Installer une borne au Zéphyr/);
    assert.deepEqual(await accessibilityViolations(page), []);

    // The dashboard counts the steps beside the actions, never among them.
    await page.getByRole('link', { name: 'Tableau de bord' }).click();
    await page.locator('.big-figures').waitFor();
    assert.match(await page.locator('.big-figures').innerText(), /Actions :\s+41/);
    assert.match(await page.locator('.steps-figure').innerText(), /^\d+ sous-actions, \d+ terminées$/);
  } finally {
    await fetch(`${BASE_URL}/api/v1/actions/${step.id}`, { method: 'DELETE', headers });
  }
});
