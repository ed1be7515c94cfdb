// Two users chat through the web page served by the gateway, in Debian's headless Chromium.
// Usage: node two-users-chat.mjs <gateway-url> <screenshot-dir>
import { chromium } from 'playwright-core';

const [base, shots] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const suffix = Math.random().toString(36).slice(2, 8);
const alice = 'alice_' + suffix;
const bob = 'bob_' + suffix;
const password = 'correct-horse-9';

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const pageA = await (await browser.newContext()).newPage();
  const pageB = await (await browser.newContext()).newPage();
  for (const page of [pageA, pageB]) {
    page.setDefaultTimeout(15000);
    page.on('pageerror', (e) => { throw e; });
  }

  async function register(page, name) {
    await page.goto(base + '/');
    await page.fill('#username', name);
    await page.fill('#password', password);
    await page.click('#register');
    await page.waitForSelector('#app:not([hidden])');
    await page.waitForSelector('#conn-state.on');
  }
  await register(pageA, alice);
  await register(pageB, bob);

  // Alice finds Bob, who is online, and writes to him.
  await pageA.fill('#find', bob);
  await pageA.press('#find', 'Enter');
  const bobEntry = pageA.locator('#contacts li', { hasText: bob });
  await bobEntry.waitFor();
  await pageA.waitForSelector('#contacts li .dot.on');
  await bobEntry.click();
  await pageA.fill('#text', 'Hello Bob, from the browser!');
  await pageA.click('#send');
  await pageA.waitForSelector('#messages li.mine[data-id]');

  // Bob sees Alice appear with an unread badge, opens the conversation and reads it.
  const aliceEntry = pageB.locator('#contacts li', { hasText: alice });
  await aliceEntry.waitFor();
  check((await aliceEntry.locator('.badge').textContent()) === '1', 'Bob should see one unread message');
  await aliceEntry.click();
  await pageB.locator('#messages li', { hasText: 'Hello Bob, from the browser!' }).waitFor();

  // Alice sees the read mark; Bob types and Alice sees it; Bob answers live.
  await pageA.locator('#messages li.mine .meta', { hasText: 'read' }).waitFor();
  await pageB.type('#text', 'Hi Al');
  await pageA.locator('#typing', { hasText: 'is typing' }).waitFor();
  await pageB.type('#text', 'ice!');
  await pageB.click('#send');
  await pageA.locator('#messages li:not(.mine)', { hasText: 'Hi Alice!' }).waitFor();

  await pageA.screenshot({ path: shots + '/chat-alice.png' });
  await pageB.screenshot({ path: shots + '/chat-bob.png' });
  console.log('browser chat ok');
} finally {
  await browser.close();
}
