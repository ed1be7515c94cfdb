// Every REST route of the API through the library, against the real services: accounts and tokens
// (refresh before expiry and on a 401), profiles, presence, messages, friends, blocks and groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type Session } from '../src/index.js';
import { client, password, until, user } from '../testlib/helpers.js';

test('accounts: register, login, profile, test-auth, user list and lookup', { timeout: 120_000 }, async () => {
  const a = await user('acc');
  const me = await a.getProfile();
  assert.equal(me.id, a.userId);
  assert.equal(a.session?.username, me.username);
  const updated = await a.updateProfile({ nickname: 'Ann' });
  assert.equal(updated.nickname, 'Ann');
  const info = await a.testAuth();
  assert.equal(info.user_id, me.id);
  const found = await a.listUsers({ keyword: me.username, page: 1, page_size: 5 });
  assert.ok(found.users.some((u) => u.id === me.id));
  assert.equal((await a.getUser(me.id)).username, me.username);

  const b = client();
  const login = await b.login(me.username, password);
  assert.equal(login.user.id, me.id);
  await assert.rejects(client().login(me.username, 'wrong-password-1'), (e: ApiError) => e.status === 401 && e.code === 'INVALID_CREDENTIALS');
  await assert.rejects(a.request('GET', '/no/such/route'), (e: ApiError) => e.status === 404);
  assert.equal((await a.health()).status, 'ok');
});

test('tokens: a 401 refreshes once and retries; a refresh is scheduled before expiry; logout ends the session', { timeout: 120_000 }, async () => {
  const a = await user('tok');
  const sessions: (Session | null)[] = [];
  a.on('session', (s) => sessions.push(s));
  // a token the server refuses: the call is answered after one refresh
  a.setSession({ ...(a.session as Session), access_token: 'not-a-token' });
  const me = await a.getProfile();
  assert.equal(me.id, a.userId);
  assert.notEqual(a.session?.access_token, 'not-a-token');

  // a margin as long as the token's life: the client refreshes about a second after it signed in
  const life = (a.session as Session).expires_at - Date.now();
  const b = client({ session: a.session, refreshMarginSeconds: Math.floor(life / 1000) - 1 });
  const before = (b.session as Session).refresh_token;
  const refreshed = new Promise<Session>((resolve) => b.on('session', (s) => s && resolve(s)));
  const alive = setInterval(() => undefined, 1000); // the refresh timer does not hold the process by itself
  const s = await refreshed;
  clearInterval(alive);
  assert.notEqual(s.refresh_token, before);
  assert.equal((await b.getProfile()).id, a.userId);
  b.close();
  b.setSession(null);

  // the refresh token a has is spent now (b used it): a's next refresh ends a's session
  const ended = new Promise<string>((resolve) => a.on('ended', (e) => resolve(e.reason)));
  await assert.rejects(a.refresh());
  assert.match(await ended, /refresh refused/);
  assert.equal(a.session, null);

  const c = await user('out');
  const old = c.session as Session;
  await c.logout();
  assert.equal(c.session, null);
  const d = client({ session: old });
  await assert.rejects(d.getProfile(), (e: ApiError) => e.status === 401);
  assert.equal(d.session, null, 'a refused refresh forgets the session');
  assert.ok(sessions.length >= 1);
});

test('messages over REST: send (idempotent), history, unread, read and delivered marks, delete, conversations, offline, sync', { timeout: 120_000 }, async () => {
  const a = await user('ra');
  const b = await user('rb');
  const bId = b.userId as number;
  const aId = a.userId as number;
  const m1 = await a.sendRest({ to: bId }, 'hello 1', { client_msg_id: 'rest-' + aId + '-1' });
  const again = await a.sendRest({ to: bId }, 'hello 1', { client_msg_id: 'rest-' + aId + '-1' });
  assert.equal(again.id, m1.id, 'a repeated client_msg_id stores nothing new');
  await assert.rejects(a.sendRest({ to: bId }, 'other', { client_msg_id: 'rest-' + aId + '-1' }), (e: ApiError) => e.status === 409);
  const m2 = await a.sendRest({ to: bId }, 'hello 2');
  const m3 = await a.sendRest({ to: bId }, 'hello 3');
  assert.equal(m1.receiver_id, bId);

  const history = await b.getConversationMessages(aId, { limit: 10 });
  assert.deepEqual(history.map((m) => m.id), [m3.id, m2.id, m1.id]);
  assert.deepEqual((await b.getConversationMessages(aId, { page: 1, page_size: 2 })).map((m) => m.id), [m3.id, m2.id]);
  assert.deepEqual((await b.getHistory({ with_user_id: aId, before_id: m3.id, limit: 5 })).map((m) => m.id), [m2.id, m1.id]);
  assert.deepEqual((await b.getUnread()).map((m) => m.id), [m1.id, m2.id, m3.id]);
  const count = await b.getUnreadCount();
  assert.equal(count.unread_count, 3);
  assert.equal(count.by_user[String(aId)], 3);
  assert.equal((await b.getOfflineCount()).count, 3);
  assert.equal((await b.getOffline(10)).messages.length, 3);

  const sync = await b.syncMessages(0, 2);
  assert.equal(sync.messages.length, 2);
  assert.equal(sync.has_more, true);
  assert.equal((await b.syncMessages(sync.next_seq, 10)).messages[0].id, m3.id);

  assert.equal((await b.markDelivered([m1.id])).marked, 1);
  await b.markMessageReadRest(m1.id);
  await assert.rejects(a.markMessageReadRest(m1.id), (e: ApiError) => e.status === 403);
  assert.equal((await b.markMessagesRead(aId, [m2.id])).marked, 1);
  assert.equal((await b.markConversationRead(aId)).marked, 1);
  const m4 = await a.sendRest({ to: bId }, 'hello 4');
  assert.equal((await b.markAllRead()).marked, 1);
  assert.equal((await b.getUnreadCount()).unread_count, 0);

  const convs = await b.getConversations(5);
  assert.equal(convs[0].user_id, aId);
  assert.equal(convs[0].last_message, 'hello 4');
  const list = await b.getConversationList(5);
  assert.equal(list.conversations[0].user_id, aId);

  await a.deleteMessage(m4.id);
  await assert.rejects(b.deleteMessage(m3.id), (e: ApiError) => e.status === 403);
  assert.ok(!(await b.getConversationMessages(aId, { limit: 10 })).some((m) => m.id === m4.id));
  await b.clearOffline();
  assert.equal((await b.getOfflineCount()).count, 0);
});

test('presence, friends and blocks', { timeout: 120_000 }, async () => {
  const a = await user('fa');
  const b = await user('fb');
  const aId = a.userId as number;
  const bId = b.userId as number;
  const online = await a.getOnline(bId);
  assert.equal(online.user_id, bId);
  assert.equal(typeof online.online, 'boolean');
  assert.equal((await a.getPresence([aId, bId])).presence.length, 2);
  assert.ok((await a.listOnline({ page: 1, page_size: 100 })).online_count >= 1);

  const request = await a.sendFriendRequest(bId, 'hi, friends?');
  assert.equal(request.to_user_id, bId);
  assert.deepEqual((await b.getFriendRequests('incoming')).map((r) => r.id), [request.id]);
  assert.deepEqual((await a.getFriendRequests('outgoing')).map((r) => r.id), [request.id]);
  await b.acceptFriendRequest(request.id);
  assert.deepEqual((await a.getFriends({ page: 1, page_size: 10 })).friends.map((f) => f.user.id), [bId]);
  await a.removeFriend(bId);
  assert.equal((await b.getFriends()).total, 0);
  const second = await b.sendFriendRequest(aId);
  await a.rejectFriendRequest(second.id);
  assert.equal((await a.getFriendRequests('incoming')).length, 0);

  await a.block(bId);
  assert.deepEqual((await a.getBlocks()).map((x) => x.user.id), [bId]);
  await assert.rejects(b.sendRest({ to: aId }, 'let me in'), (e: ApiError) => e.status === 403 && e.code === 'BLOCKED');
  await a.unblock(bId);
  await b.sendRest({ to: aId }, 'thanks');
});

test('groups: create, list, details, rename, members, leave, messages, read', { timeout: 120_000 }, async () => {
  const a = await user('ga');
  const b = await user('gb');
  const c = await user('gc');
  const bId = b.userId as number;
  const cId = c.userId as number;
  const g = await a.createGroup('team ' + bId, [bId]);
  assert.equal(g.owner_id, a.userId);
  assert.equal(g.member_count, 2);
  assert.deepEqual((await b.getGroups()).map((x) => x.id), [g.id]);
  assert.equal((await a.updateGroup(g.id, { name: 'renamed' })).name, 'renamed');
  assert.equal((await a.addGroupMembers(g.id, [cId])).member_count, 3);
  const detail = await c.getGroup(g.id);
  assert.deepEqual(detail.members.map((m) => m.user_id).sort(), [a.userId, bId, cId].sort());

  const m1 = await a.sendRest({ group_id: g.id }, 'to the group');
  assert.equal(m1.group_id, g.id);
  assert.equal(m1.session_type, 2);
  assert.deepEqual((await b.getGroupMessages(g.id, { limit: 10 })).map((m) => m.id), [m1.id]);
  assert.deepEqual((await b.getHistory({ group_id: g.id, limit: 10 })).map((m) => m.id), [m1.id]);
  assert.equal((await b.getUnreadCount()).by_group?.[String(g.id)], 1);
  await b.markGroupRead(g.id);
  assert.equal(Number((await b.getUnreadCount()).by_group?.[String(g.id)] ?? 0), 0);

  await c.leaveGroup(g.id);
  await assert.rejects(c.getGroup(g.id), (e: ApiError) => e.status === 404);
  await a.removeGroupMember(g.id, bId);
  assert.equal((await a.getGroup(g.id)).member_count, 1);
  await until(() => true, () => '');
});

test('rich messages over REST: reply, edit, reactions, recall, receipts, settings, sync changes', { timeout: 120_000 }, async () => {
  const a = await user('rich');
  const b = await user('rich');
  const bId = b.userId as number;
  const q = await a.sendRest({ to: bId }, 'dinner at 7?');
  const r = await b.sendRest({ to: a.userId as number }, 'yes', { reply_to: q.id });
  assert.deepEqual(r.reply_to, { id: q.id, sender_id: a.userId, excerpt: 'dinner at 7?' });

  const edited = await a.editMessage(q.id, 'dinner at 8?');
  assert.equal(edited.id, q.id);
  assert.equal(edited.seq, q.seq);
  assert.equal(edited.content, 'dinner at 8?');
  assert.ok(edited.edited_at);
  await assert.rejects(b.editMessage(q.id, 'mine'), (e: ApiError) => e.status === 403);

  assert.deepEqual((await b.addReaction(q.id, '👍')).reactions, [{ emoji: '👍', count: 1, me: true }]);
  assert.deepEqual((await a.addReaction(q.id, '👍')).reactions, [{ emoji: '👍', count: 2, me: true }]);
  assert.deepEqual((await a.removeReaction(q.id, '👍')).reactions, [{ emoji: '👍', count: 1, me: false }]);
  await assert.rejects(a.addReaction(q.id, 'not one'), (e: ApiError) => e.status === 400 && e.code === 'VALIDATION_FAILED');

  const history = await b.getHistory({ with_user_id: a.userId as number });
  assert.equal(history[1].content, 'dinner at 8?');
  assert.equal(history[0].reply_to?.excerpt, 'dinner at 8?');
  assert.deepEqual(history[1].reactions, [{ emoji: '👍', count: 1, me: true }]);

  const receipts = await a.getReceipts(q.id);
  assert.equal(receipts.member_count, 1);

  await a.recallMessage(q.id);
  await a.recallMessage(q.id); // again: nothing more happens
  const after = await b.getHistory({ with_user_id: a.userId as number });
  assert.equal(after[1].content, '');
  assert.equal(after[1].recalled, true);
  assert.equal(after[0].reply_to?.excerpt, '');

  // sync: the changes take seqs of their own, right after the messages
  const page = await b.syncMessages(0, 100);
  assert.deepEqual(page.changes?.map((c) => c.type), ['edited', 'recalled']);
  const seqs = [...page.messages.map((m) => m.seq), ...(page.changes ?? []).map((c) => c.seq)].sort((x, y) => x - y);
  assert.deepEqual(seqs, seqs.map((_, i) => seqs[0] + i), 'messages and changes together: no gap');

  assert.deepEqual(await b.setConversationSettings(a.userId as number, { pinned: true }), { pinned: true, muted: false, archived: false });
  const conversations = await b.getConversations();
  assert.equal(conversations[0].user_id, a.userId);
  assert.equal(conversations[0].pinned, true);
});
