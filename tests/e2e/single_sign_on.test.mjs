// Single sign-on (issue 19.1), end to end in Chromium against a real OpenID Connect provider
// (npm `oidc-provider`, `tests/oidc/provider.mjs`): the DG adds the provider from the
// administration page; a person of CPAS A whose e-mail is an account signs in through it
// (redirect, the provider's login form, consent, back) and reaches the plan's tree; someone
// unknown is refused in French; with new accounts allowed for a domain, a newcomer gets
// one. The providers are removed at the end: the other files' login pages stay as they were.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken, apiCall as call } from './support.mjs';

let browser;
let provider;
let issuer;
const added = [];

/// Starts the test provider; resolves with its issuer once it listens.
function startProvider() {
  provider = spawn('node', [
    'tests/oidc/provider.mjs',
    '--redirect-uri', `${BASE_URL}/connexion/oidc`,
    '--user', 'marie=social@cpas-a.example',
    '--user', 'inconnu=inconnu@cpas-a.example',
    '--user', 'nouveau=nouveau@cpas-e2e-sso.example',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: provider.stdout }).once('line', (line) => resolve(JSON.parse(line).issuer));
    provider.once('exit', (code) => reject(new Error(`the provider stopped (${code})`)));
  });
}

/// The provider's own pages, as its person would: the dev login form, then consent.
async function atProvider(page, login) {
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

before(async () => {
  browser = await launch();
  issuer = await startProvider();
});

after(async () => {
  for (const [token, id] of added) await call(token, 'DELETE', `/api/v1/identity-providers/${id}`);
  provider?.kill();
  await browser?.close();
});

test('the DG adds the provider; a person of the CPAS signs in through it and sees the plan', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/administration`);
  await signIn(page, 'dg@cpas-a.example');
  const form = page.locator('form', { has: page.getByRole('heading', { name: 'Ajouter un fournisseur d’identité' }) });
  await form.getByLabel('Nom du bouton').fill('Wallonie Connect (test)');
  await form.getByLabel('Émetteur (issuer)').fill(issuer);
  await form.getByLabel('Identifiant client').fill('pst');
  await form.getByLabel('Secret client').fill('pst-test-client-secret-0123456789');
  await form.getByRole('button', { name: 'Ajouter le fournisseur' }).click();
  await page.getByText('Fournisseur « Wallonie Connect (test) » ajouté').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'providers-message');
  await page.getByText(`${BASE_URL}/connexion/oidc`).first().waitFor();
  assert.deepEqual(await accessibilityViolations(page), [], 'axe-core on the providers section');
  await screenshot(page, 'sso-1-provider-added');
  const dg = await apiToken('dg@cpas-a.example');
  const [created] = await call(dg, 'GET', '/api/v1/identity-providers');
  added.push([dg, created.id]);
  await page.getByRole('button', { name: 'Se déconnecter' }).click();

  // The social worker, from CPAS A's login link, through the provider and back.
  await page.goto(`${BASE_URL}/connexion?cpas=cpas-a`);
  const button = page.getByRole('button', { name: 'Se connecter avec Wallonie Connect (test)' });
  await button.waitFor();
  assert.deepEqual(await accessibilityViolations(page), [], 'axe-core on the login page with a provider');
  await screenshot(page, 'sso-2-login');
  await button.click();
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await atProvider(page, 'marie');
  await page.waitForURL((url) => url.origin === BASE_URL && !url.pathname.startsWith('/connexion'));
  await page.getByRole('link', { name: 'Mon compte' }).waitFor();
  await page.getByRole('link', { name: /CPAS A/ }).click();
  await page.locator('li.action').first().waitFor();
  assert.equal(await page.locator('li.action').count(), 41);
  await screenshot(page, 'sso-3-tree');
  await page.goto(`${BASE_URL}/mon-compte`);
  await page.locator('.sessions').getByText('compte de l’organisation (fournisseur d’identité)').first().waitFor();

  // Logging out offers to end the provider's session too.
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('link', { name: 'Vous déconnecter aussi chez le fournisseur' }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), [], 'axe-core after logout');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('someone without an account is refused in French; a newcomer of the allowed domain gets one', async () => {
  const admin = await apiToken('admin@pst.example');
  const tenant = await call(admin, 'POST', '/api/v1/tenants', { slug: 'cpas-e2e-sso', name: 'CPAS de la Connexion Unique' });
  await call(admin, 'POST', '/api/v1/users', {
    email: 'dg@cpas-e2e-sso.example', display_name: 'Direction Connexion Unique', role: 'dg',
    tenant_id: tenant.id, password: process.env.PST_E2E_PASSWORD,
  });
  const dg = await apiToken('dg@cpas-e2e-sso.example');
  const created = await call(dg, 'POST', '/api/v1/identity-providers', {
    label: 'Annuaire du CPAS', issuer, client_id: 'pst', client_secret: 'pst-test-client-secret-0123456789',
  });
  added.push([dg, created.id]);

  // Known to the provider, unknown to this CPAS: a clear refusal, in French.
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/connexion?cpas=cpas-e2e-sso`);
  await page.getByRole('button', { name: 'Se connecter avec Annuaire du CPAS' }).click();
  await atProvider(page, 'nouveau');
  await page.getByRole('alert').getByText('Aucun compte de ce CPAS ne correspond à votre compte d’organisation.', { exact: false }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), [], 'axe-core on the refusal');
  await screenshot(page, 'sso-4-refused');

  // The DG allows new accounts for the CPAS's domain: the same person now gets one.
  await call(dg, 'PATCH', `/api/v1/identity-providers/${created.id}`, {
    version: created.version, new_accounts: true, new_account_domain: 'cpas-e2e-sso.example',
  });
  await page.getByRole('link', { name: 'Retour à la connexion' }).click();
  await page.goto(`${BASE_URL}/connexion?cpas=cpas-e2e-sso`);
  await page.getByRole('button', { name: 'Se connecter avec Annuaire du CPAS' }).click();
  // The provider remembers the person and their consent: straight back.
  await page.waitForURL((url) => url.origin === BASE_URL && !url.pathname.startsWith('/connexion'));
  await page.getByRole('link', { name: 'Mon compte' }).waitFor();
  const users = await call(dg, 'GET', '/api/v1/users');
  const made = users.find((u) => u.email === 'nouveau@cpas-e2e-sso.example');
  assert.equal(made?.role, 'social_worker');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
