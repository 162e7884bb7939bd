// The plan sent to the Region's eComptes (issue 17.4): the DG picks a budget year and
// downloads the XML; a CPAS whose NIS code no administrator has set yet is told what is
// missing. CPAS A's code is set here through the API; no other browser test sets Paliseul's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
