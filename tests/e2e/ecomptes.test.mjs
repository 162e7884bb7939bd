// The plan sent to the Region's eComptes (issue 17.4): the DG picks a budget year and
// downloads the XML; a CPAS whose NIS code no administrator has set yet is told what is
// missing. CPAS A's code is set here through the API; no other browser test sets Paliseul's.
// The round trip (17.5, 17.6): the DG adds articles to Me14 (used by no other browser
// test), exports, imports the file eComptes returns after a preview, and reads the
// reconciliation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
const plans = {};

before(async () => {
  browser = await launch();
  const admin = await apiToken('admin@pst.example');
  const call = async (method, url, body) => {
    const response = await fetch(`${BASE_URL}${url}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: body && JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
  for (const slug of ['cpas-a', 'paliseul']) {
    const token = await apiToken(`dg@${slug}.example`);
    const list = await (await fetch(`${BASE_URL}/api/v1/plans`, { headers: { authorization: `Bearer ${token}` } })).json();
    plans[slug] = list.find((p) => p.tenant.slug === slug);
  }
  const tenant = plans['cpas-a'].tenant.id;
  const current = await call('GET', `/api/v1/tenants/${tenant}`);
  await call('PUT', `/api/v1/tenants/${tenant}`, {
    name: current.name, nis_code: 84077, administration_type: 'cpas', version: current.version,
  });
});
after(async () => { await browser?.close(); });

test('the DG downloads the eComptes XML for a year; without a NIS code the app says what is missing', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/plans/${plans['paliseul'].id}`);
  await signIn(page, 'dg@paliseul.example');
  await page.getByRole('button', { name: 'XML eComptes' }).click();
  await page.getByText('Le code INS du CPAS n’est pas encore renseigné', { exact: false }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);

  const dg = await newPage(browser);
  await dg.goto(`${BASE_URL}/plans/${plans['cpas-a'].id}`);
  await signIn(dg, 'dg@cpas-a.example');
  await dg.getByLabel('Exercice').selectOption('2026');
  const [download] = await Promise.all([
    dg.waitForEvent('download'),
    dg.getByRole('button', { name: 'XML eComptes' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'pst-cpas-a-2026-ecomptes.xml');
  const xml = readFileSync(await download.path(), 'utf8');
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  assert.match(xml, /<INS>84077<\/INS>/);
  assert.match(xml, /<Exercice>2026<\/Exercice>/);
  assert.match(xml, /<Action ElementId="/);
  assert.deepEqual(await accessibilityViolations(dg), []);
  await screenshot(dg, 'ecomptes-documents');
  assert.deepEqual(dg.errors, []);
});

test('a partner is not offered the eComptes file', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/plans/${plans['cpas-a'].id}`);
  await signIn(page, 'pcs@cpas-a.example');
  await page.getByRole('button', { name: 'Excel' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'XML eComptes' }).count(), 0);
});

/// Puts `articles` and `projections` in the element `id` of an exported file, as eComptes
/// fills it: in its own `Articles` and `Projections`, the first after its opening tag.
function fill(xml, id, articles, projections) {
  const start = xml.indexOf(`ElementId="${id}"`);
  assert.ok(start > 0, `${id} in the file`);
  const head = xml.slice(0, start);
  let tail = xml.slice(start);
  tail = tail.replace(/<Articles\/>|<Articles>[\s\S]*?<\/Articles>/, `<Articles>${articles}</Articles>`);
  tail = tail.replace(/<Projections\/>|<Projections>[\s\S]*?<\/Projections>/, `<Projections>${projections}</Projections>`);
  return head + tail;
}

const article = (year, code, amount) =>
  `<Article><Exercice>${year}</Exercice><Service>O</Service><Type>D</Type><CodeArticle>${code}</CodeArticle><Libelle>Aide sociale</Libelle><Montant>${amount}</Montant></Article>`;

test('the DG adds articles for 2026 and 2027, exports, imports the returned file after a preview, and reads the reconciliation', async () => {
  const dgToken = await apiToken('dg@cpas-a.example');
  const found = await (await fetch(`${BASE_URL}/api/v1/actions?q=Me14`, { headers: { authorization: `Bearer ${dgToken}` } })).json();
  const me14 = found.items.find((a) => a.code === 'Me14');
  assert.ok(me14, 'Me14 in CPAS A');

  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/actions/${me14.id}`);
  await signIn(page, 'dg@cpas-a.example');
  await page.getByRole('heading', { name: /Me14/ }).waitFor();
  for (const [year, amount] of [['2026', '1 000,00'], ['2027', '2 000,00']]) {
    await page.getByRole('button', { name: 'Ajouter une ligne budgétaire' }).click();
    await page.getByLabel('Année', { exact: true }).fill(year);
    await page.getByLabel('Article').fill('84010/124-48');
    await page.getByLabel('Montant prévu (€)').fill(amount);
    await page.getByRole('button', { name: 'Enregistrer la ligne budgétaire' }).click();
    await page.getByText('Ligne budgétaire enregistrée.').waitFor();
  }

  await page.goto(`${BASE_URL}/plans/${plans['cpas-a'].id}`);
  await page.getByLabel('Exercice').selectOption('2026');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'XML eComptes' }).click(),
  ]);
  const exported = readFileSync(await download.path(), 'utf8');
  assert.match(exported, /<CodeArticle>84010\/124-48<\/CodeArticle>/);

  // eComptes sends it back with its own figures on Me14: 900 € in 2026 (the plan says
  // 1,000), 2,000 € in 2027, and a projection.
  const returned = fill(
    exported,
    me14.id,
    article(2026, '84010/124-48', '900.00') + article(2027, '84010/124-48', '2000'),
    '<Projection><Service>O</Service><Type>D</Type><GroupeEco>33</GroupeEco><Libelle>Aides</Libelle><Exercices><Exercice Valeur="2027"><Montant>950</Montant></Exercice></Exercices></Projection>',
  );

  await page.getByRole('link', { name: 'eComptes : import et réconciliation' }).click();
  await page.getByRole('heading', { name: 'Importer le fichier renvoyé par eComptes' }).waitFor();
  // A file naming an element the plan does not have: previewed, not importable.
  const stranger = randomUUID();
  await page.setInputFiles('#ecomptes-file', {
    name: 'retour.xml', mimeType: 'application/xml', buffer: Buffer.from(returned.replace(me14.id, stranger)),
  });
  await page.getByRole('button', { name: 'Prévisualiser' }).click();
  await page.getByText('Ces éléments ne sont pas dans ce plan', { exact: false }).waitFor();
  assert.match(await page.locator('.unmatched').innerText(), new RegExp(stranger));
  assert.ok(await page.getByRole('button', { name: 'Confirmer l’import' }).isDisabled());

  await page.setInputFiles('#ecomptes-file', {
    name: 'retour.xml', mimeType: 'application/xml', buffer: Buffer.from(returned),
  });
  await page.getByRole('button', { name: 'Prévisualiser' }).click();
  const changes = page.locator('table.ecomptes-changes');
  await changes.waitFor();
  const previewed = await changes.innerText();
  assert.match(previewed, /Me14\s+2026\s+0,00\s€\s+900,00\s€/);
  assert.match(previewed, /Me14\s+2027\s+0,00\s€\s+2\s000,00\s€/);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'ecomptes-preview');
  await page.getByRole('button', { name: 'Confirmer l’import' }).click();
  await page.getByText('Import enregistré', { exact: false }).waitFor();

  // The reconciliation: 2026 differs (1,000 planned, 900 in eComptes), 2027 agrees.
  const rows = page.locator('table.reconciliation tbody tr').filter({ hasText: 'Me14' });
  await rows.first().waitFor();
  const of = async (year) => rows.filter({ has: page.locator('td', { hasText: new RegExp(`^${year}$`) }) });
  const row2026 = await of(2026);
  assert.match(await row2026.innerText(), /Dépense\s+1\s000,00\s€\s+900,00\s€\s+-100,00\s€ · écart/);
  assert.match(await row2026.getAttribute('class'), /differs/);
  const row2027 = await of(2027);
  assert.doesNotMatch(await row2027.innerText(), /écart/);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'ecomptes-reconciliation');
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('section[aria-labelledby="reconciliation-title"]').getByRole('button', { name: 'CSV' }).click(),
  ]);
  const text = readFileSync(await csv.path(), 'utf8');
  assert.match(text, /^\uFEFFcode;intitulé;exercice;type;prévu \(€\);eComptes \(€\);écart \(€\)/);
  assert.match(text, /Me14;.*;2026;dépense;1000,00;900,00;-100,00;0,00;écart/);

  // The action page shows eComptes' articles and projection.
  await page.goto(`${BASE_URL}/actions/${me14.id}`);
  const records = page.locator('section[aria-labelledby="ecomptes-title"]');
  await records.waitFor();
  const shown = await records.innerText();
  assert.match(shown, /900,00\s€/);
  assert.match(shown, /Projection de l’exercice 2026 · Aides/);
  assert.match(shown, /2027\s+950,00\s€/);
  assert.deepEqual(await accessibilityViolations(page), []);
  assert.deepEqual(page.errors, []);
});
