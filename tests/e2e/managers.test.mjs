// The managers' screens (issue 14.3): the DG edits an action directly, and settles a
// conflict; defines an indicator and a budget line a partner then reports on; picks the
// report's period (on the evaluations page); freezes an evaluation; compares two versions of the plan.
// CPAS A's actions used here (Me21, Me22, Pe13, Pe25) are used by no other browser test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let dg;
let plan;
before(async () => {
  browser = await launch();
  dg = await apiToken('dg@cpas-a.example');
  plan = (await call(dg, 'GET', '/api/v1/plans'))[0];
});
after(async () => { await browser?.close(); });

async function call(token, method, path, body, headers = {}) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function action(code) {
  const found = await call(dg, 'GET', `/api/v1/actions?q=${code}`);
  return found.items.find((a) => a.code === code);
}

async function openAction(page, email, code) {
  const { id } = await action(code);
  await page.goto(`${BASE_URL}/actions/${id}`);
  await signIn(page, email);
  await page.getByRole('heading', { name: new RegExp(code) }).waitFor();
  return id;
}

test('the DG edits an action directly, with the app’s own messages', async () => {
  const page = await newPage(browser);
  await openAction(page, 'dg@cpas-a.example', 'Me21');
  const editor = page.locator('section.direct-edit');
  await editor.waitFor();

  await editor.getByLabel('Avancement (%)').fill('150');
  await editor.getByRole('button', { name: 'Enregistrer les modifications de l’action' }).click();
  await page.locator('#edit-progress-error').filter({ hasText: 'Un nombre entier entre 0 et 100.' }).waitFor();
  assert.equal(await editor.getByLabel('Avancement (%)').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await accessibilityViolations(page), []);

  await editor.getByLabel('Statut').selectOption('en_cours');
  await editor.getByLabel('Avancement (%)').fill('60');
  await editor.getByLabel('Note pour le journal').fill('Comité de suivi du 3 mars.');
  await editor.getByRole('button', { name: 'Enregistrer les modifications de l’action' }).click();

  await page.getByText('L’action est mise à jour.').waitFor();
  assert.equal((await page.locator('.action-status .progress-figure').first().innerText()).replace(/\s/g, ''), '60%');
  await page.locator('.history-entry').first().waitFor();
  assert.match(await page.locator('.history-entry').first().innerText(), /Avancement \(%\) : .* → 60 %/);
  assert.match(await page.locator('.journal').innerText(), /Comité de suivi du 3 mars\./);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'managers-1-direct-edit');
  assert.deepEqual(page.errors, []);
});

test('a conflict shows both versions and “keep mine” wins', async () => {
  const page = await newPage(browser);
  const id = await openAction(page, 'dg@cpas-a.example', 'Me22');
  const editor = page.locator('section.direct-edit');
  await editor.getByLabel('Avancement (%)').fill('70');

  // The president changes the action between the DG's load and save.
  const president = await apiToken('president@cpas-a.example');
  const current = await call(president, 'GET', `/api/v1/actions/${id}`);
  await call(president, 'PATCH', `/api/v1/actions/${id}`, { changes: { progress: 30 } },
    { 'if-match': `"${current.action.version}"` });

  await editor.getByRole('button', { name: 'Enregistrer les modifications de l’action' }).click();
  const conflict = page.locator('.edit-conflict');
  await conflict.getByRole('heading', { name: 'L’action a changé entre-temps' }).waitFor();
  const row = conflict.locator('tbody tr').filter({ hasText: 'Avancement (%)' });
  assert.deepEqual((await row.locator('td').allInnerTexts()).map((t) => t.trim()), ['70 %', '30 %']);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'managers-2-conflict');

  await conflict.getByRole('button', { name: 'Garder ma version' }).click();
  await page.getByText('L’action est mise à jour.').waitFor();
  assert.equal((await call(dg, 'GET', `/api/v1/actions/${id}`)).action.progress, 70);
  assert.equal((await page.locator('.action-status .progress-figure').first().innerText()).replace(/\s/g, ''), '70%');
  assert.deepEqual(page.errors, []);
});

test('the DG defines an indicator and a budget line, DEFITS reports on them, it is approved, the indicator is archived', async () => {
  const page = await newPage(browser);
  const id = await openAction(page, 'dg@cpas-a.example', 'Pe13');

  await page.getByRole('button', { name: 'Ajouter un indicateur' }).click();
  await page.getByLabel('Indicateur', { exact: true }).fill('Personnes accompagnées');
  await page.getByLabel('Unité').fill('personnes');
  await page.getByLabel('Année', { exact: true }).fill('1800');
  await page.getByLabel('Valeur de départ').fill('10');
  await page.getByLabel('Cible').fill('40');
  await page.getByRole('button', { name: 'Enregistrer l’indicateur' }).click();
  await page.locator('#indicator-year-error').filter({ hasText: 'Une année de 1990 à 2200.' }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.getByLabel('Année', { exact: true }).fill('2026');
  await page.getByRole('button', { name: 'Enregistrer l’indicateur' }).click();
  await page.getByText('Indicateur enregistré.').waitFor();
  assert.match(await page.locator('section[aria-labelledby="indicators-title"]').innerText(), /Personnes accompagnées/);

  await page.getByRole('button', { name: 'Ajouter une ligne budgétaire' }).click();
  await page.getByLabel('Année', { exact: true }).fill('2026');
  await page.getByLabel('Article').fill('84010/124-02');
  await page.getByLabel('Libellé', { exact: true }).fill('Formation des bénévoles');
  await page.getByLabel('Montant prévu (€)').fill('2 500,00');
  await page.getByRole('button', { name: 'Enregistrer la ligne budgétaire' }).click();
  await page.getByText('Ligne budgétaire enregistrée.').waitFor();
  assert.match(await page.locator('section[aria-labelledby="budget-title"]').innerText(), /84010\/124-02/);
  assert.ok(await page.getByRole('button', { name: /^Modifier — Formation des bénévoles — 2026 Ordinaire Dépense 84010\/124-02$/ }).isVisible());
  assert.deepEqual(await accessibilityViolations(page), []);

  // A multi-year projection: refused without an amount, then saved and shown in the records.
  await page.getByRole('button', { name: 'Ajouter une projection' }).click();
  await page.getByLabel('Groupe économique').fill('Dépenses de personnel');
  await page.getByLabel('Premier exercice').fill('2026');
  await page.getByRole('button', { name: 'Enregistrer la projection' }).click();
  await page.locator('#projection-years-error').filter({ hasText: 'Indiquez au moins un montant.' }).waitFor();
  await page.getByLabel('Montant 2026 (€)').fill('24 000');
  await page.getByLabel('Montant 2027 (€)').fill('24 500,50');
  await page.getByRole('button', { name: 'Enregistrer la projection' }).click();
  await page.getByText('Projection enregistrée.').waitFor();
  const projections = page.locator('section[aria-labelledby="projections-title"]');
  await projections.waitFor();
  assert.match(await projections.innerText(), /Dépenses de personnel/);
  assert.match(await projections.innerText(), /2027\s*24\s?500,50\s€/);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'managers-3-measures-defined');

  const partner = await newPage(browser);
  await partner.goto(`${BASE_URL}/actions/${id}`);
  await signIn(partner, 'defits@cpas-a.example');
  await partner.getByLabel(/Personnes accompagnées/).fill('12');
  await partner.getByLabel('Mesurée le').fill('2026-03-31');
  await partner.getByLabel(/Dépensé \(€\) — Formation des bénévoles — 2026/).fill('300');
  await partner.getByLabel(/Engagé \(€\) — Formation des bénévoles — 2026/).fill('800');
  await partner.getByRole('button', { name: 'Envoyer la proposition' }).click();
  await partner.getByText('Votre proposition est envoyée').waitFor();

  const president = await apiToken('president@cpas-a.example');
  const pending = await call(president, 'GET', `/api/v1/change-requests?status=pending&action_id=${id}`);
  assert.equal(pending.length, 1);
  await call(president, 'POST', `/api/v1/change-requests/${pending[0].id}/approve`, {});
  const detail = await call(dg, 'GET', `/api/v1/actions/${id}`);
  assert.equal(detail.indicators.find((i) => i.name === 'Personnes accompagnées').current_value, 12);
  assert.equal(detail.budget_lines.find((b) => b.article === '84010/124-02').spent_cents, 30000);
  assert.equal(detail.budget_lines.find((b) => b.article === '84010/124-02').engaged_cents, 80000);
  assert.equal(detail.budget_lines.find((b) => b.article === '84010/124-02').label, 'Formation des bénévoles');
  assert.equal(detail.budget_lines.find((b) => b.article === '84010/124-02').planned_cents, 250000);

  // The DG stops following the indicator: archived after a second step, the history keeps its value.
  await page.reload();
  await page.getByRole('button', { name: 'Archiver — Personnes accompagnées' }).click();
  const confirm = page.getByRole('button', { name: 'Confirmer l’archivage — Personnes accompagnées' });
  await confirm.waitFor();
  // The app moves the focus in the frame after it draws the button: wait for that frame.
  await page.waitForFunction(() => document.activeElement?.id === 'indicator-confirm-archive', null, { timeout: 5000 });
  assert.deepEqual(await accessibilityViolations(page), []);
  await confirm.click();
  await page.getByText('Indicateur archivé.').waitFor();
  assert.doesNotMatch(await page.locator('section[aria-labelledby="indicators-title"]').innerText(), /Personnes accompagnées/);
  assert.match(await page.locator('.timeline').innerText(), /Indicateur : .* → 12 \(31\/03\/2026\)/);
  assert.match(await page.locator('.timeline').innerText(), /Ligne budgétaire — engagé : 0,00\s€ → 800,00\s€/);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(partner.errors, []);
});

test('the report period picker sets the downloaded report’s period', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/plans/${plan.id}/evaluations`);
  await signIn(page, 'president@cpas-a.example');
  const section = page.locator('section[aria-labelledby="report-title"]');
  await section.waitFor();

  await section.getByLabel('Du', { exact: true }).fill('2026-07-01');
  await section.getByLabel('Au', { exact: true }).fill('2026-06-30');
  await section.getByRole('button', { name: 'Rapport d’évaluation (à imprimer)' }).click();
  await page.locator('#report-until-error').filter({ hasText: 'La fin de la période précède son début.' }).waitFor();
  assert.equal(await section.getByLabel('Au', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await accessibilityViolations(page), []);

  await section.getByLabel('Du', { exact: true }).fill('2026-01-01');
  const answer = page.waitForResponse((r) => r.url().includes('/report?'));
  await section.getByRole('button', { name: 'Rapport d’évaluation (à imprimer)' }).click();
  const response = await answer;
  assert.match(response.url(), /since=2026-01-01&until=2026-06-30/);
  assert.match(response.url(), /[?&]lang=fr(&|$)/, 'the app asks for its own language');
  assert.equal(response.status(), 200);
  assert.match(await response.text(), /période du 01\/01\/2026 au 30\/06\/2026/);
  assert.deepEqual(page.errors, []);
});

test('the DG freezes the mid-term evaluation after an explicit confirmation', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/plans/${plan.id}`);
  await signIn(page, 'dg@cpas-a.example');
  await page.getByRole('link', { name: 'Évaluations', exact: true }).click();
  await page.getByRole('heading', { name: 'Évaluations', level: 1 }).waitFor();
  await page.getByText('Aucune évaluation figée pour le moment.').waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);

  await page.getByLabel('Évaluation', { exact: true }).selectOption('mid_term');
  await page.getByLabel('Chiffres au').fill('2026-06-30');
  await page.getByRole('button', { name: 'Figer l’évaluation…' }).click();
  const confirm = page.getByRole('button', { name: 'Confirmer : figer l’évaluation — Évaluation à mi-parcours' });
  await confirm.waitFor();
  assert.match(await page.locator('.confirm').innerText(), /30\/06\/2026/);
  // The app moves the focus in the frame after it draws the button: wait for that frame.
  await page.waitForFunction(() => document.activeElement?.id === 'freeze-confirm', null, { timeout: 5000 });
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'managers-4-freeze-confirm');
  await confirm.click();

  await page.getByText('L’évaluation est figée.').waitFor();
  const row = page.locator('table.data tbody tr').filter({ hasText: 'Évaluation à mi-parcours' });
  await row.waitFor();
  assert.match(await row.innerText(), /30\/06\/2026/);
  const frozen = await call(dg, 'GET', `/api/v1/plans/${plan.id}/evaluations`);
  assert.deepEqual(frozen.map((e) => [e.kind, e.as_of]), [['mid_term', '2026-06-30']]);
  assert.deepEqual(await accessibilityViolations(page), []);
  assert.deepEqual(page.errors, []);
});

test('the date a council form proposes is today where the person is, not in UTC', async () => {
  const page = await newPage(browser, { timezoneId: 'Europe/Brussels' });
  // 23:30 UTC on 15 March is already 16 March, 00:30, in Brussels.
  await page.clock.setFixedTime(new Date('2026-03-15T23:30:00Z'));
  await page.goto(`${BASE_URL}/plans/${plan.id}`);
  await signIn(page, 'dg@cpas-a.example');
  await page.getByRole('link', { name: 'Versions et comparaison' }).click();
  assert.equal(await page.getByLabel('Date de la délibération').inputValue(), '2026-03-16');
  assert.deepEqual(page.errors, []);
});

test('the DG freezes version 1, the plan changes, and two versions compare per objective', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/plans/${plan.id}`);
  await signIn(page, 'dg@cpas-a.example');
  await page.getByRole('link', { name: 'Versions et comparaison' }).click();
  await page.getByText('Aucune version adoptée enregistrée.').waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);

  await page.getByLabel('Date de la délibération').fill('2026-01-15');
  await page.getByLabel('Référence de la délibération').fill('CAS 2026/001');
  await page.getByRole('button', { name: 'Figer la version adoptée' }).click();
  await page.getByText('Version figée : 1').waitFor();
  await page.locator('table.data tbody tr').filter({ hasText: 'CAS 2026/001' }).waitFor();

  // Between the two versions: Pe25 moves on, the council re-adopts the plan.
  const pe25 = (await call(dg, 'GET', `/api/v1/actions/${(await action('Pe25')).id}`)).action;
  await call(dg, 'PATCH', `/api/v1/actions/${pe25.id}`, { changes: { status: 'en_cours', progress: 35 } },
    { 'if-match': `"${pe25.version}"` });
  await call(dg, 'POST', `/api/v1/plans/${plan.id}/versions`, { adopted_on: '2026-09-10', deliberation: 'CAS 2026/090' });
  await page.reload();
  await page.locator('table.data tbody tr').filter({ hasText: 'CAS 2026/090' }).waitFor();

  await page.getByLabel('De', { exact: true }).selectOption('version:1');
  await page.getByLabel('À', { exact: true }).selectOption('version:2');
  await page.getByRole('button', { name: 'Comparer', exact: true }).click();
  await page.getByRole('heading', { name: /Version 1 .* → Version 2/ }).waitFor();
  const objective = page.getByRole('region', { name: /^OOe5 — / });
  const changed = objective.locator('#compared-Pe25');
  assert.match(await changed.innerText(), /modifiée/);
  assert.match(await changed.innerText(), /Statut : Non commencé → En cours/);
  assert.match(await changed.innerText(), /Avancement \(%\) : 0 % → 35 %/);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'managers-5-comparison');
  assert.deepEqual(page.errors, []);
});

test('a partner sees no manager tools, and the evaluations page tells them it is for the management', async () => {
  const page = await newPage(browser);
  await openAction(page, 'defits@cpas-a.example', 'Pe13');
  await page.getByRole('button', { name: 'Envoyer la proposition' }).waitFor();
  assert.equal(await page.locator('section.direct-edit').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Ajouter un indicateur' }).count(), 0);

  await page.goto(`${BASE_URL}/plans/${plan.id}/evaluations`);
  await page.getByRole('alert').filter({ hasText: /réservée à la présidence/ }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Figer l’évaluation…' }).count(), 0);
});
