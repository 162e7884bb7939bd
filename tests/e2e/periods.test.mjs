// Reporting periods (issue 18.3), on CPAS A's plan: the DG opens "T1 2027" from the web
// app and sees the completion by organisation; the PCS is asked in its inbox; once the PCS
// reported on Pe18 (approved), the dashboard counts it; the DG closes the period after
// confirming and finds the documents as at its end. Axe on each step. The period is closed
// and the PCS's notifications read at the end, so that the other files find the plan and
// the inbox as they expect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let plan;
let dg;
let pcs;

async function call(token, method, path, body) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/// Closes the plan's open period, if any.
async function closeOpen() {
  const periods = (await call(dg, 'GET', `/api/v1/plans/${plan.id}/periods`)).body;
  for (const period of periods.filter((p) => !p.closed_at)) {
    assert.equal((await call(dg, 'POST', `/api/v1/periods/${period.id}/close`)).status, 200);
  }
}

before(async () => {
  browser = await launch();
  dg = await apiToken('dg@cpas-a.example');
  pcs = await apiToken('pcs@cpas-a.example');
  const plans = (await call(dg, 'GET', '/api/v1/plans')).body;
  plan = plans.find((p) => p.tenant.slug === 'cpas-a');
  await closeOpen();
});
after(async () => {
  await closeOpen();
  await call(pcs, 'POST', '/api/v1/notifications/read-all');
  await browser?.close();
});

test('the DG opens a period, follows its completion and closes it; the partner is asked', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/plans/${plan.id}`);
  await signIn(page, 'dg@cpas-a.example');
  await page.getByRole('link', { name: 'Périodes de rapportage' }).click();
  await page.getByRole('heading', { name: 'Ouvrir une période' }).waitFor();
  // Before any period, the DG already sets when the reminders go.
  await page.getByRole('heading', { name: 'Rappels des périodes' }).waitFor();

  // The app's own messages, not the browser's bubbles.
  await page.getByRole('button', { name: 'Ouvrir une période' }).click();
  await page.locator('#open-period-message').filter({ hasText: 'Corrigez les champs signalés.' }).waitFor();
  assert.equal(await page.locator('#period-label').getAttribute('aria-invalid'), 'true');

  await page.getByLabel('Nom de la période').fill('T1 2027');
  await page.getByLabel('Du', { exact: true }).fill('2027-01-01');
  await page.getByLabel('Au', { exact: true }).fill('2027-03-31');
  await page.getByLabel('Échéance', { exact: true }).fill('2027-04-15');
  await page.getByRole('button', { name: 'Ouvrir une période' }).click();
  await page.locator('#period-message').filter({ hasText: 'Période ouverte — T1 2027' }).waitFor();
  const [period] = (await call(dg, 'GET', `/api/v1/plans/${plan.id}/periods`)).body;
  assert.equal(period.label, 'T1 2027');
  const detail = page.locator('section[aria-labelledby="period-detail-title"]');
  await detail.getByText(`0 / ${period.completion.due} rapportées`).first().waitFor();
  // A row per lead organisation (the table comes with the period's detail, a moment after
  // its figures).
  await detail.locator('table tbody tr').nth(1).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'periods-1-opened');

  // The PCS is asked for its actions, Pe18 among them.
  const inbox = (await call(pcs, 'GET', '/api/v1/notifications')).body;
  const asked = inbox.find((n) => n.kind === 'period_opened');
  assert.ok(asked, 'the PCS is asked');
  assert.ok(asked.payload.actions.some((a) => a.code === 'Pe18'));

  // The PCS reports on Pe18; approved, the dashboard counts it.
  const pe18 = asked.payload.actions.find((a) => a.code === 'Pe18');
  const version = (await call(pcs, 'GET', `/api/v1/actions/${pe18.action_id}`)).body.action.version;
  const proposal = await call(pcs, 'POST', `/api/v1/actions/${pe18.action_id}/change-requests`, {
    base_version: version, changes: {}, note: 'Point fait pour le T1 2027.',
  });
  assert.equal(proposal.status, 201, JSON.stringify(proposal.body));
  assert.equal((await call(dg, 'POST', `/api/v1/change-requests/${proposal.body.id}/approve`)).status, 200);
  await page.goto(`${BASE_URL}/plans/${plan.id}/tableau-de-bord`);
  const current = page.locator('section[aria-labelledby="current-period-title"]');
  await current.getByText(`1 / ${period.completion.due} rapportées`).first().waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'periods-2-dashboard');

  // The DG closes it, after confirming; the documents as at its end appear.
  await current.getByRole('link', { name: 'Toutes les périodes de rapportage' }).click();
  await page.getByRole('button', { name: 'Clôturer la période T1 2027' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clôturer cette période ?' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Clôturer la période T1 2027' }).click();
  await page.locator('#period-message').filter({ hasText: 'Période clôturée — T1 2027' }).waitFor();
  await page.getByRole('group', { name: 'Documents au terme de la période' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Clôturer la période T1 2027' }).count(), 0);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'periods-3-closed');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
