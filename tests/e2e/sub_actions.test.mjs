// Sub-actions (issue 16.1): the DG adds the steps of Pe18 from its page, the PCS partner
// marks step 2 done on the step's own page, the president approves, and Pe18's progress,
// computed from its steps, moves; on a phone too. After the files that use Pe18's own
// progress (they run in name order, one at a time).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let dg;
let president;
let pe18;

const headers = (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

async function call(token, method, path, body) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method, headers: headers(token), body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  browser = await launch();
  dg = await apiToken('dg@cpas-a.example');
  president = await apiToken('president@cpas-a.example');
  const found = await call(dg, 'GET', '/api/v1/actions?q=Pe18');
  pe18 = found.body.items.find((a) => a.code === 'Pe18').id;
});
after(async () => { await browser?.close(); });

const figure = async (page) =>
  (await page.locator('.action-status .progress-figure').first().innerText()).replace(/\s/g, '');

test('the DG adds steps; a partner marks step 2 done; once approved, the action\'s progress moves', async () => {
  // The DG adds the first step from the action's page; the other three through the API.
  const manager = await newPage(browser);
  await manager.goto(`${BASE_URL}/actions/${pe18}`);
  await signIn(manager, 'dg@cpas-a.example');
  await manager.getByRole('heading', { name: 'Sous-actions de l’action' }).waitFor();
  await manager.getByLabel('Titre de la sous-action').fill('Réserver la salle du Pâchy');
  await manager.getByRole('button', { name: 'Ajouter une sous-action' }).click();
  await manager.locator('#sub-actions-message').filter({ hasText: 'Sous-action ajoutée.' }).waitFor();
  await manager.locator('ul.sub-actions li').filter({ hasText: 'Réserver la salle du Pâchy' }).waitFor();
  // The direct edit no longer offers the action's own progress: its steps drive it.
  await manager.locator('.direct-edit').getByText('Calculé à partir de ses sous-actions (1)').waitFor();
  assert.equal(await manager.locator('#edit-progress').count(), 0);
  assert.deepEqual(await accessibilityViolations(manager), []);
  await screenshot(manager, 'sub-actions-1-dg-adds');
  for (const title of ['Animer les ateliers tricot', 'Inviter la police pour la prévention', 'Faire le bilan avec le PCS']) {
    const added = await call(dg, 'POST', `/api/v1/actions/${pe18}/sub-actions`, { title });
    assert.equal(added.status, 201, JSON.stringify(added.body));
  }

  // The partner sees the steps and that the progress is theirs.
  const partner = await newPage(browser);
  await partner.goto(`${BASE_URL}/actions/${pe18}`);
  await signIn(partner, 'pcs@cpas-a.example');
  const steps = partner.locator('ul.sub-actions li');
  await steps.nth(3).waitFor();
  assert.deepEqual(
    (await steps.locator('.code').allInnerTexts()).map((c) => c.trim()),
    ['Pe18.1', 'Pe18.2', 'Pe18.3', 'Pe18.4'],
  );
  await partner.getByText('Calculé à partir de ses sous-actions (4)').first().waitFor();
  assert.equal(await figure(partner), '0%');
  assert.equal(await partner.getByLabel('Avancement (%)').isDisabled(), true, 'the action\'s own progress is not proposed');
  assert.deepEqual(await accessibilityViolations(partner), []);

  // Step 2, on its own page: done.
  await steps.nth(1).getByRole('link').click();
  await partner.getByRole('heading', { name: /Pe18\.2/ }).waitFor();
  assert.match(await partner.locator('.parent-action').innerText(), /Sous-action de\s+Pe18/);
  await partner.getByLabel('Statut').selectOption('termine');
  await partner.getByLabel('Avancement (%)').fill('100');
  await partner.getByRole('button', { name: 'Envoyer la proposition' }).click();
  await partner.getByText('Votre proposition est envoyée').waitFor();
  await screenshot(partner, 'sub-actions-2-step-reported');

  // The president approves it in the queue.
  const queue = await call(president, 'GET', '/api/v1/change-requests?status=pending');
  const proposal = queue.body.find((p) => p.action_code === 'Pe18.2');
  assert.ok(proposal, 'the step\'s proposal is in the queue');
  const approved = await call(president, 'POST', `/api/v1/change-requests/${proposal.id}/approve`, {});
  assert.equal(approved.status, 200, JSON.stringify(approved.body));

  // Back on Pe18: one step of four done.
  await partner.getByRole('link', { name: /Pe18\s+Favoriser/ }).click();
  await partner.getByRole('heading', { name: /Pe18\s*Favoriser/ }).waitFor();
  await partner.locator('ul.sub-actions li').nth(3).waitFor();
  assert.equal(await figure(partner), '25%');
  assert.match(await partner.locator('ul.sub-actions li').nth(1).innerText(), /Terminé[\s\S]*100\s*%/);
  await screenshot(partner, 'sub-actions-3-action-moved');
  // Pe18's history explains the move: the step's change, naming the step.
  await partner.goto(`${BASE_URL}/actions/${pe18}`);
  const fromStep = partner.locator('.history-entry').filter({ hasText: 'Pe18.2' });
  await fromStep.first().waitFor();
  assert.match(await fromStep.first().innerText(), /Avancement/);

  // In the tree, the steps are folded under the action.
  await partner.goto(`${BASE_URL}/plans/${(await call(dg, 'GET', '/api/v1/plans')).body[0].id}`);
  const folded = partner.locator('#action-Pe18 details.sub-actions');
  await folded.waitFor();
  await folded.locator('summary').click();
  await folded.getByRole('link', { name: 'Animer les ateliers tricot' }).waitFor();
  assert.deepEqual(await accessibilityViolations(partner), []);

  // On a 360 px phone, the action page does not scroll sideways.
  await partner.setViewportSize({ width: 360, height: 740 });
  await partner.goto(`${BASE_URL}/actions/${pe18}`);
  await partner.locator('ul.sub-actions li').nth(3).waitFor();
  const { scrollWidth, innerWidth } = await partner.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${scrollWidth} px wide on a ${innerWidth} px screen`);
  await screenshot(partner, 'sub-actions-4-phone');

  // The DG sets Pe18's progress by hand; its history says so, in words.
  await manager.reload();
  const byHand = manager.getByLabel('Fixer l’avancement de l’action à la main plutôt que de le calculer à partir de ses sous-actions');
  await byHand.check();
  await manager.locator('#sub-actions-message').filter({ hasText: 'Calcul de l’avancement enregistré.' }).waitFor();
  await manager.locator('.history-entry').filter({ hasText: /Avancement fixé à la main : non → oui/ }).waitFor();
  assert.equal(await manager.locator('#edit-progress').count(), 1, 'the direct edit offers the progress again');
  // A change of the definition is named in the history too (not "Champ").
  const { version } = (await call(dg, 'GET', `/api/v1/actions/${pe18}`)).body.action;
  const defined = await call(dg, 'PATCH', `/api/v1/actions/${pe18}/definition`, { version, reservation: 'Sous réserve du budget 2027.' });
  assert.equal(defined.status, 200, JSON.stringify(defined.body));
  await manager.reload();
  await manager.locator('.history-entry').filter({ hasText: /Réserve : .* → Sous réserve du budget 2027\./ }).waitFor();
  assert.deepEqual(await accessibilityViolations(manager), []);
  assert.deepEqual(manager.errors, []);
  assert.deepEqual(partner.errors, []);
});
