// Evidence files (issue 18.2), on CPAS A's Pe18, which its PCS leads: the partner attaches
// a PDF to a proposal from the form; the DG finds it on the action's page and downloads
// it, adds a photo (previewed) and removes it after confirming; an executable named `.pdf`
// is refused in French. Axe, and 360 px. The partner's pending proposals on Pe18 are
// withdrawn before and after, so that the other files find the action as they expect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let action;
let pcs;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8dfc0f01f000680027f104c1be10000000049454e44ae426082', 'hex');
const ELF = Buffer.from('7f454c4602010100000000000000000002003e0001000000', 'hex');

/// Withdraws the PCS's pending proposals on Pe18.
async function withdrawPending() {
  const pending = (await call(pcs, 'GET', `/api/v1/change-requests?status=pending&action_id=${action.id}`)).body;
  for (const proposal of pending) {
    const withdrawn = await call(pcs, 'POST', `/api/v1/change-requests/${proposal.id}/withdraw`);
    assert.equal(withdrawn.status, 200);
  }
}

async function call(token, method, path) {
  const response = await fetch(`${BASE_URL}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  browser = await launch();
  pcs = await apiToken('pcs@cpas-a.example');
  action = (await call(pcs, 'GET', '/api/v1/actions?q=Pe18')).body.items.find((a) => a.code === 'Pe18');
  await withdrawPending();
});
after(async () => {
  await withdrawPending();
  await browser?.close();
});

const files = (page) => page.locator('section.attachments');

test('a partner attaches a PDF to a proposal; the DG downloads it, adds a photo and removes it', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/actions/${action.id}`);
  await signIn(page, 'pcs@cpas-a.example');
  await page.getByRole('heading', { name: 'Proposer une mise à jour' }).waitFor();
  await files(page).getByText('Aucune pièce jointe pour l’instant.').waitFor();

  await page.getByLabel('Note pour le journal').fill('Atelier tenu le 3 décembre, feuille de présence jointe.');
  await page.getByLabel('Pièces justificatives (facultatif)').setInputFiles({
    name: 'présences 3-12.pdf', mimeType: 'application/pdf', buffer: PDF,
  });
  await page.getByRole('button', { name: 'Envoyer la proposition' }).click();
  await page.locator('.report-status').filter({ hasText: 'Votre proposition est envoyée' }).waitFor();
  assert.doesNotMatch(await page.locator('.report-status').innerText(), /non joint/);
  // The files' list is read again when the page shows the pending proposal.
  await page.reload();
  const item = files(page).locator('li.attachment').filter({ hasText: 'présences 3-12.pdf' });
  await item.waitFor();
  assert.match(await item.innerText(), /PDF · .* · .*PCS.*joint à une proposition/s);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'evidence-1-partner');

  // An executable named `.pdf`: refused, in French, and nothing listed.
  await files(page).getByLabel('Joindre un fichier').setInputFiles({
    name: 'rapport.pdf', mimeType: 'application/pdf', buffer: ELF,
  });
  await files(page).getByRole('button', { name: 'Joindre le fichier' }).click();
  await page.locator('#attachments-message').filter({ hasText: 'Ce fichier n’est pas accepté' }).waitFor();
  assert.equal(await files(page).locator('li.attachment').count(), 1);

  // On a 360 px phone, nothing scrolls sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  await files(page).scrollIntoViewIfNeeded();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `the action page is ${wide} px wide on a 360 px screen`);
  await screenshot(page, 'evidence-2-phone');
  assert.deepEqual(page.errors, []);

  // The DG downloads it with its name, adds a photo (previewed), then removes the photo.
  const dgPage = await newPage(browser);
  await dgPage.goto(`${BASE_URL}/actions/${action.id}`);
  await signIn(dgPage, 'dg@cpas-a.example');
  const pdf = files(dgPage).getByRole('button', { name: 'Télécharger — présences 3-12.pdf' });
  await pdf.waitFor();
  const [download] = await Promise.all([dgPage.waitForEvent('download'), pdf.click()]);
  assert.equal(download.suggestedFilename(), 'présences 3-12.pdf');
  const saved = await download.path();
  const { readFile } = await import('node:fs/promises');
  assert.deepEqual(await readFile(saved), PDF);

  await files(dgPage).getByLabel('Joindre un fichier').setInputFiles({
    name: 'atelier.png', mimeType: 'image/png', buffer: PNG,
  });
  await files(dgPage).getByRole('button', { name: 'Joindre le fichier' }).click();
  await dgPage.locator('#attachments-message').filter({ hasText: 'Fichier joint.' }).waitFor();
  const preview = files(dgPage).getByRole('img', { name: 'Aperçu de atelier.png' });
  await preview.waitFor();
  assert.ok(await preview.evaluate((img) => img.complete && img.naturalWidth === 1), 'the preview shows the image');
  assert.deepEqual(await accessibilityViolations(dgPage), []);
  await screenshot(dgPage, 'evidence-3-dg');

  await files(dgPage).getByRole('button', { name: 'Retirer — atelier.png' }).click();
  const dialog = dgPage.getByRole('dialog', { name: 'Retirer ce fichier ?' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Retirer — atelier.png' }).click();
  await dgPage.locator('#attachments-message').filter({ hasText: 'Fichier retiré.' }).waitFor();
  // The message comes with the answer; the list follows once it is read again.
  await files(dgPage).locator('li.attachment').filter({ hasText: 'atelier.png' }).waitFor({ state: 'detached' });
  assert.deepEqual(dgPage.errors, []);
});
