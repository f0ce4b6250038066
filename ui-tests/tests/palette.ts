import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

/**
 * Run a command by its label through the modal command palette, as a user does. The palette
 * closes whenever focus moves (the kernel starting, a cell grabbing focus), so opening, typing
 * and choosing are retried together until the command's item is clicked.
 */
export async function runFromPalette(page: IJupyterLabPageFixture, label: string): Promise<void> {
  const palette = page.locator('#modal-command-palette');
  await expect(async () => {
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('apputils:activate-command-palette');
    });
    const input = palette.locator('input');
    await input.fill(label, { timeout: 2000 });
    await palette
      .locator('.lm-CommandPalette-item', { hasText: label })
      .first()
      .click({ timeout: 2000 });
  }).toPass({ timeout: 60000 });
}
