// The Parley protocol over WebSocket, for the browser: one binary message per frame (a 9-byte header, then a
// UTF-8 JSON body), requests matched to their answers by id, SCRAM-SHA-256 login with the browser's own
// crypto (crypto.subtle). No library: the format is small and the browser has every primitive it needs.

export const Type = Object.freeze({
  PING: 0, REGISTER: 1, LOGIN: 2, RESUME: 3, LOGOUT: 4, PROFILE_GET: 5,
  KICKED: 8,
  FRIEND_ADD: 10, FRIEND_ACCEPT: 11, FRIEND_REJECT: 12, FRIEND_REMOVE: 13, FRIEND_LIST: 14,
  FRIEND_EVENT: 15, PRESENCE: 16,
  MSG_SEND: 20, MSG_NOTIFY: 21, MSG_PULL: 22, MSG_ACK: 23, HISTORY: 24,
  GROUP_CREATE: 30, GROUP_ADD: 32, GROUP_REMOVE: 33, GROUP_LEAVE: 34, GROUP_INFO: 35, GROUP_LIST: 36,
  GROUP_SEND: 37,
  AUTH_START: 40, AUTH_FINISH: 41,
  GROUP_SET_ROLE: 64, GROUP_MUTE: 66, GROUP_JOIN: 69, GROUP_JOIN_DECIDE: 70,
  MSG_RECALL: 72,
});

export const Status = Object.freeze({
  OK: 0, BAD_REQUEST: 1, UNAUTHENTICATED: 2, FORBIDDEN: 3, NOT_FOUND: 4, CONFLICT: 5, UNSUPPORTED: 6,
  RATE_LIMITED: 7, UNAVAILABLE: 8, INTERNAL: 9,
});

const MAGIC = 0x504c;
const HEADER = 9;
const REQUEST = 1;
const RESPONSE = 2;
const NOTICE = 3;
const REQUEST_TIMEOUT_MS = 15000;
const HEARTBEAT_MS = 5000;

/** A refused request: the server's status code and its sentence. */
export class ParleyError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeFrame(sign, type, body) {
  const bytes = body === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(body));
  const frame = new Uint8Array(HEADER + bytes.length);
  const view = new DataView(frame.buffer);
  view.setUint16(0, MAGIC);
  view.setUint8(2, sign);
  view.setUint8(3, type);
  view.setUint8(4, 0);
  view.setInt32(5, bytes.length);
  frame.set(bytes, HEADER);
  return frame;
}

/** The frame in one binary message, or null when the message is not exactly one frame. */
export function decodeFrame(buffer) {
  if (buffer.byteLength < HEADER) return null;
  const view = new DataView(buffer);
  const length = view.getInt32(5);
  if (view.getUint16(0) !== MAGIC || length < 0 || buffer.byteLength !== HEADER + length) return null;
  let body = {};
  if (length > 0) {
    try {
      body = JSON.parse(decoder.decode(new Uint8Array(buffer, HEADER, length)));
    } catch (e) {
      return null;
    }
  }
  return { sign: view.getUint8(2), type: view.getUint8(3), status: view.getUint8(4), body };
}

/**
 * One WebSocket to the server. request() answers a promise of the response body, or rejects with a
 * ParleyError; notices go to onNotice(type, body); onClose(event) is called once when the socket ends.
 */
export class Connection {
  constructor(url) {
    this.url = url;
    this.pending = new Map();
    this.nextId = 1;
    this.onNotice = () => {};
    this.onClose = () => {};
    this.lastWrite = 0;
    this.closed = false;
  }

  open() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      ws.binaryType = 'arraybuffer';
      this.ws = ws;
      ws.onopen = () => {
        this.heartbeat = setInterval(() => {
          if (Date.now() - this.lastWrite >= HEARTBEAT_MS) this.send(REQUEST, Type.PING, undefined);
        }, 1000);
        resolve(this);
      };
      ws.onmessage = (event) => this.received(event.data);
      ws.onerror = () => reject(new ParleyError(Status.UNAVAILABLE, 'The server cannot be reached.'));
      ws.onclose = (event) => {
        reject(new ParleyError(Status.UNAVAILABLE, 'The server cannot be reached.'));
        this.ended(event);
      };
    });
  }

  send(sign, type, body) {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(encodeFrame(sign, type, body));
    this.lastWrite = Date.now();
    return true;
  }

  request(type, fields = {}) {
    const id = 'w' + this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ParleyError(Status.UNAVAILABLE, 'The server did not answer in time.'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      if (!this.send(REQUEST, type, { id, ...fields })) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new ParleyError(Status.UNAVAILABLE, 'Not connected.'));
      }
    });
  }

  received(data) {
    if (!(data instanceof ArrayBuffer)) return;
    const frame = decodeFrame(data);
    if (frame === null) {
      this.close();
      return;
    }
    if (frame.sign === NOTICE) {
      this.onNotice(frame.type, frame.body);
      return;
    }
    if (frame.sign !== RESPONSE || typeof frame.body.id !== 'string') return; // an empty PING's answer
    const waiting = this.pending.get(frame.body.id);
    if (!waiting) return;
    this.pending.delete(frame.body.id);
    clearTimeout(waiting.timer);
    if (frame.status === Status.OK) {
      waiting.resolve(frame.body);
    } else {
      const error = new ParleyError(frame.status, frame.body.error || 'Refused.');
      error.retryAfterMs = frame.body.retryAfterMs;
      waiting.reject(error);
    }
  }

  ended(event) {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(new ParleyError(Status.UNAVAILABLE, 'The connection closed.'));
    }
    this.pending.clear();
    this.onClose(event);
  }

  close() {
    if (this.ws) this.ws.close();
    this.ended({ code: 1000, reason: 'closed by the page' });
  }
}

// ---- SCRAM-SHA-256, as PROTOCOL.md "Logging in without sending the password" says ----------------------

function base64(bytes) {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

function unbase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function hmac(key, message) {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, typeof message === 'string' ? encoder.encode(message) : message));
}

/** True when this page may use the browser's crypto (https, or http on localhost). */
export function scramAvailable() {
  return typeof crypto !== 'undefined' && crypto.subtle !== undefined;
}

/**
 * Logs in without sending the password. Resolves with the AUTH_FINISH answer once the server has proved it
 * knows the keys (serverSignature); closes the connection and rejects if it has not.
 */
export async function scramLogin(connection, username, password, device) {
  const clientNonce = base64(crypto.getRandomValues(new Uint8Array(24)));
  const start = await connection.request(Type.AUTH_START, { username, device, clientNonce });
  if (!start.nonce.startsWith(clientNonce) || start.iterations < 4096 || start.iterations > 10000000) {
    connection.close();
    throw new ParleyError(Status.UNAUTHENTICATED, 'The server answered the login wrongly: disconnected.');
  }
  const passwordKey = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits']);
  const salted = new Uint8Array(await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: unbase64(start.salt), iterations: start.iterations }, passwordKey, 256));
  const clientKey = await hmac(salted, 'Client Key');
  const storedKey = new Uint8Array(await crypto.subtle.digest('SHA-256', clientKey));
  const serverKey = await hmac(salted, 'Server Key');
  const name = username.replaceAll('=', '=3D').replaceAll(',', '=2C');
  const authMessage = `n=${name},r=${clientNonce},r=${start.nonce},s=${start.salt},i=${start.iterations},c=biws,r=${start.nonce}`;
  const signature = await hmac(storedKey, authMessage);
  const proof = clientKey.map((b, i) => b ^ signature[i]);
  const finish = await connection.request(Type.AUTH_FINISH, { nonce: start.nonce, proof: base64(proof) });
  if (finish.serverSignature !== base64(await hmac(serverKey, authMessage))) {
    connection.close();
    throw new ParleyError(Status.UNAUTHENTICATED, 'The server could not prove it knows your keys: disconnected.');
  }
  return finish;
}

/** Every item of a paged list answer (FRIEND_LIST, GROUP_LIST, GROUP_INFO): asks again with the cursor while more. */
export async function allPages(connection, type, fields, lists, cursorOf) {
  const all = Object.fromEntries(lists.map((l) => [l, []]));
  let answer;
  let after;
  do {
    answer = await connection.request(type, after === undefined ? fields : { ...fields, after });
    for (const l of lists) all[l].push(...(answer[l] || []));
    after = cursorOf(answer);
  } while (answer.more && after !== undefined);
  return { ...answer, ...all };
}
