// A landlord follows maintenance tickets imported from Condo: signs in, filters by status,
// opens a ticket; tickets of another landlord's properties never appear and cannot be opened.
// Runs against the demo server with the Condo emulator linked and synced (scripts/test.sh).
import { expect, test, type APIRequestContext } from '@playwright/test';

const password = process.env.MARKETPLACE_DEMO_PASSWORD ?? '';

async function tokenOf(request: APIRequestContext, email: string): Promise<string> {
  const response = await request.post('/api/auth/login', { data: { email, password } });
  expect(response.status()).toBe(200);
  return (await response.json()).access_token;
}

async function getJson(request: APIRequestContext, token: string, path: string) {
  const response = await request.get(path, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status(), path).toBe(200);
  return response.json();
}

test('a landlord filters their tickets by status and opens one, never seeing another landlord\'s', async ({ page, request }) => {
  // What the landlord owns, and a ticket on someone else's property (seen as admin).
  const landlord = await tokenOf(request, 'landlord1@marketplace.test');
  const own: { id: string; name: string }[] = await getJson(request, landlord, '/api/my/properties');
  const ownIds = new Set(own.map((p) => p.id));
  const admin = await tokenOf(request, 'admin@marketplace.test');
  const everything = await getJson(request, admin, '/api/maintenance?per_page=100');
  const others = everything.items.filter((t: any) => !ownIds.has(t.property.id));
  expect(others.length, 'Condo tickets of other landlords are imported too').toBeGreaterThan(0);
  const mine = await getJson(request, landlord, '/api/maintenance?per_page=100&status=processing');
  expect(mine.total, 'the landlord has tickets in progress').toBeGreaterThan(0);

  await page.goto('/login');
  await page.getByLabel('E-mail').fill('landlord1@marketplace.test');
  await page.getByLabel('Password').fill(password);
  await expect(page.locator('#app')).toHaveAttribute('data-hydrated', 'true');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/maintenance$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Maintenance');
  await expect(page.getByTestId('ticket-row').first()).toBeVisible();
  for (const name of await page.getByTestId('ticket-property').allTextContents()) {
    expect(own.map((p) => p.name)).toContain(name);
  }

  // Filter with the plain GET form.
  await page.locator('select[name=status]').selectOption('processing');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/\/maintenance\?status=processing/);
  const rows = page.getByTestId('ticket-row');
  await expect(rows.first()).toBeVisible();
  const shown = await rows.count();
  expect(shown).toBe(Math.min(mine.total, 25));
  for (const status of await page.getByTestId('ticket-status').allTextContents()) {
    expect(status).toBe('In progress');
  }
  await expect(page.getByTestId('status-counts').locator('[data-status=processing] [data-testid=status-count]'))
    .toHaveText(String(mine.total));
  const hrefs = await page.locator('[data-testid=ticket-row] a').evaluateAll((links) =>
    links.map((a) => a.getAttribute('href')),
  );
  for (const other of others) {
    expect(hrefs).not.toContain(`/maintenance/${other.id}`);
  }

  // Open the first ticket.
  const first = mine.items[0];
  await rows.first().getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/maintenance/${first.id}$`));
  await expect(page.getByTestId('ticket-title')).toContainText(first.title);
  await expect(page.getByTestId('ticket-status')).toHaveText('In progress');
  await expect(page.getByTestId('ticket-property')).toHaveText(first.property.name);
  await expect(page.getByTestId('history-entry').first()).toBeVisible();

  // Another landlord's ticket cannot be opened, even by its address.
  const response = await page.goto(`/maintenance/${others[0].id}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByText('Ticket not found')).toBeVisible();
  await expect(page.getByText(others[0].title)).toHaveCount(0);
});

test('signed-out visitors are sent to sign in', async ({ page }) => {
  await page.goto('/maintenance');
  await expect(page).toHaveURL(/\/login\?next=\/maintenance$/);
});
