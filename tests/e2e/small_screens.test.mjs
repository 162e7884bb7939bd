// Every route on a 360 × 740 phone, in French, Dutch and English: nothing scrolls sideways
// (wide tables scroll inside their own box), the header stays compact, and axe-core finds
// no WCAG 2.1 AA violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, PASSWORD, launch, screenshot, accessibilityViolations } from './support.mjs';

const PHONE = { width: 360, height: 740 };
/// The header's height on a phone: the brand, the menu button and the language on one row.
const MAX_HEADER_HEIGHT = 64;

let browser;
let plan;
let action;
before(async () => {
  browser = await launch();
  const { access_token: dg } = await login('dg@cpas-a.example');
  const auth = { headers: { authorization: `Bearer ${dg}` } };
  const plans = await (await fetch(`${BASE_URL}/api/v1/plans`, auth)).json();
  plan = plans.find((p) => p.tenant.slug === 'cpas-a');
  // The partner's action: the widest action page (the proposal form, indicators, budget).
  const found = await (await fetch(`${BASE_URL}/api/v1/actions?q=Pe13`, auth)).json();
  action = found.items.find((a) => a.code === 'Pe13');
  const published = await fetch(`${BASE_URL}/api/v1/plans/${plan.id}/publish`, { method: 'POST', ...auth });
  assert.equal(published.status, 204);
  // Its widest tables: an indicator and a budget line with long names and large figures.
  const post = (path, body) => fetch(`${BASE_URL}/api/v1/actions/${action.id}/${path}`, {
    method: 'POST',
    headers: { ...auth.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const indicator = await post('indicators', {
    name: 'Bénéficiaires accompagnés vers une formation qualifiante', unit: 'personnes',
    baseline: 1250, target: 987654.25, year: 2026,
  });
  assert.equal(indicator.status, 201);
  const line = await post('budget-lines', {
    year: 2026, service: 'ordinaire', direction: 'depense', article: '84401/124-48', planned_cents: 123456789012,
  });
  assert.equal(line.status, 201);
});
after(async () => {
  const { access_token: dg } = await login('dg@cpas-a.example');
  await fetch(`${BASE_URL}/api/v1/plans/${plan.id}/unpublish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${dg}` },
  });
  await browser?.close();
});

async function login(email) {
  const response = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  assert.equal(response.status, 200, `login of ${email}`);
  return response.json();
}

/// A phone in the given language, signed in as `email` (the app resumes the session from the
/// refresh token it keeps in the tab, as after a reload), or anonymous.
async function phone(locale, email) {
  // Not `isMobile`: a mobile viewport widens itself to fit what overflows, and would hide
  // the very overflow this test looks for.
  const context = await browser.newContext({ locale, viewport: PHONE });
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return ['127.0.0.1', 'localhost'].includes(host) ? route.continue() : route.abort();
  });
  const language = locale.slice(0, 2);
  const refresh = email ? (await login(email)).refresh_token : null;
  await context.addInitScript(
    ([language, refresh]) => {
      localStorage.setItem('pst.locale', language);
      if (refresh && !sessionStorage.getItem('pst.refresh')) sessionStorage.setItem('pst.refresh', refresh);
    },
    [language, refresh],
  );
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error));
  return page;
}

/// Opens `path`, waits for `ready`, and checks width, header and accessibility.
async function check(page, path, ready, name) {
  await page.goto(`${BASE_URL}${path}`);
  await page.locator(ready).first().waitFor();
  // Lazy images, fonts and late sections settle before measuring.
  await page.waitForLoadState('networkidle');
  const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
    const innerWidth = window.innerWidth;
    // The element that sticks out furthest, to make a failure say where.
    let widest = null;
    for (const element of document.querySelectorAll('body *')) {
      const right = element.getBoundingClientRect().right;
      if (right > innerWidth + 0.5 && (!widest || right > widest.right)) {
        widest = { right, tag: element.tagName.toLowerCase(), class: element.className?.toString() ?? '' };
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, widest };
  });
  assert.equal(innerWidth, PHONE.width);
  assert.ok(
    scrollWidth <= innerWidth,
    `${path}: the page is ${scrollWidth} px wide on a ${innerWidth} px screen (widest: ${JSON.stringify(widest)})`,
  );
  const header = page.locator('header.site-header');
  if (await header.count()) {
    const height = (await header.boundingBox()).height;
    assert.ok(height <= MAX_HEADER_HEIGHT, `${path}: the header is ${height} px high`);
  }
  assert.deepEqual(await accessibilityViolations(page), [], `${path}: axe-core`);
  assert.deepEqual(page.errors, [], `${path}: page errors`);
  await screenshot(page, `phone-${name}`);
}

for (const locale of ['fr-BE', 'nl-BE', 'en-GB']) {
  const language = locale.slice(0, 2);

  test(`[${language}] the login page and the public page fit a phone`, async () => {
    const page = await phone(locale, null);
    await check(page, '/connexion', 'form', `${language}-login`);
    await check(page, `/public/cpas-a/${plan.id}`, 'h1', `${language}-public`);
    // An e-mail's unsubscribe link, here one the server did not sign.
    await check(page, '/desabonnement/bm90LXNpZ25lZA.Zm9yZ2Vk', '.unsubscribe-refused', `${language}-unsubscribe`);
    await page.context().close();
  });

  test(`[${language}] a partner's pages fit a phone`, async () => {
    const page = await phone(locale, 'defits@cpas-a.example');
    await check(page, '/', '.plan-list', `${language}-partner-home`);
    await check(page, `/plans/${plan.id}`, 'li.action', `${language}-partner-tree`);
    await check(page, `/plans/${plan.id}/calendrier`, 'svg.gantt-chart', `${language}-partner-timeline`);
    await check(page, `/actions/${action.id}`, 'form.propose-form', `${language}-partner-action`);
    await check(page, '/mes-propositions', 'main h1', `${language}-my-proposals`);
    await check(page, '/mes-taches', 'main h1', `${language}-my-tasks`);
    await page.context().close();
  });

  test(`[${language}] the managers' and administrators' pages fit a phone`, async () => {
    const page = await phone(locale, 'dg@cpas-a.example');
    await check(page, `/plans/${plan.id}/tableau-de-bord`, '.big-figures', `${language}-dashboard`);
    await check(page, `/plans/${plan.id}/taches`, 'main h1', `${language}-plan-tasks`);
    await check(page, '/approbations', 'main h1', `${language}-approvals`);
    // Ready once the managers' tools are drawn, the last of them the projections' editor.
    await check(page, `/actions/${action.id}`, '#projections-editor-title', `${language}-dg-action`);
    // The CPAS's identity for the Region, as its DG reads it.
    await check(page, '/administration', 'section[aria-labelledby="identity-title"] dl', `${language}-administration`);
    // The plan's documents with the eComptes year picker (a lazy chunk).
    await check(page, `/plans/${plan.id}`, '.ecomptes select', `${language}-dg-tree`);
    await check(page, `/plans/${plan.id}/ecomptes`, '#ecomptes-file', `${language}-ecomptes`);
    await page.locator('section[aria-labelledby="reconciliation-title"]').waitFor();
    await check(page, '/administration/utilisateurs', 'table', `${language}-users`);
    await check(page, '/administration/organisations', 'table', `${language}-organisations`);
    await check(page, `/plans/${plan.id}/structure`, '.structure', `${language}-structure`);
    // With the notification choices, read from the server.
    await check(page, '/mon-compte', '.sessions', `${language}-account`);
    await page.locator('#notify-tasks:enabled').waitFor();
    await check(page, `/plans/${plan.id}/evaluations`, 'main h1', `${language}-evaluations`);
    await check(page, `/plans/${plan.id}/versions`, 'main h1', `${language}-versions`);
    await check(page, `/plans/${plan.id}/periodes`, 'main h1', `${language}-periods`);
    await page.context().close();
  });

  test(`[${language}] a confirmation dialog fits a phone and is accessible`, async () => {
    const page = await phone(locale, 'dg@cpas-a.example');
    await check(page, '/administration/utilisateurs', 'table', `${language}-users-before-dialog`);
    // The "new password" button of the first account: it asks in a dialog before acting.
    await page.locator('table button.secondary').first().click();
    await page.getByRole('dialog').waitFor();
    const box = await page.getByRole('dialog').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `the dialog is within the screen: ${JSON.stringify(box)}`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    assert.deepEqual(await accessibilityViolations(page), [], 'axe-core with the dialog open');
    await screenshot(page, `phone-${language}-dialog`);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.context().close();
  });
}

test('on a phone the menu opens from one button and closes on navigation', async () => {
  const page = await phone('fr-BE', 'dg@cpas-a.example');
  await page.goto(`${BASE_URL}/`);
  const toggle = page.getByRole('button', { name: 'Menu' });
  await toggle.waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByRole('link', { name: /Approbations/ }).isVisible(), false);

  await toggle.click();

  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await page.getByRole('link', { name: /Approbations/ }).click();
  await page.waitForURL('**/approbations');
  await page.getByRole('heading', { name: 'Propositions à approuver' }).waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'the menu closes on navigation');
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.context().close();
});
