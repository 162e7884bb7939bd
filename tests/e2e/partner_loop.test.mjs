// The partner's loop (issue 14.2), in Paliseul so that the other files' CPAS A stays as they
// expect it: a partner reports (a note alone too), replaces instead of stacking, sees the
// pending proposal in place, learns the decisions from the inbox and "Mes propositions",
// withdraws, and finds "Mes actions" on the home page, late first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let pcs;
let president;
let dg;
const ids = {};

const headers = (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

async function call(token, method, path, body) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method, headers: headers(token), body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  browser = await launch();
  pcs = await apiToken('pcs@paliseul.example');
  president = await apiToken('president@paliseul.example');
  dg = await apiToken('dg@paliseul.example');
  for (const code of ['A3', 'A12']) {
    const found = await call(dg, 'GET', `/api/v1/actions?q=${code}`);
    ids[code] = found.body.items.find((a) => a.code === code).id;
  }
});
after(async () => { await browser?.close(); });

async function partnerOn(path) {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}${path}`);
  await signIn(page, 'pcs@paliseul.example');
  return page;
}

async function pendingOf(action) {
  return (await call(pcs, 'GET', `/api/v1/change-requests?status=pending&action_id=${action}`)).body;
}

const focusedClass = (page) => page.evaluate(() => document.activeElement?.className ?? '');

test('after sending, the pending proposal shows in place, announced and focused; it is replaced, never stacked', async () => {
  const page = await partnerOn(`/actions/${ids.A3}`);
  await page.getByRole('heading', { name: 'Proposer une mise à jour' }).waitFor();

  await page.getByLabel('Avancement (%)').fill('20');
  await page.getByRole('button', { name: 'Envoyer la proposition' }).click();

  const status = page.locator('.report-status');
  await status.filter({ hasText: 'Votre proposition est envoyée' }).waitFor();
  assert.equal(await status.getAttribute('role'), 'status');
  assert.match(await focusedClass(page), /report-status/, 'the confirmation takes the focus');
  const card = page.locator('.pending-proposal');
  await card.getByRole('heading', { name: 'Votre proposition en attente' }).waitFor();
  assert.match(await card.innerText(), /Avancement \(%\)\s+0 %\s+20 %/, 'the proposed value, not the old one');
  assert.equal(await page.getByLabel('Avancement (%)').count(), 0, 'no form snapping back to the old values');
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'loop-1-pending-in-place');

  // Replace: the form starts from the pending values and sends `replaces`.
  await page.getByRole('button', { name: 'Remplacer' }).click();
  await page.getByRole('heading', { name: 'Remplacer ma proposition' }).waitFor();
  assert.equal(await page.getByLabel('Avancement (%)').inputValue(), '20');
  await page.getByLabel('Avancement (%)').fill('35');
  await page.getByRole('button', { name: 'Envoyer la nouvelle proposition' }).click();
  await status.filter({ hasText: 'Votre proposition est remplacée' }).waitFor();
  assert.match(await focusedClass(page), /report-status/);
  await card.filter({ hasText: '35 %' }).waitFor();

  const pending = await pendingOf(ids.A3);
  assert.equal(pending.length, 1, 'one pending proposal, never two');
  assert.deepEqual(pending[0].diff.map((d) => [d.field, d.proposed]), [['progress', 35]]);
  const all = (await call(pcs, 'GET', '/api/v1/change-requests')).body.filter((c) => c.action_id === ids.A3);
  assert.deepEqual(all.map((c) => c.status), ['replaced', 'pending']);
  assert.equal(all[0].replaced_by, pending[0].id);
  // A client stacking anyway is told which proposal is pending.
  const version = (await call(pcs, 'GET', `/api/v1/actions/${ids.A3}`)).body.action.version;
  const stacked = await call(pcs, 'POST', `/api/v1/actions/${ids.A3}/change-requests`, { base_version: version, changes: { progress: 90 } });
  assert.equal(stacked.status, 409);
  assert.equal(stacked.body.code, 'proposal_already_pending');
  assert.equal(stacked.body.pending_change_request_id, pending[0].id);
  assert.deepEqual(page.errors, []);
});

test('a note alone is a report: approved, it is in the journal, and the inbox says so', async () => {
  const page = await partnerOn(`/actions/${ids.A12}`);
  await page.getByRole('heading', { name: 'Proposer une mise à jour' }).waitFor();
  await page.getByLabel('Note pour le journal').fill('Réunion tenue avec le PCS.');
  await page.getByRole('button', { name: 'Envoyer la proposition' }).click();
  await page.locator('.report-status').filter({ hasText: 'Votre proposition est envoyée' }).waitFor();
  assert.match(await page.locator('.pending-proposal').innerText(), /Une note seule[\s\S]*Réunion tenue avec le PCS\./);

  const [report] = await pendingOf(ids.A12);
  const approved = await call(president, 'POST', `/api/v1/change-requests/${report.id}/approve`);
  assert.equal(approved.status, 200);

  // The inbox asks again on each navigation, with If-None-Match: unchanged, it is a 304.
  const inboxAnswers = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname === '/api/v1/notifications') {
      inboxAnswers.push([response.status(), response.request().headers()['if-none-match'] ?? null]);
    }
  });
  await page.getByRole('link', { name: 'PST', exact: true }).click();
  const inbox = page.getByRole('button', { name: /^Notifications/ });
  await page.waitForFunction(() => / 1 non lues$/.test(document.querySelector('.inbox-button')?.getAttribute('aria-label') ?? ''));
  assert.equal(await inbox.getAttribute('aria-label'), 'Notifications 1 non lues');
  assert.equal(await inbox.getAttribute('aria-expanded'), 'false');
  await page.getByRole('link', { name: 'Mes propositions' }).click();
  await page.getByRole('heading', { name: 'Mes propositions' }).waitFor();
  for (let i = 0; i < 50 && !inboxAnswers.some(([status, held]) => status === 304 && held); i += 1) {
    await page.waitForTimeout(100);
  }
  assert.ok(
    inboxAnswers.some(([status, held]) => status === 304 && held),
    `an unchanged inbox is a 304: ${JSON.stringify(inboxAnswers)}`,
  );

  await inbox.click();
  assert.equal(await inbox.getAttribute('aria-expanded'), 'true');
  const panel = page.locator('#inbox-panel');
  const item = panel.getByRole('link', { name: /Proposition approuvée sur A12/ });
  await item.waitFor();
  assert.deepEqual(await accessibilityViolations(page), [], 'with the inbox open');
  await screenshot(page, 'loop-2-inbox-open');
  await item.click();
  await page.getByRole('heading', { name: /A12/ }).waitFor();
  assert.match(await page.locator('.journal').innerText(), /Réunion tenue avec le PCS\./);
  await page.waitForFunction(() => document.querySelector('.inbox-button')?.getAttribute('aria-label') === 'Notifications 0 non lues');
  assert.deepEqual(page.errors, []);
});

test('"Mes propositions" shows the reason of a rejection, and withdraws a pending proposal', async () => {
  const [onA3] = await pendingOf(ids.A3);
  const rejected = await call(president, 'POST', `/api/v1/change-requests/${onA3.id}/reject`, { reason: 'Chiffre à vérifier avec le CPAS.' });
  assert.equal(rejected.status, 200);
  const version = (await call(pcs, 'GET', `/api/v1/actions/${ids.A12}`)).body.action.version;
  const made = await call(pcs, 'POST', `/api/v1/actions/${ids.A12}/change-requests`, { base_version: version, changes: { progress: 10 } });
  assert.equal(made.status, 201);

  const page = await partnerOn('/');
  await page.getByRole('link', { name: 'Mes propositions' }).click();
  const section = (name) => page.locator('section').filter({ has: page.getByRole('heading', { name }) });
  await section(/^En attente \(1\)/).waitFor();
  assert.match(await section(/^Refusées \(1\)/).innerText(), /A3[\s\S]*Motif : Chiffre à vérifier avec le CPAS\./);
  assert.match(await section(/^Approuvées \(1\)/).innerText(), /A12[\s\S]*Une note seule/);
  assert.match(await section(/^Retirées ou remplacées \(1\)/).innerText(), /remplacée par une proposition plus récente/);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'loop-3-my-proposals');

  await page.getByRole('button', { name: 'Retirer la proposition sur A12' }).click();
  await page.getByRole('status').filter({ hasText: 'Votre proposition est retirée.' }).waitFor();
  await section(/^En attente \(0\)/).waitFor();
  await section(/^Retirées ou remplacées \(2\)/).waitFor();
  assert.deepEqual(await pendingOf(ids.A12), []);

  // The rejection is in the inbox, with its reason.
  await page.getByRole('button', { name: /^Notifications/ }).click();
  const item = page.locator('#inbox-panel li').filter({ hasText: 'Proposition refusée sur A3' });
  await item.waitFor();
  assert.match(await item.innerText(), /Motif : Chiffre à vérifier avec le CPAS\./);
  await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
  await page.waitForFunction(() => document.querySelector('.inbox-button')?.getAttribute('aria-label') === 'Notifications 0 non lues');
  assert.deepEqual(page.errors, []);
});

test('the home page lists "Mes actions", late first, each with "Faire le point"', async () => {
  const version = (await call(dg, 'GET', `/api/v1/actions/${ids.A12}`)).body.action.version;
  const edited = await call(dg, 'PATCH', `/api/v1/actions/${ids.A12}`, { version, changes: { planned_end: '2022-06-30' } });
  assert.equal(edited.status, 200);

  const page = await partnerOn('/');
  const mine = page.locator('section.my-actions');
  await mine.getByRole('heading', { name: 'Mes actions' }).waitFor();
  await mine.locator('li.my-action').first().waitFor();
  const codes = await mine.locator('li.my-action .code').allInnerTexts();
  assert.deepEqual(codes, ['A12', 'A3'], 'the late action first (the API lists them in plan order)');
  assert.match(await mine.locator('li.my-action').first().innerText(), /En retard/);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'loop-4-my-actions');

  await mine.getByRole('link', { name: 'Faire le point sur A3' }).click();
  await page.getByRole('heading', { name: 'Proposer une mise à jour' }).waitFor();
  assert.match(page.url(), new RegExp(`/actions/${ids.A3}#faire-le-point$`));
  assert.deepEqual(page.errors, []);
});
