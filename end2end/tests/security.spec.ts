// Every page works under our Content Security Policy (inline scripts only
// with the response's nonce): each one loads, hydrates and reports no
// violation. And a signed-in admin whose access token has expired stays
// signed in while the panel polls: the parallel requests share one refresh
// instead of being taken for a replayed token.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';

const password = process.env.MARKETPLACE_DEMO_PASSWORD ?? '';

/** Records CSP violations the page reports, from before its first script. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return violations;
}

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

async function visitAll(page: Page, paths: string[], violations: string[]) {
  for (const path of paths) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]+' 'wasm-unsafe-eval'/);
    await expect(page.locator('#app'), `${path} hydrates under the policy`).toHaveAttribute('data-hydrated', 'true');
    expect(violations, `${path} reports no CSP violation`).toEqual([]);
  }
}

// One test per role: each signs in once and visits its pages, so the time a
// test takes grows with one role's pages, not with every page of the site.
const roles: [string, string | null, (slug: string) => string[]][] = [
  ['a visitor', null, (slug) => ['/', '/properties', `/properties/${slug}`, '/login']],
  ['a tenant', 'tenant1@marketplace.test', () => ['/account', '/maintenance']],
  ['a landlord', 'landlord1@marketplace.test', () => ['/maintenance', '/manage/properties', '/manage/leases',
    '/manage/invoices', '/manage/rent-roll']],
  ['an admin', 'admin@marketplace.test', () => ['/admin/system-status', '/manage/people']],
];

for (const [who, email, pathsFor] of roles) {
  test(`every page ${who} sees loads and hydrates under the CSP with no violation`, async ({ page, request }) => {
    const listings = await (await request.get('/api/properties?per_page=1')).json();
    const slug: string = listings.items[0].slug;
    const violations = await watchViolations(page);
    if (email) await signIn(page, email);
    await visitAll(page, pathsFor(slug), violations);
  });
}

async function cookie(context: BrowserContext, name: string): Promise<string | undefined> {
  return (await context.cookies()).find((c) => c.name === name)?.value;
}

test('the admin panel keeps the admin signed in across an access-token expiry', async ({ page, context, baseURL }) => {
  await signIn(page, 'admin@marketplace.test');
  await page.goto('/admin/system-status');
  await expect(page.locator('#app')).toHaveAttribute('data-hydrated', 'true');
  const refreshBefore = await cookie(context, 'mkt_refresh');
  expect(refreshBefore).toBeTruthy();
  // The access token "expires": the browser drops it, as it does at its max-age.
  await context.clearCookies({ name: 'mkt_access' });
  // The panel polls every 2 s and checks the upstreams every 5 s, in parallel.
  await expect.poll(() => cookie(context, 'mkt_access'), { timeout: 15_000 }).toBeTruthy();
  expect(await cookie(context, 'mkt_refresh')).not.toBe(refreshBefore);
  // Several more polls later the session is still alive, and the page never went to the sign-in form.
  await page.waitForTimeout(6_000);
  await expect(page).toHaveURL(/\/admin\/system-status$/);
  const me = await page.request.get(`${baseURL}/api/me`);
  expect(me.status(), 'still signed in').toBe(200);
  await expect(page.getByText('Failures in a row').first()).toBeVisible();
});
