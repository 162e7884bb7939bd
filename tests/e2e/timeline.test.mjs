// The plan's timeline (issue 16.6): a Gantt chart of the plan tree, read in one request,
// with its table twin. For both demo plans (which give no dates: every bar is the plan's
// period) the chart has a row per action, today's line on the server's day, and the page
// passes axe; an action dated in the past is late, drawn red and striped, in the table too;
// the filter of the tree narrows both; the steps of an action fold and unfold from the
// keyboard; it prints on A4 landscape and does not scroll sideways on a phone. After
// sub_actions.test.mjs (name order): Pe18 has its steps then, and gets two when run alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let dg;
let planA;
let paliseul;

const headers = (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

async function call(token, method, path, body) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method, headers: headers(token), body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** The first plan of the caller's CPAS, as the list gives it (with its count of actions). */
async function firstPlan(token) {
  const plans = await call(token, 'GET', '/api/v1/plans');
  assert.equal(plans.status, 200);
  return plans.body[0];
}

/** The action `code` of the plan tree `tree`. */
const actionOf = (tree, code) =>
  tree.objectives.flatMap((os) => os.operational_objectives).flatMap((oo) => oo.actions).find((a) => a.code === code);

const everyAction = (tree) =>
  tree.objectives.flatMap((os) => os.operational_objectives).flatMap((oo) => oo.actions);

/** `2026-06-30` → `30/06/2026`. */
const shown = (iso) => iso.split('-').reverse().join('/');

/** `iso` moved by `days`. */
const plusDays = (iso, days) => new Date(Date.parse(`${iso}T12:00:00Z`) + days * 86400000).toISOString().slice(0, 10);

async function edit(code, changes) {
  const tree = (await call(dg, 'GET', `/api/v1/plans/${planA.id}`)).body;
  const { id, version } = actionOf(tree, code);
  const edited = await call(dg, 'PATCH', `/api/v1/actions/${id}`, { version, changes });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
}

before(async () => {
  browser = await launch();
  dg = await apiToken('dg@cpas-a.example');
  planA = await firstPlan(dg);
  paliseul = await firstPlan(await apiToken('dg@paliseul.example'));
});
after(async () => { await browser?.close(); });

/** The timeline of `plan` opened from its tree's link, signed in as `email`; the WASM fetched. */
async function openTimeline(email, plan) {
  const page = await newPage(browser);
  const wasm = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith('.wasm')) wasm.push(path.split('/').pop());
  });
  await page.goto(`${BASE_URL}/plans/${plan.id}`);
  await signIn(page, email);
  await page.locator('li.action').first().waitFor();
  await page.getByRole('link', { name: 'Calendrier' }).click();
  await page.waitForURL(`**/plans/${plan.id}/calendrier`);
  await page.locator('svg.gantt-chart g.gantt-row').first().waitFor();
  return { page, wasm };
}

/** What the chart draws, row by row: code, classes of the planned bar, whether an actual bar. */
const chartRows = (page) => page.locator('svg.gantt-chart g.gantt-row').evaluateAll((rows) => rows.map((row) => ({
  code: row.dataset.code,
  step: row.classList.contains('sub-action'),
  planned: row.querySelector('rect.gantt-planned').getAttribute('class'),
  actual: row.querySelector('rect.gantt-actual') !== null,
  label: row.querySelector('text').textContent,
})));

for (const [name, email, plan] of [
  ['CPAS A', 'dg@cpas-a.example', () => planA],
  ['Paliseul', 'dg@paliseul.example', () => paliseul],
]) {
  test(`the timeline of ${name}'s plan has a row per action, today's line, and its table passes axe`, async () => {
    const { page, wasm } = await openTimeline(email, plan());
    const token = await apiToken(email);
    const tree = (await call(token, 'GET', `/api/v1/plans/${plan().id}`)).body;
    const actions = everyAction(tree);

    // One row per action, in plan order, the steps folded.
    const rows = await chartRows(page);
    assert.equal(rows.length, plan().action_count);
    assert.deepEqual(rows.map((r) => r.code), actions.map((a) => a.code));
    assert.ok(rows.every((r) => !r.step), 'the steps are folded');
    // Each bar as the server says: late ones red and striped with ⚠, undated ones over the
    // plan's period (the demo plans give no dates).
    for (const action of actions) {
      const row = rows.find((r) => r.code === action.code);
      const undated = action.planned_start === null && action.planned_end === null;
      assert.equal(row.planned.includes('late'), action.late, `${action.code}: late`);
      assert.equal(row.label.includes('⚠'), action.late, `${action.code}: ⚠`);
      assert.equal(row.planned.includes('undated'), undated && !action.late, `${action.code}: undated`);
    }
    if (actions.every((a) => a.planned_start === null && a.planned_end === null)) {
      await page.locator('.gantt-legend').getByText('Sans dates : durée du plan').waitFor();
    }

    // Today's line, on the day the server read the tree on.
    assert.match(tree.as_of, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(await page.locator('svg.gantt-chart line.gantt-today').count(), 1);
    assert.match(await page.locator('.plan-meta').innerText(), new RegExp(`Aujourd’hui : ${shown(tree.as_of)}`));
    const year = Number(tree.as_of.slice(0, 4));
    assert.ok(await page.locator('svg.gantt-chart text').filter({ hasText: new RegExp(`^${year}$`) }).count() === 1,
      'the axis shows the current year');

    // The table twin: the same actions, with the plan's period for those without dates.
    const table = page.getByRole('table', { name: 'Le calendrier en tableau' });
    assert.equal(await table.locator('tbody tr.action-row:not([hidden])').count(), plan().action_count);
    assert.deepEqual(
      (await table.locator('tbody tr.action-row th .code').allInnerTexts()).map((c) => c.trim()),
      actions.map((a) => a.code),
    );
    const undated = actions.find((a) => a.planned_start === null && a.planned_end === null);
    if (undated) {
      assert.match(await table.locator('tr.action-row').filter({ hasText: undated.title }).first().innerText(), /Durée du plan/);
    }
    assert.ok(await page.getByRole('img', { name: new RegExp(`actions : ${plan().action_count} ; en retard : \\d+ ; aujourd’hui : ${shown(tree.as_of)}`) }).isVisible(), 'the chart is an image with a summary');
    assert.deepEqual(await accessibilityViolations(page), []);
    assert.ok(wasm.some((w) => w.startsWith('split___timeline_view')), `its own chunk: ${wasm.join(', ')}`);
    assert.deepEqual(page.errors, []);
    await screenshot(page, `timeline-${name.replace(' ', '-').toLowerCase()}`);
  });
}

test('a late action is red in the chart and in the table; the filter narrows both', async () => {
  const today = (await call(dg, 'GET', `/api/v1/plans/${planA.id}`)).body.as_of;
  // Pe30 should have ended a month ago; Pe31 started two months ago and runs for a year.
  await edit('Pe30', { status: 'en_cours', planned_start: plusDays(today, -200), planned_end: plusDays(today, -30) });
  await edit('Pe31', { status: 'en_cours', planned_start: plusDays(today, -60), planned_end: plusDays(today, 300) });

  const { page } = await openTimeline('dg@cpas-a.example', planA);
  const rows = await chartRows(page);
  const pe30 = rows.find((r) => r.code === 'Pe30');
  const pe31 = rows.find((r) => r.code === 'Pe31');
  assert.match(pe30.planned, /late/);
  assert.match(pe30.label, /^⚠/);
  assert.doesNotMatch(pe31.planned, /late|undated/);
  assert.ok(pe31.actual, 'under way: an actual bar up to today');
  // Striped by the page's own style sheet (in its chunk); the actual bar of an action under
  // way ends on today's line.
  const chart = await page.evaluate(() => {
    const row = (code) => document.querySelector(`svg.gantt-chart g.gantt-row[data-code="${code}"]`);
    const actual = row('Pe31').querySelector('rect.gantt-actual');
    return {
      lateFill: getComputedStyle(row('Pe30').querySelector('rect.gantt-planned')).fill,
      actualEnd: Number(actual.getAttribute('x')) + Number(actual.getAttribute('width')),
      today: Number(document.querySelector('svg.gantt-chart line.gantt-today').getAttribute('x1')),
    };
  });
  assert.match(chart.lateFill, /url\("?#gantt-late"?\)/);
  assert.ok(Math.abs(chart.actualEnd - chart.today) < 3, `the actual bar ends today: ${JSON.stringify(chart)}`);
  const row = page.locator('tr.action-row').filter({ has: page.locator('th', { hasText: 'Pe30' }) });
  assert.match(await row.innerText(), new RegExp(`${shown(plusDays(today, -200))}\\s+${shown(plusDays(today, -30))}[\\s\\S]*En cours\\s+⚠ oui`));

  // "Late only", as in the tree: one row in the chart and in the table, kept in the URL.
  await page.getByLabel('En retard seulement').check();
  await page.waitForFunction(() => document.querySelectorAll('svg.gantt-chart g.gantt-row').length === 1);
  assert.deepEqual((await chartRows(page)).map((r) => r.code), ['Pe30']);
  assert.equal(await page.locator('tr.action-row:not([hidden])').count(), 1);
  assert.match(page.url(), /late=1/);
  assert.match(await page.locator('.filter-count').innerText(), /^Actions : 1$/);
  await page.getByLabel('En retard seulement').uncheck();
  await page.getByLabel('Rechercher').fill('Pe31');
  await page.waitForFunction(() => document.querySelectorAll('svg.gantt-chart g.gantt-row').length === 1);
  assert.deepEqual((await chartRows(page)).map((r) => r.code), ['Pe31']);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'timeline-late-filtered');

  // Printed: A4 landscape, without the header and the filters, the chart within the page.
  await page.getByLabel('Rechercher').fill('');
  await page.waitForFunction(() => document.querySelectorAll('svg.gantt-chart g.gantt-row').length > 1);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header.site-header').isVisible(), false);
  assert.equal(await page.locator('.filter-bar').isVisible(), false);
  const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
  const [, width, height] = pdf.match(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/);
  assert.ok(Math.abs(width - 841.9) < 2 && Math.abs(height - 595.3) < 2, `A4 landscape: ${width} × ${height} pt`);
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(page.errors, []);

  await edit('Pe30', { status: 'non_commence', planned_start: null, planned_end: null });
  await edit('Pe31', { status: 'non_commence', planned_start: null, planned_end: null });
});

test('the steps of an action fold and unfold from the keyboard, in the table and the chart', async () => {
  let tree = (await call(dg, 'GET', `/api/v1/plans/${planA.id}`)).body;
  if (actionOf(tree, 'Pe18').sub_actions.length === 0) {
    for (const title of ['Réserver la salle', 'Animer les ateliers']) {
      const added = await call(dg, 'POST', `/api/v1/actions/${actionOf(tree, 'Pe18').id}/sub-actions`, { title });
      assert.equal(added.status, 201, JSON.stringify(added.body));
    }
    tree = (await call(dg, 'GET', `/api/v1/plans/${planA.id}`)).body;
  }
  const steps = actionOf(tree, 'Pe18').sub_actions.map((s) => s.code);

  const { page } = await openTimeline('dg@cpas-a.example', planA);
  const fold = page.getByRole('button', { name: new RegExp(`Sous-actions \\(${steps.length}\\) Pe18`) });
  assert.equal(await fold.getAttribute('aria-expanded'), 'false');
  const stepRows = page.locator('tr.sub-action-row:not([hidden])');
  assert.equal(await stepRows.count(), 0);

  // To the button with the keyboard (it follows Pe18's link), then Enter.
  await page.getByRole('link', { name: actionOf(tree, 'Pe18').title, exact: true }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await fold.evaluate((button) => button === document.activeElement), true);
  await page.keyboard.press('Enter');

  await page.waitForFunction(() => document.querySelectorAll('svg.gantt-chart g.gantt-row.sub-action').length > 0);
  assert.equal(await fold.getAttribute('aria-expanded'), 'true');
  assert.deepEqual((await stepRows.locator('th .code').allInnerTexts()).map((c) => c.trim()), steps);
  const codes = (await chartRows(page)).map((r) => r.code);
  const at = codes.indexOf('Pe18');
  assert.deepEqual(codes.slice(at + 1, at + 1 + steps.length), steps, 'the steps right below their action');
  assert.equal(codes.length, planA.action_count + steps.length);
  assert.equal(await fold.evaluate((button) => button === document.activeElement), true, 'the focus stays');
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'timeline-unfolded');

  // Space folds them again.
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelectorAll('svg.gantt-chart g.gantt-row.sub-action').length === 0);
  assert.equal(await fold.getAttribute('aria-expanded'), 'false');
  assert.equal(await stepRows.count(), 0);
  assert.deepEqual(page.errors, []);
});

test('on a 360 px phone the chart scrolls in its box and the page does not', async () => {
  const { page } = await openTimeline('dg@cpas-a.example', planA);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.reload();
  await page.locator('svg.gantt-chart g.gantt-row').first().waitFor();
  const { scrollWidth, innerWidth, box } = await page.evaluate(() => {
    const scroller = document.querySelector('.gantt-scroll');
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      box: { scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth },
    };
  });
  assert.ok(scrollWidth <= innerWidth, `${scrollWidth} px wide on a ${innerWidth} px screen`);
  assert.ok(box.scrollWidth > box.clientWidth, `the chart scrolls inside its box: ${JSON.stringify(box)}`);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'timeline-phone');
  assert.deepEqual(page.errors, []);
});
