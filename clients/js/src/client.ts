// The client of the IM system's public API (shared API.md): REST for accounts, contacts, groups and
// history, one WebSocket for live frames, and the exactly-once client side done once:
// reconnect with backoff and jitter to any gateway, resume by seq with de-duplication by msg_id,
// messages told to the app once and in seq order, batched acks, sends retried with the same
// client_msg_id, and tokens refreshed before they expire and on a 401.
import { ApiError, SessionEndedError } from './errors.js';
import type {
  AckFrame, Attachment, AuthResult, Blocked, ChatFrame, ClientFrame, ConnectionState, Conversation,
  ConversationSettings, EditedFrame, ErrorFrame, Friend, FriendRequest, Group, GroupDetail, Health, Id, Message,
  MessageEvent, OfflineEntry, OnlineUser, PresenceEntry, Receipts, Reaction, RecalledFrame, SendOptions, SendResult,
  ServerFrame, Session, SyncedFrame, SyncPage, Target, TestAuth, TokenPair, UnreadCount, UploadTicket, User,
} from './types.js';

/** The part of the WebSocket API the library uses: browsers' and Node 22's global, or `ws`'s. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: any) => void) | null;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface ImClientOptions {
  /**
   * Base URLs of the gateways (`https://chat.example.com`, `http://localhost:8080`); the client
   * uses one at a time and moves to the next when it cannot reach it. Default: the page's own origin.
   */
  urls?: string[];
  /** A session the app saved (the `session` event), to go on without signing in again. */
  session?: Session | null;
  /**
   * The highest seq the app had been told (the `seq` event), saved across restarts: the client
   * resumes after it. Without it the client starts at the user's newest message (nothing old is
   * replayed); 0 replays the user's whole timeline.
   */
  sinceSeq?: number;
  /** A WebSocket constructor where there is no global one (Node 20: `import { WebSocket } from 'ws'`). */
  WebSocket?: WebSocketConstructor;
  fetch?: typeof fetch;
  /** Reconnect delays: the n-th attempt waits a random time in [d/2, d], d = min(max, initial * 2^n). */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** Time for a socket to open before the client tries again (default 10 s). */
  connectTimeoutMs?: number;
  /** Acks wait this long to be sent together (default 100 ms), at most 100 ids a frame. */
  ackDelayMs?: number;
  /** Heartbeat interval (default 25 s); a socket that answers nothing for `heartbeatTimeoutMs` (10 s) is replaced. */
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  /** Frames per second the client sends at most (default 30; the server closes a socket past 50). */
  maxFramesPerSecond?: number;
  /** Sends on the wire without an ack yet (default 16; the server answers 429 past 32). */
  maxInFlight?: number;
  /** The access token is refreshed this long before it expires (default 60 s). */
  refreshMarginSeconds?: number;
}

export interface ImEvents {
  /** A message of the user's timeline: exactly once, in seq order (see MessageEvent). */
  message: MessageEvent;
  /** The highest seq such that the app has been told every message up to it: persist it, pass it as `sinceSeq`. */
  seq: number;
  /** The session changed (signed in, refreshed, ended: null): persist it. */
  session: Session | null;
  /** The session ended on the server (logout elsewhere, a spent refresh token): sign in again. */
  ended: { reason: string };
  state: ConnectionState;
  open: { url: string; reconnect: boolean };
  /** This connection caught up: every message up to `seq` has been told. */
  synced: { seq: number; reconnect: boolean };
  close: { url: string; code: number; reason: string; wasOpen: boolean };
  /** Every frame as it came, before de-duplication. */
  frame: ServerFrame;
  ack: AckFrame;
  read: Extract<ServerFrame, { type: 'read' }>;
  delivered: Extract<ServerFrame, { type: 'delivered' }>;
  deleted: Extract<ServerFrame, { type: 'deleted' }>;
  presence: Extract<ServerFrame, { type: 'presence' }>;
  typing: Extract<ServerFrame, { type: 'typing' }>;
  heartbeat_ack: Extract<ServerFrame, { type: 'heartbeat_ack' }>;
  error: ErrorFrame;
  group: Extract<ServerFrame, { type: 'group' }>;
  friend_request: Extract<ServerFrame, { type: 'friend_request' }>;
  friend: Extract<ServerFrame, { type: 'friend' }>;
  edited: Extract<ServerFrame, { type: 'edited' }>;
  recalled: Extract<ServerFrame, { type: 'recalled' }>;
  reaction: Extract<ServerFrame, { type: 'reaction' }>;
  conversation_settings: Extract<ServerFrame, { type: 'conversation_settings' }>;
}

/** A message on its way: its client_msg_id at once (for the app's "sending…" line), the outcome later. */
export interface PendingSend {
  client_msg_id: string;
  /** Resolves once the server stored it (exactly once, however many reconnects); rejects if it refused it. */
  result: Promise<SendResult>;
}

interface Outgoing {
  frame: Extract<ClientFrame, { type: 'chat' }>;
  resolve: (r: SendResult) => void;
  reject: (e: Error) => void;
  /** The connection (epoch) it was last written to; -1 when it must be written again. */
  sentOn: number;
  tries: number;
  /** How often it was written to a socket. */
  writes: number;
  waiting: boolean;
}

type Query = Record<string, string | number | boolean | undefined | null>;

/** An entry of the user's timeline on its way to the app: a message, or a change of one (it has a seq too). */
type Entry = MessageEvent | { seq: number; change: EditedFrame | RecalledFrame };

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const API = '/api/v1';

function b64urlJson(part: string): any {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((part.length + 3) % 4);
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** The session of a token pair: user id, name and expiry come from the access token's claims. */
export function sessionOf(pair: TokenPair): Session {
  let claims: any = {};
  try {
    claims = b64urlJson(pair.access_token.split('.')[1] ?? '');
  } catch {
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
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const d = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return d / 2 + random() * (d / 2);
}

let counter = 0;
function newClientMsgId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  counter += 1;
  return 'c-' + Date.now().toString(36) + '-' + counter + '-' + Math.random().toString(36).slice(2, 10);
}

export class ImClient {
  private readonly urls: string[];
  private urlIndex = 0;
  private readonly WS: WebSocketConstructor | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly opt: Required<Pick<ImClientOptions, 'connectTimeoutMs' | 'ackDelayMs' | 'heartbeatMs'
    | 'heartbeatTimeoutMs' | 'maxFramesPerSecond' | 'maxInFlight' | 'refreshMarginSeconds'>> & { initialMs: number; maxMs: number };
  private readonly listeners = new Map<string, Set<(e: any) => void>>();

  private current: Session | null = null;
  private refreshing: Promise<Session> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  // ---- the socket
  private ws: WebSocketLike | null = null;
  private epoch = 0;
  private isOpen = false;
  private wanted = false;
  private attempts = 0;
  private failedOpens = 0;
  private openedBefore = false;
  private connState: ConnectionState = 'idle';
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly connTimers = new Set<ReturnType<typeof setTimeout>>();
  private lastFrameAt = 0;
  private readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  // ---- what the app has been told
  private watermark: number;
  /** Messages and changes (edits, recalls) that came ahead of a gap, by seq. */
  private readonly held = new Map<number, Entry>();
  private readonly recent = new Set<Id>();
  private syncInFlight = false;
  private connSynced = false;
  private gapTimer: ReturnType<typeof setTimeout> | null = null;

  // ---- what goes out
  private readonly pending = new Map<string, Outgoing>();
  private readonly acks = new Set<Id>();
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private outbox: string[] = [];
  private tokens = 0;
  private tokensAt = 0;
  private outboxTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly typingSent = new Map<Id, number>();
  private readonly counters = { opens: 0, duplicates: 0, held: 0, syncs: 0, resent: 0 };

  constructor(options: ImClientOptions = {}) {
    this.urls = (options.urls && options.urls.length ? options.urls : ['']).map((u) => u.replace(/\/+$/, ''));
    this.WS = options.WebSocket ?? (globalThis as any).WebSocket;
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
    if (options.session) this.setSession(options.session);
  }

  // ======================================================================== events

  /** Listens to an event; returns the function that stops listening. */
  on<K extends keyof ImEvents>(type: K, fn: (e: ImEvents[K]) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(fn);
    return () => this.off(type, fn);
  }

  off<K extends keyof ImEvents>(type: K, fn: (e: ImEvents[K]) => void): void {
    this.listeners.get(type)?.delete(fn);
  }

  private emit<K extends keyof ImEvents>(type: K, e: ImEvents[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(e);
      } catch (err) {
        // an app's handler that throws must not break the protocol
        const report = (globalThis as any).reportError;
        if (typeof report === 'function') report(err); else console.error(err);
      }
    }
  }

  // ======================================================================== session and tokens

  get session(): Session | null {
    return this.current;
  }

  get userId(): Id | null {
    return this.current ? this.current.user_id : null;
  }

  /** The highest seq such that every message up to it has been told to the app (-1: not known yet). */
  get lastSeq(): number {
    return this.watermark;
  }

  get state(): ConnectionState {
    return this.connState;
  }

  /**
   * What the client did so far: sockets opened, frames dropped as told before, messages held for a
   * gap, syncs asked, sends written again after a reconnect or a retryable refusal.
   */
  get stats(): { opens: number; duplicates: number; held: number; syncs: number; resent: number } {
    return { ...this.counters };
  }

  /** The gateway in use. */
  get url(): string {
    return this.urls[this.urlIndex] ?? '';
  }

  /** Uses a saved session (or none). */
  setSession(session: Session | null): void {
    this.current = session;
    this.scheduleRefresh();
    this.emit('session', session);
  }

  async register(body: { username: string; password: string; email?: string; nickname?: string }): Promise<AuthResult> {
    const r = await this.request<AuthResult>('POST', '/users/register', { body, auth: false });
    this.setSession(sessionOf(r));
    return r;
  }

  async login(usernameOrEmail: string, password: string): Promise<AuthResult> {
    const r = await this.request<AuthResult>('POST', '/users/login', { body: { usernameOrEmail, password }, auth: false });
    this.setSession(sessionOf(r));
    return r;
  }

  /** Trades the refresh token for a new pair (one at a time: the old refresh token is spent). */
  refresh(): Promise<Session> {
    if (this.refreshing) return this.refreshing;
    const s = this.current;
    if (!s) return Promise.reject(new SessionEndedError('not signed in'));
    this.refreshing = (async () => {
      try {
        const pair = await this.request<TokenPair>('POST', '/auth/refresh', { body: { refresh_token: s.refresh_token }, auth: false });
        if (this.current !== s) throw new SessionEndedError('the session changed while refreshing');
        this.setSession(sessionOf(pair));
        return this.current as Session;
      } catch (e) {
        if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429 && this.current === s) {
          this.endSession('refresh refused: ' + e.code);
          throw new SessionEndedError();
        }
        throw e;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Logs out on the server (its sockets close) and forgets the session here. */
  async logout(): Promise<void> {
    try {
      if (this.current) await this.request<null>('POST', '/users/logout', { retry401: false });
    } finally {
      this.close();
      this.setSession(null);
    }
  }

  private endSession(reason: string): void {
    this.close();
    this.setSession(null);
    for (const w of this.readyWaiters.splice(0)) w.reject(new SessionEndedError(reason));
    this.emit('ended', { reason });
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    const s = this.current;
    if (!s) return;
    const delay = Math.max(1000, s.expires_at - Date.now() - this.opt.refreshMarginSeconds * 1000);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refresh().catch(() => {
        if (this.current === s) this.refreshTimer = setTimeout(() => this.scheduleRefresh(), 5000);
      });
    }, Math.min(delay, 2_000_000_000));
    (this.refreshTimer as any).unref?.();
  }

  private async token(): Promise<string> {
    const s = this.current;
    if (!s) throw new SessionEndedError('not signed in');
    if (s.expires_at - Date.now() < 5000) return (await this.refresh()).access_token;
    return s.access_token;
  }

  // ======================================================================== REST

  /**
   * One call of the API (`path` under /api/v1), in its envelope: answers `data`, throws ApiError.
   * A 401 refreshes the token once and tries again; a gateway that cannot be reached is swapped
   * for the next one for calls that are safe to repeat.
   */
  async request<T>(method: string, path: string, o: { body?: unknown; query?: Query; auth?: boolean; retry401?: boolean; idempotent?: boolean } = {}): Promise<T> {
    const auth = o.auth ?? true;
    let retry401 = o.retry401 ?? true;
    const idempotent = o.idempotent ?? method !== 'POST';
    let qs = '';
    if (o.query) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(o.query)) if (v !== undefined && v !== null) p.set(k, String(v));
      const s = p.toString();
      if (s) qs = '?' + s;
    }
    for (let hops = 0; ; ) {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (o.body !== undefined) headers['Content-Type'] = 'application/json';
      if (auth) headers.Authorization = 'Bearer ' + (await this.token());
      let res: Response;
      try {
        res = await this.fetchImpl(this.url + API + path + qs, {
          method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body),
        });
      } catch (e) {
        if (idempotent && hops < this.urls.length - 1) {
          hops += 1;
          this.rotate();
          continue;
        }
        throw new ApiError(0, 'NETWORK', 'no answer from ' + (this.url || 'the server') + ': ' + (e as Error).message);
      }
      const text = await res.text();
      let json: any = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: the status tells
      }
      if (res.status === 401 && auth && retry401 && this.current) {
        retry401 = false;
        await this.refresh();
        continue;
      }
      if (!res.ok || !json || json.code !== 0) {
        const ra = res.headers.get('Retry-After');
        throw new ApiError(res.status, (json && json.error) || 'HTTP_' + res.status,
          (json && json.message) || res.statusText || 'HTTP ' + res.status, json && json.fields, ra ? Number(ra) : undefined);
      }
      return json.data as T;
    }
  }

  // ---- users and auth
  getProfile(): Promise<User> { return this.request('GET', '/users/profile'); }
  updateProfile(body: { nickname?: string; avatar?: string }): Promise<User> { return this.request('PUT', '/users/profile', { body }); }
  testAuth(): Promise<TestAuth> { return this.request('GET', '/users/test-auth'); }
  listUsers(q: { keyword?: string; page?: number; page_size?: number } = {}): Promise<{ users: User[]; total: number }> {
    return this.request('GET', '/users/list', { query: q });
  }
  getUser(userId: Id): Promise<User> { return this.request('GET', '/users/' + userId); }

  // ---- presence
  listOnline(q: { page?: number; page_size?: number } = {}): Promise<{ online_count: number; users: OnlineUser[] }> {
    return this.request('GET', '/users/online', { query: q });
  }
  getOnline(userId: Id): Promise<Omit<OnlineUser, 'status'> & { online: boolean; status: string }> {
    return this.request('GET', '/users/online/' + userId);
  }
  getPresence(ids: Id[]): Promise<{ presence: PresenceEntry[] }> {
    return this.request('GET', '/presence', { query: { ids: ids.join(',') } });
  }

  // ---- messages
  /** Sends through REST (the WebSocket's `send` is the usual way); a client_msg_id makes a retry safe. */
  sendRest(target: Target, content: string, o: SendOptions = {}): Promise<Message> {
    const body = { ...this.targetOf(target), content, msg_type: o.msg_type ?? 'text', ...o, client_msg_id: o.client_msg_id ?? newClientMsgId() };
    return this.request('POST', '/messages/send', { body, idempotent: true });
  }
  getConversationMessages(userId: Id, q: { page?: number; page_size?: number; before_id?: Id; limit?: number; mark_read?: boolean } = {}): Promise<Message[]> {
    return this.request('GET', '/conversations/' + userId + '/messages', { query: q });
  }
  getHistory(q: { with_user_id?: Id; group_id?: Id; before_id?: Id; limit?: number }): Promise<Message[]> {
    const { group_id, ...rest } = q;
    return this.request('GET', '/messages/history', { query: { ...rest, groupId: group_id } });
  }
  getUnread(): Promise<Message[]> { return this.request('GET', '/messages/unread'); }
  getUnreadCount(): Promise<UnreadCount> { return this.request('GET', '/messages/unread/count'); }
  markMessageReadRest(messageId: Id): Promise<null> { return this.request('PUT', '/messages/' + messageId + '/read'); }
  markConversationRead(userId: Id): Promise<{ marked: number }> { return this.request('PUT', '/messages/conversations/' + userId + '/read'); }
  markAllRead(): Promise<{ marked: number }> { return this.request('PUT', '/messages/read-all'); }
  markMessagesRead(withUserId: Id, messageIds: Id[]): Promise<{ marked: number }> {
    return this.request('POST', '/messages/read', { body: { withUserId, messageIds }, idempotent: true });
  }
  markDelivered(msgIds: Id[]): Promise<{ marked: number }> {
    return this.request('POST', '/messages/delivered', { body: { msg_ids: msgIds }, idempotent: true });
  }
  deleteMessage(messageId: Id): Promise<null> { return this.request('DELETE', '/messages/' + messageId); }
  getConversations(limit?: number): Promise<Conversation[]> { return this.request('GET', '/messages/conversations', { query: { limit } }); }
  getConversationList(limit?: number): Promise<{ conversations: Conversation[]; total: number }> {
    return this.request('GET', '/messages/conversation-list', { query: { limit } });
  }
  getOffline(limit?: number): Promise<{ messages: OfflineEntry[]; total: number }> { return this.request('GET', '/messages/offline', { query: { limit } }); }
  getOfflineCount(): Promise<{ count: number }> { return this.request('GET', '/messages/offline/count'); }
  clearOffline(): Promise<null> { return this.request('DELETE', '/messages/offline'); }
  syncMessages(afterSeq: number, limit?: number): Promise<SyncPage> {
    return this.request('GET', '/messages/sync', { query: { after_seq: afterSeq, limit } });
  }

  // ---- rich messages
  editMessage(messageId: Id, content: string): Promise<Message> { return this.request('PUT', '/messages/' + messageId, { body: { content } }); }
  recallMessage(messageId: Id): Promise<null> { return this.request('POST', '/messages/' + messageId + '/recall', { idempotent: true }); }
  addReaction(messageId: Id, emoji: string): Promise<{ reactions: Reaction[] }> {
    return this.request('PUT', '/messages/' + messageId + '/reactions/' + encodeURIComponent(emoji));
  }
  removeReaction(messageId: Id, emoji: string): Promise<{ reactions: Reaction[] }> {
    return this.request('DELETE', '/messages/' + messageId + '/reactions/' + encodeURIComponent(emoji));
  }
  getReceipts(messageId: Id): Promise<Receipts> { return this.request('GET', '/messages/' + messageId + '/receipts'); }
  setConversationSettings(userId: Id, s: ConversationSettings): Promise<Required<ConversationSettings>> {
    return this.request('PUT', '/messages/conversations/' + userId + '/settings', { body: s });
  }
  setGroupSettings(groupId: Id, s: ConversationSettings): Promise<Required<ConversationSettings>> {
    return this.request('PUT', '/messages/groups/' + groupId + '/settings', { body: s });
  }

  // ---- attachments
  createAttachment(body: { name: string; mime_type: string; size: number }): Promise<UploadTicket> {
    return this.request('POST', '/attachments', { body });
  }
  /** Puts the bytes where the ticket says (the object store, not the API). */
  async uploadAttachment(ticket: UploadTicket, bytes: BodyInit): Promise<void> {
    const res = await this.fetchImpl(ticket.upload.url, { method: ticket.upload.method, headers: ticket.upload.headers, body: bytes });
    if (!res.ok) throw new ApiError(res.status, 'UPLOAD_FAILED', 'upload answered ' + res.status);
  }
  completeAttachment(id: Id): Promise<Attachment> { return this.request('POST', '/attachments/' + id + '/complete', { idempotent: true }); }
  /** Downloads an attachment (the API answers 302 to a short-lived URL, which fetch follows). */
  async downloadAttachment(id: Id, thumbnail = false): Promise<Response> {
    const res = await this.fetchImpl(this.url + API + '/attachments/' + id + (thumbnail ? '?thumbnail=true' : ''), {
      headers: { Authorization: 'Bearer ' + (await this.token()) },
    });
    if (!res.ok) throw new ApiError(res.status, 'HTTP_' + res.status, 'attachment answered ' + res.status);
    return res;
  }

  // ---- friends and blocks
  sendFriendRequest(toUserId: Id, message?: string): Promise<FriendRequest> {
    return this.request('POST', '/friends/request', { body: { to_user_id: toUserId, message } });
  }
  acceptFriendRequest(requestId: Id): Promise<Friend> { return this.request('POST', '/friends/accept', { body: { request_id: requestId } }); }
  rejectFriendRequest(requestId: Id): Promise<null> { return this.request('POST', '/friends/reject', { body: { request_id: requestId } }); }
  getFriendRequests(direction: 'incoming' | 'outgoing' = 'incoming'): Promise<FriendRequest[]> {
    return this.request('GET', '/friends/requests', { query: { direction } });
  }
  getFriends(q: { page?: number; page_size?: number } = {}): Promise<{ friends: Friend[]; total: number }> {
    return this.request('GET', '/friends/list', { query: q });
  }
  removeFriend(userId: Id): Promise<null> { return this.request('DELETE', '/friends/' + userId); }
  block(userId: Id): Promise<null> { return this.request('POST', '/users/' + userId + '/block', { idempotent: true }); }
  unblock(userId: Id): Promise<null> { return this.request('DELETE', '/users/' + userId + '/block'); }
  getBlocks(): Promise<Blocked[]> { return this.request('GET', '/users/blocks'); }

  // ---- groups
  createGroup(name: string, memberIds: Id[] = []): Promise<Group> { return this.request('POST', '/groups', { body: { name, member_ids: memberIds } }); }
  getGroups(): Promise<Group[]> { return this.request('GET', '/groups'); }
  getGroup(groupId: Id): Promise<GroupDetail> { return this.request('GET', '/groups/' + groupId); }
  updateGroup(groupId: Id, body: { name?: string; avatar?: string }): Promise<Group> { return this.request('PUT', '/groups/' + groupId, { body }); }
  addGroupMembers(groupId: Id, userIds: Id[]): Promise<Group> {
    return this.request('POST', '/groups/' + groupId + '/members', { body: { user_ids: userIds }, idempotent: true });
  }
  removeGroupMember(groupId: Id, userId: Id): Promise<null> { return this.request('DELETE', '/groups/' + groupId + '/members/' + userId); }
  leaveGroup(groupId: Id): Promise<null> { return this.removeGroupMember(groupId, this.current ? this.current.user_id : 0); }
  getGroupMessages(groupId: Id, q: { before_id?: Id; limit?: number } = {}): Promise<Message[]> {
    return this.request('GET', '/groups/' + groupId + '/messages', { query: q });
  }
  markGroupRead(groupId: Id): Promise<{ marked: number }> { return this.request('PUT', '/messages/groups/' + groupId + '/read'); }

  // ---- operations
  async health(): Promise<Health> {
    const res = await this.fetchImpl(this.url + '/health');
    const json: any = await res.json();
    return json.data;
  }

  // ======================================================================== the socket

  /**
   * Opens the socket and keeps it open (reconnecting, to the next gateway when one is gone) until
   * `close()`. Resolves when the first connection has caught up (`synced`). `sinceSeq` (the
   * persisted `seq`) may be given here instead of in the options, before the first connect.
   */
  async connect(o: { sinceSeq?: number } = {}): Promise<void> {
    if (!this.current) throw new SessionEndedError('sign in first');
    if (!this.wanted && o.sinceSeq !== undefined && o.sinceSeq >= 0) this.watermark = o.sinceSeq;
    if (this.wanted && this.connSynced) return;
    const ready = new Promise<void>((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
    if (!this.wanted) {
      this.wanted = true;
      if (this.watermark < 0) {
        try {
          this.watermark = await this.newestSeq();
        } catch (e) {
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
  close(): void {
    this.wanted = false;
    const ws = this.ws;
    this.detach();
    if (ws) {
      try { ws.close(1000, 'client closed'); } catch { /* already closed */ }
    }
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    this.setState('stopped');
  }

  /**
   * Drops the current connection as a network failure would, and reconnects (what an app calls
   * when the device's network changed; the tests' reconnect storm).
   */
  dropConnection(): void {
    const ws = this.ws;
    if (!ws) return;
    const url = this.url;
    const wasOpen = this.isOpen;
    this.detach();
    try {
      const t = (ws as any).terminate;
      if (typeof t === 'function') t.call(ws); else ws.close(4000, 'dropped');
    } catch { /* gone */ }
    this.closed(url, 1006, 'dropped', wasOpen);
  }

  /**
   * Sends a message over the socket with a client_msg_id (the app's or a new one). While there is
   * no connection it waits; after a reconnect it is sent again with the same client_msg_id, so the
   * server stores it once.
   */
  send(target: Target, content: string, o: SendOptions = {}): PendingSend {
    const client_msg_id = o.client_msg_id ?? newClientMsgId();
    const { msg_type, client_msg_id: _ignored, ...rich } = o;
    const frame = { type: 'chat', ...this.targetOf(target), content, msg_type: msg_type ?? 'text', client_msg_id, ...rich } as Outgoing['frame'];
    const existing = this.pending.get(client_msg_id);
    if (existing) return { client_msg_id, result: new Promise((resolve, reject) => { const r = existing.resolve, j = existing.reject; existing.resolve = (x) => { r(x); resolve(x); }; existing.reject = (e) => { j(e); reject(e); }; }) };
    const result = new Promise<SendResult>((resolve, reject) => {
      this.pending.set(client_msg_id, { frame, resolve, reject, sentOn: -1, tries: 0, writes: 0, waiting: false });
    });
    this.pumpSends();
    return { client_msg_id, result };
  }

  /** Sends not yet stored by the server. */
  get pendingSends(): number {
    return this.pending.size;
  }

  /** Tells `to` the user is typing (at most one frame per peer every 2 s; dropped while offline). */
  typing(to: Id): void {
    const now = Date.now();
    if (!this.isOpen || now - (this.typingSent.get(to) ?? 0) < 2000) return;
    this.typingSent.set(to, now);
    this.frame({ type: 'typing', to });
  }

  /** Marks a message read (the socket's ack_read, or REST while offline): its sender is told. */
  markRead(messageId: Id): void {
    if (this.isOpen) this.frame({ type: 'ack_read', msg_id: messageId });
    else this.markMessageReadRest(messageId).catch(() => undefined);
  }

  /** Sends any raw client frame (paced with the others). */
  sendFrame(frame: ClientFrame): void {
    this.frame(frame);
  }

  private targetOf(t: Target): { to?: Id; group_id?: Id } {
    return t.group_id !== undefined && t.group_id !== null ? { group_id: t.group_id } : { to: t.to as Id };
  }

  private rotate(): void {
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
  }

  private wsUrl(): string {
    const base = this.url;
    if (!base) {
      const loc = (globalThis as any).location;
      return (loc.protocol === 'https:' ? 'wss://' : 'ws://') + loc.host + '/ws';
    }
    return base.replace(/^http/, 'ws') + '/ws';
  }

  /** The user's newest seq, by bisecting `sync` (a few small calls once per device). */
  private async newestSeq(): Promise<number> {
    const after = async (n: number) => {
      const page = await this.syncMessages(n, 1);
      const next = page.messages[0]?.seq ?? page.changes?.[0]?.seq;
      return next === undefined ? null : next;
    };
    const first = await after(0);
    if (first === null) return 0;
    let lo = first;
    let step = 64;
    let hi: number;
    for (;;) {
      const s = await after(lo + step);
      if (s === null) { hi = lo + step; break; }
      lo = s;
      step *= 2;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const s = await after(mid);
      if (s === null) hi = mid; else lo = s;
    }
    // lo: the highest seq of a visible message or change
    const tail = await after(lo);
    return tail === null ? lo : tail;
  }

  private setState(s: ConnectionState): void {
    if (this.connState === s) return;
    this.connState = s;
    this.emit('state', s);
  }

  private later(fn: () => void, ms: number, perConnection = false): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.connTimers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    if (perConnection) this.connTimers.add(t);
    return t;
  }

  private async openSocket(): Promise<void> {
    if (!this.wanted || this.ws) return;
    const epoch = ++this.epoch;
    this.setState('connecting');
    let token: string;
    try {
      token = await this.token();
    } catch (e) {
      if (e instanceof SessionEndedError) return;
      this.retryLater();
      return;
    }
    if (!this.wanted || epoch !== this.epoch) return;
    if (!this.WS) throw new Error('no WebSocket here: pass one as the WebSocket option');
    const url = this.url;
    let ws: WebSocketLike;
    try {
      ws = new this.WS(this.wsUrl(), ['Bearer', token]);
    } catch {
      this.failedOpens += 1;
      this.rotate();
      this.retryLater();
      return;
    }
    this.ws = ws;
    let opened = false;
    this.later(() => {
      if (epoch === this.epoch && !opened) this.dropConnection();
    }, this.opt.connectTimeoutMs, true);
    ws.onopen = () => {
      if (epoch !== this.epoch) return;
      opened = true;
      this.opened(url);
    };
    ws.onmessage = (ev) => {
      if (epoch !== this.epoch) return;
      this.lastFrameAt = Date.now();
      let f: ServerFrame;
      try {
        f = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data));
      } catch {
        return;
      }
      this.onFrame(f);
    };
    ws.onerror = () => undefined; // a close follows
    ws.onclose = (ev) => {
      if (epoch !== this.epoch) return;
      this.detach();
      this.closed(url, ev.code, ev.reason, opened);
    };
  }

  /** Forgets the current socket: its late events are ignored, its timers stopped. */
  private detach(): void {
    this.epoch += 1;
    this.ws = null;
    this.isOpen = false;
    this.connSynced = false;
    this.syncInFlight = false;
    this.outbox = [];
    for (const t of this.connTimers) { clearTimeout(t); this.timers.delete(t); }
    this.connTimers.clear();
    if (this.outboxTimer) clearTimeout(this.outboxTimer);
    this.outboxTimer = null;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }

  private opened(url: string): void {
    for (const t of this.connTimers) { clearTimeout(t); this.timers.delete(t); }
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
    for (const p of this.pending.values()) if (p.sentOn !== this.epoch) p.sentOn = -1;
    this.pumpSends();
    if (this.acks.size) this.flushAcks();
    this.heartbeat(this.epoch);
  }

  private heartbeat(epoch: number): void {
    this.later(() => {
      if (epoch !== this.epoch || !this.isOpen) return;
      const sentAt = Date.now();
      this.frame({ type: 'heartbeat' });
      this.later(() => {
        if (epoch === this.epoch && this.lastFrameAt < sentAt) this.dropConnection();
      }, this.opt.heartbeatTimeoutMs, true);
      this.heartbeat(epoch);
    }, this.opt.heartbeatMs, true);
  }

  private closed(url: string, code: number, reason: string, wasOpen: boolean): void {
    this.setState('closed');
    this.emit('close', { url, code, reason, wasOpen });
    if (!this.wanted) return;
    if (code === 4401 || (code === 1008 && /logout|session|revoked/i.test(reason))) {
      // ended on the server (4401: logout or a revoked refresh family): a refresh tells whether this session is still good
      this.refresh().then(() => this.retryLater(), (e) => { if (!(e instanceof SessionEndedError)) this.retryLater(); });
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
    } else if (code === 1001 || code === 1012) {
      this.rotate(); // that gateway is going away
    }
    this.retryLater();
  }

  private retryLater(): void {
    if (!this.wanted) return;
    const delay = backoffDelay(this.attempts, this.opt.initialMs, this.opt.maxMs);
    this.attempts += 1;
    this.later(() => void this.openSocket(), delay);
  }

  // ---- frames in

  private onFrame(f: ServerFrame): void {
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
        this.emit((f as { type: string }).type as keyof ImEvents, f as never);
    }
  }

  private isNew(msgId: Id, seq: number): boolean {
    if (seq > 0 && (seq <= this.watermark || this.held.has(seq))) return false;
    return !this.recent.has(msgId);
  }

  private onChat(f: ChatFrame): void {
    const mine = f.from === this.userId;
    if (!this.isNew(f.msg_id, f.seq)) {
      this.counters.duplicates += 1;
      if (!mine) this.queueAck(f.msg_id); // told before: still acknowledge it, so it leaves the offline queue
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
  private onChange(f: EditedFrame | RecalledFrame): void {
    const seq = f.seq ?? 0;
    if (!(seq > 0)) {
      this.emit(f.type, f as never);
      return;
    }
    if (seq <= this.watermark || this.held.has(seq)) {
      this.counters.duplicates += 1;
      return;
    }
    this.accept({ seq, change: f });
  }

  private onAck(f: AckFrame): void {
    const p = f.client_msg_id ? this.pending.get(f.client_msg_id) : undefined;
    if (p && f.client_msg_id) {
      this.settle(f.client_msg_id, { msg_id: f.msg_id, seq: f.seq, client_msg_id: f.client_msg_id, timestamp: f.timestamp });
      if (this.isNew(f.msg_id, f.seq)) {
        const { type: _t, ...rest } = p.frame;
        this.accept({
          ...rest, type: 'chat', msg_id: f.msg_id, seq: f.seq, from: this.userId as Id, timestamp: f.timestamp,
          offline: false, mine: true, source: 'local',
        } as MessageEvent);
      }
    }
    this.pumpSends();
  }

  private onSynced(f: SyncedFrame): void {
    this.syncInFlight = false;
    if (f.seq > this.watermark) {
      // every message up to f.seq was sent before this frame: what is held up to there can go
      const ready = [...this.held.keys()].filter((s) => s <= f.seq).sort((a, b) => a - b);
      for (const s of ready) {
        const ev = this.held.get(s) as Entry;
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
      for (const w of this.readyWaiters.splice(0)) w.resolve();
    }
    if (this.held.size) this.gapSync();
  }

  private onError(f: ErrorFrame): void {
    const p = f.ref ? this.pending.get(f.ref) : undefined;
    if (p && f.ref) {
      if (RETRYABLE.has(f.code)) {
        p.waiting = true;
        p.sentOn = -1;
        this.later(() => { p.waiting = false; this.pumpSends(); }, backoffDelay(p.tries++, 250, 10_000));
      } else {
        this.pending.delete(f.ref);
        p.reject(new ApiError(f.code, f.error, f.message));
      }
      this.pumpSends();
    } else if (f.ref === 'sync') {
      this.syncInFlight = false;
      const epoch = this.epoch;
      this.later(() => { if (epoch === this.epoch) this.requestSync(); }, 1000, true);
    }
  }

  // ---- in order, once

  /** Takes a message not told yet: told now if it is the next seq, else held until the gap is filled. */
  private accept(ev: Entry): void {
    if (!(ev.seq > 0)) {
      this.tell(ev);
      return;
    }
    if (ev.seq === this.watermark + 1) {
      this.tell(ev);
      this.watermark = ev.seq;
      this.drainHeld();
      this.emit('seq', this.watermark);
    } else {
      this.held.set(ev.seq, ev);
      this.counters.held += 1;
      this.gapSync();
    }
  }

  private drainHeld(): void {
    for (let next = this.held.get(this.watermark + 1); next; next = this.held.get(this.watermark + 1)) {
      this.held.delete(next.seq);
      this.tell(next);
      this.watermark = next.seq;
    }
  }

  private tell(ev: Entry): void {
    if ('change' in ev) {
      this.emit(ev.change.type, ev.change as never);
      return;
    }
    this.recent.add(ev.msg_id);
    if (this.recent.size > 10_000) {
      const oldest = this.recent.values().next().value as Id;
      this.recent.delete(oldest);
    }
    this.emit('message', ev);
    if (!ev.mine) this.queueAck(ev.msg_id);
  }

  /** A gap below a held message: ask the server for what is missing, shortly (it is often just late). */
  private gapSync(): void {
    if (this.gapTimer || this.syncInFlight || !this.isOpen) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.held.size && this.isOpen) this.requestSync();
    }, 250);
  }

  private requestSync(): void {
    if (this.syncInFlight || !this.isOpen) return;
    this.syncInFlight = true;
    this.counters.syncs += 1;
    this.frame({ type: 'sync', since_seq: Math.max(0, this.watermark) });
  }

  // ---- frames out

  private settle(clientMsgId: string, r: SendResult): void {
    const p = this.pending.get(clientMsgId);
    if (!p) return;
    this.pending.delete(clientMsgId);
    p.resolve(r);
  }

  private pumpSends(): void {
    if (!this.isOpen) return;
    let inFlight = 0;
    for (const p of this.pending.values()) if (p.sentOn === this.epoch) inFlight += 1;
    for (const p of this.pending.values()) {
      if (inFlight >= this.opt.maxInFlight) break;
      if (p.sentOn === this.epoch || p.waiting) continue;
      if (p.writes++ > 0) this.counters.resent += 1;
      p.sentOn = this.epoch;
      inFlight += 1;
      this.frame(p.frame);
    }
  }

  private queueAck(id: Id): void {
    this.acks.add(id);
    if (this.acks.size >= 100) this.flushAcks();
    else if (!this.ackTimer) this.ackTimer = setTimeout(() => this.flushAcks(), this.opt.ackDelayMs);
  }

  private flushAcks(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (!this.isOpen || !this.acks.size) return; // kept for the next connection
    const ids = [...this.acks];
    this.acks.clear();
    for (let i = 0; i < ids.length; i += 100) this.frame({ type: 'ack', msg_ids: ids.slice(i, i + 100) });
  }

  private frame(f: ClientFrame): void {
    if (!this.isOpen) return;
    this.outbox.push(JSON.stringify(f));
    this.flushOutbox();
  }

  /** Writes queued frames at most maxFramesPerSecond (bursts of 10), so the server never closes us for flooding. */
  private flushOutbox(): void {
    if (!this.isOpen || !this.ws) return;
    const now = Date.now();
    const rate = this.opt.maxFramesPerSecond;
    this.tokens = Math.min(Math.min(10, rate), this.tokens + ((now - this.tokensAt) * rate) / 1000);
    this.tokensAt = now;
    while (this.outbox.length && this.tokens >= 1) {
      const text = this.outbox.shift() as string;
      this.tokens -= 1;
      try {
        this.ws.send(text);
      } catch {
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
