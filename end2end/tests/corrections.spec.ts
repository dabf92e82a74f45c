// Corrections in a real browser: an admin voids an unpaid invoice, refunds
// part of a payment and issues a credit note in the back office; the next
// Kill Bill mirror sends them and the reconciliation finds no drift for
// those tenants. A record Kill Bill refuses (our payment on an invoice someone already settled
// in Kill Bill itself) is held on the admin panel with Retry and Skip.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

const password = process.env.MARKETPLACE_DEMO_PASSWORD ?? '';
const screenshots = 'target/e2e/screenshots';
const kb = {
  url: process.env.KILLBILL_URL ?? '',
  user: process.env.KILLBILL_USERNAME ?? '',
  pass: process.env.KILLBILL_PASSWORD ?? '',
  key: process.env.KILLBILL_API_KEY ?? '',
  secret: process.env.KILLBILL_API_SECRET ?? '',
};

test.describe.configure({ mode: 'serial' });

function kbHeaders(): Record<string, string> {
  return {
    Authorization: `Basic ${Buffer.from(`${kb.user}:${kb.pass}`).toString('base64')}`,
    'X-Killbill-ApiKey': kb.key,
    'X-Killbill-ApiSecret': kb.secret,
    'X-Killbill-CreatedBy': 'finance-desk',
    'Content-Type': 'application/json',
  };
}

async function signIn(page: Page, next: string) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('E-mail').fill('admin@marketplace.test');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`${next.replace(/[/?]/g, '\\$&')}$`));
}

type Invoice = { id: string; number: string; tenant_id: string; tenant_name: string; state: string; outstanding_minor: number };

/// Settles one of our open invoices in Kill Bill itself (as someone at the
/// finance desk would in Kaui), then records our own payment of it: Kill
/// Bill refuses that one for good (nothing left to pay there).
async function paidTwice(api: APIRequestContext, token: string, invoice: Invoice) {
  const account = await api.get(`${kb.url}/1.0/kb/accounts?externalKey=${invoice.tenant_id}`, { headers: kbHeaders() });
  expect(account.ok(), 'the tenant has a Kill Bill account').toBeTruthy();
  const accountId = (await account.json()).accountId;
  const invoices = await api.get(`${kb.url}/1.0/kb/accounts/${accountId}/invoices?includeInvoiceComponents=true`, { headers: kbHeaders() });
  const theirs = (await invoices.json()).find((i: { items: { itemDetails?: string }[] }) =>
    i.items.some((item) => (item.itemDetails ?? '').includes(invoice.id)));
  expect(theirs, `invoice ${invoice.number} is mirrored`).toBeTruthy();
  const paid = await api.post(`${kb.url}/1.0/kb/invoices/${theirs.invoiceId}/payments?externalPayment=true`, {
    headers: kbHeaders(),
    data: { accountId, purchasedAmount: theirs.balance },
  });
  expect(paid.status()).toBe(201);
  const ours = await api.post(`/api/manage/invoices/${invoice.id}/payments`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { amount_minor: invoice.outstanding_minor, received_on: new Date().toISOString().slice(0, 10), method: 'bank_transfer', reference: `E2E-TWICE-${Date.now()}` },
  });
  expect(ours.status()).toBe(201);
}

test('an admin voids, refunds and credits in the back office, Kill Bill follows, and a refused record waits with Retry', async ({ page, request }) => {
  expect(kb.url, 'KILLBILL_URL points at the Kill Bill emulator').not.toBe('');
  await signIn(page, '/manage/invoices');
  const login = await request.post('/api/auth/login', { data: { email: 'admin@marketplace.test', password } });
  expect(login.ok(), await login.text()).toBeTruthy();
  const token = (await login.json()).access_token as string;

  // Void an invoice with nothing paid.
  const open = page.locator('tr[data-state="open"]').first();
  const voidedNumber = (await open.getAttribute('data-invoice')) ?? '';
  const voidedTenant = (await open.locator('td').nth(1).innerText()).trim();
  await open.getByText('Void…').click();
  await open.locator('form[aria-label^="Void invoice"]').getByLabel('Reason').fill('Issued twice');
  await open.getByText('I confirm: this invoice is cancelled').click();
  await open.getByRole('button', { name: 'Void the invoice' }).click();
  await expect(page.getByTestId('form-ok')).toContainText('The invoice is void.');

  // Refund part of a payment of a paid invoice.
  const paid = page.locator('tr[data-state="paid"]').first();
  const refundedNumber = (await paid.getAttribute('data-invoice')) ?? '';
  const refundedTenant = (await paid.locator('td').nth(1).innerText()).trim();
  const payment = paid.locator('details[data-payment]').first();
  await payment.locator('summary').click();
  await payment.getByLabel(/minor units, up to/).fill('1000');
  await payment.getByLabel('Reason').fill('Charged twice for parking');
  await payment.getByText('I confirm: this money is given back').click();
  await paid.screenshot({ path: `${screenshots}/manage-invoice-refund-form.png` });
  await payment.getByRole('button', { name: 'Record the refund' }).click();
  await expect(page.getByTestId('form-ok')).toContainText('The refund is recorded');
  await page.goto(`/manage/invoices?q=${refundedNumber}`);
  await expect(page.locator(`tr[data-invoice="${refundedNumber}"]`)).toHaveAttribute('data-state', 'partly_paid');
  await expect(page.locator(`tr[data-invoice="${refundedNumber}"] details[data-payment]`).first()).toContainText('refunded');

  // A credit note on a third tenant's open invoice.
  const listed = await request.get('/api/manage/invoices', { headers: { Authorization: `Bearer ${token}` } });
  expect(listed.ok(), await listed.text()).toBeTruthy();
  const openInvoices = ((await listed.json()) as Invoice[]).filter((i) =>
    i.state === 'open' && i.number !== voidedNumber && i.tenant_name !== voidedTenant && i.tenant_name !== refundedTenant);
  expect(openInvoices.length, 'other open invoices').toBeGreaterThan(1);
  const credited = openInvoices[0];
  await page.goto(`/manage/invoices?q=${credited.number}`);
  const creditRow = page.locator(`tr[data-invoice="${credited.number}"]`);
  await creditRow.getByText('Credit…').click();
  const creditForm = creditRow.locator('form[aria-label^="Credit note"]');
  await creditForm.getByLabel(/minor units, up to/).fill('2500');
  await creditForm.getByLabel('Reason').fill('Heating out for three days');
  await creditForm.getByText('I confirm: the tenant owes this much less').click();
  await creditRow.screenshot({ path: `${screenshots}/manage-invoice-credit-form.png` });
  await creditForm.getByRole('button', { name: 'Issue the credit note' }).click();
  await expect(page.getByTestId('form-ok')).toContainText('The credit note is issued');
  await page.goto(`/manage/invoices?q=${credited.number}`);
  await expect(page.locator(`tr[data-invoice="${credited.number}"] [data-credit-note]`)).toContainText('Heating out for three days');

  // A payment Kill Bill will refuse, on a fourth tenant's open invoice.
  const others = openInvoices.filter((i) => i.tenant_name !== credited.tenant_name);
  expect(others.length, 'another open invoice').toBeGreaterThan(0);
  await paidTwice(request, token, others[0]);

  // The next mirror, then the reconciliation it asks for.
  const before = Date.now();
  await page.goto('/admin/system-status');
  await expect(page.locator('#app')).toHaveAttribute('data-hydrated', 'true');
  const killbill = page.locator('li[data-platform="killbill"]');
  await killbill.getByTestId('sync-now').click();
  await expect(killbill).toHaveAttribute('data-activity', 'idle', { timeout: 120_000 });
  await expect
    .poll(async () => {
      const health = await (await page.request.get('/api/health')).json();
      return Date.parse(health?.platforms?.killbill?.drift?.reconciled_at ?? '') || 0;
    }, { timeout: 120_000 })
    .toBeGreaterThan(before);
  await page.reload();
  await expect(page.locator('#app')).toHaveAttribute('data-hydrated', 'true');
  const reconciliation = page.getByTestId('reconciliation');
  await expect(reconciliation).toBeVisible();
  await expect(reconciliation).not.toContainText(voidedTenant);
  await expect(reconciliation).not.toContainText(refundedTenant);
  await expect(reconciliation).not.toContainText(credited.tenant_name);

  // Kill Bill's copy of the credited invoice is lower by the note, to the cent.
  const account = await request.get(`${kb.url}/1.0/kb/accounts?externalKey=${credited.tenant_id}`, { headers: kbHeaders() });
  const accountId = (await account.json()).accountId;
  const kbInvoices = await request.get(`${kb.url}/1.0/kb/accounts/${accountId}/invoices?includeInvoiceComponents=true`, { headers: kbHeaders() });
  const mirrored = (await kbInvoices.json()).find((i: { items: { itemDetails?: string }[] }) =>
    i.items.some((item) => (item.itemDetails ?? '').includes(credited.id)));
  expect(mirrored, `invoice ${credited.number} is mirrored`).toBeTruthy();
  expect(Math.round(Number(mirrored.balance) * 100)).toBe(credited.outstanding_minor - 2500);
  expect(mirrored.items.filter((item: { itemType: string }) => item.itemType === 'ITEM_ADJ').length).toBeGreaterThan(0);

  // The refused payment waits in the quarantine, with its way out.
  const held = page.getByTestId('quarantine').getByTestId('quarantined').filter({ hasText: others[0].tenant_name });
  await expect(held).toHaveCount(1);
  await expect(held).toHaveAttribute('data-state', 'held');
  await expect(held.getByRole('button', { name: 'Retry' })).toBeVisible();
  await expect(held.getByRole('button', { name: 'Skip' })).toBeVisible();
  await page.getByTestId('quarantine').screenshot({ path: `${screenshots}/admin-quarantine.png` });
  await held.getByRole('button', { name: 'Skip' }).click();
  await expect(held).toHaveAttribute('data-state', 'skipped');
});
