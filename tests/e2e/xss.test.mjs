// Text people type is shown as text: HTML and script in titles and notes never run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, PASSWORD, launch, newPage, signIn, apiToken, apiCall as call } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>Accueil & « suivi »';

test('HTML and script in a title are shown literally, in the app and on the public page', async () => {
  const admin = await apiToken('admin@pst.example');
  const tenant = await call(admin, 'POST', '/api/v1/tenants', { slug: 'cpas-e2e-xss', name: 'CPAS <b>Test</b>' });
  await call(admin, 'POST', '/api/v1/users', { email: 'dg@cpas-e2e-xss.example', display_name: 'DG', role: 'dg', tenant_id: tenant.id, password: PASSWORD });
  const dg = await apiToken('dg@cpas-e2e-xss.example');
  let plan = await call(dg, 'POST', '/api/v1/plans', { title: `Plan ${HOSTILE}` });
  plan = await call(dg, 'POST', `/api/v1/plans/${plan.id}/objectives`, { level: 'strategic', volet: 'externe', code: 'OSe1', title: HOSTILE });
  plan = await call(dg, 'POST', `/api/v1/plans/${plan.id}/objectives`, { level: 'operational', parent_id: plan.objectives[0].id, volet: 'externe', code: 'OOe1', title: HOSTILE });
  await call(dg, 'POST', `/api/v1/objectives/${plan.objectives[0].operational_objectives[0].id}/actions`, { code: 'Pe1', kind: 'projet', title: HOSTILE, reservation: HOSTILE });
  const tree = await call(dg, 'GET', `/api/v1/plans/${plan.id}`);
  assert.equal(tree.objectives[0].operational_objectives[0].actions[0].title, HOSTILE, 'stored as typed');

  const page = await newPage(browser);
  const dialogs = [];
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
  await page.goto(`${BASE_URL}/plans/${plan.id}`);
  await signIn(page, 'dg@cpas-e2e-xss.example');
  await page.locator('li.action').first().waitFor();
  assert.ok((await page.locator('li.action .action-title').innerText()).includes('<img src=x onerror='));
  assert.equal(await page.locator('li.action img').count(), 0, 'no element was made from the text');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // The timeline draws the title into its SVG as text too.
  await page.goto(`${BASE_URL}/plans/${plan.id}/calendrier`);
  await page.locator('svg.gantt-chart g.gantt-row').first().waitFor();
  assert.ok((await page.locator('svg.gantt-chart g.gantt-row text').innerHTML()).includes('&lt;img src=x'));
  assert.equal(await page.locator('main img, main script').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);

  await call(dg, 'POST', `/api/v1/plans/${plan.id}/adopt`, { version: tree.version, adopted_on: '2026-01-15' });
  await call(dg, 'POST', `/api/v1/plans/${plan.id}/publish`);
  const open = await newPage(browser);
  await open.goto(`${BASE_URL}/public/cpas-e2e-xss/${plan.id}`);
  await open.getByRole('heading', { level: 1 }).waitFor();
  assert.ok((await open.locator('h1').innerText()).includes('<script>'));
  assert.equal(await open.locator('main img, main script').count(), 0);
  assert.equal(await open.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(page.errors, []);
});
