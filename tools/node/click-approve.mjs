// Opens an approval link in headless Debian Chromium as an operator would, clicks Approve and prints what the page
// said before and after, as JSON. Used by the Functions tests; the App Service authentication header that would carry
// the signed-in operator is set on every request (--principal).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const [url, principal, chromium = '/usr/bin/chromium'] = process.argv.slice(2);
if (!url || !principal) {
  console.error('usage: node click-approve.mjs URL PRINCIPAL_UPN [CHROMIUM]');
  process.exit(1);
}

const userDataDir = await mkdtemp(path.join(tmpdir(), 'imapauto-chromium-'));
let browser;
try {
  browser = await puppeteer.launch({
    executablePath: chromium,
    userDataDir,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  await page.setExtraHTTPHeaders({ 'X-MS-CLIENT-PRINCIPAL-NAME': principal });
  const first = await page.goto(url, { waitUntil: 'load' });
  const before = { status: first.status(), title: await page.$eval('#title', e => e.textContent) };
  const [second] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#approve')]);
  const after = { status: second.status(), title: await page.$eval('#title', e => e.textContent), message: await page.$eval('#message', e => e.textContent) };
  console.log(JSON.stringify({ before, after }));
} finally {
  if (browser) await browser.close();
  await rm(userDataDir, { recursive: true, force: true });
}
