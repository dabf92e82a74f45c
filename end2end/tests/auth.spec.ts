// Signing in and out in the browser, and our tokens verified by an
// independent JWT library against the published JWKS.
import { expect, test } from '@playwright/test';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const password = process.env.MARKETPLACE_DEMO_PASSWORD ?? '';

test('a tenant signs in, sees their invoices on the account page and signs out', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill('tenant1@marketplace.test');
  await page.getByLabel('Password').fill(password);
  // What was typed before the page became interactive survives hydration.
  await expect(page.locator('#app')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByLabel('E-mail')).toHaveValue('tenant1@marketplace.test');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hello,');
  await expect(page.getByTestId('invoices').locator('tbody tr')).toHaveCount(12);
  await expect(page.getByTestId('invoices')).toContainText('Paid');
  await expect(page.getByTestId('signed-in-as')).toContainText('(tenant)');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login\?next=\/account$/);
});

test('a wrong password shows an inline error and keeps the e-mail', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill('tenant1@marketplace.test');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('login-error')).toHaveText('The e-mail or the password is wrong.');
  await expect(page.getByLabel('E-mail')).toHaveValue('tenant1@marketplace.test');
});

test('a token from /api/auth/login verifies with jose against /.well-known/jwks.json', async ({ request, baseURL }) => {
  const response = await request.post('/api/auth/login', {
    data: { email: 'admin@marketplace.test', password },
  });
  expect(response.status()).toBe(200);
  const { access_token: token } = await response.json();
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', baseURL));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    issuer: 'marketplace',
    audience: 'marketplace',
    algorithms: ['RS256'],
  });
  expect(protectedHeader.alg).toBe('RS256');
  expect(payload.role).toBe('admin');
  await expect(jwtVerify(token + 'x', jwks)).rejects.toThrow();
});
