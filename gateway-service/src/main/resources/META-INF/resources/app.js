// A small chat client of the public API: REST for accounts, contacts, groups and history, one WebSocket for live frames.
// Every user-provided string reaches the page through textContent, never as HTML.
'use strict';

const $ = (id) => document.getElementById(id);
const state = {
  token: sessionStorage.getItem('im.token'), me: null, ws: null, typingSent: 0, retry: 0,
  contacts: new Map(), // user id -> {id, username, nickname, unread, online}: the sidebar's people
  names: new Map(), // user id -> {username, nickname}: anyone seen (group members, requesters)
  friends: new Set(), blocked: new Set(),
  outgoing: new Map(), // user id -> id of my pending friend request to them
  requests: new Map(), // request id -> pending request to me {id, from_user_id, message}
  groups: new Map(), // group id -> {id, name, owner_id, member_count, unread}
  peer: null, group: null, view: 0, // the open private conversation or group, and a counter of opened views
};

async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => ({ code: res.status, message: res.statusText }));
  if (!res.ok || json.code !== 0) {
    const err = new Error(json.message || ('HTTP ' + res.status));
    err.status = res.status;
    throw err;
  }
  return json.data;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(text, className, onClick) {
  const b = el('button', className, text);
  b.type = 'button';
  b.addEventListener('click', (e) => { e.stopPropagation(); onClick(); });
  return b;
}

let noticeTimer = null;
function notice(text) {
  $('notice').textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { $('notice').textContent = ''; }, 6000);
}

// ---- accounts ---------------------------------------------------------------------------
async function authenticate(kind) {
  $('auth-error').textContent = '';
  const username = $('username').value.trim();
  const password = $('password').value;
  try {
    const data = kind === 'register'
      ? await api('POST', '/api/v1/users/register', { username, password })
      : await api('POST', '/api/v1/users/login', { usernameOrEmail: username, password });
    state.token = data.access_token;
    sessionStorage.setItem('im.token', state.token);
    await start();
  } catch (e) {
    $('auth-error').textContent = e.message;
  }
}

async function start() {
  try {
    state.me = await api('GET', '/api/v1/users/profile');
  } catch (e) {
    sessionStorage.removeItem('im.token');
    state.token = null;
    return;
  }
  $('auth').hidden = true;
  $('app').hidden = false;
  $('me').textContent = state.me.nickname || state.me.username;
  await Promise.all([loadFriends().then(loadContacts), loadGroups()]);
  connect();
}

async function logout() {
  try { await api('POST', '/api/v1/users/logout'); } catch (e) { /* already gone */ }
  sessionStorage.removeItem('im.token');
  location.reload();
}

// ---- people -----------------------------------------------------------------------------
function remember(u) {
  if (u && u.id && u.username) state.names.set(u.id, { username: u.username, nickname: u.nickname });
}

const lookups = new Set();
function nameOf(id) {
  if (id === state.me.id) return 'you';
  const u = state.contacts.get(id) || state.names.get(id);
  if (u && u.username) return u.nickname || u.username;
  if (!lookups.has(id)) {
    lookups.add(id);
    api('GET', '/api/v1/users/' + id).then((found) => {
      remember(found);
      for (const e of document.querySelectorAll('[data-user="' + id + '"]')) e.textContent = nameOf(id);
    }).catch(() => null);
  }
  return 'user ' + id;
}

function contact(id, username, nickname) {
  let c = state.contacts.get(id);
  if (!c) {
    const known = state.names.get(id);
    c = { id, username: username || (known ? known.username : 'user ' + id), nickname: username ? nickname : (known && known.nickname), unread: 0, online: false };
    state.contacts.set(id, c);
  } else if (username) {
    c.username = username;
    c.nickname = nickname;
  }
  if (username) state.names.set(id, { username, nickname });
  return c;
}

async function loadContacts() {
  const conversations = await api('GET', '/api/v1/messages/conversations?limit=50').catch(() => []);
  for (const conv of conversations) {
    if (conv.user_id) contact(conv.user_id, conv.username, conv.nickname).unread = conv.unread_count || 0;
  }
  await refreshPresence();
  renderContacts();
}

async function loadFriends() {
  const [friends, incoming, outgoing, blocks] = await Promise.all([
    api('GET', '/api/v1/friends/list?page_size=100').catch(() => null),
    api('GET', '/api/v1/friends/requests?direction=incoming').catch(() => null),
    api('GET', '/api/v1/friends/requests?direction=outgoing').catch(() => null),
    api('GET', '/api/v1/users/blocks').catch(() => null),
  ]);
  if (friends) {
    state.friends.clear();
    for (const f of friends.friends || []) {
      contact(f.user.id, f.user.username, f.user.nickname);
      state.friends.add(f.user.id);
    }
  }
  if (incoming) {
    state.requests.clear();
    for (const r of incoming) {
      remember(r.from_user);
      state.requests.set(r.id, r);
    }
  }
  if (outgoing) {
    state.outgoing.clear();
    for (const r of outgoing) {
      remember(r.to_user);
      state.outgoing.set(r.to_user_id, r.id);
    }
  }
  if (blocks) {
    state.blocked.clear();
    for (const b of blocks) {
      remember(b.user);
      state.blocked.add(b.user.id);
    }
  }
  renderRequests();
  renderContacts();
  renderHeader();
}

async function refreshPresence() {
  const ids = [...state.contacts.keys()];
  if (!ids.length) return;
  const data = await api('GET', '/api/v1/presence?ids=' + ids.slice(0, 200).join(',')).catch(() => null);
  for (const p of (data && data.presence) || []) {
    const c = state.contacts.get(p.user_id);
    if (c) c.online = p.online;
  }
}

function renderContacts() {
  const list = $('contacts');
  list.replaceChildren();
  for (const c of state.contacts.values()) {
    const li = document.createElement('li');
    li.dataset.id = c.id;
    if (state.peer === c.id) li.classList.add('active');
    const dot = el('span', 'dot' + (c.online ? ' on' : ''));
    const name = el('span', 'name', c.nickname || c.username);
    const tag = el('span', 'tag', state.blocked.has(c.id) ? 'blocked' : state.friends.has(c.id) ? 'friend' : '');
    const badge = el('span', 'badge', c.unread ? String(c.unread) : '');
    li.append(dot, name, tag, badge);
    li.addEventListener('click', () => openConversation(c.id));
    list.append(li);
  }
  if (!$('group-form').hidden) renderGroupPick();
}

async function findUser(event) {
  event.preventDefault();
  const keyword = $('find').value.trim();
  if (!keyword) return;
  const data = await api('GET', '/api/v1/users/list?page_size=20&keyword=' + encodeURIComponent(keyword)).catch(() => ({ users: [] }));
  for (const u of data.users || []) {
    if (u.id !== state.me.id) contact(u.id, u.username, u.nickname);
  }
  $('find').value = '';
  await refreshPresence();
  renderContacts();
}

// ---- friends ----------------------------------------------------------------------------
function renderRequests() {
  const list = $('requests');
  list.replaceChildren();
  for (const r of state.requests.values()) {
    const li = document.createElement('li');
    li.dataset.id = r.id;
    const who = el('span', 'name', nameOf(r.from_user_id));
    who.dataset.user = r.from_user_id;
    const text = el('span', 'sub', r.message || 'wants to be your friend');
    const info = el('span', 'who');
    info.append(who, text);
    li.append(info,
      button('Accept', 'small accept', () => answerRequest(r, true)),
      button('Reject', 'small reject', () => answerRequest(r, false)));
    list.append(li);
  }
  $('requests-box').hidden = state.requests.size === 0;
}

async function answerRequest(r, accept) {
  try {
    const data = await api('POST', '/api/v1/friends/' + (accept ? 'accept' : 'reject'), { request_id: r.id });
    if (accept && data && data.user) {
      contact(data.user.id, data.user.username, data.user.nickname);
      state.friends.add(data.user.id);
      state.outgoing.delete(data.user.id);
      await refreshPresence();
    }
  } catch (e) {
    notice(e.message);
  }
  state.requests.delete(r.id);
  renderRequests();
  renderContacts();
  renderHeader();
}

async function addFriend() {
  const id = state.peer;
  try {
    const r = await api('POST', '/api/v1/friends/request', { to_user_id: id });
    if (r.status === 'accepted') {
      state.friends.add(id);
      for (const [rid, req] of state.requests) if (req.from_user_id === id) state.requests.delete(rid);
      renderRequests();
    } else {
      state.outgoing.set(id, r.id);
      notice('Friend request sent');
    }
  } catch (e) {
    notice(e.message);
  }
  renderContacts();
  renderHeader();
}

async function cancelRequest() {
  const id = state.peer;
  try {
    await api('POST', '/api/v1/friends/reject', { request_id: state.outgoing.get(id) });
  } catch (e) {
    notice(e.message);
  }
  state.outgoing.delete(id);
  renderHeader();
}

async function unfriend() {
  const id = state.peer;
  try {
    await api('DELETE', '/api/v1/friends/' + id);
    state.friends.delete(id);
  } catch (e) {
    notice(e.message);
  }
  renderContacts();
  renderHeader();
}

async function toggleBlock() {
  const id = state.peer;
  const blocking = !state.blocked.has(id);
  try {
    await api(blocking ? 'POST' : 'DELETE', '/api/v1/users/' + id + '/block');
    if (blocking) state.blocked.add(id); else state.blocked.delete(id);
    notice(blocking ? nameOf(id) + ' is blocked: their messages will not reach you' : nameOf(id) + ' is no longer blocked');
  } catch (e) {
    notice(e.message);
  }
  await loadFriends(); // a block may end a friendship or a pending request
}

// ---- groups -----------------------------------------------------------------------------
async function loadGroups() {
  const [groups, unread] = await Promise.all([
    api('GET', '/api/v1/groups').catch(() => null),
    api('GET', '/api/v1/messages/unread/count').catch(() => null),
  ]);
  if (!groups) return;
  const byGroup = (unread && unread.by_group) || {};
  const next = new Map();
  for (const g of groups) {
    const old = state.groups.get(g.id);
    // the member list (of an open group) stays until its own refresh, if the count still matches
    const members = old && old.members && old.members.length === g.member_count ? old.members : undefined;
    next.set(g.id, Object.assign(g, { unread: state.group === g.id ? 0 : Number(byGroup[g.id] || 0), members }));
  }
  state.groups = next;
  if (state.group && !next.has(state.group)) closeView('You are no longer a member of this group');
  if (state.group && !next.get(state.group).members) refreshGroup(state.group);
  renderGroups();
  renderHeader();
}

function renderGroups() {
  const list = $('groups');
  list.replaceChildren();
  for (const g of state.groups.values()) {
    const li = document.createElement('li');
    li.dataset.id = g.id;
    if (state.group === g.id) li.classList.add('active');
    const icon = el('span', 'icon', '#');
    const name = el('span', 'name', g.name);
    const count = el('span', 'tag', String(g.member_count));
    count.title = 'members';
    const badge = el('span', 'badge', g.unread ? String(g.unread) : '');
    li.append(icon, name, count, badge);
    li.addEventListener('click', () => openGroup(g.id));
    list.append(li);
  }
}

function renderGroupPick() {
  const list = $('group-pick');
  const checked = new Set([...list.querySelectorAll('input:checked')].map((i) => Number(i.value)));
  list.replaceChildren();
  for (const c of state.contacts.values()) {
    const li = document.createElement('li');
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = c.id;
    box.checked = checked.has(c.id);
    label.append(box, el('span', null, c.nickname || c.username));
    li.append(label);
    list.append(li);
  }
  if (!state.contacts.size) list.append(el('li', 'hint', 'find users first to add them'));
}

function toggleGroupForm(show) {
  $('group-form').hidden = !show;
  $('group-error').textContent = '';
  if (show) {
    $('group-name').value = '';
    $('group-pick').replaceChildren();
    renderGroupPick();
    $('group-name').focus();
  }
}

async function createGroup(event) {
  event.preventDefault();
  const name = $('group-name').value.trim();
  if (!name) {
    $('group-error').textContent = 'a group needs a name';
    return;
  }
  const memberIds = [...$('group-pick').querySelectorAll('input:checked')].map((i) => Number(i.value));
  try {
    const g = await api('POST', '/api/v1/groups', { name, member_ids: memberIds });
    state.groups.set(g.id, Object.assign(g, { unread: 0 }));
    toggleGroupForm(false);
    renderGroups();
    await openGroup(g.id);
  } catch (e) {
    $('group-error').textContent = e.message;
  }
}

async function leaveGroup() {
  const id = state.group;
  try {
    await api('DELETE', '/api/v1/groups/' + id + '/members/' + state.me.id);
    state.groups.delete(id);
    closeView('You left the group');
    renderGroups();
  } catch (e) {
    notice(e.message);
  }
}

// The details of a group (its members, with their names) for the open group's header.
async function refreshGroup(id) {
  const d = await api('GET', '/api/v1/groups/' + id).catch(() => null);
  if (!d) return;
  for (const m of d.members || []) {
    if (m.username) state.names.set(m.user_id, { username: m.username, nickname: m.nickname });
  }
  const g = state.groups.get(id); // looked up now: loadGroups may have replaced it meanwhile
  if (g) Object.assign(g, { name: d.name, member_count: d.member_count, members: d.members });
  renderHeader();
  renderGroups();
}

let readTimer = null;
function markGroupRead(id) {
  clearTimeout(readTimer);
  readTimer = setTimeout(() => api('PUT', '/api/v1/messages/groups/' + id + '/read').catch(() => null), 300);
}

// ---- the open conversation or group -----------------------------------------------------
function renderHeader() {
  const c = state.peer ? state.contacts.get(state.peer) : null;
  const g = state.group ? state.groups.get(state.group) : null;
  let title = 'Pick a contact or a group';
  let info = '';
  if (state.peer) {
    title = c ? (c.nickname || c.username) : nameOf(state.peer);
    info = state.blocked.has(state.peer) ? 'blocked' : state.friends.has(state.peer) ? 'friend'
      : state.outgoing.has(state.peer) ? 'friend request sent' : '';
  } else if (g) {
    title = g.name;
    info = g.member_count + (g.member_count === 1 ? ' member' : ' members');
    if (g.members) {
      const shown = g.members.slice(0, 8).map((m) => nameOf(m.user_id)).join(', ');
      info += ': ' + shown + (g.members.length > 8 ? ', …' : '');
    }
  }
  $('peer-header').textContent = title;
  $('peer-info').textContent = info;
  const peer = state.peer;
  $('add-friend').hidden = !peer || state.friends.has(peer) || state.outgoing.has(peer) || state.blocked.has(peer);
  $('cancel-request').hidden = !peer || !state.outgoing.has(peer);
  $('unfriend').hidden = !peer || !state.friends.has(peer);
  $('block').hidden = !peer;
  $('block').textContent = peer && state.blocked.has(peer) ? 'Unblock' : 'Block';
  $('leave-group').hidden = !g;
  const open = Boolean(peer || g);
  $('text').disabled = !open;
  $('send').disabled = !open;
}

function switchView(peer, group) {
  state.peer = peer;
  state.group = group;
  state.view += 1;
  $('notice').textContent = '';
  $('messages').replaceChildren();
  $('typing').textContent = '';
  renderHeader();
  renderContacts();
  renderGroups();
  return state.view;
}

function closeView(text) {
  switchView(null, null);
  if (text) notice(text);
}

async function openConversation(id) {
  const view = switchView(id, null);
  const c = state.contacts.get(id);
  const history = await api('GET', '/api/v1/conversations/' + id + '/messages?limit=50').catch(() => []);
  if (view !== state.view) return;
  showHistory(history.map((m) => ({ id: m.id, from: m.sender_id, content: m.content, read: m.is_read, status: m.status })));
  if (c && c.unread) {
    await api('PUT', '/api/v1/messages/conversations/' + id + '/read').catch(() => null);
    c.unread = 0;
  }
  renderContacts();
}

async function openGroup(id) {
  const view = switchView(null, id);
  const listed = state.groups.get(id);
  const unread = listed ? listed.unread : 0;
  const [, history] = await Promise.all([
    refreshGroup(id),
    api('GET', '/api/v1/groups/' + id + '/messages?limit=50').catch(() => []),
  ]);
  if (view !== state.view) return;
  showHistory(history.map((m) => ({ id: m.id, from: m.sender_id, content: m.content, status: m.status, group: true })));
  const g = state.groups.get(id);
  if (g) g.unread = 0;
  if (unread) markGroupRead(id);
  renderHeader();
  renderGroups();
}

// History (newest first) goes above what arrived live while it loaded.
function showHistory(messages) {
  const list = $('messages');
  const live = [...list.children];
  const byId = new Map(live.filter((li) => li.dataset.id).map((li) => [li.dataset.id, li]));
  list.replaceChildren();
  for (const m of messages.slice().reverse()) {
    const li = byId.get(String(m.id));
    if (li) list.append(li); else showMessage(m);
  }
  for (const li of live) if (!li.isConnected) list.append(li);
  list.scrollTop = list.scrollHeight;
}

function showMessage(m) {
  const mine = m.from === state.me.id;
  let li = m.id ? document.querySelector('#messages li[data-id="' + m.id + '"]') : null;
  if (!li && m.clientId) li = document.querySelector('#messages li[data-client="' + CSS.escape(m.clientId) + '"]');
  if (!li) {
    li = document.createElement('li');
    if (m.group && !mine) {
      const from = el('span', 'from', nameOf(m.from));
      from.dataset.user = m.from;
      li.append(from);
    }
    li.append(el('span', 'text', m.content), el('span', 'meta'));
    $('messages').append(li);
  }
  if (m.id) li.dataset.id = m.id;
  if (m.clientId) li.dataset.client = m.clientId;
  li.classList.toggle('mine', mine);
  if (mine) {
    li.querySelector('.meta').textContent = !li.dataset.id ? 'sending…'
      : m.read ? '✓✓ read' : (m.status === 'delivered' ? '✓ delivered' : 'sent');
  }
  $('messages').scrollTop = $('messages').scrollHeight;
}

function systemLine(text) {
  $('messages').append(el('li', 'system', text));
  $('messages').scrollTop = $('messages').scrollHeight;
}

function markMine(ids, status) {
  for (const id of ids) {
    const li = document.querySelector('#messages li.mine[data-id="' + id + '"] .meta');
    if (li && !(status === 'delivered' && li.textContent.startsWith('✓✓'))) {
      li.textContent = status === 'read' ? '✓✓ read' : '✓ delivered';
    }
  }
}

function sendMessage(event) {
  event.preventDefault();
  const content = $('text').value.trim();
  if (!content || !(state.peer || state.group) || !state.ws || state.ws.readyState !== WebSocket.OPEN) return;
  const clientId = 'web-' + Date.now() + '-' + Math.random().toString(36).slice(2, 8);
  const target = state.group ? { group_id: state.group } : { to: state.peer };
  state.ws.send(JSON.stringify(Object.assign({ type: 'chat' }, target, { content, msg_type: 'text', client_msg_id: clientId })));
  showMessage({ clientId, from: state.me.id, content, group: Boolean(state.group) });
  $('text').value = '';
}

function typing() {
  const now = Date.now();
  if (state.peer && state.ws && state.ws.readyState === WebSocket.OPEN && now - state.typingSent > 2000) {
    state.typingSent = now;
    state.ws.send(JSON.stringify({ type: 'typing', to: state.peer }));
  }
}

// ---- live frames ------------------------------------------------------------------------
function connect() {
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  const ws = new WebSocket(url, ['Bearer', state.token]);
  state.ws = ws;
  ws.onopen = () => {
    if (state.connected) { loadFriends(); loadGroups(); } // frames missed while away
    state.connected = true;
    state.retry = 0;
    $('conn-state').className = 'dot on';
  };
  ws.onclose = (e) => {
    $('conn-state').className = 'dot off';
    if (e.code === 4401 || (e.code === 1008 && /logout/.test(e.reason))) return; // session ended: log in again
    state.retry = Math.min(state.retry + 1, 6);
    setTimeout(connect, 500 * state.retry);
  };
  ws.onmessage = (e) => onFrame(JSON.parse(e.data));
}

function onPrivateChat(f) {
  const incoming = f.from !== state.me.id;
  const peer = incoming ? f.from : f.to;
  if (incoming) state.ws.send(JSON.stringify({ type: 'ack', msg_ids: [f.msg_id] }));
  const known = state.contacts.has(peer);
  const c = contact(peer);
  if (!known) {
    api('GET', '/api/v1/users/' + peer).then((u) => { contact(u.id, u.username, u.nickname); renderContacts(); }).catch(() => null);
  }
  if (state.peer === peer) {
    showMessage({ id: f.msg_id, clientId: incoming ? null : f.client_msg_id, from: f.from, content: f.content });
    if (incoming) {
      state.ws.send(JSON.stringify({ type: 'ack_read', msg_id: f.msg_id }));
      $('typing').textContent = '';
    }
  } else if (incoming) {
    c.unread += 1;
  }
  renderContacts();
}

// A group's chat frame has group_id and no to: it belongs to the group's view, never to a private one.
function onGroupChat(f) {
  const incoming = f.from !== state.me.id;
  if (incoming) state.ws.send(JSON.stringify({ type: 'ack', msg_ids: [f.msg_id] }));
  const g = state.groups.get(f.group_id);
  if (state.group === f.group_id) {
    showMessage({ id: f.msg_id, clientId: incoming ? null : f.client_msg_id, from: f.from, content: f.content, group: true });
    if (incoming) markGroupRead(f.group_id);
  } else if (incoming && g) {
    g.unread += 1;
    renderGroups();
  }
  if (!g) loadGroups(); // a group this page has not listed yet
}

function onGroupEvent(f) {
  const g = f.group || {};
  const affected = f.user_ids || [];
  const me = affected.includes(state.me.id);
  if (state.group === g.id) {
    const who = affected.map(nameOf).join(', ');
    const by = f.by && f.by !== state.me.id ? ' (by ' + nameOf(f.by) + ')' : '';
    const text = { joined: who + ' joined', left: who + ' left', removed: who + ' removed' + by, updated: 'group updated' + by }[f.event];
    if (text && !(me && (f.event === 'left' || f.event === 'removed'))) systemLine(text);
  }
  if (me && (f.event === 'left' || f.event === 'removed')) {
    state.groups.delete(g.id);
    if (state.group === g.id) closeView(f.event === 'removed' ? 'You were removed from ' + g.name : 'You left ' + g.name);
    renderGroups();
    return;
  }
  if (state.group === g.id) refreshGroup(g.id);
  loadGroups();
}

function onFriendRequest(f) {
  const r = f.request;
  remember(f.from);
  state.requests.set(r.id, r);
  renderRequests();
}

function onFriend(f) {
  if (f.event === 'accepted' && f.user) {
    contact(f.user.id, f.user.username, f.user.nickname);
    state.friends.add(f.user.id);
    state.outgoing.delete(f.user.id);
    notice(nameOf(f.user.id) + ' accepted your friend request');
    refreshPresence().then(renderContacts);
  } else if (f.event === 'removed') {
    state.friends.delete(f.user_id);
  }
  renderContacts();
  renderHeader();
}

let typingTimer = null;
function onFrame(f) {
  switch (f.type) {
    case 'chat':
      if (f.group_id) onGroupChat(f); else onPrivateChat(f);
      break;
    case 'ack': {
      // only a message still on screen: the view may have changed since it was sent
      const li = document.querySelector('#messages li[data-client="' + CSS.escape(String(f.client_msg_id)) + '"]');
      if (li) showMessage({ id: f.msg_id, clientId: f.client_msg_id, from: state.me.id, content: '' });
      break;
    }
    case 'delivered':
      markMine(f.msg_ids || [], 'delivered');
      break;
    case 'read':
      markMine(f.msg_ids || [], 'read');
      break;
    case 'typing':
      if (f.from === state.peer && !state.blocked.has(f.from)) {
        $('typing').textContent = nameOf(f.from) + ' is typing…';
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => { $('typing').textContent = ''; }, 3000);
      }
      break;
    case 'presence': {
      const c = state.contacts.get(f.user_id);
      if (c) { c.online = f.status === 'online'; renderContacts(); }
      break;
    }
    case 'group':
      onGroupEvent(f);
      break;
    case 'friend_request':
      onFriendRequest(f);
      break;
    case 'friend':
      onFriend(f);
      break;
    case 'error': {
      console.warn('server error frame', f);
      const li = f.ref ? document.querySelector('#messages li[data-client="' + CSS.escape(String(f.ref)) + '"]') : null;
      if (li && !li.dataset.id) {
        li.classList.add('failed');
        li.querySelector('.meta').textContent = 'not sent: ' + (f.message || f.error);
      }
      break;
    }
    default:
      break;
  }
}

// ---- wiring -----------------------------------------------------------------------------
$('auth-form').addEventListener('submit', (e) => { e.preventDefault(); authenticate('login'); });
$('register').addEventListener('click', () => authenticate('register'));
$('logout').addEventListener('click', logout);
$('find-form').addEventListener('submit', findUser);
$('send-form').addEventListener('submit', sendMessage);
$('text').addEventListener('input', typing);
$('new-group').addEventListener('click', () => toggleGroupForm($('group-form').hidden));
$('cancel-group').addEventListener('click', () => toggleGroupForm(false));
$('group-form').addEventListener('submit', createGroup);
$('add-friend').addEventListener('click', addFriend);
$('cancel-request').addEventListener('click', cancelRequest);
$('unfriend').addEventListener('click', unfriend);
$('block').addEventListener('click', toggleBlock);
$('leave-group').addEventListener('click', leaveGroup);
setInterval(() => refreshPresence().then(renderContacts), 15000);
if (state.token) start();
