// The client of the IM system's public API (shared API.md): REST for accounts, contacts, groups and
// history, one WebSocket for live frames, and the exactly-once client side done once:
// reconnect with backoff and jitter to any gateway, resume by seq with de-duplication by msg_id,
// messages told to the app once and in seq order, batched acks, sends retried with the same
// client_msg_id, and tokens refreshed before they expire and on a 401.
import { ApiError, SessionEndedError } from './errors.js';
const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const API = '/api/v1';
function b64urlJson(part) {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((part.length + 3) % 4);
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
}
/** The session of a token pair: user id, name and expiry come from the access token's claims. */
export function sessionOf(pair) {
    let claims = {};
    try {
        claims = b64urlJson(pair.access_token.split('.')[1] ?? '');
    }
    catch {
        // not a JWT we can read: the answer's expires_in still tells the expiry
    }
    const byAnswer = Date.now() + pair.expires_in * 1000;
    return {
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
        expires_at: typeof claims.exp === 'number' ? Math.min(claims.exp * 1000, byAnswer) : byAnswer,
        user_id: Number(claims.sub),
        username: String(claims.username ?? ''),
    };
}
/**
 * The wait before reconnect attempt `attempt` (0 first): a random time in [d/2, d] with
 * d = min(maxMs, initialMs * 2^attempt), so that clients dropped together do not come back together.
 */
export function backoffDelay(attempt, initialMs, maxMs, random = Math.random) {
    const d = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(0, attempt), 30));
    return d / 2 + random() * (d / 2);
}
let counter = 0;
function newClientMsgId() {
    const c = globalThis.crypto;
    if (c && typeof c.randomUUID === 'function')
        return c.randomUUID();
    counter += 1;
    return 'c-' + Date.now().toString(36) + '-' + counter + '-' + Math.random().toString(36).slice(2, 10);
}
export class ImClient {
    urls;
    urlIndex = 0;
    WS;
    fetchImpl;
    opt;
    listeners = new Map();
    current = null;
    refreshing = null;
    refreshTimer = null;
    // ---- the socket
    ws = null;
    epoch = 0;
    isOpen = false;
    wanted = false;
    attempts = 0;
    failedOpens = 0;
    openedBefore = false;
    connState = 'idle';
    timers = new Set();
    connTimers = new Set();
    lastFrameAt = 0;
    readyWaiters = [];
    // ---- what the app has been told
    watermark;
    /** Messages and changes (edits, recalls) that came ahead of a gap, by seq. */
    held = new Map();
    recent = new Set();
    syncInFlight = false;
    connSynced = false;
    gapTimer = null;
    // ---- what goes out
    pending = new Map();
    acks = new Set();
    ackTimer = null;
    outbox = [];
    tokens = 0;
    tokensAt = 0;
    outboxTimer = null;
    typingSent = new Map();
    counters = { opens: 0, duplicates: 0, held: 0, syncs: 0, resent: 0 };
    constructor(options = {}) {
        this.urls = (options.urls && options.urls.length ? options.urls : ['']).map((u) => u.replace(/\/+$/, ''));
        this.WS = options.WebSocket ?? globalThis.WebSocket;
        const f = options.fetch ?? globalThis.fetch;
        this.fetchImpl = (input, init) => f(input, init);
        this.opt = {
            connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
            ackDelayMs: options.ackDelayMs ?? 100,
            heartbeatMs: options.heartbeatMs ?? 25_000,
            heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
            maxFramesPerSecond: options.maxFramesPerSecond ?? 30,
            maxInFlight: options.maxInFlight ?? 16,
            refreshMarginSeconds: options.refreshMarginSeconds ?? 60,
            initialMs: options.reconnect?.initialMs ?? 250,
            maxMs: options.reconnect?.maxMs ?? 10_000,
        };
        this.watermark = options.sinceSeq ?? -1;
        if (options.session)
            this.setSession(options.session);
    }
    // ======================================================================== events
    /** Listens to an event; returns the function that stops listening. */
    on(type, fn) {
        let set = this.listeners.get(type);
        if (!set)
            this.listeners.set(type, (set = new Set()));
        set.add(fn);
        return () => this.off(type, fn);
    }
    off(type, fn) {
        this.listeners.get(type)?.delete(fn);
    }
    emit(type, e) {
        const set = this.listeners.get(type);
        if (!set)
            return;
        for (const fn of [...set]) {
            try {
                fn(e);
            }
            catch (err) {
                // an app's handler that throws must not break the protocol
                const report = globalThis.reportError;
                if (typeof report === 'function')
                    report(err);
                else
                    console.error(err);
            }
        }
    }
    // ======================================================================== session and tokens
    get session() {
        return this.current;
    }
    get userId() {
        return this.current ? this.current.user_id : null;
    }
    /** The highest seq such that every message up to it has been told to the app (-1: not known yet). */
    get lastSeq() {
        return this.watermark;
    }
    get state() {
        return this.connState;
    }
    /**
     * What the client did so far: sockets opened, frames dropped as told before, messages held for a
     * gap, syncs asked, sends written again after a reconnect or a retryable refusal.
     */
    get stats() {
        return { ...this.counters };
    }
    /** The gateway in use. */
    get url() {
        return this.urls[this.urlIndex] ?? '';
    }
    /** Uses a saved session (or none). */
    setSession(session) {
        this.current = session;
        this.scheduleRefresh();
        this.emit('session', session);
    }
    async register(body) {
        const r = await this.request('POST', '/users/register', { body, auth: false });
        this.setSession(sessionOf(r));
        return r;
    }
    async login(usernameOrEmail, password) {
        const r = await this.request('POST', '/users/login', { body: { usernameOrEmail, password }, auth: false });
        this.setSession(sessionOf(r));
        return r;
    }
    /** Trades the refresh token for a new pair (one at a time: the old refresh token is spent). */
    refresh() {
        if (this.refreshing)
            return this.refreshing;
        const s = this.current;
        if (!s)
            return Promise.reject(new SessionEndedError('not signed in'));
        this.refreshing = (async () => {
            try {
                const pair = await this.request('POST', '/auth/refresh', { body: { refresh_token: s.refresh_token }, auth: false });
                if (this.current !== s)
                    throw new SessionEndedError('the session changed while refreshing');
                this.setSession(sessionOf(pair));
                return this.current;
            }
            catch (e) {
                if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429 && this.current === s) {
                    this.endSession('refresh refused: ' + e.code);
                    throw new SessionEndedError();
                }
                throw e;
            }
            finally {
                this.refreshing = null;
            }
        })();
        return this.refreshing;
    }
    /** Logs out on the server (its sockets close) and forgets the session here. */
    async logout() {
        try {
            if (this.current)
                await this.request('POST', '/users/logout', { retry401: false });
        }
        finally {
            this.close();
            this.setSession(null);
        }
    }
    endSession(reason) {
        this.close();
        this.setSession(null);
        for (const w of this.readyWaiters.splice(0))
            w.reject(new SessionEndedError(reason));
        this.emit('ended', { reason });
    }
    scheduleRefresh() {
        if (this.refreshTimer)
            clearTimeout(this.refreshTimer);
        this.refreshTimer = null;
        const s = this.current;
        if (!s)
            return;
        const delay = Math.max(1000, s.expires_at - Date.now() - this.opt.refreshMarginSeconds * 1000);
        this.refreshTimer = setTimeout(() => {
            this.refreshTimer = null;
            this.refresh().catch(() => {
                if (this.current === s)
                    this.refreshTimer = setTimeout(() => this.scheduleRefresh(), 5000);
            });
        }, Math.min(delay, 2_000_000_000));
        this.refreshTimer.unref?.();
    }
    async token() {
        const s = this.current;
        if (!s)
            throw new SessionEndedError('not signed in');
        if (s.expires_at - Date.now() < 5000)
            return (await this.refresh()).access_token;
        return s.access_token;
    }
    // ======================================================================== REST
    /**
     * One call of the API (`path` under /api/v1), in its envelope: answers `data`, throws ApiError.
     * A 401 refreshes the token once and tries again; a gateway that cannot be reached is swapped
     * for the next one for calls that are safe to repeat.
     */
    async request(method, path, o = {}) {
        const auth = o.auth ?? true;
        let retry401 = o.retry401 ?? true;
        const idempotent = o.idempotent ?? method !== 'POST';
        let qs = '';
        if (o.query) {
            const p = new URLSearchParams();
            for (const [k, v] of Object.entries(o.query))
                if (v !== undefined && v !== null)
                    p.set(k, String(v));
            const s = p.toString();
            if (s)
                qs = '?' + s;
        }
        for (let hops = 0;;) {
            const headers = { Accept: 'application/json' };
            if (o.body !== undefined)
                headers['Content-Type'] = 'application/json';
            if (auth)
                headers.Authorization = 'Bearer ' + (await this.token());
            let res;
            try {
                res = await this.fetchImpl(this.url + API + path + qs, {
                    method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body),
                });
            }
            catch (e) {
                if (idempotent && hops < this.urls.length - 1) {
                    hops += 1;
                    this.rotate();
                    continue;
                }
                throw new ApiError(0, 'NETWORK', 'no answer from ' + (this.url || 'the server') + ': ' + e.message);
            }
            const text = await res.text();
            let json = null;
            try {
                json = text ? JSON.parse(text) : null;
            }
            catch {
                // not JSON: the status tells
            }
            if (res.status === 401 && auth && retry401 && this.current) {
                retry401 = false;
                await this.refresh();
                continue;
            }
            if (!res.ok || !json || json.code !== 0) {
                const ra = res.headers.get('Retry-After');
                throw new ApiError(res.status, (json && json.error) || 'HTTP_' + res.status, (json && json.message) || res.statusText || 'HTTP ' + res.status, json && json.fields, ra ? Number(ra) : undefined);
            }
            return json.data;
        }
    }
    // ---- users and auth
    getProfile() { return this.request('GET', '/users/profile'); }
    updateProfile(body) { return this.request('PUT', '/users/profile', { body }); }
    testAuth() { return this.request('GET', '/users/test-auth'); }
    listUsers(q = {}) {
        return this.request('GET', '/users/list', { query: q });
    }
    getUser(userId) { return this.request('GET', '/users/' + userId); }
    // ---- presence
    listOnline(q = {}) {
        return this.request('GET', '/users/online', { query: q });
    }
    getOnline(userId) {
        return this.request('GET', '/users/online/' + userId);
    }
    getPresence(ids) {
        return this.request('GET', '/presence', { query: { ids: ids.join(',') } });
    }
    // ---- messages
    /** Sends through REST (the WebSocket's `send` is the usual way); a client_msg_id makes a retry safe. */
    sendRest(target, content, o = {}) {
        const body = { ...this.targetOf(target), content, msg_type: o.msg_type ?? 'text', ...o, client_msg_id: o.client_msg_id ?? newClientMsgId() };
        return this.request('POST', '/messages/send', { body, idempotent: true });
    }
    getConversationMessages(userId, q = {}) {
        return this.request('GET', '/conversations/' + userId + '/messages', { query: q });
    }
    getHistory(q) {
        const { group_id, ...rest } = q;
        return this.request('GET', '/messages/history', { query: { ...rest, groupId: group_id } });
    }
    getUnread() { return this.request('GET', '/messages/unread'); }
    getUnreadCount() { return this.request('GET', '/messages/unread/count'); }
    markMessageReadRest(messageId) { return this.request('PUT', '/messages/' + messageId + '/read'); }
    markConversationRead(userId) { return this.request('PUT', '/messages/conversations/' + userId + '/read'); }
    markAllRead() { return this.request('PUT', '/messages/read-all'); }
    markMessagesRead(withUserId, messageIds) {
        return this.request('POST', '/messages/read', { body: { withUserId, messageIds }, idempotent: true });
    }
    markDelivered(msgIds) {
        return this.request('POST', '/messages/delivered', { body: { msg_ids: msgIds }, idempotent: true });
    }
    deleteMessage(messageId) { return this.request('DELETE', '/messages/' + messageId); }
    getConversations(limit) { return this.request('GET', '/messages/conversations', { query: { limit } }); }
    getConversationList(limit) {
        return this.request('GET', '/messages/conversation-list', { query: { limit } });
    }
    getOffline(limit) { return this.request('GET', '/messages/offline', { query: { limit } }); }
    getOfflineCount() { return this.request('GET', '/messages/offline/count'); }
    clearOffline() { return this.request('DELETE', '/messages/offline'); }
    syncMessages(afterSeq, limit) {
        return this.request('GET', '/messages/sync', { query: { after_seq: afterSeq, limit } });
    }
    // ---- rich messages
    editMessage(messageId, content) { return this.request('PUT', '/messages/' + messageId, { body: { content } }); }
    recallMessage(messageId) { return this.request('POST', '/messages/' + messageId + '/recall', { idempotent: true }); }
    addReaction(messageId, emoji) {
        return this.request('PUT', '/messages/' + messageId + '/reactions/' + encodeURIComponent(emoji));
    }
    removeReaction(messageId, emoji) {
        return this.request('DELETE', '/messages/' + messageId + '/reactions/' + encodeURIComponent(emoji));
    }
    getReceipts(messageId) { return this.request('GET', '/messages/' + messageId + '/receipts'); }
    setConversationSettings(userId, s) {
        return this.request('PUT', '/messages/conversations/' + userId + '/settings', { body: s });
    }
    setGroupSettings(groupId, s) {
        return this.request('PUT', '/messages/groups/' + groupId + '/settings', { body: s });
    }
    // ---- attachments
    createAttachment(body) {
        return this.request('POST', '/attachments', { body });
    }
    /** Puts the bytes where the ticket says (the object store, not the API). */
    async uploadAttachment(ticket, bytes) {
        const res = await this.fetchImpl(ticket.upload.url, { method: ticket.upload.method, headers: ticket.upload.headers, body: bytes });
        if (!res.ok)
            throw new ApiError(res.status, 'UPLOAD_FAILED', 'upload answered ' + res.status);
    }
    completeAttachment(id) { return this.request('POST', '/attachments/' + id + '/complete', { idempotent: true }); }
    /** Downloads an attachment (the API answers 302 to a short-lived URL, which fetch follows). */
    async downloadAttachment(id, thumbnail = false) {
        const res = await this.fetchImpl(this.url + API + '/attachments/' + id + (thumbnail ? '?thumbnail=true' : ''), {
            headers: { Authorization: 'Bearer ' + (await this.token()) },
        });
        if (!res.ok)
            throw new ApiError(res.status, 'HTTP_' + res.status, 'attachment answered ' + res.status);
        return res;
    }
    // ---- friends and blocks
    sendFriendRequest(toUserId, message) {
        return this.request('POST', '/friends/request', { body: { to_user_id: toUserId, message } });
    }
    acceptFriendRequest(requestId) { return this.request('POST', '/friends/accept', { body: { request_id: requestId } }); }
    rejectFriendRequest(requestId) { return this.request('POST', '/friends/reject', { body: { request_id: requestId } }); }
    getFriendRequests(direction = 'incoming') {
        return this.request('GET', '/friends/requests', { query: { direction } });
    }
    getFriends(q = {}) {
        return this.request('GET', '/friends/list', { query: q });
    }
    removeFriend(userId) { return this.request('DELETE', '/friends/' + userId); }
    block(userId) { return this.request('POST', '/users/' + userId + '/block', { idempotent: true }); }
    unblock(userId) { return this.request('DELETE', '/users/' + userId + '/block'); }
    getBlocks() { return this.request('GET', '/users/blocks'); }
    // ---- groups
    createGroup(name, memberIds = []) { return this.request('POST', '/groups', { body: { name, member_ids: memberIds } }); }
    getGroups() { return this.request('GET', '/groups'); }
    getGroup(groupId) { return this.request('GET', '/groups/' + groupId); }
    updateGroup(groupId, body) { return this.request('PUT', '/groups/' + groupId, { body }); }
    addGroupMembers(groupId, userIds) {
        return this.request('POST', '/groups/' + groupId + '/members', { body: { user_ids: userIds }, idempotent: true });
    }
    removeGroupMember(groupId, userId) { return this.request('DELETE', '/groups/' + groupId + '/members/' + userId); }
    leaveGroup(groupId) { return this.removeGroupMember(groupId, this.current ? this.current.user_id : 0); }
    getGroupMessages(groupId, q = {}) {
        return this.request('GET', '/groups/' + groupId + '/messages', { query: q });
    }
    markGroupRead(groupId) { return this.request('PUT', '/messages/groups/' + groupId + '/read'); }
    // ---- operations
    async health() {
        const res = await this.fetchImpl(this.url + '/health');
        const json = await res.json();
        return json.data;
    }
    // ======================================================================== the socket
    /**
     * Opens the socket and keeps it open (reconnecting, to the next gateway when one is gone) until
     * `close()`. Resolves when the first connection has caught up (`synced`). `sinceSeq` (the
     * persisted `seq`) may be given here instead of in the options, before the first connect.
     */
    async connect(o = {}) {
        if (!this.current)
            throw new SessionEndedError('sign in first');
        if (!this.wanted && o.sinceSeq !== undefined && o.sinceSeq >= 0)
            this.watermark = o.sinceSeq;
        if (this.wanted && this.connSynced)
            return;
        const ready = new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
        if (!this.wanted) {
            this.wanted = true;
            if (this.watermark < 0) {
                try {
                    this.watermark = await this.newestSeq();
                }
                catch (e) {
                    this.wanted = false;
                    this.readyWaiters.splice(0);
                    throw e;
                }
                this.emit('seq', this.watermark);
            }
            void this.openSocket();
        }
        return ready;
    }
    /** Closes the socket and stops reconnecting; pending sends wait for the next `connect()`. */
    close() {
        this.wanted = false;
        const ws = this.ws;
        this.detach();
        if (ws) {
            try {
                ws.close(1000, 'client closed');
            }
            catch { /* already closed */ }
        }
        for (const t of this.timers)
            clearTimeout(t);
        this.timers.clear();
        if (this.ackTimer)
            clearTimeout(this.ackTimer);
        this.ackTimer = null;
        this.setState('stopped');
    }
    /**
     * Drops the current connection as a network failure would, and reconnects (what an app calls
     * when the device's network changed; the tests' reconnect storm).
     */
    dropConnection() {
        const ws = this.ws;
        if (!ws)
            return;
        const url = this.url;
        const wasOpen = this.isOpen;
        this.detach();
        try {
            const t = ws.terminate;
            if (typeof t === 'function')
                t.call(ws);
            else
                ws.close(4000, 'dropped');
        }
        catch { /* gone */ }
        this.closed(url, 1006, 'dropped', wasOpen);
    }
    /**
     * Sends a message over the socket with a client_msg_id (the app's or a new one). While there is
     * no connection it waits; after a reconnect it is sent again with the same client_msg_id, so the
     * server stores it once.
     */
    send(target, content, o = {}) {
        const client_msg_id = o.client_msg_id ?? newClientMsgId();
        const { msg_type, client_msg_id: _ignored, ...rich } = o;
        const frame = { type: 'chat', ...this.targetOf(target), content, msg_type: msg_type ?? 'text', client_msg_id, ...rich };
        const existing = this.pending.get(client_msg_id);
        if (existing)
            return { client_msg_id, result: new Promise((resolve, reject) => { const r = existing.resolve, j = existing.reject; existing.resolve = (x) => { r(x); resolve(x); }; existing.reject = (e) => { j(e); reject(e); }; }) };
        const result = new Promise((resolve, reject) => {
            this.pending.set(client_msg_id, { frame, resolve, reject, sentOn: -1, tries: 0, writes: 0, waiting: false });
        });
        this.pumpSends();
        return { client_msg_id, result };
    }
    /** Sends not yet stored by the server. */
    get pendingSends() {
        return this.pending.size;
    }
    /** Tells `to` the user is typing (at most one frame per peer every 2 s; dropped while offline). */
    typing(to) {
        const now = Date.now();
        if (!this.isOpen || now - (this.typingSent.get(to) ?? 0) < 2000)
            return;
        this.typingSent.set(to, now);
        this.frame({ type: 'typing', to });
    }
    /** Marks a message read (the socket's ack_read, or REST while offline): its sender is told. */
    markRead(messageId) {
        if (this.isOpen)
            this.frame({ type: 'ack_read', msg_id: messageId });
        else
            this.markMessageReadRest(messageId).catch(() => undefined);
    }
    /** Sends any raw client frame (paced with the others). */
    sendFrame(frame) {
        this.frame(frame);
    }
    targetOf(t) {
        return t.group_id !== undefined && t.group_id !== null ? { group_id: t.group_id } : { to: t.to };
    }
    rotate() {
        this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    }
    wsUrl() {
        const base = this.url;
        if (!base) {
            const loc = globalThis.location;
            return (loc.protocol === 'https:' ? 'wss://' : 'ws://') + loc.host + '/ws';
        }
        return base.replace(/^http/, 'ws') + '/ws';
    }
    /** The user's newest seq, by bisecting `sync` (a few small calls once per device). */
    async newestSeq() {
        const after = async (n) => {
            const page = await this.syncMessages(n, 1);
            const next = page.messages[0]?.seq ?? page.changes?.[0]?.seq;
            return next === undefined ? null : next;
        };
        const first = await after(0);
        if (first === null)
            return 0;
        let lo = first;
        let step = 64;
        let hi;
        for (;;) {
            const s = await after(lo + step);
            if (s === null) {
                hi = lo + step;
                break;
            }
            lo = s;
            step *= 2;
        }
        while (hi - lo > 1) {
            const mid = Math.floor((lo + hi) / 2);
            const s = await after(mid);
            if (s === null)
                hi = mid;
            else
                lo = s;
        }
        // lo: the highest seq of a visible message or change
        const tail = await after(lo);
        return tail === null ? lo : tail;
    }
    setState(s) {
        if (this.connState === s)
            return;
        this.connState = s;
        this.emit('state', s);
    }
    later(fn, ms, perConnection = false) {
        const t = setTimeout(() => {
            this.timers.delete(t);
            this.connTimers.delete(t);
            fn();
        }, ms);
        this.timers.add(t);
        if (perConnection)
            this.connTimers.add(t);
        return t;
    }
    async openSocket() {
        if (!this.wanted || this.ws)
            return;
        const epoch = ++this.epoch;
        this.setState('connecting');
        let token;
        try {
            token = await this.token();
        }
        catch (e) {
            if (e instanceof SessionEndedError)
                return;
            this.retryLater();
            return;
        }
        if (!this.wanted || epoch !== this.epoch)
            return;
        if (!this.WS)
            throw new Error('no WebSocket here: pass one as the WebSocket option');
        const url = this.url;
        let ws;
        try {
            ws = new this.WS(this.wsUrl(), ['Bearer', token]);
        }
        catch {
            this.failedOpens += 1;
            this.rotate();
            this.retryLater();
            return;
        }
        this.ws = ws;
        let opened = false;
        this.later(() => {
            if (epoch === this.epoch && !opened)
                this.dropConnection();
        }, this.opt.connectTimeoutMs, true);
        ws.onopen = () => {
            if (epoch !== this.epoch)
                return;
            opened = true;
            this.opened(url);
        };
        ws.onmessage = (ev) => {
            if (epoch !== this.epoch)
                return;
            this.lastFrameAt = Date.now();
            let f;
            try {
                f = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data));
            }
            catch {
                return;
            }
            this.onFrame(f);
        };
        ws.onerror = () => undefined; // a close follows
        ws.onclose = (ev) => {
            if (epoch !== this.epoch)
                return;
            this.detach();
            this.closed(url, ev.code, ev.reason, opened);
        };
    }
    /** Forgets the current socket: its late events are ignored, its timers stopped. */
    detach() {
        this.epoch += 1;
        this.ws = null;
        this.isOpen = false;
        this.connSynced = false;
        this.syncInFlight = false;
        this.outbox = [];
        for (const t of this.connTimers) {
            clearTimeout(t);
            this.timers.delete(t);
        }
        this.connTimers.clear();
        if (this.outboxTimer)
            clearTimeout(this.outboxTimer);
        this.outboxTimer = null;
        if (this.gapTimer)
            clearTimeout(this.gapTimer);
        this.gapTimer = null;
    }
    opened(url) {
        for (const t of this.connTimers) {
            clearTimeout(t);
            this.timers.delete(t);
        }
        this.connTimers.clear();
        this.isOpen = true;
        this.counters.opens += 1;
        this.failedOpens = 0;
        this.tokens = Math.min(10, this.opt.maxFramesPerSecond);
        this.tokensAt = Date.now();
        this.lastFrameAt = Date.now();
        this.setState('open');
        this.emit('open', { url, reconnect: this.openedBefore });
        this.requestSync();
        for (const p of this.pending.values())
            if (p.sentOn !== this.epoch)
                p.sentOn = -1;
        this.pumpSends();
        if (this.acks.size)
            this.flushAcks();
        this.heartbeat(this.epoch);
    }
    heartbeat(epoch) {
        this.later(() => {
            if (epoch !== this.epoch || !this.isOpen)
                return;
            const sentAt = Date.now();
            this.frame({ type: 'heartbeat' });
            this.later(() => {
                if (epoch === this.epoch && this.lastFrameAt < sentAt)
                    this.dropConnection();
            }, this.opt.heartbeatTimeoutMs, true);
            this.heartbeat(epoch);
        }, this.opt.heartbeatMs, true);
    }
    closed(url, code, reason, wasOpen) {
        this.setState('closed');
        this.emit('close', { url, code, reason, wasOpen });
        if (!this.wanted)
            return;
        if (code === 4401 || (code === 1008 && /logout|session|revoked/i.test(reason))) {
            // ended on the server (4401: logout or a revoked refresh family): a refresh tells whether this session is still good
            this.refresh().then(() => this.retryLater(), (e) => { if (!(e instanceof SessionEndedError))
                this.retryLater(); });
            return;
        }
        if (code === 1008 && /token/i.test(reason)) {
            this.refresh().then(() => this.retryLater(), () => this.retryLater());
            return;
        }
        if (code === 4429) {
            // too many sockets of this user on that gateway: wait longer before the next try
            this.attempts = Math.max(this.attempts, 4);
            this.retryLater();
            return;
        }
        if (!wasOpen) {
            this.failedOpens += 1;
            this.rotate();
            if (this.failedOpens % 3 === 0) {
                // a refused handshake (401) looks like any failed open to a browser: ask REST whether the token still works
                this.testAuth().catch(() => undefined);
            }
        }
        else if (code === 1001 || code === 1012) {
            this.rotate(); // that gateway is going away
        }
        this.retryLater();
    }
    retryLater() {
        if (!this.wanted)
            return;
        const delay = backoffDelay(this.attempts, this.opt.initialMs, this.opt.maxMs);
        this.attempts += 1;
        this.later(() => void this.openSocket(), delay);
    }
    // ---- frames in
    onFrame(f) {
        this.emit('frame', f);
        switch (f.type) {
            case 'chat':
                this.onChat(f);
                break;
            case 'ack':
                this.onAck(f);
                this.emit('ack', f);
                break;
            case 'synced':
                this.onSynced(f);
                break;
            case 'edited':
            case 'recalled':
                this.onChange(f);
                break;
            case 'error':
                this.onError(f);
                this.emit('error', f);
                break;
            default:
                this.emit(f.type, f);
        }
    }
    isNew(msgId, seq) {
        if (seq > 0 && (seq <= this.watermark || this.held.has(seq)))
            return false;
        return !this.recent.has(msgId);
    }
    onChat(f) {
        const mine = f.from === this.userId;
        if (!this.isNew(f.msg_id, f.seq)) {
            this.counters.duplicates += 1;
            if (!mine)
                this.queueAck(f.msg_id); // told before: still acknowledge it, so it leaves the offline queue
            return;
        }
        if (mine && f.client_msg_id && this.pending.has(f.client_msg_id)) {
            // ours, stored before a connection was lost with its ack
            this.settle(f.client_msg_id, { msg_id: f.msg_id, seq: f.seq, client_msg_id: f.client_msg_id, timestamp: f.timestamp });
        }
        const source = f.offline ? 'offline' : this.connSynced ? 'live' : 'sync';
        this.accept({ ...f, mine, source });
    }
    /**
     * An edit or recall takes a seq in the user's timeline, like a message: told once and in seq order
     * with the messages (as the `edited` / `recalled` event), so it never looks like a gap.
     */
    onChange(f) {
        const seq = f.seq ?? 0;
        if (!(seq > 0)) {
            this.emit(f.type, f);
            return;
        }
        if (seq <= this.watermark || this.held.has(seq)) {
            this.counters.duplicates += 1;
            return;
        }
        this.accept({ seq, change: f });
    }
    onAck(f) {
        const p = f.client_msg_id ? this.pending.get(f.client_msg_id) : undefined;
        if (p && f.client_msg_id) {
            this.settle(f.client_msg_id, { msg_id: f.msg_id, seq: f.seq, client_msg_id: f.client_msg_id, timestamp: f.timestamp });
            if (this.isNew(f.msg_id, f.seq)) {
                const { type: _t, ...rest } = p.frame;
                this.accept({
                    ...rest, type: 'chat', msg_id: f.msg_id, seq: f.seq, from: this.userId, timestamp: f.timestamp,
                    offline: false, mine: true, source: 'local',
                });
            }
        }
        this.pumpSends();
    }
    onSynced(f) {
        this.syncInFlight = false;
        if (f.seq > this.watermark) {
            // every message up to f.seq was sent before this frame: what is held up to there can go
            const ready = [...this.held.keys()].filter((s) => s <= f.seq).sort((a, b) => a - b);
            for (const s of ready) {
                const ev = this.held.get(s);
                this.held.delete(s);
                this.tell(ev);
            }
            this.watermark = f.seq;
            this.drainHeld();
            this.emit('seq', this.watermark);
        }
        if (!this.connSynced) {
            this.connSynced = true;
            this.attempts = 0;
            this.emit('synced', { seq: this.watermark, reconnect: this.openedBefore });
            this.openedBefore = true;
            for (const w of this.readyWaiters.splice(0))
                w.resolve();
        }
        if (this.held.size)
            this.gapSync();
    }
    onError(f) {
        const p = f.ref ? this.pending.get(f.ref) : undefined;
        if (p && f.ref) {
            if (RETRYABLE.has(f.code)) {
                p.waiting = true;
                p.sentOn = -1;
                this.later(() => { p.waiting = false; this.pumpSends(); }, backoffDelay(p.tries++, 250, 10_000));
            }
            else {
                this.pending.delete(f.ref);
                p.reject(new ApiError(f.code, f.error, f.message));
            }
            this.pumpSends();
        }
        else if (f.ref === 'sync') {
            this.syncInFlight = false;
            const epoch = this.epoch;
            this.later(() => { if (epoch === this.epoch)
                this.requestSync(); }, 1000, true);
        }
    }
    // ---- in order, once
    /** Takes a message not told yet: told now if it is the next seq, else held until the gap is filled. */
    accept(ev) {
        if (!(ev.seq > 0)) {
            this.tell(ev);
            return;
        }
        if (ev.seq === this.watermark + 1) {
            this.tell(ev);
            this.watermark = ev.seq;
            this.drainHeld();
            this.emit('seq', this.watermark);
        }
        else {
            this.held.set(ev.seq, ev);
            this.counters.held += 1;
            this.gapSync();
        }
    }
    drainHeld() {
        for (let next = this.held.get(this.watermark + 1); next; next = this.held.get(this.watermark + 1)) {
            this.held.delete(next.seq);
            this.tell(next);
            this.watermark = next.seq;
        }
    }
    tell(ev) {
        if ('change' in ev) {
            this.emit(ev.change.type, ev.change);
            return;
        }
        this.recent.add(ev.msg_id);
        if (this.recent.size > 10_000) {
            const oldest = this.recent.values().next().value;
            this.recent.delete(oldest);
        }
        this.emit('message', ev);
        if (!ev.mine)
            this.queueAck(ev.msg_id);
    }
    /** A gap below a held message: ask the server for what is missing, shortly (it is often just late). */
    gapSync() {
        if (this.gapTimer || this.syncInFlight || !this.isOpen)
            return;
        this.gapTimer = setTimeout(() => {
            this.gapTimer = null;
            if (this.held.size && this.isOpen)
                this.requestSync();
        }, 250);
    }
    requestSync() {
        if (this.syncInFlight || !this.isOpen)
            return;
        this.syncInFlight = true;
        this.counters.syncs += 1;
        this.frame({ type: 'sync', since_seq: Math.max(0, this.watermark) });
    }
    // ---- frames out
    settle(clientMsgId, r) {
        const p = this.pending.get(clientMsgId);
        if (!p)
            return;
        this.pending.delete(clientMsgId);
        p.resolve(r);
    }
    pumpSends() {
        if (!this.isOpen)
            return;
        let inFlight = 0;
        for (const p of this.pending.values())
            if (p.sentOn === this.epoch)
                inFlight += 1;
        for (const p of this.pending.values()) {
            if (inFlight >= this.opt.maxInFlight)
                break;
            if (p.sentOn === this.epoch || p.waiting)
                continue;
            if (p.writes++ > 0)
                this.counters.resent += 1;
            p.sentOn = this.epoch;
            inFlight += 1;
            this.frame(p.frame);
        }
    }
    queueAck(id) {
        this.acks.add(id);
        if (this.acks.size >= 100)
            this.flushAcks();
        else if (!this.ackTimer)
            this.ackTimer = setTimeout(() => this.flushAcks(), this.opt.ackDelayMs);
    }
    flushAcks() {
        if (this.ackTimer)
            clearTimeout(this.ackTimer);
        this.ackTimer = null;
        if (!this.isOpen || !this.acks.size)
            return; // kept for the next connection
        const ids = [...this.acks];
        this.acks.clear();
        for (let i = 0; i < ids.length; i += 100)
            this.frame({ type: 'ack', msg_ids: ids.slice(i, i + 100) });
    }
    frame(f) {
        if (!this.isOpen)
            return;
        this.outbox.push(JSON.stringify(f));
        this.flushOutbox();
    }
    /** Writes queued frames at most maxFramesPerSecond (bursts of 10), so the server never closes us for flooding. */
    flushOutbox() {
        if (!this.isOpen || !this.ws)
            return;
        const now = Date.now();
        const rate = this.opt.maxFramesPerSecond;
        this.tokens = Math.min(Math.min(10, rate), this.tokens + ((now - this.tokensAt) * rate) / 1000);
        this.tokensAt = now;
        while (this.outbox.length && this.tokens >= 1) {
            const text = this.outbox.shift();
            this.tokens -= 1;
            try {
                this.ws.send(text);
            }
            catch {
                this.dropConnection();
                return;
            }
        }
        if (this.outbox.length && !this.outboxTimer) {
            this.outboxTimer = setTimeout(() => {
                this.outboxTimer = null;
                this.flushOutbox();
            }, Math.ceil(((1 - this.tokens) * 1000) / rate) + 1);
        }
    }
}
