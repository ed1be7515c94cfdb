// A small chat client of the public API: REST for accounts and history, one WebSocket for live frames.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem('im.token'), me: null, contacts: new Map(), peer: null, ws: null, typingSent: 0, retry: 0 };

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
  await loadContacts();
  connect();
}

async function logout() {
  try { await api('POST', '/api/v1/users/logout'); } catch (e) { /* already gone */ }
  sessionStorage.removeItem('im.token');
  location.reload();
}

// ---- contacts ---------------------------------------------------------------------------
function contact(id, username, nickname) {
  let c = state.contacts.get(id);
  if (!c) {
    c = { id, username: username || ('user ' + id), nickname, unread: 0, online: false };
    state.contacts.set(id, c);
  } else if (username) {
    c.username = username;
    c.nickname = nickname;
  }
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
    const dot = document.createElement('span');
    dot.className = 'dot' + (c.online ? ' on' : '');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = c.nickname || c.username;
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = c.unread ? String(c.unread) : '';
    li.append(dot, name, badge);
    li.addEventListener('click', () => openConversation(c.id));
    list.append(li);
  }
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

// ---- conversation -----------------------------------------------------------------------
async function openConversation(id) {
  state.peer = id;
  const c = state.contacts.get(id);
  $('peer-header').textContent = c ? (c.nickname || c.username) : ('user ' + id);
  $('text').disabled = false;
  $('send').disabled = false;
  $('messages').replaceChildren();
  const history = await api('GET', '/api/v1/conversations/' + id + '/messages?limit=50').catch(() => []);
  for (const m of history.slice().reverse()) {
    showMessage({ id: m.id, from: m.sender_id, content: m.content, read: m.is_read, status: m.status });
  }
  if (c && c.unread) {
    await api('PUT', '/api/v1/messages/conversations/' + id + '/read').catch(() => null);
    c.unread = 0;
  }
  renderContacts();
}

function showMessage(m) {
  const mine = m.from === state.me.id;
  let li = m.id ? document.querySelector('#messages li[data-id="' + m.id + '"]') : null;
  if (!li && m.clientId) li = document.querySelector('#messages li[data-client="' + CSS.escape(m.clientId) + '"]');
  if (!li) {
    li = document.createElement('li');
    li.append(document.createTextNode(m.content), Object.assign(document.createElement('span'), { className: 'meta' }));
    $('messages').append(li);
  }
  if (m.id) li.dataset.id = m.id;
  if (m.clientId) li.dataset.client = m.clientId;
  li.classList.toggle('mine', mine);
  if (mine) li.querySelector('.meta').textContent = m.read ? '✓✓ read' : (m.status === 'delivered' ? '✓ delivered' : 'sent');
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
  if (!content || !state.peer || !state.ws || state.ws.readyState !== WebSocket.OPEN) return;
  const clientId = 'web-' + Date.now() + '-' + Math.random().toString(36).slice(2, 8);
  state.ws.send(JSON.stringify({ type: 'chat', to: state.peer, content, msg_type: 'text', client_msg_id: clientId }));
  showMessage({ clientId, from: state.me.id, content });
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
  ws.onopen = () => { state.retry = 0; $('conn-state').className = 'dot on'; };
  ws.onclose = (e) => {
    $('conn-state').className = 'dot off';
    if (e.code === 1008 && /logout/.test(e.reason)) return;
    state.retry = Math.min(state.retry + 1, 6);
    setTimeout(connect, 500 * state.retry);
  };
  ws.onmessage = (e) => onFrame(JSON.parse(e.data));
}

let typingTimer = null;
function onFrame(f) {
  switch (f.type) {
    case 'chat': {
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
      break;
    }
    case 'ack':
      showMessage({ id: f.msg_id, clientId: f.client_msg_id, from: state.me.id, content: '' });
      break;
    case 'delivered':
      markMine(f.msg_ids || [], 'delivered');
      break;
    case 'read':
      markMine(f.msg_ids || [], 'read');
      break;
    case 'typing':
      if (f.from === state.peer) {
        const c = state.contacts.get(f.from);
        $('typing').textContent = (c ? (c.nickname || c.username) : 'someone') + ' is typing…';
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => { $('typing').textContent = ''; }, 3000);
      }
      break;
    case 'presence': {
      const c = state.contacts.get(f.user_id);
      if (c) { c.online = f.status === 'online'; renderContacts(); }
      break;
    }
    case 'error':
      console.warn('server error frame', f);
      break;
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
setInterval(() => refreshPresence().then(renderContacts), 15000);
if (state.token) start();
