// A tenant reports a problem with a photo; the request reaches Condo (through the outbox) and
// says so; the landlord sees it with the photo on /maintenance and answers in a comment; the
// tenant reads the answer. Runs against the demo server with the Condo emulator linked
// (scripts/test.sh); tenant1 rents a flat of landlord1.
import { expect, test, type Page } from '@playwright/test';

const password = process.env.MARKETPLACE_DEMO_PASSWORD ?? '';

// A 2×2 PNG.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await expect(page.locator('#app')).toHaveAttribute('data-hydrated', 'true');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
}

test('a tenant reports a problem with a photo, the landlord answers, the tenant reads the answer', async ({ page }) => {
  const title = `The bathroom fan is broken ${Date.now()}`;
  await signIn(page, 'tenant1@marketplace.test');
  await page.goto('/maintenance');
  await page.getByTestId('report-problem').click();
  await expect(page).toHaveURL(/\/maintenance\/new$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Report a problem');
  await page.getByLabel('What is wrong').fill(`${title}\nIt makes a loud noise and then stops.`);
  await page.getByLabel('When can someone come in? (optional)').fill('Weekdays after 17:00');
  await page.getByLabel('Photos (optional)').setInputFiles({ name: 'fan.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('button', { name: 'Send the request' }).click();

  await expect(page).toHaveURL(/\/maintenance\/[0-9a-f-]{36}\?ok=filed$/);
  await expect(page.getByTestId('form-ok')).toContainText('Your request is stored');
  await expect(page.getByTestId('ticket-title')).toContainText(title);
  const ticketUrl = page.url().replace(/\?.*$/, '');
  // The outbox sends it at once; the page says so once Condo has it.
  await expect(async () => {
    await page.goto(ticketUrl);
    await expect(page.getByTestId('sending-state')).toHaveAttribute('data-state', 'sent', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('sending-state')).toContainText('Sent to Condo');
  await expect(page.getByTestId('ticket-photo')).toHaveCount(1);
  await signOut(page);

  // The landlord finds it on /maintenance, with its photo, and answers.
  await signIn(page, 'landlord1@marketplace.test');
  await page.goto('/maintenance');
  const row = page.getByTestId('ticket-row').filter({ hasText: title });
  await expect(row).toHaveCount(1);
  await row.getByRole('link').first().click();
  await expect(page.getByTestId('ticket-title')).toContainText(title);
  const photo = page.getByTestId('ticket-photo');
  await expect(photo).toHaveCount(1);
  expect(await photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(2);
  await page.getByLabel('Your comment').fill('Our technician comes on Thursday at 18:00.');
  await page.getByRole('button', { name: 'Add the comment' }).click();
  await expect(page.getByTestId('form-ok')).toContainText('Your comment is stored');
  await expect(page.getByTestId('ticket-comment').filter({ hasText: 'Thursday at 18:00' })).toHaveCount(1);
  await signOut(page);

  // The tenant reads the answer on the ticket's page.
  await signIn(page, 'tenant1@marketplace.test');
  await page.goto(ticketUrl);
  await expect(page.getByTestId('ticket-comment').filter({ hasText: 'Our technician comes on Thursday at 18:00.' })).toHaveCount(1);
});

test('a refused request form says why and keeps what was typed', async ({ page }) => {
  await signIn(page, 'tenant1@marketplace.test');
  await page.goto('/maintenance/new');
  await page.getByLabel('What is wrong').fill('The radiator in the bedroom is cold');
  await page.getByLabel('Photos (optional)').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('%PDF-1.7 not an image') });
  await page.getByRole('button', { name: 'Send the request' }).click();
  await expect(page).toHaveURL(/\/maintenance\/new\?error=photos/);
  await expect(page.getByTestId('form-error')).toContainText('notes.png');
  await expect(page.getByTestId('form-error')).toContainText('not a JPEG, PNG or WebP image');
  await expect(page.getByLabel('What is wrong')).toHaveValue('The radiator in the bedroom is cold');
});
