// The public portal: home → properties → a listing, with hydration proven by
// a control that only works once the browser has taken over the page.
import { expect, test, type APIRequestContext } from '@playwright/test';

async function totalListings(request: APIRequestContext): Promise<number> {
  const body = await (await request.get('/api/properties')).json();
  return body.total;
}

test('a visitor goes from the home page to a listing and the page becomes interactive', async ({ page, request }) => {
  const total = await totalListings(request);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Homes to rent');
  await page.getByRole('link', { name: 'Browse properties' }).first().click();

  await expect(page).toHaveURL(/\/properties$/);
  const cards = page.getByTestId('listing-grid').locator('li');
  await expect(cards).toHaveCount(12);
  await expect(page.getByTestId('result-count')).toContainText(`Showing 1–12 of ${total}`);

  const firstTitle = (await cards.first().locator('h2').textContent())?.trim() ?? '';
  await cards.first().getByRole('link').click();
  await expect(page).toHaveURL(/\/properties\/[a-z0-9-]+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(firstTitle);

  await expect(page.locator('#app')).toHaveAttribute('data-hydrated', 'true');
  const position = page.getByTestId('gallery-position');
  await expect(position).toContainText('Photo 1 of');
  await page.getByRole('button', { name: 'Next photo' }).click();
  await expect(position).toContainText('Photo 2 of');
});

test('once hydrated, arriving at the search from another page loads its results in place', async ({
  page,
  request,
}) => {
  const total = await totalListings(request);
  await page.goto('/');
  await expect(page.locator('#app')).toHaveAttribute('data-hydrated', 'true');
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  await page.getByRole('link', { name: 'Browse properties' }).first().click();

  await expect(page).toHaveURL(/\/properties$/);
  await expect(page.getByTestId('listing-grid').locator('li')).toHaveCount(12);
  await expect(page.getByTestId('result-count')).toContainText(`Showing 1–12 of ${total}`);
  await expect(page.getByTestId('result-summary')).toHaveText(`${total} properties found`);
  expect(
    await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    'the router went there without loading a new document',
  ).toBe(true);
});

test('pagination links are shareable and work before hydration', async ({ page, request }) => {
  const total = await totalListings(request);
  const last = Math.ceil(total / 12);
  const response = await page.goto(`/properties?page=${last}`);
  expect(response?.status()).toBe(200);
  const first = (last - 1) * 12 + 1;
  await expect(page.getByTestId('result-count')).toContainText(`Showing ${first}–${total} of ${total}`);
  await expect(page.getByTestId('listing-grid').locator('li')).toHaveCount(total - first + 1);
});

test('an unknown listing gives the 404 page with status 404', async ({ page }) => {
  const response = await page.goto('/properties/no-such-home');
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toContainText('This listing does not exist');
});

test('a malformed page number is refused with a clear message', async ({ page }) => {
  const response = await page.goto('/properties?page=abc');
  expect(response?.status()).toBe(400);
  await expect(page.getByRole('alert')).toContainText('`page` must be a whole number of at least 1');
});
