// A visitor searches the portal: filters by city and price with the form,
// pages through the results, opens a listing imported from Cocorico and sees
// its photos. The server has the demo data and an imported Cocorico database
// (scripts/test.sh); the test picks its city and prices from what the API
// serves, so it does not depend on the generator's choices.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

type Listing = {
  slug: string;
  title: string;
  city: string;
  source: string;
  price: { minor: number; currency: string; per: string };
  photos: { url: string; alt: string }[];
};

async function search(request: APIRequestContext, query: string): Promise<{ items: Listing[]; total: number }> {
  const response = await request.get(`/api/properties?${query}`);
  expect(response.status()).toBe(200);
  return response.json();
}

/** Every listing a query matches, all pages. */
async function searchAll(request: APIRequestContext, query: string): Promise<Listing[]> {
  const items: Listing[] = [];
  for (let page = 1; ; page++) {
    const body = await search(request, `${query}&per_page=100&page=${page}`);
    items.push(...body.items);
    if (items.length >= body.total || body.items.length === 0) return items;
  }
}

async function hydrated(page: Page) {
  await expect(page.locator('#app')).toHaveAttribute('data-hydrated', 'true');
}

test('a visitor filters by city and price, pages through and sees a Cocorico listing with its photos', async ({
  page,
  request,
}) => {
  // The city with the most imported listings that have photos, and a price
  // range around them. Imported listings are short stays, priced per night:
  // the search shows long-term homes unless the visitor picks that term.
  const imported = (await searchAll(request, 'term=night&source=cocorico')).filter((l) => l.photos.length > 0);
  expect(imported.length, 'the e2e server has imported Cocorico listings with photos').toBeGreaterThan(0);
  const byCity = new Map<string, Listing[]>();
  for (const l of imported) byCity.set(l.city, [...(byCity.get(l.city) ?? []), l]);
  const [city, cityImported] = [...byCity.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  const prices = cityImported.map((l) => l.price.minor);
  const minPrice = Math.floor(Math.min(...prices) / 100);
  const maxPrice = Math.ceil(Math.max(...prices) / 100);
  const filters = `city=${encodeURIComponent(city)}&term=night&min_price=${minPrice}&max_price=${maxPrice}`;
  const expected = await searchAll(request, filters);
  const perPage = expected.length > 2 ? 2 : 1;
  const target = cityImported[cityImported.length - 1];
  expect(expected.map((l) => l.slug)).toContain(target.slug);

  await page.goto(`/properties?per_page=${perPage}`);
  await hydrated(page);
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  // Fill the form: the city, the term, then the prices; the results follow.
  await page.getByLabel('City').fill(city);
  await page.getByLabel('Term').selectOption('night');
  await expect(page).toHaveURL(/term=night/);
  await expect(page.getByTestId('term-summary')).toContainText('per night');
  await expect(page.getByLabel('Term'), 'the list keeps the chosen term once the URL follows').toHaveValue('night');
  await page.getByLabel('Minimum price').fill(String(minPrice));
  await page.getByLabel('Maximum price').fill(String(maxPrice));
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(new RegExp(`city=${encodeURIComponent(city).replace(/%20/g, '\\+')}`));
  await expect(page).toHaveURL(new RegExp(`min_price=${minPrice}&max_price=${maxPrice}`));
  expect(new URL(page.url()).search, 'the address keeps the filters set, not the empty fields').not.toMatch(
    /=(&|$)/,
  );
  const summary = page.getByTestId('result-summary');
  await expect(summary).toHaveText(`${expected.length} ${expected.length === 1 ? 'property' : 'properties'} found`);
  await expect(summary).toHaveAttribute('aria-live', 'polite');
  await expect(page.getByRole('region', { name: 'Search results' }), 'no search is left pending').toHaveAttribute(
    'aria-busy',
    'false',
  );
  expect(
    await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    'the results changed without reloading the page',
  ).toBe(true);

  // Page through until the imported listing shows, checking every card.
  const cards = page.getByTestId('listing-grid').locator('li');
  const pages = Math.ceil(expected.length / perPage);
  let found = false;
  for (let n = 1; n <= pages; n++) {
    if (n > 1) {
      await page.getByRole('link', { name: 'Next →' }).click();
      await expect(page).toHaveURL(new RegExp(`[?&]page=${n}(&|$)`));
      await expect(page).toHaveURL(new RegExp(`min_price=${minPrice}`));
    }
    const first = (n - 1) * perPage + 1;
    const last = Math.min(n * perPage, expected.length);
    await expect(page.getByTestId('result-count')).toHaveText(`Showing ${first}–${last} of ${expected.length}`);
    await expect(cards).toHaveCount(last - first + 1);
    for (const card of await cards.all()) await expect(card).toContainText(city);
    if (await page.locator(`a[href="/properties/${target.slug}"]`).count()) {
      found = true;
      break;
    }
  }
  expect(found, `${target.slug} appears while paging`).toBe(true);

  const card = page.locator('li', { has: page.locator(`a[href="/properties/${target.slug}"]`) });
  await expect(card.getByTestId('source-badge')).toContainText('Cocorico');
  await card.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/properties/${target.slug}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(target.title);
  await expect(page.getByTestId('source-badge')).toContainText('Cocorico');
  await expect(page).toHaveTitle(/· Marketplace$/);

  // Every photo is served and decoded: the main one and each thumbnail.
  const photos = page.locator('main img');
  await expect(photos).toHaveCount(target.photos.length + 1);
  for (const photo of await photos.all()) {
    await photo.scrollIntoViewIfNeeded();
    await expect(photo).toHaveAttribute('alt', /.+/);
    await expect
      .poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), {
        message: 'the photo loaded',
      })
      .toBe(true);
  }
  const sources = await photos.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
  expect(sources.every((src) => src.includes('/uploads/listings/images/'))).toBe(true);

  // The same page straight from the server (as a crawler or a visitor without
  // JavaScript gets it) has the photos and the listing's structured data.
  const html = await (await request.get(`/properties/${target.slug}`)).text();
  expect(html).toContain('application/ld+json');
  expect(html).toContain(target.photos[0].url.replace(/&/g, '&amp;'));
});

test('without JavaScript the filter form reloads the page with the filters in the URL', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/properties?per_page=2');
  await page.getByLabel('City').fill('Lyon');
  await page.getByLabel('Sort by').selectOption('price');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/city=Lyon/);
  await expect(page).toHaveURL(/sort=price/);
  await expect(page.getByLabel('City')).toHaveValue('Lyon');
  const cards = page.getByTestId('listing-grid').locator('li');
  for (const card of await cards.all()) await expect(card).toContainText('Lyon');
  const next = page.getByRole('link', { name: 'Next →' });
  if (await next.count()) {
    await next.click();
    await expect(page).toHaveURL(/city=Lyon.*page=2/);
    await expect(page.getByLabel('City')).toHaveValue('Lyon');
  }

  // The less used filters are folded; unfolded, they submit with the rest,
  // and the page they lead to keeps them unfolded and counted.
  const more = page.getByTestId('more-filters');
  await expect(page.getByLabel('Listed on')).toBeHidden();
  await more.getByText('More filters').click();
  await page.getByLabel('Listed on').selectOption('local');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/source=local/);
  await expect(page).toHaveURL(/city=Lyon/);
  await expect(more).toHaveAttribute('open', '');
  await expect(more.locator('summary')).toHaveText('More filters (1 set)');
  await expect(page.getByLabel('Listed on')).toHaveValue('local');
  for (const card of await cards.all()) await expect(card.getByTestId('source-badge')).toContainText('Marketplace');
  await context.close();
});
