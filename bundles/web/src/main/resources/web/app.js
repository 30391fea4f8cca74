// The Parley web client: log in (SCRAM), friends with presence, one-to-one and group chat with history and
// offline catch-up, unread counts, and the QQ group actions when that feature is installed. Everything a
// message or a name holds is put on the page as text (textContent), never as HTML.
import { Connection, ParleyError, Status, Type, allPages, scramAvailable, scramLogin } from './protocol.js';

const $ = (id) => document.getElementById(id);
const storage = window.localStorage;
const WS_URL = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
const HISTORY_PAGE = 50;
const PULL_PAGE = 200;
const MAX_RECONNECT_MS = 15000;

const state = {
  connection: null,
  me: null,
  token: null,
  held: 0, // the highest inbox seq this page has taken in
  acked: 0, // the highest seq acknowledged to the server
  unread: {}, // conversation key -> count
  outbox: [], // messages typed but not yet answered with a msgId: {cid, key, text}
  friends: new Map(), // username -> {username, nickname, online}
  incoming: [],
  outgoing: [],
  groups: new Map(), // groupId -> {groupId, name, role}
  conversations: new Map(), // key -> {key, entries: Map(msgId -> entry), oldest, more, loaded}
  open: null,
  members: [],
  myRole: null,
  qq: false,
  recall: false, // whether message recall is deployed (MSG_RECALL answers)
  online: false,
  stayOnline: false,
  reconnectMs: 1000,
  reconnectTimer: null,
  pulling: false,
  pullAgain: false,
};

// ---- device, session and what this browser remembers per user ----------------------------------------

function randomHex(bytes) {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** One device name per browser, so that its cursor (what it has acknowledged) is found again after a reload. */
function device() {
  let d = storage.getItem('parley.device');
  if (!d) {
    d = 'web-' + randomHex(6);
    storage.setItem('parley.device', d);
  }
  return d;
}

function saveSession() {
  storage.setItem('parley.session', JSON.stringify({ username: state.me, token: state.token }));
}

function localKey() {
  return 'parley.local.' + state.me;
}

function saveLocal() {
  storage.setItem(localKey(), JSON.stringify({ held: state.held, unread: state.unread, outbox: state.outbox }));
}

function loadLocal() {
  try {
    const saved = JSON.parse(storage.getItem(localKey()) || '{}');
    state.held = Number.isInteger(saved.held) ? saved.held : 0;
    state.unread = saved.unread && typeof saved.unread === 'object' ? saved.unread : {};
    // What was being sent when the page went is sent again (its cid makes that safe): not "in flight" any more.
    state.outbox = Array.isArray(saved.outbox)
      ? saved.outbox.map((o) => ({ cid: o.cid, key: o.key, text: o.text, ts: o.ts })) : [];
  } catch (e) {
    state.held = 0;
    state.unread = {};
    state.outbox = [];
  }
}

// ---- small helpers for the page -------------------------------------------------------------------------

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(label, onClick) {
  const b = element('button', '', label);
  b.type = 'button';
  b.addEventListener('click', (event) => {
    event.stopPropagation();
    onClick();
  });
  return b;
}

let noticeTimer;
/** The sender of an operator's notice (never a username: usernames hold no '@'). */
const SERVER = '@server';

/** An operator's notice stays on top of the page until the user dismisses it. */
function showServerNotice(entry) {
  const text = (entry.event && entry.event.text) || '';
  const li = element('li', 'server-notice');
  li.dataset.seq = String(entry.seq);
  li.append(element('span', 'text', text), element('span', 'time', time(entry.ts)),
    button('Dismiss', () => { li.remove(); }));
  $('server-notices').append(li);
}

function say(text) {
  $('notice').textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { $('notice').textContent = ''; }, 8000);
}

/** Runs a request the user asked for; a refusal is said on the page in the server's own words. */
async function attempt(action) {
  try {
    return await action();
  } catch (e) {
    say(e instanceof ParleyError ? e.message : 'Something went wrong: ' + e);
    return undefined;
  }
}

function names(text) {
  return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function showLogin(message) {
  $('main-view').hidden = true;
  $('login-view').hidden = false;
  $('server-notices').replaceChildren();
  $('login-error').textContent = message || '';
  if (!scramAvailable()) {
    $('login-error').textContent = 'This page must be opened over https (or on localhost) to log in safely.';
  }
}

function showMain() {
  $('login-view').hidden = true;
  $('main-view').hidden = false;
  $('me').textContent = state.me;
}

function setOnline(online) {
  state.online = online;
  const s = $('connection');
  s.textContent = online ? 'online' : 'reconnecting…';
  s.className = 'state ' + (online ? 'online' : 'offline');
  s.dataset.online = String(online);
}

// ---- connecting, logging in, staying connected -----------------------------------------------------------

async function connect() {
  const connection = new Connection(WS_URL);
  connection.onNotice = (type, body) => notice(connection, type, body);
  connection.onClose = () => closed(connection);
  await connection.open();
  return connection;
}

/** Log in (or register, then log in) from the form. */
async function logIn(register) {
  const username = $('username').value.trim();
  const password = $('password').value;
  $('login-error').textContent = '';
  if (!scramAvailable()) {
    showLogin();
    return;
  }
  let connection;
  try {
    connection = await connect();
    if (register) {
      await connection.request(Type.REGISTER, { username, password });
    }
    const login = await loginWithPassword(connection, username, password);
    $('password').value = '';
    state.me = username;
    loadLocal();
    state.stayOnline = true;
    await started(connection, login);
  } catch (e) {
    if (connection) connection.close();
    $('login-error').textContent = e instanceof ParleyError ? e.message : 'Could not log in: ' + e;
  }
}

/**
 * SCRAM: the password never leaves the page. An account from before SCRAM has no keys yet; on loopback or
 * over TLS, where nobody can stand in for the server, it logs in once with LOGIN, which makes them.
 */
async function loginWithPassword(connection, username, password) {
  try {
    return await scramLogin(connection, username, password, device());
  } catch (e) {
    const safe = location.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
    if (e instanceof ParleyError && e.status === Status.UNAUTHENTICATED && safe && !connection.closed) {
      return connection.request(Type.LOGIN, { username, password, device: device() });
    }
    throw e;
  }
}

/** Back with the saved token (after a reload or a dropped connection): RESUME, then catch up. */
async function resume() {
  state.reconnectTimer = null;
  let connection;
  try {
    connection = await connect();
    const login = await connection.request(Type.RESUME, { token: state.token, device: device() });
    await started(connection, login);
  } catch (e) {
    if (connection) connection.close();
    if (e instanceof ParleyError && e.status === Status.UNAUTHENTICATED) {
      forgetSession();
      showLogin('Your session has ended; please log in again.');
      return;
    }
    reconnectLater();
  }
}

async function started(connection, login) {
  state.connection = connection;
  state.token = login.token;
  saveSession();
  // The server's cursor for this device, or further if this page took in more before it could say so.
  state.held = Math.max(state.held, login.acked);
  state.acked = login.acked;
  state.reconnectMs = 1000;
  showMain();
  setOnline(true);
  await Promise.all([refreshFriends(), refreshGroups(), probeQq(), probeRecall()]);
  await pull();
  for (const item of [...state.outbox]) deliver(item);
  if (state.open) {
    renderConversation();
    if (state.open.startsWith('g:')) refreshGroupPanel();
  }
}

function closed(connection) {
  if (connection !== state.connection) return;
  state.connection = null;
  setOnline(false);
  if (state.stayOnline) reconnectLater();
}

function reconnectLater() {
  if (!state.stayOnline || state.reconnectTimer) return;
  const wait = state.reconnectMs * (0.75 + Math.random() / 2);
  state.reconnectMs = Math.min(state.reconnectMs * 2, MAX_RECONNECT_MS);
  state.reconnectTimer = setTimeout(resume, wait);
}

function forgetSession() {
  state.stayOnline = false;
  state.token = null;
  storage.removeItem('parley.session');
}

async function logOut() {
  const connection = state.connection;
  forgetSession();
  // What this browser kept for the user (unread counts, messages not yet sent) goes too.
  storage.removeItem(localKey());
  if (connection) {
    await connection.request(Type.LOGOUT, {}).catch(() => {});
    connection.close();
  }
  location.reload();
}

// ---- what the server pushes ------------------------------------------------------------------------------

function notice(connection, type, body) {
  if (connection !== state.connection) return;
  switch (type) {
    case Type.MSG_NOTIFY:
      if (Array.isArray(body.messages) && body.messages.length > 0 && body.messages[0].seq === state.held + 1) {
        take(body.messages);
        acknowledge();
      } else if (body.seq > state.held) {
        pull();
      }
      break;
    case Type.PRESENCE: {
      const friend = state.friends.get(body.username);
      if (friend) {
        friend.online = body.online;
        renderFriends();
      }
      break;
    }
    case Type.FRIEND_EVENT:
      say(friendEventText(body));
      refreshFriends();
      break;
    case Type.KICKED:
      if (!String(body.reason || '').startsWith('No heartbeat')) {
        state.stayOnline = false;
        showLogin(body.reason || 'Logged out by the server.');
      }
      break;
    default:
      break;
  }
}

function friendEventText(e) {
  switch (e.event) {
    case 'request': return `${e.username} asks to be your friend` + (e.note ? `: ${e.note}` : '.');
    case 'accepted': return `${e.username} accepted your friend request.`;
    case 'rejected': return `${e.username} declined your friend request.`;
    case 'removed': return `${e.username} is no longer your friend.`;
    default: return `${e.username}: ${e.event}`;
  }
}

// ---- the inbox: pull, take each entry once, acknowledge --------------------------------------------------

async function pull() {
  if (state.pulling) {
    state.pullAgain = true;
    return;
  }
  state.pulling = true;
  try {
    do {
      state.pullAgain = false;
      let answer;
      do {
        if (!state.connection) return;
        answer = await state.connection.request(Type.MSG_PULL, { after: state.held, limit: PULL_PAGE });
        take(answer.messages);
      } while (answer.more && answer.messages.length > 0);
    } while (state.pullAgain);
    acknowledge();
  } catch (e) {
    // A dropped connection: the next login pulls from where this stopped.
  } finally {
    state.pulling = false;
  }
}

function acknowledge() {
  if (state.connection && state.held > state.acked) {
    const seq = state.held;
    state.connection.request(Type.MSG_ACK, { seq }).then(() => {
      state.acked = Math.max(state.acked, seq);
    }, () => {});
  }
}

function conversationKey(entry) {
  if (entry.groupId !== undefined && entry.groupId !== null) return 'g:' + entry.groupId;
  return 'u:' + (entry.from === state.me ? entry.to : entry.from);
}

function conversation(key) {
  let c = state.conversations.get(key);
  if (!c) {
    c = { key, entries: new Map(), oldest: null, more: false, loaded: false };
    state.conversations.set(key, c);
  }
  return c;
}

/** Entries from the inbox, in seq order: each taken once (by seq), shown once (by msgId). */
function take(entries) {
  let groupsChanged = false;
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (entry.seq <= state.held) continue;
    state.held = entry.seq;
    if (entry.from === SERVER) {
      showServerNotice(entry);
      continue;
    }
    const key = conversationKey(entry);
    const recalled = recalledMsgId(entry);
    if (recalled !== undefined) conversation(key).entries.delete(recalled);
    conversation(key).entries.set(entry.msgId, entry);
    if (entry.kind === 'event' && recalled === undefined) groupsChanged = true;
    if (entry.from !== state.me && key !== state.open && recalled === undefined) {
      state.unread[key] = (state.unread[key] || 0) + 1;
    }
    if (key === state.open) renderConversation();
  }
  saveLocal();
  renderFriends();
  renderGroups();
  if (groupsChanged) {
    refreshGroups();
    if (state.open && state.open.startsWith('g:')) refreshGroupPanel();
  }
}

// ---- sending: an outbox that survives reloads and reconnects; the cid makes a retry safe -----------------

function sendText(text) {
  const key = state.open;
  const cid = randomHex(16);
  const item = { cid, key, text, ts: Date.now() };
  state.outbox.push(item);
  saveLocal();
  renderConversation();
  deliver(item);
}

async function deliver(item) {
  const connection = state.connection;
  if (!connection || item.inFlight) return;
  item.inFlight = true;
  const group = item.key.startsWith('g:');
  const target = item.key.slice(2);
  try {
    const answer = group
      ? await connection.request(Type.GROUP_SEND, { groupId: Number(target), text: item.text, cid: item.cid })
      : await connection.request(Type.MSG_SEND, { to: target, text: item.text, cid: item.cid });
    item.msgId = answer.msgId;
    if (answer.masked) say('Part of your message was masked by the server.');
    removeFromOutbox(item);
  } catch (e) {
    item.inFlight = false;
    if (e.status === Status.UNAVAILABLE || e.status === Status.RATE_LIMITED) {
      // Stored once whatever happens (same cid): try again later, or after the reconnect.
      if (state.connection === connection) setTimeout(() => deliver(item), e.retryAfterMs || 1000);
      return;
    }
    removeFromOutbox(item);
    say('Not sent: ' + e.message);
  }
}

function removeFromOutbox(item) {
  state.outbox = state.outbox.filter((o) => o.cid !== item.cid);
  saveLocal();
  if (item.key === state.open) renderConversation();
}

// ---- friends ----------------------------------------------------------------------------------------------

async function refreshFriends() {
  if (!state.connection) return;
  const list = await allPages(state.connection, Type.FRIEND_LIST, {}, ['friends', 'incoming', 'outgoing'],
    (page) => {
      const all = [...page.friends.map((f) => f.username), ...page.incoming.map((f) => f.username), ...page.outgoing];
      return all.sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())).pop();
    }).catch(() => null);
  if (!list) return;
  state.friends = new Map(list.friends.map((f) => [f.username, f]));
  state.incoming = list.incoming;
  state.outgoing = list.outgoing;
  renderFriends();
}

function unreadBadge(key) {
  const n = state.unread[key] || 0;
  const badge = element('span', 'unread', n > 0 ? String(n) : '');
  return badge;
}

function renderFriends() {
  const list = $('friends');
  list.replaceChildren();
  const friends = [...state.friends.values()].sort((a, b) => a.username.localeCompare(b.username));
  for (const f of friends) {
    const key = 'u:' + f.username;
    const li = element('li', 'chat friend' + (key === state.open ? ' open' : ''));
    li.dataset.user = f.username;
    li.append(element('span', 'presence' + (f.online ? ' online' : '')), element('span', 'name', f.username),
      unreadBadge(key));
    li.title = f.online ? 'online' : 'offline';
    li.addEventListener('click', () => openConversation(key));
    list.append(li);
  }
  const requests = $('requests');
  requests.replaceChildren();
  for (const r of state.incoming) {
    const li = element('li', 'request');
    li.dataset.user = r.username;
    li.append(element('span', 'name', r.username + (r.note ? ` (${r.note})` : '')),
      button('Accept', () => attempt(async () => {
        await state.connection.request(Type.FRIEND_ACCEPT, { username: r.username });
        await refreshFriends();
      })),
      button('Reject', () => attempt(async () => {
        await state.connection.request(Type.FRIEND_REJECT, { username: r.username });
        await refreshFriends();
      })));
    requests.append(li);
  }
  $('requests-block').hidden = state.incoming.length === 0;
  const outgoing = $('outgoing');
  outgoing.replaceChildren(...state.outgoing.map((u) => element('li', '', `waiting for ${u}`)));
}

// ---- groups ------------------------------------------------------------------------------------------------

async function refreshGroups() {
  if (!state.connection) return;
  const list = await allPages(state.connection, Type.GROUP_LIST, {}, ['groups'],
    (page) => (page.groups.length ? page.groups[page.groups.length - 1].groupId : undefined)).catch(() => null);
  if (!list) return;
  state.groups = new Map(list.groups.map((g) => [g.groupId, g]));
  renderGroups();
  if (state.open && state.open.startsWith('g:') && !state.groups.has(Number(state.open.slice(2)))) {
    closeConversation();
  }
}

function renderGroups() {
  const list = $('groups');
  list.replaceChildren();
  for (const g of state.groups.values()) {
    const key = 'g:' + g.groupId;
    const li = element('li', 'chat group' + (key === state.open ? ' open' : ''));
    li.dataset.group = String(g.groupId);
    li.append(element('span', 'name', g.name), unreadBadge(key));
    li.addEventListener('click', () => openConversation(key));
    list.append(li);
  }
}

/** The message a recall event takes back (message-recall feature), or undefined for any other entry. */
function recalledMsgId(entry) {
  return entry.kind === 'event' && entry.event && entry.event.type === 'recall' ? entry.event.msgId : undefined;
}

/**
 * Whether message recall is installed (an empty probe answers BAD_REQUEST then). The page offers "Recall" on the
 * user's own messages for RECALL_OFFER_MS, the feature's default window; the server judges each request by its
 * own setting and says why when it refuses.
 */
async function probeRecall() {
  if (!state.connection) return;
  state.recall = await featureAnswers(Type.MSG_RECALL, { msgId: 0 });
}

const RECALL_OFFER_MS = 120000;

async function recall(msgId) {
  await attempt(() => state.connection.request(Type.MSG_RECALL, { msgId }));
}

/** Whether a feature's request type is answered at all: it answers UNSUPPORTED while the feature is not deployed. */
async function featureAnswers(type, body) {
  try {
    await state.connection.request(type, body);
    return true;
  } catch (e) {
    return e.status !== Status.UNSUPPORTED;
  }
}

/** Whether the QQ group rules are installed. */
async function probeQq() {
  if (!state.connection) return;
  state.qq = await featureAnswers(Type.GROUP_SET_ROLE, {});
  $('join-group-form').hidden = !state.qq;
}

async function refreshGroupPanel() {
  const key = state.open;
  if (!key || !key.startsWith('g:') || !state.connection) return;
  const groupId = Number(key.slice(2));
  await probeQq();
  const info = await allPages(state.connection, Type.GROUP_INFO, { groupId }, ['members'],
    (page) => (page.members.length ? page.members[page.members.length - 1].username : undefined)).catch(() => null);
  if (!info || state.open !== key) return;
  state.members = info.members;
  const mine = info.members.find((m) => m.username === state.me);
  state.myRole = mine ? mine.role : null;
  renderGroupPanel(groupId);
}

function renderGroupPanel(groupId) {
  $('group-id').textContent = `Group id ${groupId}`;
  const list = $('members');
  list.replaceChildren();
  const owner = state.myRole === 'owner';
  const admin = state.myRole === 'admin';
  for (const m of state.members) {
    const li = element('li', 'member');
    li.dataset.user = m.username;
    li.append(element('span', 'name', m.username), element('span', 'role', m.role));
    const actions = element('div', 'actions');
    const plain = m.role !== 'owner' && m.role !== 'admin';
    if (m.username !== state.me) {
      if (state.qq && owner && m.role !== 'owner') {
        const next = m.role === 'admin' ? 'member' : 'admin';
        actions.append(button(next === 'admin' ? 'Make admin' : 'Make member', () => groupAction(Type.GROUP_SET_ROLE,
          { groupId, username: m.username, role: next })));
      }
      if (state.qq && (owner || (admin && plain))) {
        actions.append(
          button('Mute 10 min', () => groupAction(Type.GROUP_MUTE, { groupId, username: m.username, seconds: 600 })),
          button('Unmute', () => groupAction(Type.GROUP_MUTE, { groupId, username: m.username, seconds: 0 })));
      }
      if (owner || (state.qq && admin && plain)) {
        actions.append(button('Remove', () => groupAction(Type.GROUP_REMOVE, { groupId, members: [m.username] })));
      }
    }
    if (actions.childElementCount > 0) li.append(actions);
    list.append(li);
  }
}

async function groupAction(type, fields) {
  await attempt(() => state.connection.request(type, fields));
  await refreshGroupPanel();
}

// ---- the open conversation ---------------------------------------------------------------------------------

function title(key) {
  if (key.startsWith('u:')) return key.slice(2);
  const g = state.groups.get(Number(key.slice(2)));
  return g ? g.name : 'Group ' + key.slice(2);
}

async function openConversation(key) {
  state.open = key;
  state.unread[key] = 0;
  saveLocal();
  renderFriends();
  renderGroups();
  $('empty-conversation').hidden = true;
  $('conversation').hidden = false;
  $('conversation-title').textContent = title(key);
  const group = key.startsWith('g:');
  $('group-panel').hidden = !group;
  if (group) {
    $('members').replaceChildren();
    refreshGroupPanel();
  }
  probeRecall().then(() => renderConversation());
  renderConversation();
  const c = conversation(key);
  if (!c.loaded) {
    await loadOlder(c);
    c.loaded = true;
  }
  $('text').focus();
}

function closeConversation() {
  state.open = null;
  $('conversation').hidden = true;
  $('group-panel').hidden = true;
  $('empty-conversation').hidden = false;
}

async function loadOlder(c) {
  if (!state.connection) return;
  const fields = c.key.startsWith('g:') ? { group: Number(c.key.slice(2)) } : { with: c.key.slice(2) };
  if (c.oldest !== null) fields.before = c.oldest;
  const answer = await attempt(() => state.connection.request(Type.HISTORY, { ...fields, limit: HISTORY_PAGE }));
  if (!answer) return;
  for (const entry of answer.messages) {
    if (!c.entries.has(entry.msgId)) c.entries.set(entry.msgId, entry);
    c.oldest = c.oldest === null ? entry.seq : Math.min(c.oldest, entry.seq);
  }
  c.more = answer.more;
  if (c.key === state.open) renderConversation();
}

function time(ts) {
  return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function eventText(entry) {
  const e = entry.event || {};
  const who = Array.isArray(e.members) ? e.members.join(', ') : '';
  switch (e.type) {
    case 'created': return `${entry.from} created the group "${e.name}"` + (who ? ` with ${who}` : '');
    case 'added': return `${entry.from} added ${who}`;
    case 'removed': return `${entry.from} removed ${who}`;
    case 'left': return `${who} left the group`;
    case 'owner': return `${e.owner} now owns the group`;
    case 'dissolved': return `${entry.from} dissolved the group`;
    case 'role': return `${entry.from} made ${who} ${e.role}`;
    case 'muted': return e.until ? `${entry.from} muted ${who}` : `${entry.from} unmuted ${who}`;
    case 'muteAll': return e.on ? `${entry.from} muted everyone` : `${entry.from} lifted the mute on everyone`;
    case 'settings': return `${entry.from} changed the group's settings`;
    case 'joinRequest': return `${who} asks to join` + (e.note ? `: ${e.note}` : '');
    case 'joined': return `${who} joined`;
    case 'recall': return entry.from === state.me ? 'You recalled a message' : `${entry.from} recalled a message`;
    default: return `${entry.from}: ${e.type || 'event'}`;
  }
}

function renderEntry(entry) {
  const mine = entry.from === state.me;
  if (entry.kind === 'event') {
    const li = element('li', 'event', eventText(entry));
    li.dataset.seq = String(entry.seq);
    const e = entry.event || {};
    const key = conversationKey(entry);
    if (e.type === 'joinRequest' && state.qq && (state.myRole === 'owner' || state.myRole === 'admin')
      && Array.isArray(e.members) && e.members.length === 1) {
      const groupId = Number(key.slice(2));
      li.append(' ',
        button('Approve', () => groupAction(Type.GROUP_JOIN_DECIDE, { groupId, username: e.members[0], approve: true })),
        button('Decline', () => groupAction(Type.GROUP_JOIN_DECIDE, { groupId, username: e.members[0], approve: false })));
    }
    return li;
  }
  const li = element('li', 'msg' + (mine ? ' mine' : ''));
  li.dataset.seq = String(entry.seq);
  li.dataset.msgId = String(entry.msgId);
  if (!mine) li.append(element('div', 'from', entry.from));
  const body = element('div');
  body.append(element('span', 'text', entry.text), element('span', 'time', time(entry.ts)));
  if (mine && state.recall && Date.now() - entry.ts < RECALL_OFFER_MS) {
    const b = button('Recall', () => recall(entry.msgId));
    b.className = 'recall';
    body.append(b);
  }
  li.append(body);
  return li;
}

function renderConversation() {
  const key = state.open;
  if (!key) return;
  const c = conversation(key);
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const entries = [...c.entries.values()].sort((a, b) => a.seq - b.seq);
  const shown = new Set(entries.map((e) => e.msgId));
  list.replaceChildren(...entries.map(renderEntry));
  for (const item of state.outbox) {
    if (item.key !== key || (item.msgId !== undefined && shown.has(item.msgId))) continue;
    const li = element('li', 'msg mine sending');
    li.dataset.cid = item.cid;
    const body = element('div');
    body.append(element('span', 'text', item.text), element('span', 'time', time(item.ts)));
    li.append(body);
    list.append(li);
  }
  $('older').hidden = !c.more;
  if (atBottom || !c.loaded) list.scrollTop = list.scrollHeight;
}

// ---- wiring -------------------------------------------------------------------------------------------------

function wire() {
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    logIn(false);
  });
  $('register').addEventListener('click', () => {
    if ($('login-form').reportValidity()) logIn(true);
  });
  $('logout').addEventListener('click', logOut);
  $('compose').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('text').value;
    if (text.trim().length === 0 || !state.open) return;
    $('text').value = '';
    sendText(text);
  });
  $('older').addEventListener('click', () => loadOlder(conversation(state.open)));
  $('add-friend-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const username = $('add-friend').value.trim();
    attempt(async () => {
      const answer = await state.connection.request(Type.FRIEND_ADD, { username });
      $('add-friend').value = '';
      say(answer.status === 'friends' ? `You and ${username} are friends.` : `Asked ${username} to be your friend.`);
      await refreshFriends();
    });
  });
  $('create-group-form').addEventListener('submit', (event) => {
    event.preventDefault();
    attempt(async () => {
      const answer = await state.connection.request(Type.GROUP_CREATE,
        { name: $('group-name').value.trim(), members: names($('group-members').value) });
      $('group-name').value = '';
      $('group-members').value = '';
      await refreshGroups();
      openConversation('g:' + answer.groupId);
    });
  });
  $('join-group-form').addEventListener('submit', (event) => {
    event.preventDefault();
    attempt(async () => {
      const answer = await state.connection.request(Type.GROUP_JOIN, { groupId: Number($('join-group').value) });
      $('join-group').value = '';
      say(answer.status === 'joined' ? 'You joined the group.' : 'Asked to join; the group\'s admins decide.');
      await refreshGroups();
    });
  });
  $('add-members-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const groupId = Number(state.open.slice(2));
    attempt(async () => {
      await state.connection.request(Type.GROUP_ADD, { groupId, members: names($('add-members').value) });
      $('add-members').value = '';
      await refreshGroupPanel();
    });
  });
  $('leave-group').addEventListener('click', () => attempt(async () => {
    await state.connection.request(Type.GROUP_LEAVE, { groupId: Number(state.open.slice(2)) });
    closeConversation();
    await refreshGroups();
  }));
}

wire();
const saved = (() => {
  try {
    return JSON.parse(storage.getItem('parley.session') || 'null');
  } catch (e) {
    return null;
  }
})();
if (saved && saved.username && saved.token && scramAvailable()) {
  state.me = saved.username;
  state.token = saved.token;
  state.stayOnline = true;
  loadLocal();
  showMain();
  setOnline(false);
  resume();
} else {
  showLogin();
}
