// Two-step verification (issue 19.2): a person enrols an authenticator app from "Mon
// compte" (a QR code drawn by the server, the key for manual entry, a first code), keeps
// the ten recovery codes, and signs in afterwards with the password then a code; the DG
// requires it of the management from the administration page. In a CPAS of its own: other
// test files run at the same time on the same server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { BASE_URL, PASSWORD, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken, apiCall as call } from './support.mjs';

const DOMAIN = 'cpas-e2e-2fa.example';
const workerEmail = `assistant@${DOMAIN}`;
const dgEmail = `dg@${DOMAIN}`;
let browser;

/// RFC 6238 (HMAC-SHA1, 6 digits, 30 s) at `at` seconds, from a base32 secret: the code an
/// authenticator app would show.
function totp(base32, at) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

before(async () => {
  browser = await launch();
  const admin = await apiToken('admin@pst.example');
  const tenant = await call(admin, 'POST', '/api/v1/tenants', { slug: 'cpas-e2e-2fa', name: 'CPAS des Deux Étapes' });
  for (const [email, name, role] of [[workerEmail, 'Assistant Social', 'social_worker'], [dgEmail, 'Directrice Deux Étapes', 'dg']]) {
    await call(admin, 'POST', '/api/v1/users', { email, display_name: name, role, tenant_id: tenant.id, password: PASSWORD });
  }
});
after(async () => { await browser?.close(); });

test('a person enrols an authenticator, keeps the recovery codes, and signs in with a code', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/mon-compte`);
  await signIn(page, workerEmail);
  const section = page.locator('section#deux-etapes');
  await section.getByRole('button', { name: 'Activer la validation en deux étapes' }).click();
  await section.getByRole('img', { name: 'Code QR de l’application d’authentification' }).locator('svg').waitFor();
  const secret = (await section.locator('code.secret').innerText()).trim();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.deepEqual(await accessibilityViolations(page), [], 'axe-core with the QR code');
  await screenshot(page, 'second-factor-1-scan');

  await section.getByLabel('Code affiché par l’application').fill(totp(secret, Date.now() / 1000));
  await section.getByRole('button', { name: 'Confirmer' }).click();
  await section.getByText('La validation en deux étapes est activée.').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'second-factor-message');
  assert.equal(await section.locator('ol.recovery-codes li').count(), 10);
  assert.deepEqual(await accessibilityViolations(page), [], 'axe-core with the recovery codes');
  await screenshot(page, 'second-factor-2-codes');

  // Signing in again: the password, then the code (the next one: each code works once).
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByLabel('Adresse e-mail').waitFor();
  await signIn(page, workerEmail);
  const code = page.getByLabel('Code de vérification');
  await code.waitFor();
  // Focus moves to the field once it is drawn.
  await page.waitForFunction(() => document.activeElement?.id === 'second-factor-code');
  assert.deepEqual(await accessibilityViolations(page), [], 'axe-core with the code field');
  await code.fill(totp(secret, Date.now() / 1000 + 30));
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.getByRole('link', { name: 'Mon compte' }).waitFor();
  await page.goto(`${BASE_URL}/mon-compte`);
  await page.locator('section#deux-etapes').getByText('Activée. Codes de secours restants : 10.').waitFor();
  await page.locator('.sessions').getByText('mot de passe et code').first().waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the DG requires the second step of the management from the administration page', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/administration`);
  await signIn(page, dgEmail);
  const required = page.getByLabel('Exiger la validation en deux étapes pour la présidence et la direction générale');
  await page.locator('#second-factor-required:enabled').waitFor();
  assert.equal(await required.isChecked(), false);
  await required.check();
  await page.locator('#security-policy-message').getByText('Règle de connexion enregistrée.').waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  // A sign-in now must enrol first: the status (allowed then) says it is required.
  const dg = await apiToken(dgEmail);
  assert.equal((await call(dg, 'GET', '/api/v1/me/second-factor')).required, true);

  // At her next sign-in, the DG is taken to "Mon compte" to enrol before anything else.
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByLabel('Adresse e-mail').waitFor();
  await page.goto(`${BASE_URL}/`);
  await signIn(page, dgEmail);
  // The app reloads on "Mon compte" (the first page's own navigation is cut short, so
  // the text is awaited rather than the navigation).
  await page.getByText('Votre CPAS exige la validation en deux étapes pour votre fonction : activez-la pour continuer.').waitFor();
  assert.equal(new URL(page.url()).pathname, '/mon-compte');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
