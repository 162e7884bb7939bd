// Tasks (issue 16.2): the DG gives two tasks on Pe18 to the PCS from the action's page;
// the PCS partner finds them in "Mes tâches", ticks one off (it goes to Pe18's journal);
// the DG gives the other to DEFITS from the plan's tasks; on a phone too (small_screens).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, newPage, screenshot, accessibilityViolations, signIn, apiToken } from './support.mjs';

let browser;
let pe18;
let planId;

before(async () => {
  browser = await launch();
  const dg = await apiToken('dg@cpas-a.example');
  const response = await fetch(`${BASE_URL}/api/v1/actions?q=Pe18`, { headers: { authorization: `Bearer ${dg}` } });
  const found = (await response.json()).items.find((a) => a.code === 'Pe18');
  pe18 = found.id;
  planId = found.plan_id;
});
after(async () => { await browser?.close(); });

test('the DG gives tasks; the partner ticks one off in "Mes tâches"; the DG reassigns the other', async () => {
  const manager = await newPage(browser);
  await manager.goto(`${BASE_URL}/actions/${pe18}`);
  await signIn(manager, 'dg@cpas-a.example');
  const section = manager.locator('section.tasks');
  await section.getByRole('heading', { name: 'Tâches', exact: true }).waitFor();
  // Refused first: no due date, and the form says where.
  await section.getByLabel('Tâches (une par ligne)').fill('Réserver la salle\nEnvoyer les invitations');
  await section.getByRole('button', { name: 'Ajouter', exact: true }).click();
  await manager.locator('#tasks-message').filter({ hasText: 'Corrigez les champs signalés.' }).waitFor();
  assert.equal(await section.getByLabel('Échéance').getAttribute('aria-invalid'), 'true');
  await section.getByLabel('Échéance').fill('2027-03-01');
  // The assignees arrive with their own request.
  await section.locator('#task-assignee option', { hasText: 'Commune (PCS)' }).first().waitFor({ state: 'attached' });
  await section.getByLabel('Attribuée à').selectOption({ label: 'Commune (PCS)' });
  await section.getByRole('button', { name: 'Ajouter', exact: true }).click();
  await manager.locator('#tasks-message').filter({ hasText: 'Tâches ajoutées : 2' }).waitFor();
  const items = section.locator('li.task');
  await items.filter({ hasText: 'Envoyer les invitations' }).waitFor();
  assert.equal(await items.count(), 2);
  assert.match(await items.first().innerText(), /Commune \(PCS\)/);
  assert.deepEqual(await accessibilityViolations(manager), []);
  await screenshot(manager, 'tasks-1-dg-gives');

  // The partner: "Mes tâches" from the menu.
  const partner = await newPage(browser);
  await partner.goto(`${BASE_URL}/`);
  await signIn(partner, 'pcs@cpas-a.example');
  await partner.getByRole('link', { name: 'Mes tâches' }).click();
  await partner.getByRole('heading', { name: 'Mes tâches', level: 1 }).waitFor();
  const mine = partner.locator('li.task');
  await mine.filter({ hasText: 'Réserver la salle' }).waitFor();
  assert.equal(await mine.count(), 2);
  assert.match(await mine.first().innerText(), /Pe18/);
  assert.deepEqual(await accessibilityViolations(partner), []);
  await partner.getByLabel('Réserver la salle').check();
  await partner.locator('#tasks-message').filter({ hasText: 'Tâche faite : Réserver la salle' }).waitFor();
  // Done, it leaves the open list; the status line has the focus (the list was redrawn).
  await partner.waitForFunction(() => document.querySelectorAll('li.task').length === 1);
  assert.equal(await partner.evaluate(() => document.activeElement?.id), 'tasks-message');
  await partner.getByLabel('Afficher aussi les tâches faites').check();
  await partner.locator('li.task.done').filter({ hasText: 'Réserver la salle' }).waitFor();
  await screenshot(partner, 'tasks-2-partner-ticks-off');

  // In Pe18's journal, by the partner.
  await partner.goto(`${BASE_URL}/actions/${pe18}`);
  await partner.locator('.journal .task-done').filter({ hasText: 'Tâche faite : Réserver la salle' }).waitFor();

  // The DG gives the other one to DEFITS from the plan's tasks.
  await manager.goto(`${BASE_URL}/plans/${planId}/taches`);
  await manager.getByRole('heading', { name: 'Tâches du plan', level: 1 }).waitFor();
  await manager.getByLabel('Sélectionner Envoyer les invitations').check();
  await manager.locator('#tasks-assign-to option', { hasText: 'DEFITS' }).first().waitFor({ state: 'attached' });
  await manager.getByLabel('Attribuer la sélection à').selectOption({ label: 'DEFITS' });
  await manager.getByRole('button', { name: /Attribuer \(1\)/ }).click();
  await manager.locator('#tasks-message').filter({ hasText: 'Tâches attribuées : 1' }).waitFor();
  await manager.locator('table.plan-tasks tr').filter({ hasText: 'Envoyer les invitations' }).filter({ hasText: 'DEFITS' }).waitFor();
  assert.deepEqual(await accessibilityViolations(manager), []);
  await screenshot(manager, 'tasks-3-dg-assigns');

  const defits = await newPage(browser);
  await defits.goto(`${BASE_URL}/mes-taches`);
  await signIn(defits, 'defits@cpas-a.example');
  await defits.locator('li.task').filter({ hasText: 'Envoyer les invitations' }).waitFor();
  assert.deepEqual([...manager.errors, ...partner.errors, ...defits.errors], []);
});

test('the DG renames a task, moves its due date, then deletes it after a confirmation', async () => {
  const manager = await newPage(browser);
  await manager.goto(`${BASE_URL}/actions/${pe18}`);
  await signIn(manager, 'dg@cpas-a.example');
  const section = manager.locator('section.tasks');
  const item = section.locator('li.task').filter({ hasText: 'Envoyer les invitations' });
  await item.waitFor();

  // Each button names its task; the form opens under it.
  const edit = item.getByRole('button', { name: 'Modifier la tâche « Envoyer les invitations »' });
  await edit.click();
  assert.equal(await edit.getAttribute('aria-expanded'), 'true');
  await item.getByLabel('Intitulé').fill('');
  await item.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await manager.locator('#tasks-message').filter({ hasText: 'Corrigez les champs signalés.' }).waitFor();
  assert.equal(await item.getByLabel('Intitulé').getAttribute('aria-invalid'), 'true');
  await item.getByLabel('Intitulé').fill('Envoyer les invitations aux familles');
  await item.getByLabel('Échéance').fill('2027-03-15');
  assert.deepEqual(await accessibilityViolations(manager), []);
  await item.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await manager.locator('#tasks-message').filter({ hasText: 'Tâche modifiée : Envoyer les invitations aux familles' }).waitFor();
  const renamed = section.locator('li.task').filter({ hasText: 'Envoyer les invitations aux familles' });
  await renamed.waitFor();
  assert.match(await renamed.innerText(), /15\/03\/2027|15 mars 2027/);
  await screenshot(manager, 'tasks-4-dg-edits');

  // Deleting asks first, in a dialog that names the task; cancelling keeps it.
  const remove = renamed.getByRole('button', { name: 'Supprimer la tâche « Envoyer les invitations aux familles »' });
  await remove.click();
  const dialog = manager.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Supprimer la tâche \?/);
  assert.deepEqual(await accessibilityViolations(manager), [], 'axe-core with the dialog open');
  await manager.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await renamed.count(), 1, 'cancelled: still there');
  await remove.click();
  await dialog.getByRole('button', { name: 'Supprimer la tâche « Envoyer les invitations aux familles »' }).click();
  await manager.locator('#tasks-message').filter({ hasText: 'Tâche supprimée : Envoyer les invitations aux familles' }).waitFor();
  await renamed.waitFor({ state: 'detached' });

  // The partner sees neither button.
  const partner = await newPage(browser);
  await partner.goto(`${BASE_URL}/actions/${pe18}`);
  await signIn(partner, 'pcs@cpas-a.example');
  await partner.locator('section.tasks li.task').first().waitFor();
  assert.equal(await partner.locator('section.tasks .task-tools').count(), 0);
  assert.deepEqual([...manager.errors, ...partner.errors], []);
});
