// Responsibles and derived dates (issue 16.4 and 16.5): the DG names DEFITS's account the
// responsible of Pe41 in the structure editor; signed in, that person ticks "Ce dont je suis
// responsable" and sees Pe41 alone. OOe10's dates follow its actions' ("calculé d'après les
// actions") until the DG gives it an end of its own. The DG links the mandataire's account
// (the eComptes file's Mandataire) on OOe10 and on Pe41. Axe, and a 360 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let planId;
let pe41;

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
  const dg = await apiToken('dg@cpas-a.example');
  const found = async (code) =>
    (await call(dg, 'GET', `/api/v1/actions?q=${code}`)).body.items.find((a) => a.code === code);
  const pe40 = await found('Pe40');
  pe41 = (await found('Pe41')).id;
  planId = pe40.plan_id;
  // Pe40 gets dates (ahead: not late); OOe10 has no dates of its own.
  const version = (await call(dg, 'GET', `/api/v1/actions/${pe40.id}`)).body.action.version;
  const edited = await call(dg, 'PATCH', `/api/v1/actions/${pe40.id}`, {
    version, changes: { planned_start: '2026-09-01', planned_end: '2027-06-30' },
  });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
});
after(async () => { await browser?.close(); });

const visibleCodes = (page) => page.locator('li.action:not([hidden]) .code').allInnerTexts();

test('the DG names a responsible; that person finds it under "Ce dont je suis responsable"', async () => {
  // The DG, in the structure editor: Pe41's responsible.
  const manager = await newPage(browser);
  await manager.goto(`${BASE_URL}/plans/${planId}/structure`);
  await signIn(manager, 'dg@cpas-a.example');
  const row = manager.locator('li.structure-action').filter({ has: manager.locator('summary', { hasText: /^Modifier Pe41$/ }) });
  await row.locator('summary').click();
  const select = row.getByLabel('Responsable au CPAS');
  await select.locator('option', { hasText: 'DEFITS (CPAS A)' }).waitFor({ state: 'attached' });
  await select.selectOption({ label: 'DEFITS (CPAS A)' });
  await row.getByLabel('Fonction du mandataire').fill('Échevin de l’insertion');
  await row.getByRole('button', { name: 'Enregistrer' }).click();
  await manager.locator('.sr-status').filter({ hasText: 'Modification enregistrée.' }).waitFor({ state: 'attached' });
  assert.deepEqual(await accessibilityViolations(manager), []);
  await screenshot(manager, 'responsibles-1-dg-names');

  // On the action's page, for everyone.
  const action = (await call(await apiToken('dg@cpas-a.example'), 'GET', `/api/v1/actions/${pe41}`)).body.action;
  assert.equal(action.responsible?.display_name, 'DEFITS (CPAS A)');

  // The person named: the filter keeps Pe41 alone, and says so in the URL.
  const person = await newPage(browser);
  await person.goto(`${BASE_URL}/plans/${planId}`);
  await signIn(person, 'defits@cpas-a.example');
  await person.locator('li.action').first().waitFor();
  await person.getByLabel('Ce dont je suis responsable').check();
  await person.waitForFunction(() => document.querySelectorAll('li.action:not([hidden])').length === 1);
  assert.deepEqual(await visibleCodes(person), ['Pe41']);
  assert.match(person.url(), /responsible=1/);
  assert.match(await person.locator('.filter-count').innerText(), /^Actions : 1$/);
  assert.equal(await person.locator('#objectif-OSe1').isHidden(), true);
  assert.deepEqual(await accessibilityViolations(person), []);
  await screenshot(person, 'responsibles-2-mine');

  await person.goto(`${BASE_URL}/actions/${pe41}`);
  const fields = person.locator('dl.fields');
  await fields.waitFor();
  assert.match(await fields.innerText(), /Responsable au CPAS\s*DEFITS \(CPAS A\)/);
  assert.match(await fields.innerText(), /Fonction du mandataire\s*Échevin de l’insertion/);
  assert.deepEqual([...manager.errors, ...person.errors], []);
});

test('an OO\'s dates follow its actions, marked as derived, until the DG sets them', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/plans/${planId}`);
  await signIn(page, 'social@cpas-a.example');
  const oo = page.locator('#objectif-OOe10 > .objective-facts');
  await oo.waitFor();
  assert.match(await oo.innerText(), /Début : 01\/09\/2026 \(calculé d’après les actions\)/);
  assert.match(await oo.innerText(), /Fin : 30\/06\/2027 \(calculé d’après les actions\)/);
  // The OS follows its OO's.
  assert.match(await page.locator('#objectif-OSe3 > .objective-facts').innerText(),
    /Début : 01\/09\/2026 \(calculé d’après les objectifs opérationnels\)/);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'responsibles-3-derived-dates');

  // The DG gives OOe10 an end of its own, and its mandataire.
  const manager = await newPage(browser);
  await manager.goto(`${BASE_URL}/plans/${planId}/structure`);
  await signIn(manager, 'dg@cpas-a.example');
  const editor = manager.locator('details').filter({ has: manager.locator('summary', { hasText: /^Modifier OOe10$/ }) });
  await editor.locator('summary').click();
  await editor.getByLabel('Fin', { exact: true }).fill('2027-12-31');
  await editor.getByLabel('Mandataire', { exact: true }).fill('Marie Dupont');
  await editor.getByLabel('Fonction du mandataire').fill('Présidente du CPAS');
  await editor.getByRole('button', { name: 'Enregistrer' }).click();
  await manager.locator('.sr-status').filter({ hasText: 'Modification enregistrée.' }).waitFor({ state: 'attached' });

  await page.reload();
  await oo.waitFor();
  const text = await oo.innerText();
  assert.match(text, /Mandataire : Marie Dupont \(Présidente du CPAS\)/);
  assert.match(text, /Début : 01\/09\/2026 \(calculé d’après les actions\)/);
  assert.match(text, /Fin : 31\/12\/2027(?! \(calculé)/);

  // On a 360 px phone, with the filter bar's new box: nothing scrolls sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${BASE_URL}/plans/${planId}?responsible=1`);
  await oo.waitFor({ state: 'attached' });
  await page.locator('.filter-bar').waitFor();
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${scrollWidth} px wide on a ${innerWidth} px screen`);
  await page.goto(`${BASE_URL}/plans/${planId}`);
  await oo.waitFor();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `the tree is ${wide} px wide on a 360 px screen`);
  await screenshot(page, 'responsibles-4-phone');
  assert.deepEqual([...page.errors, ...manager.errors], []);
});

test('on a step\'s page, the DG names its responsible', async () => {
  const dg = await apiToken('dg@cpas-a.example');
  const created = await call(dg, 'POST', `/api/v1/actions/${pe41}/sub-actions`, { title: 'Organiser une animation' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const step = created.body.action.id;

  const manager = await newPage(browser);
  await manager.goto(`${BASE_URL}/actions/${step}`);
  await signIn(manager, 'dg@cpas-a.example');
  const form = manager.locator('section').filter({ has: manager.getByRole('heading', { name: 'Responsables', exact: true }) });
  const select = form.getByLabel('Responsable au CPAS');
  await select.locator('option', { hasText: 'Service social (CPAS A)' }).waitFor({ state: 'attached' });
  await select.selectOption({ label: 'Service social (CPAS A)' });
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await manager.locator('dl.fields').filter({ hasText: /Responsable au CPAS\s*Service social \(CPAS A\)/ }).waitFor();
  assert.deepEqual(await accessibilityViolations(manager), []);
  await screenshot(manager, 'responsibles-5-step');

  const tree = (await call(dg, 'GET', `/api/v1/plans/${planId}`)).body;
  const found = tree.objectives.flatMap((os) => os.operational_objectives).flatMap((oo) => oo.actions)
    .find((a) => a.id === pe41).sub_actions.find((s) => s.id === step);
  assert.equal(found.responsible?.display_name, 'Service social (CPAS A)');
  assert.deepEqual(manager.errors, []);
});

test('the DG links the mandataire\'s account, for the eComptes file, on an OO and on an action', async () => {
  const manager = await newPage(browser);
  await manager.goto(`${BASE_URL}/plans/${planId}/structure`);
  await signIn(manager, 'dg@cpas-a.example');
  const editor = manager.locator('details').filter({ has: manager.locator('summary', { hasText: /^Modifier OOe10$/ }) });
  await editor.locator('summary').click();
  const select = editor.getByLabel('Compte du mandataire (eComptes)');
  await select.locator('option', { hasText: 'Présidence (CPAS A)' }).waitFor({ state: 'attached' });
  await select.selectOption({ label: 'Présidence (CPAS A)' });
  await editor.getByRole('button', { name: 'Enregistrer' }).click();
  await manager.locator('.sr-status').filter({ hasText: 'Modification enregistrée.' }).waitFor({ state: 'attached' });

  // On Pe41's page, in the managers' tools, with what the link is for.
  await manager.goto(`${BASE_URL}/actions/${pe41}`);
  const form = manager.locator('section').filter({ has: manager.getByRole('heading', { name: 'Responsables', exact: true }) });
  const account = form.getByLabel('Compte du mandataire (eComptes)');
  await account.locator('option', { hasText: 'Présidence (CPAS A)' }).waitFor({ state: 'attached' });
  assert.match(await form.locator('#responsibles-political-lead-account-hint').innerText(), /Mon compte/);
  await account.selectOption({ label: 'Présidence (CPAS A)' });
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await manager.locator('#responsibles-message').filter({ hasText: 'Modification enregistrée.' }).waitFor();
  // Kept: the form shows it once the page is read again.
  await manager.reload();
  const kept = manager.locator('#responsibles-political-lead-account option:checked');
  await kept.filter({ hasText: 'Présidence (CPAS A)' }).waitFor({ state: 'attached' });
  assert.deepEqual(await accessibilityViolations(manager), []);
  await screenshot(manager, 'responsibles-6-mandataire-account');

  const dg = await apiToken('dg@cpas-a.example');
  const tree = (await call(dg, 'GET', `/api/v1/plans/${planId}`)).body;
  const oo = tree.objectives.flatMap((os) => os.operational_objectives).find((o) => o.code === 'OOe10');
  assert.equal(oo.political_lead_account?.display_name, 'Présidence (CPAS A)');
  assert.equal(oo.actions.find((a) => a.id === pe41).political_lead_account?.display_name, 'Présidence (CPAS A)');
  const history = (await call(dg, 'GET', `/api/v1/actions/${pe41}/history`)).body;
  // Oldest first: the last entry is the link just made.
  assert.deepEqual(history.at(-1).changes.map((c) => c.field), ['political_lead_account']);
  assert.deepEqual(manager.errors, []);
});
