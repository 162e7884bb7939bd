// Account safety: a given password is changed before anything else, "Mon compte" changes
// the password and ends sessions, and the acts that are hard to undo (role change,
// deactivation, new password, adoption) ask first in an accessible dialog.
// Everything happens in a CPAS of its own, with accounts of its own: other test files run
// at the same time on the same server, and ending sessions must not touch theirs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, PASSWORD, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

const DOMAIN = 'cpas-e2e-account.example';
const dgEmail = `dg@${DOMAIN}`;
let browser;
let dg;
let tenantId;

async function call(token, method, url, body, headers = {}) {
  const response = await fetch(`${BASE_URL}${url}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function login(email, password, userAgent) {
  return fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(userAgent ? { 'user-agent': userAgent } : {}) },
    body: JSON.stringify({ email, password }),
  });
}

/// An account of the test's CPAS, made by its DG: with this password, or a temporary one.
async function account(name, email, password) {
  const created = await call(dg, 'POST', '/api/v1/users', {
    email, display_name: name, role: 'social_worker', ...(password ? { password } : {}),
  });
  return { id: created.user.id, temporary: created.temporary_password };
}

before(async () => {
  browser = await launch();
  const admin = await apiToken('admin@pst.example');
  const tenant = await call(admin, 'POST', '/api/v1/tenants', { slug: 'cpas-e2e-account', name: 'CPAS des Comptes' });
  tenantId = tenant.id;
  await call(admin, 'POST', '/api/v1/users', {
    email: dgEmail, display_name: 'Directrice Comptes', role: 'dg', tenant_id: tenantId, password: PASSWORD,
  });
  dg = await apiToken(dgEmail);
});
after(async () => { await browser?.close(); });

const dialog = (page) => page.getByRole('dialog');
/// The accessible name of the focused element, once it matches (the focus moves after the
/// dialog's `close` event).
async function waitForFocus(page, name) {
  await page.waitForFunction((expected) => {
    const e = document.activeElement;
    const actual = (e?.getAttribute('aria-label') ?? e?.textContent ?? '').trim();
    return expected.startsWith('^') ? new RegExp(expected).test(actual) : actual === expected;
  }, name, { timeout: 5000 });
}
/// Waits until the element of `selector` says `text`.
const says = (page, selector, text) => page.locator(selector, { hasText: text }).waitFor();

test('an invited person must choose their own password before anything else, then works', async () => {
  // The DG invites Nina: the app shows a temporary password.
  const admin = await newPage(browser);
  await admin.goto(`${BASE_URL}/administration/utilisateurs`);
  await signIn(admin, dgEmail);
  await admin.getByText('Inviter une personne').click();
  await admin.getByLabel('Adresse e-mail').fill(`nina@${DOMAIN}`);
  await admin.getByLabel('Nom', { exact: true }).fill('Nina Nouvelle');
  await admin.getByRole('button', { name: 'Inviter' }).click();
  const created = admin.locator('.notice.success');
  await created.waitFor();
  const temporary = (await created.locator('code').innerText()).trim();

  // Nina signs in with it and lands on the change of password, told why.
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);
  await signIn(page, `nina@${DOMAIN}`, temporary);
  await page.waitForURL(`${BASE_URL}/mon-compte`);
  assert.match(await page.getByRole('alert').first().innerText(), /vous a été donné/);
  assert.equal(await page.getByRole('heading', { name: 'Mes sessions' }).count(), 0);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'account-forced-change');

  // Nothing else opens meanwhile, not even by its address.
  await page.goto(`${BASE_URL}/`);
  await page.waitForURL(`${BASE_URL}/mon-compte`);
  await page.getByLabel('Mot de passe actuel').waitFor();

  // The app's own messages, with the limits, not the browser's bubble.
  assert.equal(await page.locator('form.account-form').evaluate((f) => f.noValidate), true);
  assert.match(await page.locator('#new-password-hint').innerText(), /De 12 à 256 caractères/);
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await says(page, '#current-password-error', 'Ce champ est obligatoire.');
  await says(page, '#new-password-error', 'Trop court : au moins 12 caractères.');
  assert.equal(await page.getByLabel('Mot de passe actuel').getAttribute('aria-invalid'), 'true');
  await page.waitForFunction(() => document.activeElement?.id === 'current-password');

  await page.getByLabel('Mot de passe actuel').fill(temporary);
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Une phrase bien à moi 2026');
  await page.getByLabel('Confirmez le nouveau mot de passe').fill('Une phrase bien à moi 2027');
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await says(page, '#new-password-again-error', 'ne sont pas identiques');
  // The given password cannot be kept.
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(temporary);
  await page.getByLabel('Confirmez le nouveau mot de passe').fill(temporary);
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await page.locator('#new-password-error', { hasText: 'différent de l’actuel' }).waitFor();

  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Une phrase bien à moi 2026');
  await page.getByLabel('Confirmez le nouveau mot de passe').fill('Une phrase bien à moi 2026');
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();

  // Home, and at work: the plans of the CPAS (none yet) load.
  await page.waitForURL(`${BASE_URL}/`);
  await page.getByText('Aucun plan pour le moment.').waitFor();
  const relogin = await login(`nina@${DOMAIN}`, 'Une phrase bien à moi 2026');
  assert.equal(relogin.status, 200);
  const me = await call((await relogin.json()).access_token, 'GET', '/api/v1/me');
  assert.equal(me.must_change_password, false);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(admin.errors, []);
});

test('any answer "password_change_required" leads to the change of password', async () => {
  const { temporary } = await account('Olivier Oubli', `olivier@${DOMAIN}`);
  const page = await newPage(browser);
  // The profile is made to hide the flag: only the server's 403 can send Olivier on.
  await page.route('**/api/v1/me', async (route) => {
    const response = await route.fetch();
    const user = await response.json();
    await route.fulfill({ response, json: { ...user, must_change_password: false } });
  });
  await page.goto(`${BASE_URL}/`);
  await signIn(page, `olivier@${DOMAIN}`, temporary);
  await page.waitForURL(`${BASE_URL}/mon-compte`);
  await page.getByLabel('Mot de passe actuel').waitFor();
  assert.match(await page.getByRole('alert').first().innerText(), /vous a été donné/);
  assert.deepEqual(page.errors, []);
});

test('"Mon compte": see my sessions, end one after confirming, change my password', async () => {
  const email = `sam@${DOMAIN}`;
  await account('Sam Sessions', email, PASSWORD);
  const phone = await (await login(email, PASSWORD, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1')).json();

  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);
  await signIn(page, email);
  await page.getByRole('link', { name: 'Mon compte' }).click();
  await page.waitForURL(`${BASE_URL}/mon-compte`);
  const sessions = page.locator('.sessions > li');
  await sessions.nth(1).waitFor();
  assert.equal(await sessions.count(), 2);
  assert.equal(await page.locator('.sessions > li', { hasText: 'Cette session' }).count(), 1);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'account');

  const end = page.getByRole('button', { name: /^Fermer la session Safari · iOS/ });
  // Escape cancels: the focus comes back, the session stays.
  await end.click();
  await dialog(page).waitFor();
  const title = await dialog(page).getAttribute('aria-labelledby');
  assert.match(title, /^confirm-title-\d+$/);
  assert.equal(await page.locator(`#${title}`).innerText(), 'Fermer cette session ?');
  assert.match(await dialog(page).locator('[id^=confirm-text]').innerText(), /Safari · iOS/);
  assert.ok(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog[open]'))), 'the focus is in the dialog');
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'account-dialog');
  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'hidden' });
  await waitForFocus(page, '^Fermer la session Safari · iOS');
  // Cancel does nothing either.
  await end.click();
  await dialog(page).getByRole('button', { name: 'Annuler' }).click();
  await dialog(page).waitFor({ state: 'hidden' });
  await waitForFocus(page, '^Fermer la session Safari · iOS');
  assert.equal(await sessions.count(), 2);
  const stillIn = await fetch(`${BASE_URL}/api/v1/me`, { headers: { authorization: `Bearer ${phone.access_token}` } });
  assert.equal(stillIn.status, 200);

  // Confirmed: the phone is signed out, its refresh token refused.
  await end.click();
  await dialog(page).getByRole('button', { name: 'Fermer la session Safari · iOS' }).click();
  await page.getByRole('status').filter({ hasText: 'La session est fermée.' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.sessions > li').length === 1);
  const out = await fetch(`${BASE_URL}/api/v1/me`, { headers: { authorization: `Bearer ${phone.access_token}` } });
  assert.equal(out.status, 401);
  const refresh = await fetch(`${BASE_URL}/api/v1/auth/refresh`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: phone.refresh_token }),
  });
  assert.equal(refresh.status, 401);

  // Another device, ended with "all my other sessions".
  const tablet = await (await login(email, PASSWORD, 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/604.1')).json();
  await page.reload();
  await sessions.nth(1).waitFor();
  await page.getByRole('button', { name: 'Fermer toutes mes autres sessions' }).click();
  await dialog(page).getByRole('button', { name: 'Fermer toutes mes autres sessions' }).click();
  await page.getByRole('status').filter({ hasText: 'Vos autres sessions sont fermées.' }).waitFor();
  const tabletOut = await fetch(`${BASE_URL}/api/v1/me`, { headers: { authorization: `Bearer ${tablet.access_token}` } });
  assert.equal(tabletOut.status, 401);

  // The password: too short is said by the app; then changed.
  await page.getByLabel('Mot de passe actuel').fill(PASSWORD);
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('court');
  await page.getByLabel('Confirmez le nouveau mot de passe').fill('court');
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await says(page, '#new-password-error', 'Trop court : au moins 12 caractères.');
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Une autre phrase secrète 2026');
  await page.getByLabel('Confirmez le nouveau mot de passe').fill('Une autre phrase secrète 2026');
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await page.locator('.notice.success', { hasText: 'Votre mot de passe est changé.' }).waitFor();
  assert.equal((await login(email, 'Une autre phrase secrète 2026')).status, 200);
  assert.equal((await login(email, PASSWORD)).status, 401);
  assert.deepEqual(page.errors, []);
});

test('"Mon compte": my civility and names for official documents, refused then saved', async () => {
  const email = `ida@${DOMAIN}`;
  const created = await account('Ida Identité', email, PASSWORD);
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);
  await signIn(page, email);
  // The stored identity arrives late: what the person types first must not be overwritten.
  await page.route('**/api/v1/me/identity', async (route) => {
    if (route.request().method() === 'GET') await new Promise((resolve) => setTimeout(resolve, 700));
    await route.continue();
  });
  await page.getByRole('link', { name: 'Mon compte' }).click();
  await page.waitForURL(`${BASE_URL}/mon-compte`);
  await page.getByRole('heading', { name: 'Mon identité dans les documents officiels' }).waitFor();
  await page.getByLabel('Civilité').selectOption('madame');
  await page.getByLabel('Prénom').fill(' Ida ');
  await page.getByLabel('Nom de famille').fill('Lambert');
  await page.getByLabel('Téléphone').fill('appelez-moi');
  await page.getByRole('button', { name: 'Enregistrer mon identité' }).click();
  // The server refuses the number; the app says so under the field.
  await page.locator('#identity-phone-error').filter({ hasText: /./ }).waitFor();
  assert.equal(await page.getByLabel('Téléphone').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.getByLabel('Téléphone').fill('+32 61 23 45 67');
  await page.getByRole('button', { name: 'Enregistrer mon identité' }).click();
  await page.locator('#identity-message', { hasText: 'Identité enregistrée.' }).waitFor();
  assert.equal(await page.getByLabel('Prénom').inputValue(), 'Ida', 'as stored: trimmed');
  const token = await apiToken(email);
  const stored = await call(token, 'GET', '/api/v1/me/identity');
  assert.deepEqual(stored, { civility: 'madame', given_name: 'Ida', family_name: 'Lambert', phone: '+32 61 23 45 67' });
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#identity-family')?.value === 'Lambert');
  assert.equal(await page.getByLabel('Civilité').inputValue(), 'madame');
  assert.ok(created.id);
  assert.deepEqual(page.errors, []);
});

test('role change, deactivation and a new password ask first; cancelling changes nothing', async () => {
  const marie = await account('Marie Dupont', `marie@${DOMAIN}`, PASSWORD);
  const read = () => call(dg, 'GET', `/api/v1/users/${marie.id}`);
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/administration/utilisateurs`);
  await signIn(page, dgEmail);
  const row = () => page.getByRole('row', { name: /Marie Dupont/ });
  await row().waitFor();

  // Role: cancelled, the picker shows the role again; confirmed, it changes.
  const role = row().getByRole('combobox', { name: /Rôle/ });
  await role.selectOption('president');
  await dialog(page).waitFor();
  assert.match(await dialog(page).locator('[id^=confirm-text]').innerText(), /« Travailleur social » au rôle « Président »/);
  await dialog(page).getByRole('button', { name: 'Annuler' }).click();
  await dialog(page).waitFor({ state: 'hidden' });
  // The picker shows the role the account still has.
  const shown = await role.evaluate((select) => new Promise((resolve) => {
    let tries = 0;
    const check = () => (select.value === 'social_worker' || ++tries > 100 ? resolve(select.value) : setTimeout(check, 50));
    check();
  }));
  assert.equal(shown, 'social_worker');
  assert.equal((await read()).role, 'social_worker');
  await role.selectOption('president');
  await dialog(page).getByRole('button', { name: 'Changer le rôle de Marie Dupont' }).click();
  await page.getByRole('status').filter({ hasText: 'Marie Dupont : Modification enregistrée.' }).waitFor();
  assert.equal((await read()).role, 'president');

  // A new password: cancelled, the old one still works; confirmed, it is shown once.
  await row().getByRole('button', { name: 'Nouveau mot de passe — Marie Dupont' }).click();
  await dialog(page).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'hidden' });
  await waitForFocus(page, 'Nouveau mot de passe — Marie Dupont');
  assert.equal(await row().locator('code').count(), 0);
  assert.equal((await login(`marie@${DOMAIN}`, PASSWORD)).status, 200);
  await row().getByRole('button', { name: 'Nouveau mot de passe — Marie Dupont' }).click();
  await dialog(page).getByRole('button', { name: 'Générer un nouveau mot de passe pour Marie Dupont' }).click();
  await row().locator('code').waitFor();
  assert.equal((await login(`marie@${DOMAIN}`, PASSWORD)).status, 401);
  assert.equal((await read()).must_change_password, true);

  // Deactivation: cancelled, still active; confirmed, deactivated.
  await row().getByRole('button', { name: 'Désactiver — Marie Dupont' }).click();
  await dialog(page).getByRole('button', { name: 'Annuler' }).click();
  await dialog(page).waitFor({ state: 'hidden' });
  assert.equal((await read()).active, true);
  await row().getByRole('button', { name: 'Désactiver — Marie Dupont' }).click();
  await dialog(page).getByRole('button', { name: 'Désactiver le compte de Marie Dupont' }).click();
  await row().getByRole('button', { name: 'Réactiver — Marie Dupont' }).waitFor();
  assert.equal((await read()).active, false);
  assert.deepEqual(page.errors, []);
});

test('adopting a plan asks first; cancelling leaves it a draft', async () => {
  const plan = await call(dg, 'POST', '/api/v1/plans', { title: 'Plan à adopter' });
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/plans/${plan.id}/structure`);
  await signIn(page, dgEmail);
  await page.getByLabel('Date de la délibération').fill('2026-03-26');
  const adopt = page.getByRole('button', { name: 'Adopter', exact: true });
  await adopt.click();
  await dialog(page).waitFor();
  assert.match(await dialog(page).locator('[id^=confirm-text]').innerText(), /« Plan à adopter » sera enregistré comme adopté par le Conseil le 26\/03\/2026/);
  assert.deepEqual(await accessibilityViolations(page), []);
  await dialog(page).getByRole('button', { name: 'Annuler' }).click();
  await dialog(page).waitFor({ state: 'hidden' });
  await waitForFocus(page, 'Adopter');
  assert.equal((await call(dg, 'GET', `/api/v1/plans/${plan.id}`)).status, 'draft');

  await adopt.click();
  await dialog(page).getByRole('button', { name: 'Adopter « Plan à adopter »' }).click();
  await page.getByText(/Adopté/).first().waitFor();
  assert.equal((await call(dg, 'GET', `/api/v1/plans/${plan.id}`)).status, 'adopted');
  assert.deepEqual(page.errors, []);
});
