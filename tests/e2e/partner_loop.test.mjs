// The partner's loop (issue 14.2), in Paliseul so that the other files' CPAS A stays as they
// expect it: a note alone is a report, approved into the journal; a second pending proposal
// of the same author on the same action is refused, naming the first, and replaced instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let pcs;
let president;
const ids = {};

async function call(token, method, path, body) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  browser = await launch();
  pcs = await apiToken('pcs@paliseul.example');
  president = await apiToken('president@paliseul.example');
  const dg = await apiToken('dg@paliseul.example');
  for (const code of ['A3', 'A12']) {
    const found = await call(dg, 'GET', `/api/v1/actions?q=${code}`);
    ids[code] = found.body.items.find((a) => a.code === code).id;
  }
});
after(async () => { await browser?.close(); });

test('a note alone is a report: sent from the form, approved, it is in the journal', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/actions/${ids.A12}`);
  await signIn(page, 'pcs@paliseul.example');
  await page.getByRole('heading', { name: 'Proposer une mise à jour' }).waitFor();

  await page.getByLabel('Note pour le journal').fill('Réunion tenue avec le PCS.');
  await page.getByRole('button', { name: 'Envoyer la proposition' }).click();

  await page.getByText('Votre proposition est envoyée').waitFor();
  const [report] = (await call(pcs, 'GET', `/api/v1/change-requests?status=pending&action_id=${ids.A12}`)).body;
  assert.deepEqual(report.diff, [], 'no field changed');
  assert.equal(report.note, 'Réunion tenue avec le PCS.');
  assert.equal((await call(president, 'POST', `/api/v1/change-requests/${report.id}/approve`)).status, 200);
  await page.reload();
  await page.locator('.journal').waitFor();
  assert.match(await page.locator('.journal').innerText(), /Réunion tenue avec le PCS\./);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'loop-note-only');
  assert.deepEqual(page.errors, []);
});

test('a second pending proposal is refused naming the first, and replaces it when it says so', async () => {
  const version = (await call(pcs, 'GET', `/api/v1/actions/${ids.A3}`)).body.action.version;
  const first = await call(pcs, 'POST', `/api/v1/actions/${ids.A3}/change-requests`, { base_version: version, changes: { progress: 10 } });
  assert.equal(first.status, 201);

  const stacked = await call(pcs, 'POST', `/api/v1/actions/${ids.A3}/change-requests`, { base_version: version, changes: { progress: 60 } });
  assert.equal(stacked.status, 409);
  assert.equal(stacked.body.code, 'proposal_already_pending');
  assert.equal(stacked.body.pending_change_request_id, first.body.id);

  const second = await call(pcs, 'POST', `/api/v1/actions/${ids.A3}/change-requests`, { base_version: version, changes: { progress: 60 }, replaces: first.body.id });
  assert.equal(second.status, 201);
  const mine = (await call(pcs, 'GET', '/api/v1/change-requests')).body.filter((c) => c.action_id === ids.A3);
  assert.deepEqual(mine.map((c) => [c.status, c.replaced_by]), [['replaced', second.body.id], ['pending', null]]);
  // Leave no pending proposal behind for the other files.
  assert.equal((await call(pcs, 'POST', `/api/v1/change-requests/${second.body.id}/withdraw`)).status, 200);
});
