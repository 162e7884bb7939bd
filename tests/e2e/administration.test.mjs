// Administration by the DG: accounts, organisations, a plan's structure and its adoption.
// The test works in a CPAS of its own, made through the API by the platform administrator,
// so the demo plans the other tests read stay as they are.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, PASSWORD, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let dgEmail;
before(async () => {
  browser = await launch();
  const admin = await apiToken('admin@pst.example');
  const call = async (method, url, body) => {
    const response = await fetch(`${BASE_URL}${url}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
  const tenant = await call('POST', '/api/v1/tenants', { slug: 'cpas-e2e-admin', name: 'CPAS de Test' });
  dgEmail = 'dg@cpas-e2e.example';
  await call('POST', '/api/v1/users', {
    email: dgEmail, display_name: 'Directrice Test', role: 'dg', tenant_id: tenant.id, password: PASSWORD,
  });
});
after(async () => { await browser?.close(); });

const alert = (page) => page.getByRole('alert');
const saved = (page) => page.getByRole('status').filter({ hasText: 'Modification enregistrée' });

test('the DG adds an organisation and invites a partner, then deactivates them', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);
  await signIn(page, dgEmail);
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('link', { name: 'Organisations', exact: true }).first().click();

  await page.getByLabel('Nom').fill('Maison de quartier');
  await page.getByLabel('Type').selectOption({ label: 'Association' });
  await page.getByRole('button', { name: 'Ajouter' }).click();
  await page.getByRole('cell', { name: 'Association' }).first().waitFor();
  assert.ok(await page.getByRole('rowheader', { name: 'Maison de quartier' }).isVisible());
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'admin-organisations');

  await page.locator('.sub-nav').getByRole('link', { name: 'Utilisateurs' }).click();
  await page.getByText('Inviter une personne').click();
  await page.getByLabel('Adresse e-mail').fill('partenaire@maison.example');
  await page.getByLabel('Nom', { exact: true }).fill('Paul Partenaire');
  await page.getByLabel('Rôle', { exact: true }).selectOption({ label: 'Partenaire' });
  await page.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Maison de quartier' });
  await page.getByRole('button', { name: 'Inviter' }).click();

  const created = page.locator('.notice.success');
  await created.waitFor();
  const password = (await created.locator('code').innerText()).trim();
  assert.ok(password.length >= 12, 'a temporary password is shown once');
  const row = page.getByRole('row', { name: /Paul Partenaire/ });
  await row.waitFor();
  assert.match(await row.innerText(), /partenaire@maison\.example/);
  assert.equal(await row.getByRole('combobox').first().inputValue(), 'partner');
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'admin-users');

  // The new account works with the password shown.
  const login = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'partenaire@maison.example', password }),
  });
  assert.equal(login.status, 200);

  // Deactivation asks first (tests/e2e/account.test.mjs tests the dialog itself).
  await row.getByRole('button', { name: /Désactiver/ }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Désactiver le compte de Paul Partenaire' }).click();
  await page.getByRole('row', { name: /Paul Partenaire/ }).getByRole('button', { name: /Réactiver/ }).waitFor();
  const refused = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'partenaire@maison.example', password }),
  });
  assert.equal(refused.status, 401, 'a deactivated account cannot sign in');
  assert.deepEqual(page.errors, []);
});

test('the DG builds a plan: objectives, actions, lead and collaborators, reservation, opinion, adoption', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/administration`);
  await signIn(page, dgEmail);
  await page.locator('#new-plan-title').fill('PST 2025-2030');
  await page.getByLabel('Année de début').fill('2025');
  await page.getByLabel('Année de fin').fill('2030');
  await page.getByRole('button', { name: 'Créer' }).click();
  await page.getByRole('heading', { name: 'PST 2025-2030' }).waitFor();

  // A strategic objective, an operational one under it, and two actions.
  const form = (summary) => page.locator('details.add', { has: page.getByText(summary, { exact: true }) });
  await page.getByText('Ajouter un objectif stratégique').click();
  await page.locator('#new-os-code').fill('OSe1');
  await page.locator('#new-os-title').fill('Être un CPAS accessible');
  await form('Ajouter un objectif stratégique').getByRole('button', { name: 'Ajouter' }).click();
  await page.getByRole('heading', { name: /OSe1 Être un CPAS accessible/ }).waitFor();

  await page.getByText('Ajouter un objectif opérationnel').click();
  const oo = form('Ajouter un objectif opérationnel');
  await oo.getByLabel('Code').fill('OOe1');
  await oo.getByLabel('Intitulé').fill('Accueillir sans rendez-vous');
  await oo.getByRole('button', { name: 'Ajouter' }).click();
  await page.getByRole('heading', { name: /OOe1 Accueillir/ }).waitFor();

  for (const [code, title] of [['Pe1', 'Permanence sociale'], ['Pe2', 'Guichet numérique']]) {
    const add = form('Ajouter une action');
    if (!(await add.getAttribute('open') !== null)) await page.getByText('Ajouter une action').click();
    await add.getByLabel('Code').fill(code);
    await add.getByLabel('Intitulé').fill(title);
    await add.getByRole('button', { name: 'Ajouter' }).click();
    await page.locator('.structure-action', { hasText: title }).waitFor();
  }
  assert.deepEqual(await page.locator('.structure-action .structure-row .code').allInnerTexts(), ['Pe1', 'Pe2']);

  // Reorder: Pe2 first.
  await page.getByRole('button', { name: 'Monter — Pe2' }).click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.structure-action .structure-row .code')].map((e) => e.textContent).join() === 'Pe2,Pe1');

  // Lead entity, a collaborator and a reservation on Pe1.
  const pe1 = page.locator('.structure-action', { hasText: 'Permanence sociale' });
  await pe1.getByText('Modifier Pe1').click();
  await pe1.getByLabel('Entité porteuse').selectOption({ label: 'CPAS de Test' });
  await pe1.getByLabel('Maison de quartier').check();
  await pe1.getByLabel('Réserve').fill('Sous réserve de ressources humaines');
  await pe1.getByRole('button', { name: 'Enregistrer' }).click();
  await saved(page).waitFor();
  const pe1Again = page.locator('.structure-action', { hasText: 'Permanence sociale' });
  await pe1Again.locator('.badge.reservation').waitFor();
  assert.match(await pe1Again.locator('.badge.lead').innerText(), /CPAS de Test/);

  // The DG's opinion on OOe1.
  await page.getByText('Rédiger un avis').click();
  await page.getByLabel('Texte de l’avis').fill('Avis favorable, sous réserve du budget 2026.');
  await page.locator('.opinions').getByLabel('OOe1').check();
  await page.locator('.opinions').getByRole('button', { name: 'Enregistrer' }).click();
  await page.locator('.opinions article', { hasText: 'Avis favorable' }).waitFor();

  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'admin-structure');

  // Adoption by the council.
  await page.getByLabel('Date de la délibération').fill('2025-01-30');
  await page.getByRole('button', { name: 'Adopter', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Adopter « PST 2025-2030 »' }).click();
  await page.getByText(/Adopté/).first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Adopter' }).count(), 0);

  // The plan as everyone sees it.
  await page.getByRole('link', { name: '← Retour au plan' }).click();
  await page.locator('li.action').first().waitFor();
  const tree = await page.locator('.tree').innerText();
  assert.match(tree, /Pe2[\s\S]*Pe1/);
  assert.match(tree, /Sous réserve de ressources humaines/);
  assert.match(tree, /Maison de quartier/);
  assert.deepEqual(page.errors, []);
});

test('a partner has no administration: no menu, and the page refuses nicely', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/administration/utilisateurs`);
  await signIn(page, 'pcs@cpas-a.example');
  await page.getByRole('alert').waitFor();
  assert.match(await alert(page).innerText(), /réservée au Directeur général/);
  assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);
  assert.deepEqual(await accessibilityViolations(page), []);
});

test('the DG imports a plan from a CSV file, publishes it, and downloads it as Excel', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/administration`);
  await signIn(page, dgEmail);
  const csv = [
    'niveau;code;parent;intitule;type;volet;porteur;collaborations;reserve;statut;avancement;debut;echeance',
    'OS;OSe1;;Être un CPAS ouvert;;externe;;;;;;;',
    'OO;OOe1;OSe1;Informer les citoyens;;externe;;;;;;;',
    'action;Pe1;OOe1;Publier un guide des aides;projet;externe;CPAS de Test;Maison de quartier;;en cours;30;2026-01-01;2026-12-31',
    'action;Pe2;OOe1;Ouvrir une permanence le samedi;projet;externe;CPAS de Test;;;non commencé;0;;',
  ].join('\n');
  const form = page.locator('form', { hasText: 'Importer un plan' });
  await form.getByLabel('Intitulé').fill('Plan importé');
  await form.getByLabel('Fichier').setInputFiles({ name: 'plan.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\nOO;OOe2;OSx;Orphelin;;externe;;;;;;;\n`) });
  await form.getByRole('button', { name: 'Importer' }).click();
  // The problem is listed by row; nothing is created.
  await form.getByRole('alert').waitFor();
  assert.match(await form.getByRole('alert').innerText(), /Ligne 6 : Le parent « OSx » n’existe pas/);

  await form.getByLabel('Fichier').setInputFiles({ name: 'plan.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await form.getByRole('button', { name: 'Importer' }).click();
  await page.waitForURL(/\/structure$/);
  await page.getByRole('heading', { name: 'Plan importé' }).waitFor();
  assert.deepEqual(await page.locator('.structure-action .structure-row .code').allInnerTexts(), ['Pe1', 'Pe2']);

  // Adopted, then published: the public page answers without login.
  await page.getByLabel('Date de la délibération').fill('2026-01-29');
  await page.getByLabel('Référence de la délibération').fill('CAS 2026/004');
  await page.getByRole('button', { name: 'Adopter', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Adopter « Plan importé »' }).click();
  await page.getByRole('button', { name: 'Publier sur la page publique' }).click();
  const link = page.getByRole('link', { name: /voir la page publique/ });
  await link.waitFor();
  const publicUrl = await link.getAttribute('href');
  const response = await fetch(`${BASE_URL}${publicUrl}`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /Publier un guide des aides/);
  assert.deepEqual(await accessibilityViolations(page), []);

  // The plan page offers the documents; the Excel export downloads.
  await page.getByRole('link', { name: '← Retour au plan' }).click();
  await page.locator('li.action').first().waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Excel' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^pst-cpas-e2e-admin.*\.xlsx$/);
  const saved = await download.path();
  assert.ok(saved);
  assert.deepEqual(page.errors, []);
});

test('the platform administrator sets the CPAS’s identity for the Region, and its DG reads it', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);
  await signIn(page, 'admin@pst.example');
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.getByLabel('CPAS', { exact: true }).selectOption({ label: 'CPAS de Test' });
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'Identité pour la Région' }) });
  const code = section.getByLabel('Code INS (NIS)');
  await code.waitFor();
  // Platform administrators do not work on plans: no plan list, and no refusal on the page.
  assert.equal(await page.getByRole('heading', { name: 'Structure des plans' }).count(), 0);
  assert.equal(await page.getByRole('alert').count(), 0);

  // Four digits: the app's own message, under the field, and nothing is sent.
  await code.fill('8405');
  await section.getByRole('button', { name: 'Enregistrer' }).click();
  await section.getByText('Cinq chiffres, par exemple 84050', { exact: false }).nth(1).waitFor();
  assert.equal(await code.getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await accessibilityViolations(page), []);

  await code.fill('84050');
  await section.getByLabel('Type d’administration').selectOption({ label: 'Commune' });
  await section.getByRole('button', { name: 'Enregistrer' }).click();
  await section.getByRole('status').filter({ hasText: 'Identité enregistrée.' }).waitFor();
  assert.equal(await section.getByLabel('Code INS (NIS)').inputValue(), '84050');
  // The form fits a 360 px phone.
  await page.setViewportSize({ width: 360, height: 740 });
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  assert.ok(widths[0] <= widths[1], `the page is ${widths[0]} px wide on a ${widths[1]} px screen`);
  await screenshot(page, 'admin-identity');
  assert.deepEqual(page.errors, []);

  // The DG of that CPAS reads it, without a form.
  const dg = await newPage(browser);
  await dg.goto(`${BASE_URL}/`);
  await signIn(dg, dgEmail);
  await dg.getByRole('link', { name: 'Administration' }).click();
  const facts = dg.locator('section', { has: dg.getByRole('heading', { name: 'Identité pour la Région' }) });
  await facts.getByText('84050').waitFor();
  assert.ok(await facts.getByText('Commune', { exact: true }).isVisible());
  assert.equal(await facts.getByRole('textbox').count(), 0);
  assert.deepEqual(await accessibilityViolations(dg), []);
  assert.deepEqual(dg.errors, []);
});
