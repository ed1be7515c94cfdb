// Groups and friends through the web page served by the gateway, in Debian's headless Chromium.
// Alice creates a group with Bob and Carol (its name carries HTML, which must show as text), the
// group's messages land in the group view and never in a private one, Carol leaves, Alice asks Bob
// to be friends and Bob accepts from the page, Alice blocks Carol.
// Usage: node group-chat.mjs <gateway-url> <screenshot-dir>
import { chromium } from 'playwright-core';

const [base, shots] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const suffix = Math.random().toString(36).slice(2, 8);
const alice = 'alice_' + suffix;
const bob = 'bob_' + suffix;
const carol = 'carol_' + suffix;
const password = 'correct-horse-9';
const groupName = 'Team <img src=x onerror="window.__pwned=1"> ' + suffix;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const errors = [];
try {
  const pages = {};
  for (const name of ['alice', 'bob', 'carol']) {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
    page.setDefaultTimeout(15000);
    page.on('pageerror', (e) => errors.push(name + ': ' + e.message));
    page.on('dialog', (d) => { errors.push(name + ': unexpected dialog ' + d.message()); d.dismiss(); });
    pages[name] = page;
  }
  const { alice: pageA, bob: pageB, carol: pageC } = pages;

  async function register(page, name) {
    await page.goto(base + '/');
    await page.fill('#username', name);
    await page.fill('#password', password);
    await page.click('#register');
    await page.waitForSelector('#app:not([hidden])');
    await page.waitForSelector('#conn-state.on');
  }
  async function find(page, name) {
    await page.fill('#find', name);
    await page.press('#find', 'Enter');
    await page.locator('#contacts li', { hasText: name }).waitFor();
  }
  const group = (page) => page.locator('#groups li', { hasText: suffix });
  await register(pageA, alice);
  await register(pageB, bob);
  await register(pageC, carol);

  // Alice finds Bob and Carol and makes a group of the three; its name is shown as text, not run.
  await find(pageA, bob);
  await find(pageA, carol);
  await pageA.click('#new-group');
  await pageA.fill('#group-name', groupName);
  await pageA.locator('#group-pick label', { hasText: bob }).locator('input').check();
  await pageA.locator('#group-pick label', { hasText: carol }).locator('input').check();
  await pageA.screenshot({ path: shots + '/group-new.png' });
  await pageA.click('#create-group');
  await group(pageA).waitFor();
  await pageA.waitForSelector('#group-form', { state: 'hidden' });
  await pageA.locator('#peer-info', { hasText: '3 members' }).waitFor();
  check((await pageA.textContent('#peer-header')) === groupName, 'the group name should show as plain text');
  await pageA.locator('#leave-group:not([hidden])').waitFor();

  // Bob and Carol see the new group appear live (the group frame), its name as text.
  await group(pageB).waitFor();
  await group(pageC).waitFor();
  check((await group(pageB).locator('.name').textContent()) === groupName, 'Bob should see the group name as text');

  // Alice writes to the group; Bob, who has not opened it, gets an unread badge on the group and
  // nothing in his contacts (a group frame is no private message).
  await pageA.fill('#text', 'Hello group, from Alice!');
  await pageA.click('#send');
  await pageA.waitForSelector('#messages li.mine[data-id]');
  await group(pageB).locator('.badge', { hasText: '1' }).waitFor();
  check((await pageB.locator('#contacts li', { hasText: alice }).count()) === 0,
    'a group message must not open a private conversation with its sender');

  // Bob opens the group, sees Alice's message with her name, and answers.
  await group(pageB).click();
  const fromAlice = pageB.locator('#messages li:not(.mine)', { hasText: 'Hello group, from Alice!' });
  await fromAlice.waitFor();
  check((await fromAlice.locator('.from').textContent()) === alice, 'the sender of a group message should be named');
  check((await group(pageB).locator('.badge').textContent()) === '', 'opening the group should clear its badge');
  await pageB.fill('#text', 'Hi all, Bob here');
  await pageB.click('#send');
  await pageB.waitForSelector('#messages li.mine[data-id]');

  // Alice sees Bob's answer live in the group view. Carol reloads the page: her group's unread
  // count comes from the server (by_group); she opens the group and sees both messages.
  await pageA.locator('#messages li:not(.mine)', { hasText: 'Hi all, Bob here' }).waitFor();
  await group(pageC).locator('.badge', { hasText: '2' }).waitFor();
  await pageC.reload();
  await pageC.waitForSelector('#app:not([hidden])');
  await group(pageC).locator('.badge', { hasText: '2' }).waitFor();
  await group(pageC).click();
  await pageC.locator('#messages li', { hasText: 'Hello group, from Alice!' }).waitFor();
  await pageC.locator('#messages li', { hasText: 'Hi all, Bob here' }).waitFor();

  // Bob's private conversation with Alice stays empty: the group's messages are not in it.
  await find(pageB, alice);
  await pageB.locator('#contacts li', { hasText: alice }).click();
  await pageB.locator('#peer-header', { hasText: alice }).waitFor();
  await pageB.waitForTimeout(800);
  check((await pageB.locator('#messages li', { hasText: 'Hello group' }).count()) === 0,
    'the private conversation must not show group messages');
  await group(pageB).click();
  await pageB.locator('#messages li', { hasText: 'Hi all, Bob here' }).waitFor();

  // Carol leaves: the group goes from her list, Alice sees her leave and the member count drop.
  await pageC.click('#leave-group');
  await group(pageC).waitFor({ state: 'detached' });
  await pageC.locator('#peer-header', { hasText: 'Pick a contact or a group' }).waitFor();
  await pageA.locator('#messages li.system', { hasText: carol + ' left' }).waitFor();
  await pageA.locator('#peer-info', { hasText: '2 members' }).waitFor();
  await group(pageA).locator('.tag', { hasText: '2' }).waitFor();
  await pageA.screenshot({ path: shots + '/group-alice.png' });
  await pageB.screenshot({ path: shots + '/group-bob.png' });

  // Friends: Alice asks Bob; Bob gets the request live and accepts it; both see each other as friends.
  await pageA.locator('#contacts li', { hasText: bob }).click();
  await pageA.click('#add-friend');
  await pageA.locator('#peer-info', { hasText: 'friend request sent' }).waitFor();
  const request = pageB.locator('#requests li', { hasText: alice });
  await request.waitFor();
  await pageB.screenshot({ path: shots + '/group-request.png' });
  await request.locator('button', { hasText: 'Accept' }).click();
  await request.waitFor({ state: 'detached' });
  await pageB.waitForSelector('#requests-box', { state: 'hidden' });
  await pageB.locator('#contacts li', { hasText: alice }).locator('.tag', { hasText: 'friend' }).waitFor();
  await pageA.locator('#contacts li', { hasText: bob }).locator('.tag', { hasText: 'friend' }).waitFor();
  await pageA.locator('#unfriend:not([hidden])').waitFor();
  check((await pageA.textContent('#peer-info')) === 'friend', 'Alice should see Bob as a friend');

  // Alice blocks Carol: Carol's private message to her is refused and marked so on Carol's page.
  await pageA.locator('#contacts li', { hasText: carol }).click();
  await pageA.click('#block');
  await pageA.locator('#block', { hasText: 'Unblock' }).waitFor();
  await pageA.locator('#contacts li', { hasText: carol }).locator('.tag', { hasText: 'blocked' }).waitFor();
  await find(pageC, alice);
  await pageC.locator('#contacts li', { hasText: alice }).click();
  await pageC.fill('#text', 'are you there?');
  await pageC.click('#send');
  await pageC.locator('#messages li.failed', { hasText: 'are you there?' }).waitFor();
  await pageC.screenshot({ path: shots + '/group-carol.png' });
  await pageA.screenshot({ path: shots + '/group-friends.png' });

  for (const [name, page] of Object.entries(pages)) {
    check((await page.evaluate(() => window.__pwned)) === undefined, name + "'s page ran HTML from a group name");
  }
  check(errors.length === 0, 'page errors: ' + errors.join('; '));
  console.log('browser groups and friends ok');
} finally {
  await browser.close();
}
