// Shared by the tests: the gateways of the system under test (IM_GATEWAYS="name=url,..."), users
// registered through the library, and waiting for what the library tells.
import { WebSocket } from 'ws';
import { ImClient, type ImClientOptions, type MessageEvent } from '../src/index.js';

export interface Gateway { name: string; url: string }

export const gateways: Gateway[] = (process.env.IM_GATEWAYS ?? '').split(',').filter(Boolean).map((pair) => {
  const [name, url] = pair.split('=');
  return { name, url };
});
if (gateways.length < 2) {
  throw new Error('IM_GATEWAYS must name two gateways ("gateway-service=http://localhost:1234,gateway-service-2=..."); ClientLibraryIT sets it');
}
export const urls = gateways.map((g) => g.url);

/** Kills a gateway process at once, or starts it again and waits until it is ready (ClientLibraryIT's control endpoint). */
export async function control(action: 'kill' | 'start', gateway: string): Promise<void> {
  const res = await fetch(process.env.IM_CONTROL_URL + '/' + action + '/' + gateway, { method: 'POST' });
  if (!res.ok) throw new Error(action + ' ' + gateway + ': ' + res.status + ' ' + (await res.text()));
}

export const suffix = Math.random().toString(36).slice(2, 8);
let n = 0;
export const password = 'correct-horse-9';

export function client(options: ImClientOptions = {}): ImClient {
  return new ImClient({ urls, WebSocket, reconnect: { initialMs: 100, maxMs: 2000 }, ...options });
}

/** A new user, signed in on a new client. */
export async function user(name: string, options: ImClientOptions = {}): Promise<ImClient> {
  const c = client(options);
  n += 1;
  await c.register({ username: name + '_' + suffix + n, password });
  return c;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until `cond` holds (checked every 20 ms). Gives up after `seconds` with `what` and the
 * state it saw, so a hang reads as a failure that says what never happened, not as a timing rule.
 */
export async function until(cond: () => boolean, what: () => string, seconds = 90): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('never happened: ' + what());
    await sleep(20);
  }
}

/** Every message the library tells `c`, in the order told. */
export function record(c: ImClient): MessageEvent[] {
  const got: MessageEvent[] = [];
  c.on('message', (m) => got.push(m));
  return got;
}

/** Fails unless no msg_id is told twice and seqs only grow. */
export function assertOnceInOrder(got: MessageEvent[], who: string): void {
  const ids = new Set<number>();
  let last = 0;
  for (const m of got) {
    if (ids.has(m.msg_id)) throw new Error(who + ' was told message ' + m.msg_id + ' twice');
    ids.add(m.msg_id);
    if (!(m.seq > last)) throw new Error(who + ' was told seq ' + m.seq + ' after ' + last);
    last = m.seq;
  }
}
