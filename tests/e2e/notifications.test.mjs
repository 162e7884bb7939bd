// How a person is told (issue 18.4): "Mon compte" → Notifications, a choice per topic and
// the language of the e-mails; the page of an e-mail's unsubscribe link, which works
// without a session and once only. In a CPAS of its own: other test files run at the same
// time on the same server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { BASE_URL, PASSWORD, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

const DOMAIN = 'cpas-e2e-notify.example';
const workerEmail = `assistante@${DOMAIN}`;
let browser;
let worker;
let workerId;

async function call(token, method, url, body) {
  const response = await fetch(`${BASE_URL}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/// An unsubscribe link's token as the server signs it: the link's and the person's ids and
/// the topic, HMAC-SHA256 with a key derived from the server's secret for this purpose.
function unsubscribeToken(userId, topic) {
  const secret = process.env.PST_E2E_JWT_SECRET;
  assert.ok(secret, 'PST_E2E_JWT_SECRET is set by `cargo xtask e2e`');
  const key = createHmac('sha256', Buffer.from(secret, 'utf8')).update('pst unsubscribe link v1').digest();
  const uuid = (text) => Buffer.from(text.replaceAll('-', ''), 'hex');
  const payload = Buffer.concat([uuid(randomUUID()), uuid(userId), Buffer.from(topic, 'utf8')]);
  const signature = createHmac('sha256', key).update(payload).digest();
  return `${payload.toString('base64url')}.${signature.toString('base64url')}`;
}

before(async () => {
  browser = await launch();
  const admin = await apiToken('admin@pst.example');
  const tenant = await call(admin, 'POST', '/api/v1/tenants', { slug: 'cpas-e2e-notify', name: 'CPAS des Notifications' });
  const created = await call(admin, 'POST', '/api/v1/users', {
    email: workerEmail, display_name: 'Assistante Sociale', role: 'social_worker', tenant_id: tenant.id, password: PASSWORD,
  });
  workerId = created.user.id;
  worker = await apiToken(workerEmail);
});
after(async () => { await browser?.close(); });

test('a person chooses, per topic, how to be told, and the language of the e-mails', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/mon-compte`);
  await signIn(page, workerEmail);
  const section = page.locator('section#notifications');
  await section.getByRole('heading', { name: 'Notifications' }).waitFor();
  const tasks = section.getByLabel('Tâches', { exact: true });
  await page.locator('#notify-tasks:enabled').waitFor();
  assert.equal(await tasks.inputValue(), 'immediately');

  await tasks.selectOption({ label: 'Résumé quotidien par e-mail (7 h)' });
  await section.getByLabel('Mentions', { exact: true }).selectOption({ label: 'Dans l’application seulement' });
  await section.getByLabel('Langue des e-mails').selectOption({ label: 'Nederlands' });
  assert.deepEqual(await accessibilityViolations(page), [], 'axe-core on the choices');
  await section.getByRole('button', { name: 'Enregistrer mes choix' }).click();
  const status = page.locator('#notification-choices-message');
  await status.getByText('Vos choix de notification sont enregistrés.').waitFor();
  // The confirmation takes the focus, so that it is read where it is shown.
  await page.waitForFunction(() => document.activeElement?.id === 'notification-choices-message');
  await screenshot(page, 'notification-choices');

  const stored = await call(worker, 'GET', '/api/v1/me/notification-preferences');
  assert.equal(stored.language, 'nl');
  assert.equal(stored.topics.find((c) => c.topic === 'tasks').delivery, 'daily');
  assert.equal(stored.topics.find((c) => c.topic === 'mentions').delivery, 'in_app');
  assert.equal(stored.topics.find((c) => c.topic === 'decisions').delivery, 'immediately');

  // Read back after a reload.
  await page.reload();
  await page.locator('#notify-tasks:enabled').waitFor();
  assert.equal(await page.locator('#notify-tasks').inputValue(), 'daily');
  assert.equal(await page.locator('#notify-language').inputValue(), 'nl');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("an e-mail's unsubscribe link stops its topic without a session, once", async () => {
  const token = unsubscribeToken(workerId, 'decisions');
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/desabonnement/${token}`);
  await page.getByRole('heading', { level: 1, name: 'Se désabonner' }).waitFor();
  await page.getByText('Ne plus recevoir d’e-mails « Décisions sur mes propositions » à l’adresse a…@cpas-e2e-notify.example ?').waitFor();
  // Opening the link changed nothing (mail scanners open links).
  const before = await call(worker, 'GET', '/api/v1/me/notification-preferences');
  assert.equal(before.topics.find((c) => c.topic === 'decisions').delivery, 'immediately');
  assert.deepEqual(await accessibilityViolations(page), [], 'axe-core on the unsubscribe page');

  await page.getByRole('button', { name: 'Confirmer le désabonnement' }).click();
  await page.getByText('C’est fait : vous ne recevrez plus d’e-mails « Décisions sur mes propositions ».').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'unsubscribe-message');
  await screenshot(page, 'unsubscribed');
  const after = await call(worker, 'GET', '/api/v1/me/notification-preferences');
  assert.equal(after.topics.find((c) => c.topic === 'decisions').delivery, 'in_app');
  assert.equal(after.topics.find((c) => c.topic === 'tasks').delivery, before.topics.find((c) => c.topic === 'tasks').delivery);

  // Once: the same link again says so.
  await page.reload();
  await page.getByText('Ce lien de désabonnement a déjà servi : chaque lien ne fonctionne qu’une fois.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Confirmer le désabonnement' }).count(), 0);
  // A link altered to name another topic is refused.
  const [payload, signature] = token.split('.');
  const bytes = Buffer.from(payload, 'base64url');
  const forged = `${Buffer.concat([bytes.subarray(0, 32), Buffer.from('tasks')]).toString('base64url')}.${signature}`;
  await page.goto(`${BASE_URL}/desabonnement/${forged}`);
  await page.locator('.unsubscribe-refused').getByText('Ce lien de désabonnement n’est pas valable').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
