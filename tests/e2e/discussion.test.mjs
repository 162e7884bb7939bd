// Discussions (issue 18.1): on Pe18's page, the PCS's partner comments with a link and
// mentions the DG; the DG learns it from the inbox, follows it to the discussion and hides
// another comment with a reason; the partner deletes their own after confirming, and a
// trace stays. Axe, and a 360 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let pe18;

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
  pe18 = (await call(dg, 'GET', '/api/v1/actions?q=Pe18')).body.items.find((a) => a.code === 'Pe18').id;
});
after(async () => { await browser?.close(); });

const discussion = (page) => page.locator('section.discussion');

test('a partner comments with a link and mentions the DG, who learns it from the inbox', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/actions/${pe18}`);
  await signIn(page, 'pcs@cpas-a.example');
  const area = discussion(page);
  await area.getByRole('heading', { name: 'Discussion' }).waitFor();
  await area.getByText('Aucun commentaire pour le moment.').waitFor();

  // Refused while empty, with the field marked.
  await area.getByRole('button', { name: 'Publier le commentaire' }).click();
  await page.locator('#discussion-message').filter({ hasText: 'Corrigez les champs signalés.' }).waitFor();
  assert.equal(await area.getByLabel('Votre commentaire').getAttribute('aria-invalid'), 'true');

  await area.getByLabel('Votre commentaire').fill('Réunion tenue avec le PCS. Compte rendu : https://example.org/cr-3-12.');
  const mention = area.getByLabel('Mentionner une personne');
  await mention.locator('option', { hasText: 'Direction générale (CPAS A)' }).waitFor({ state: 'attached' });
  await mention.selectOption({ label: 'Direction générale (CPAS A)' });
  await area.getByRole('button', { name: 'Ne plus mentionner Direction générale (CPAS A)' }).waitFor();
  await area.getByRole('button', { name: 'Publier le commentaire' }).click();
  await page.locator('#discussion-message').filter({ hasText: 'Commentaire publié.' }).waitFor();
  const comment = area.locator('li.comment').first();
  await comment.waitFor();
  assert.match(await comment.innerText(), /PCS/);
  const link = comment.getByRole('link', { name: 'https://example.org/cr-3-12' });
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer nofollow');
  assert.match(await comment.innerText(), /Personnes mentionnées : Direction générale \(CPAS A\)/);
  assert.equal(await area.getByLabel('Votre commentaire').inputValue(), '', 'the form is emptied');
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'discussion-1-partner');

  // On a 360 px phone, nothing scrolls sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  await area.scrollIntoViewIfNeeded();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `the action page is ${wide} px wide on a 360 px screen`);
  await screenshot(page, 'discussion-2-phone');
  assert.deepEqual(page.errors, []);

  // The DG: the inbox names the action; its link opens the page with the discussion.
  const dgPage = await newPage(browser);
  await dgPage.goto(`${BASE_URL}/`);
  await signIn(dgPage, 'dg@cpas-a.example');
  const inbox = dgPage.getByRole('button', { name: /^Notifications/ });
  await inbox.click();
  const item = dgPage.locator('#inbox-panel').getByRole('link', { name: /Vous êtes mentionné·e dans la discussion de Pe18/ });
  await item.waitFor();
  await item.click();
  await discussion(dgPage).locator('li.comment').first().waitFor();
  assert.deepEqual(dgPage.errors, []);
});

test('the DG hides a comment with a reason; its author deletes theirs after confirming', async () => {
  const social = await apiToken('social@cpas-a.example');
  const posted = await call(social, 'POST', `/api/v1/actions/${pe18}/comments`, { body: 'Un propos sans rapport.' });
  assert.equal(posted.status, 201, JSON.stringify(posted.body));

  const dgPage = await newPage(browser);
  await dgPage.goto(`${BASE_URL}/actions/${pe18}`);
  await signIn(dgPage, 'dg@cpas-a.example');
  const area = discussion(dgPage);
  const target = area.locator('li.comment').filter({ hasText: 'Un propos sans rapport.' });
  await target.getByRole('button', { name: /^Masquer — Service social/ }).click();
  await target.getByLabel('Motif du masquage').fill('Sans rapport avec l’action');
  await target.getByRole('button', { name: 'Masquer', exact: true }).last().click();
  await dgPage.locator('#discussion-message').filter({ hasText: 'Commentaire masqué.' }).waitFor();
  await area.getByText('Commentaire masqué par Direction générale (CPAS A) : Sans rapport avec l’action').waitFor();
  assert.equal(await area.getByText('Un propos sans rapport.').count(), 0);
  assert.deepEqual(await accessibilityViolations(dgPage), []);
  await screenshot(dgPage, 'discussion-3-hidden');

  // The partner deletes their comment: asked first; a trace stays.
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/actions/${pe18}`);
  await signIn(page, 'pcs@cpas-a.example');
  const mine = discussion(page).locator('li.comment').first();
  await mine.getByRole('button', { name: /^Supprimer — / }).click();
  const dialog = page.getByRole('dialog', { name: 'Supprimer ce commentaire ?' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: /^Supprimer — / }).click();
  await page.locator('#discussion-message').filter({ hasText: 'Commentaire supprimé.' }).waitFor();
  await discussion(page).getByText('Commentaire supprimé par son auteur.').waitFor();
  assert.equal(await discussion(page).getByText('https://example.org/cr-3-12').count(), 0);
  assert.deepEqual(await accessibilityViolations(page), []);
  assert.deepEqual([...page.errors, ...dgPage.errors], []);
});
