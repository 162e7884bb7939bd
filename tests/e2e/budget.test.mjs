// The budget by year on the dashboard (issue 17.1): lines given to two of Paliseul's
// actions for 2031 and 2032 (years no other browser test uses) show per year, for the
// whole plan and for their objectives, with the total of the years.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let plan;

before(async () => {
  browser = await launch();
  const dg = await apiToken('dg@paliseul.example');
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${dg}` };
  const plans = await (await fetch(`${BASE_URL}/api/v1/plans`, { headers })).json();
  plan = plans.find((p) => p.tenant.slug === 'paliseul');
  const tree = await (await fetch(`${BASE_URL}/api/v1/plans/${plan.id}`, { headers })).json();
  const actions = tree.objectives.flatMap((os) => os.operational_objectives).flatMap((oo) => oo.actions);
  const lines = [[actions[0].id, 2031, 123_450], [actions[0].id, 2032, 50_000], [actions[1].id, 2031, 10_000]];
  for (const [action, year, planned] of lines) {
    const response = await fetch(`${BASE_URL}/api/v1/actions/${action}/budget-lines`, {
      method: 'POST', headers,
      body: JSON.stringify({ year, service: 'ordinaire', direction: 'depense', planned_cents: planned }),
    });
    assert.equal(response.status, 201, await response.text());
  }
});
after(async () => { await browser?.close(); });

const text = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ');

test('the dashboard shows the budget by year, for the plan and for each objective', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/plans/${plan.id}/tableau-de-bord`);
  await signIn(page, 'dg@paliseul.example');
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'Budget par exercice' }) });
  await section.waitFor();
  const table = section.getByRole('table');
  await table.getByRole('columnheader', { name: '2031' }).waitFor();
  assert.ok(await table.getByRole('columnheader', { name: '2032' }).isVisible());
  assert.ok(await table.getByRole('columnheader', { name: 'Tous exercices' }).isVisible());
  const whole = await text(table.getByRole('row', { name: /L’ensemble du plan/ }));
  assert.match(whole, /1 334,50 €/, whole);
  assert.match(whole, /500,00 €/, whole);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'dashboard-budget');
  assert.deepEqual(page.errors, []);
});
