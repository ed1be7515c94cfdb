// The WebSocket side against the real services and two gateways: every frame typed, messages told
// once and in seq order through a reconnect storm and a gateway killed under the library, sends
// made while disconnected delivered once, and a restart resumed from the persisted seq.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImClient, ImEvents, MessageEvent } from '../src/index.js';
import { assertOnceInOrder, client, control, gateways, record, sleep, until, urls, user } from '../testlib/helpers.js';

/** The first `type` event (matching `pred`); fails after 60 s saying which one never came. */
function first<K extends keyof ImEvents>(c: ImClient, type: K, pred: (e: ImEvents[K]) => boolean = () => true): Promise<ImEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error('never told a ' + type + ' event')); }, 60_000);
    const off = c.on(type, (e) => {
      if (pred(e)) {
        off();
        clearTimeout(timer);
        resolve(e);
      }
    });
  });
}

const contents = (got: MessageEvent[], from: number) => got.filter((m) => m.from === from).map((m) => m.content);

test('frames: a message told once, ack, delivered, read, typing, presence, group, friend', { timeout: 120_000 }, async () => {
  const a = await user('wa');
  const b = await user('wb');
  const aId = a.userId as number;
  const bId = b.userId as number;
  // at once, so that presence (which looks up and caches bob's peers 2 s after his sign-in) knows they share a conversation
  const opening = await a.sendRest({ to: bId }, 'before the sockets');
  const gotA = record(a);
  const gotB = record(b);
  await a.connect();
  await b.connect();
  assert.equal(a.state, 'open');

  const deliveredIds: number[] = [];
  a.on('delivered', (d) => deliveredIds.push(...d.msg_ids));
  const sent = a.send({ to: bId }, 'hi bob');
  const result = await sent.result;
  assert.equal(result.client_msg_id, sent.client_msg_id);
  await until(() => gotB.length === 1, () => 'bob gets the message');
  const m = gotB[0];
  assert.equal(m.msg_id, result.msg_id);
  assert.equal(m.from, aId);
  assert.equal(m.to, bId);
  assert.equal(m.content, 'hi bob');
  assert.equal(m.mine, false);
  // live, or from the offline queue when it was stored while bob's connection was still starting
  assert.ok(m.source === 'live' || m.source === 'offline', m.source);
  assert.equal(gotA[0].source, 'local');
  assert.equal(gotA[0].mine, true);
  assert.equal(gotA[0].seq, result.seq);
  // bob's client acks by itself (batched): alice hears it was delivered; the message sent before
  // bob's first connection came from the offline queue, below where a fresh client starts: acked, not told
  await until(() => deliveredIds.includes(result.msg_id), () => 'alice is told her message was delivered');
  assert.ok(!gotB.some((x) => x.msg_id === opening.id));

  const read = first(a, 'read');
  b.markRead(m.msg_id);
  assert.deepEqual((await read).msg_ids, [m.msg_id]);

  const typing = first(a, 'typing');
  b.typing(aId);
  assert.equal((await typing).from, bId);

  // presence goes to those who share a conversation: bob going offline is told to alice
  const offline = first(a, 'presence', (p) => p.user_id === bId && p.status === 'offline');
  b.close();
  await offline;
  await b.connect();

  const groupFrame = first(b, 'group');
  const g = await a.createGroup('frames ' + aId, [bId]);
  assert.equal((await groupFrame).group.id, g.id);
  const inGroup = a.send({ group_id: g.id }, 'to the group');
  await inGroup.result;
  await until(() => gotB.some((x) => x.group_id === g.id), () => 'bob gets the group message');

  const request = first(b, 'friend_request');
  const r = await a.sendFriendRequest(bId);
  assert.equal((await request).request.id, r.id);
  const accepted = first(a, 'friend', (f) => f.event === 'accepted');
  await b.acceptFriendRequest(r.id);
  assert.equal((await accepted).user?.id, bId);

  const deleted = first(b, 'deleted');
  await a.deleteMessage(result.msg_id);
  assert.equal((await deleted).msg_id, result.msg_id);

  const errorFrame = first(a, 'error');
  const refused = a.send({ to: aId }, 'to myself');
  await assert.rejects(refused.result, (e: Error & { status?: number }) => e.status === 400);
  assert.equal((await errorFrame).ref, refused.client_msg_id);

  const hb = first(a, 'heartbeat_ack');
  a.sendFrame({ type: 'heartbeat' });
  assert.ok((await hb).timestamp > 0);

  assertOnceInOrder(gotA, 'alice');
  assertOnceInOrder(gotB, 'bob');
  a.close();
  b.close();
});

test('a send during a disconnect is delivered once after the reconnect', { timeout: 120_000 }, async () => {
  const a = await user('da');
  const b = await user('db');
  const bId = b.userId as number;
  const aId = a.userId as number;
  const gotB = record(b);
  await a.connect();
  await b.connect();

  // closed: the sends wait, and go out once the client is connected again
  a.close();
  const whileClosed = [1, 2, 3, 4, 5].map((i) => a.send({ to: bId }, 'closed ' + i));
  assert.equal(a.pendingSends, 5);
  await a.connect();
  // dropped (as the network would): sent while the client reconnects on its own
  a.dropConnection();
  const whileDropped = [1, 2, 3, 4, 5].map((i) => a.send({ to: bId }, 'dropped ' + i));
  // one whose first try was stored (here through REST) while its ack was lost: retried with the same id
  const stored = await a.sendRest({ to: bId }, 'retried', { client_msg_id: 'retry-' + aId });
  const retried = a.send({ to: bId }, 'retried', { client_msg_id: 'retry-' + aId });
  a.dropConnection();

  const results = await Promise.all([...whileClosed, ...whileDropped, retried].map((p) => p.result));
  assert.equal(new Set(results.map((r) => r.msg_id)).size, 11);
  assert.equal((await retried.result).msg_id, stored.id);
  const expected = [1, 2, 3, 4, 5].map((i) => 'closed ' + i).concat([1, 2, 3, 4, 5].map((i) => 'dropped ' + i), ['retried']);
  await until(() => gotB.length >= 11, () => 'bob has ' + gotB.length + ' of 11');
  await sleep(300); // anything told twice would come now
  assertOnceInOrder(gotB, 'bob');
  assert.deepEqual(contents(gotB, aId).sort(), expected.sort());
  // and the server stored each once
  const onServer = await b.syncMessages(0, 100);
  assert.deepEqual(onServer.messages.map((m) => m.content).sort(), expected.sort());
  a.close();
  b.close();
});

test('a reconnect storm loses nothing and tells nothing twice', { timeout: 120_000 }, async (t) => {
  const a = await user('sa', { urls: [urls[0], urls[1]] });
  const b = await user('sb', { urls: [urls[1], urls[0]] });
  const aId = a.userId as number;
  const bId = b.userId as number;
  const gotA = record(a);
  const gotB = record(b);
  let opensA = 0;
  a.on('open', () => { opensA += 1; });
  await a.connect();
  await b.connect();
  const N = 120;
  const sends = [];
  for (let i = 0; i < N; i++) {
    sends.push(b.send({ to: aId }, 'storm b' + i));
    if (i % 3 === 0) sends.push(a.send({ to: bId }, 'storm a' + i));
    // each drop cuts an open connection (between drops the client reconnects with its backoff)
    if (i % 8 === 3) {
      await until(() => a.state === 'open', () => 'alice reconnects');
      a.dropConnection();
    }
    if (i % 20 === 11) {
      await until(() => b.state === 'open', () => 'bob reconnects');
      b.dropConnection();
    }
    await sleep(Math.random() * 25);
  }
  const results = await Promise.all(sends.map((s) => s.result));
  assert.equal(new Set(results.map((r) => r.msg_id)).size, sends.length, 'each send stored once');
  await until(() => contents(gotA, bId).length >= N, () => 'alice has ' + contents(gotA, bId).length + ' of ' + N);
  await until(() => contents(gotB, aId).length >= N / 3, () => 'bob has ' + contents(gotB, aId).length + ' of ' + N / 3);
  await sleep(300);
  assertOnceInOrder(gotA, 'alice');
  assertOnceInOrder(gotB, 'bob');
  assert.deepEqual(contents(gotA, bId), Array.from({ length: N }, (_, i) => 'storm b' + i), 'alice sees bob\'s messages once, in order');
  assert.equal(contents(gotB, aId).length, Math.ceil(N / 3));
  // what alice sent is told to her once too (at its ack), in her own seq order
  assert.equal(gotA.filter((m) => m.mine).length, Math.ceil(N / 3));
  assert.ok(opensA > N / 8, 'alice reconnected ' + opensA + ' times');
  assert.equal(a.lastSeq, gotA[gotA.length - 1].seq);
  t.diagnostic('alice ' + JSON.stringify(a.stats) + ', bob ' + JSON.stringify(b.stats));
  a.close();
  b.close();
});

test('a gateway killed under the library: it moves to the other one, nothing lost or told twice', { timeout: 120_000 }, async (t) => {
  const [gw1, gw2] = gateways;
  const a = await user('ka', { urls: [gw2.url, gw1.url] });
  const b = await user('kb', { urls: [gw1.url] });
  const aId = a.userId as number;
  const bId = b.userId as number;
  const gotA = record(a);
  const gotB = record(b);
  try {
    await a.connect();
    await b.connect();
    assert.equal(a.url, gw2.url);
    const N = 60;
    const fromB = [];
    for (let i = 0; i < N; i++) {
      fromB.push(b.send({ to: aId }, 'kill b' + i));
      if (i === 20) {
        await until(() => gotA.length > 0, () => 'alice gets a first message');
        await control('kill', gw2.name);
        // alice's socket is gone with the gateway: what she sends now waits for the next one
        for (let j = 0; j < 10; j++) a.send({ to: bId }, 'kill a' + j);
      }
      await sleep(Math.random() * 20);
    }
    await Promise.all(fromB.map((s) => s.result));
    await until(() => contents(gotA, bId).length >= N, () => 'alice has ' + contents(gotA, bId).length + ' of ' + N);
    await until(() => contents(gotB, aId).length >= 10, () => 'bob has ' + contents(gotB, aId).length + ' of 10');
    await sleep(300);
    assert.equal(a.url, gw1.url, 'alice moved to the gateway that is up');
    assertOnceInOrder(gotA, 'alice');
    assertOnceInOrder(gotB, 'bob');
    assert.deepEqual(contents(gotA, bId), Array.from({ length: N }, (_, i) => 'kill b' + i));
    assert.deepEqual(contents(gotB, aId), Array.from({ length: 10 }, (_, j) => 'kill a' + j));
    t.diagnostic('alice ' + JSON.stringify(a.stats) + ', bob ' + JSON.stringify(b.stats));
  } finally {
    a.close();
    b.close();
    await control('start', gw2.name);
  }
});

test('a restart resumes after the persisted seq: what came meanwhile is told once', { timeout: 120_000 }, async () => {
  const a = await user('pa');
  const b = await user('pb');
  const aId = a.userId as number;
  let saved = -1;
  a.on('seq', (s) => { saved = s; });
  const gotA = record(a);
  await a.connect();
  await b.connect();
  for (let i = 0; i < 3; i++) await b.send({ to: aId }, 'before ' + i).result;
  await until(() => gotA.length === 3, () => 'alice has ' + gotA.length + ' of 3');
  a.close();
  // bob writes while alice's app is closed; bob's own other device (a second client) too
  for (let i = 0; i < 4; i++) await b.send({ to: aId }, 'meanwhile ' + i).result;
  await b.sendRest({ to: aId }, 'meanwhile rest');

  const again = client({ session: a.session, sinceSeq: saved });
  const got = record(again);
  await again.connect();
  await until(() => got.length >= 5, () => 'the restarted client has ' + got.length + ' of 5');
  await sleep(300);
  assertOnceInOrder(got, 'the restarted client');
  assert.deepEqual(got.map((m) => m.content), ['meanwhile 0', 'meanwhile 1', 'meanwhile 2', 'meanwhile 3', 'meanwhile rest']);
  assert.ok(got.every((m) => m.source === 'offline' || m.source === 'sync'));
  // a fresh client without a seq starts at the newest message: nothing old is told
  const fresh = client({ session: a.session });
  const none = record(fresh);
  await fresh.connect();
  assert.equal(fresh.lastSeq, again.lastSeq);
  await b.send({ to: aId }, 'after').result;
  await until(() => none.length === 1, () => 'the fresh client gets the new message');
  assert.equal(none[0].content, 'after');
  again.close();
  fresh.close();
  b.close();
});

test('edits and recalls are told once, in seq order with the messages, without a sync for a gap', { timeout: 120_000 }, async () => {
  const a = await user('ed');
  const b = await user('ed');
  const bId = b.userId as number;
  const gotB = record(b);
  const changes: string[] = [];
  b.on('edited', (e) => changes.push('edited:' + e.msg_id + ':' + e.content));
  b.on('recalled', (e) => changes.push('recalled:' + e.msg_id));
  const reactions: string[] = [];
  b.on('reaction', (e) => reactions.push(e.emoji + e.action + e.count));
  await a.connect();
  await b.connect();

  const first = await a.send({ to: bId }, 'see you at 7').result;
  await until(() => gotB.length === 1, () => 'bob gets the message');
  const syncsBefore = b.stats.syncs;
  await a.editMessage(first.msg_id, 'see you at 8');
  await a.addReaction(first.msg_id, '🎉');
  const second = await a.send({ to: bId }, 'bring the wine', { reply_to: first.msg_id }).result;
  await a.recallMessage(first.msg_id);
  await until(() => changes.length === 2 && gotB.length === 2 && reactions.length === 1, () => 'bob: ' + JSON.stringify({ changes, gotB, reactions }));
  assert.deepEqual(changes, ['edited:' + first.msg_id + ':see you at 8', 'recalled:' + first.msg_id]);
  assert.deepEqual(reactions, ['🎉add1']);
  assert.equal(gotB[1].msg_id, second.msg_id);
  assert.deepEqual(gotB[1].reply_to, { id: first.msg_id, sender_id: a.userId, excerpt: 'see you at 8' });
  assertOnceInOrder(gotB, 'bob');
  assert.equal(b.stats.syncs, syncsBefore, 'a change is no gap: no sync asked');
  // the watermark passed the changes: a client resuming from it gets nothing again
  assert.equal(b.lastSeq, (await b.syncMessages(0, 100)).next_seq);
  a.close();
  b.close();
});
