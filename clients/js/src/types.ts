// The public contract (shared API.md): REST bodies and WebSocket frames, as TypeScript types.
// Fields are the wire's snake_case; ids are JSON numbers (kept below 2^53 by the server).

export type Id = number;

/** A signed-in session: what the app persists to survive a reload (see README: "What the app must do"). */
export interface Session {
  access_token: string;
  refresh_token: string;
  /** When the access token expires, epoch milliseconds. */
  expires_at: number;
  user_id: Id;
  username: string;
}

export interface User {
  id: Id;
  username: string;
  email?: string | null;
  nickname?: string | null;
  avatar?: string | null;
  status?: string;
  last_seen?: string | null;
  created_at?: string;
  updated_at?: string;
}

export interface AuthResult {
  user: User;
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export interface TestAuth {
  user_id: Id;
  username: string;
  token_info: { issuer: string; issued_at: string; expires_at: string };
}

export interface Page {
  page?: number;
  page_size?: number;
}

export interface OnlineUser {
  user_id: Id;
  username: string;
  status: 'online' | 'offline';
  last_seen: string | null;
  connected: boolean;
  devices: number;
}

export interface PresenceEntry {
  user_id: Id;
  online: boolean;
  status: 'online' | 'offline';
  last_seen: string | null;
}

export interface Attachment {
  id: Id;
  name: string;
  mime_type: string;
  size: number;
  width: number | null;
  height: number | null;
  has_thumbnail: boolean;
  created_at: string;
}

export interface Reaction {
  emoji: string;
  count: number;
  me: boolean;
}

export interface Message {
  id: Id;
  seq: number;
  sender_id: Id;
  receiver_id: Id | null;
  group_id?: Id | null;
  content: string;
  msg_type: string;
  status: 'sent' | 'delivered' | 'read';
  is_read: boolean;
  session_type: 1 | 2;
  client_msg_id: string | null;
  created_at: string;
  updated_at: string;
  // rich messages and attachments (present once the server has them)
  edited_at?: string | null;
  recalled?: boolean;
  reply_to?: { id: Id; sender_id: Id; excerpt: string } | null;
  reactions?: Reaction[];
  mentions?: Id[];
  mention_all?: boolean;
  attachments?: Attachment[];
}

export interface Conversation {
  user_id?: Id;
  username?: string;
  nickname?: string | null;
  group_id?: Id;
  name?: string;
  last_message: string;
  last_message_id: Id;
  last_time: string;
  unread_count: number;
  pinned?: boolean;
  muted?: boolean;
  archived?: boolean;
  mentioned?: boolean;
}

export interface OfflineEntry {
  id: Id;
  sender_id: Id;
  content: string;
  type: string;
  created_at: string;
}

export interface Change {
  seq: number;
  type: 'edited' | 'recalled';
  msg_id: Id;
  content?: string;
  edited_at?: string;
  by: Id;
  timestamp: number;
}

export interface SyncPage {
  messages: Message[];
  changes?: Change[];
  next_seq: number;
  has_more: boolean;
}

export interface UnreadCount {
  unread_count: number;
  by_user: Record<string, number>;
  by_group?: Record<string, number>;
}

export interface FriendRequest {
  id: Id;
  from_user_id: Id;
  to_user_id: Id;
  message: string | null;
  status: string;
  created_at: string;
  from_user?: User;
  to_user?: User;
}

export interface Friend {
  user: User;
  since: string;
}

export interface Blocked {
  user: User;
  created_at?: string;
}

export interface Group {
  id: Id;
  name: string;
  avatar: string | null;
  owner_id: Id;
  member_count: number;
  created_at?: string;
}

export interface GroupMember {
  user_id: Id;
  role: string;
  joined_at: string;
  username?: string;
  nickname?: string | null;
}

export interface GroupDetail extends Group {
  members: GroupMember[];
}

export interface Receipts {
  member_count: number;
  delivered_count: number;
  read_count: number;
  read_by: { user_id: Id; read_at: string }[];
}

export interface ConversationSettings {
  pinned?: boolean;
  muted?: boolean;
  archived?: boolean;
}

export interface UploadTicket {
  id: Id;
  upload: { method: 'PUT'; url: string; headers: Record<string, string>; expires_at: string };
}

export interface Health {
  status: 'ok' | 'degraded';
  checks: Record<string, string>;
}

/** Where a message goes: a user (`to`) or a group (`group_id`). */
export type Target = { to: Id; group_id?: undefined } | { group_id: Id; to?: undefined };

export interface SendOptions {
  msg_type?: string;
  /** Set it to retry a send of your own; by default the library makes one (and keeps it across retries). */
  client_msg_id?: string;
  reply_to?: Id;
  mentions?: Id[];
  mention_all?: boolean;
  attachments?: Id[];
}

// ---- WebSocket frames, server to client ------------------------------------------------------

export interface ChatFrame {
  type: 'chat';
  msg_id: Id;
  seq: number;
  from: Id;
  to?: Id;
  group_id?: Id;
  content: string;
  msg_type: string;
  client_msg_id?: string;
  timestamp: number;
  offline: boolean;
  reply_to?: Message['reply_to'];
  mentions?: Id[];
  mention_all?: boolean;
  attachments?: Attachment[];
}
export interface AckFrame { type: 'ack'; client_msg_id?: string; msg_id: Id; seq: number; timestamp: number }
export interface ReadFrame { type: 'read'; msg_ids: Id[]; reader_id?: Id; group_id?: Id; read_count?: number; timestamp: number }
export interface DeliveredFrame { type: 'delivered'; msg_ids: Id[]; to: Id; timestamp: number }
export interface DeletedFrame { type: 'deleted'; msg_id: Id; by: Id }
export interface PresenceFrame { type: 'presence'; user_id: Id; status: 'online' | 'offline'; last_seen: string | null }
export interface TypingFrame { type: 'typing'; from: Id; to: Id }
export interface HeartbeatAckFrame { type: 'heartbeat_ack'; timestamp: number }
export interface ErrorFrame { type: 'error'; code: number; error: string; message: string; ref?: string }
export interface SyncedFrame { type: 'synced'; seq: number }
export interface GroupFrame {
  type: 'group';
  event: 'created' | 'joined' | 'left' | 'removed' | 'updated';
  group: Group;
  user_ids: Id[];
  by: Id;
  timestamp: number;
}
export interface FriendRequestFrame { type: 'friend_request'; request: FriendRequest; from: User; timestamp: number }
export interface FriendFrame {
  type: 'friend';
  event: 'accepted' | 'removed';
  request_id?: Id;
  user?: User;
  user_id?: Id;
  timestamp: number;
}
export interface EditedFrame { type: 'edited'; msg_id: Id; content: string; edited_at: string; by: Id; seq?: number }
export interface RecalledFrame { type: 'recalled'; msg_id: Id; by: Id; timestamp: number; seq?: number }
export interface ReactionFrame { type: 'reaction'; msg_id: Id; emoji: string; user_id: Id; action: 'add' | 'remove'; count: number }
export interface ConversationSettingsFrame {
  type: 'conversation_settings';
  user_id?: Id;
  group_id?: Id;
  pinned: boolean;
  muted: boolean;
  archived: boolean;
}

export type ServerFrame =
  | ChatFrame | AckFrame | ReadFrame | DeliveredFrame | DeletedFrame | PresenceFrame | TypingFrame
  | HeartbeatAckFrame | ErrorFrame | SyncedFrame | GroupFrame | FriendRequestFrame | FriendFrame
  | EditedFrame | RecalledFrame | ReactionFrame | ConversationSettingsFrame;

// ---- WebSocket frames, client to server ------------------------------------------------------

export type ClientFrame =
  | { type: 'heartbeat' }
  | { type: 'ack_read'; msg_id: Id }
  | { type: 'ack'; msg_ids: Id[] }
  | ({ type: 'chat'; content: string; msg_type: string; client_msg_id: string; to?: Id; group_id?: Id } & Omit<SendOptions, 'msg_type' | 'client_msg_id'>)
  | { type: 'message'; payload: { toUserId: Id; content: string; msgType?: string } }
  | { type: 'typing'; to: Id }
  | { type: 'sync'; since_seq: number };

// ---- what the library tells the app ----------------------------------------------------------

/**
 * One message of the user's timeline, told to the app exactly once and in seq order: an incoming
 * message, one the user sent from another device, or one sent from this client (once the server
 * stored it).
 */
export interface MessageEvent extends ChatFrame {
  /** Sent by the signed-in user (from this client or another device). */
  mine: boolean;
  /**
   * How it came: `live` (pushed as it was stored), `offline` (kept while the user had no open
   * connection), `sync` (fetched when resuming), `local` (sent by this client; told at its ack).
   */
  source: 'live' | 'offline' | 'sync' | 'local';
}

export interface SendResult {
  msg_id: Id;
  seq: number;
  client_msg_id: string;
  timestamp: number;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closed' | 'stopped';
