// The admin panel in a real browser against the real server and the Kill Bill
// emulator (KILLBILL_URL): three integration cards, "sync now" followed live
// without a reload, and a Kill Bill outage told apart from our own health.
import { expect, test, type Page } from '@playwright/test';

const password = process.env.MARKETPLACE_DEMO_PASSWORD ?? '';
const killbillUrl = process.env.KILLBILL_URL ?? '';
const screenshots = 'target/e2e/screenshots';

test.describe.configure({ mode: 'serial' });

async function setKillBillFaults(page: Page, faults: Record<string, unknown>) {
  const response = await page.request.put(`${killbillUrl}/__sandbox/faults`, { data: faults });
  expect(response.ok(), `the Kill Bill emulator at ${killbillUrl} takes fault settings`).toBeTruthy();
}

async function openPanelAsAdmin(page: Page) {
  await page.goto('/login?next=/admin/system-status');
  await page.getByLabel('E-mail').fill('admin@marketplace.test');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/system-status$/);
  await expect(page.locator('#app')).toHaveAttribute('data-hydrated', 'true');
}

test.beforeAll(() => {
  expect(killbillUrl, 'KILLBILL_URL points at the Kill Bill emulator').not.toBe('');
});

test.afterAll(async ({ request }) => {
  await request.put(`${killbillUrl}/__sandbox/faults`, { data: {} });
});

test('an admin syncs Kill Bill now and watches the card run and turn OK without reloading', async ({ page }) => {
  test.setTimeout(180_000);
  await openPanelAsAdmin(page);

  const cards = page.getByTestId('integrations').locator(':scope > li[data-platform]');
  await expect(cards).toHaveCount(3);
  for (const name of ['Kill Bill', 'Condo', 'Cocorico']) {
    await expect(page.getByRole('heading', { level: 3, name })).toBeVisible();
  }
  // The demo ran the first syncs before the server started: every integration is green.
  for (const platform of ['killbill', 'condo', 'cocorico']) {
    await expect(page.locator(`li[data-platform="${platform}"]`)).toHaveAttribute('data-health', 'ok');
  }
  const killbill = page.locator('li[data-platform="killbill"]');
  // The first sync may still be running from the server's start.
  await expect(killbill).toHaveAttribute('data-activity', 'idle', { timeout: 120_000 });
  await page.screenshot({ path: `${screenshots}/admin-panel.png`, fullPage: true });

  // A marker that a reload would wipe.
  await page.evaluate(() => ((window as unknown as { panelMarker: string }).panelMarker = 'still here'));
  // A slow Kill Bill: a run with nothing to send still takes a second (its
  // healthcheck), long enough to be watched.
  await setKillBillFaults(page, { latency_ms: 1000 });
  const seen = new Set<string>();
  const watch = setInterval(async () => {
    const activity = await killbill.getAttribute('data-activity').catch(() => null);
    if (activity) seen.add(activity);
  }, 100);
  await killbill.getByTestId('sync-now').click();
  await expect(killbill).not.toHaveAttribute('data-activity', 'idle', { timeout: 10_000 });
  await expect(killbill.getByTestId('activity')).toBeVisible();
  await page.screenshot({ path: `${screenshots}/admin-panel-sync-running.png`, fullPage: true });
  await expect(killbill).toHaveAttribute('data-activity', 'idle', { timeout: 120_000 });
  clearInterval(watch);
  expect([...seen].some((a) => a === 'queued' || a === 'running'), `states seen: ${[...seen]}`).toBeTruthy();
  await expect(killbill).toHaveAttribute('data-health', 'ok');
  await expect(killbill.getByTestId('health')).toHaveText('OK');
  await expect(killbill.getByTestId('last-run')).toContainText('succeeded');
  await expect(killbill.getByTestId('last-run')).toContainText('manual');
  await expect(killbill.getByTestId('history').locator('svg g.run').last()).toHaveAttribute('data-status', 'succeeded');
  expect(await page.evaluate(() => (window as unknown as { panelMarker?: string }).panelMarker)).toBe('still here');
  await page.screenshot({ path: `${screenshots}/admin-panel-sync-ok.png`, fullPage: true });
  await setKillBillFaults(page, {});
});

test('with Kill Bill down the card fails in plain words and the upstream check blames Kill Bill, not us', async ({ page }) => {
  test.setTimeout(120_000);
  await openPanelAsAdmin(page);
  const killbill = page.locator('li[data-platform="killbill"]');
  await expect(killbill).toHaveAttribute('data-activity', 'idle', { timeout: 60_000 });
  await setKillBillFaults(page, { down: true });

  await killbill.getByTestId('sync-now').click();
  await expect(killbill).toHaveAttribute('data-health', 'failing', { timeout: 60_000 });
  await expect(killbill.getByTestId('health')).toHaveText('Failing');
  await expect(killbill.getByTestId('error-message')).toHaveText('Kill Bill did not answer');
  // The technical detail is folded away until asked for.
  const detail = killbill.getByTestId('error').locator('details');
  await expect(detail.locator('pre')).toBeHidden();
  await detail.locator('summary').click();
  await expect(detail.locator('pre')).toContainText('healthcheck');
  await expect(killbill.getByTestId('history').locator('svg g.run[data-status="failed"]').last()).toBeVisible();

  const checks = page.getByTestId('upstream-checks');
  await expect(checks.locator('[data-check="killbill"]')).toHaveAttribute('data-state', 'down', { timeout: 20_000 });
  await expect(checks.locator('[data-check="killbill"]').getByTestId('check-message')).toContainText('Kill Bill is down');
  await expect(checks.locator('[data-check="ours"]')).toHaveAttribute('data-state', 'up');
  await page.screenshot({ path: `${screenshots}/admin-panel-killbill-down.png`, fullPage: true });

  // Back up: the check turns green again on its own.
  await setKillBillFaults(page, {});
  await expect(checks.locator('[data-check="killbill"]')).toHaveAttribute('data-state', 'up', { timeout: 20_000 });
});
