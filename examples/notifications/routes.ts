/**
 * The two WebSocket routes of the notifications example; app.ts describes the protocol. A client that
 * passes the token check joins the audience of its route: `/ws` clients the room NOTIFIED, which gets
 * the channel's `notification` events, `/legacy` clients the room LEGACY, which gets the seed's bare
 * JSON. notify() pushes to both, so a /legacy client that has not sent the token yet hears nothing.
 */
import { Connector, HttpError, OnConnect, OnMessage, OnUpgrade, WebSocketRoute, type App, type UpgradeRequest } from 'switchboard';
import type { z } from 'zod';
import { notifications, type notification } from './notifications.api';

/** The token of the seed. A real app would check a session or a signed token here. */
export const TOKEN = 'wst';

/** The rooms of authenticated clients: of /ws/{id} (channel events) and of /legacy/{id} (the seed's frames). */
export const NOTIFIED = 'notified';
export const LEGACY = 'notified-legacy';

export type Notification = z.output<typeof notification>;

/** Pushes a notification to every authenticated client of both routes, through the app or a connection; returns the recipients. */
export function notify(from: Pick<App, 'publish'>, note: Notification): number {
  return from.publish(NOTIFIED, notifications.event('notification', note)) + from.publish(LEGACY, note);
}

/** The seed's greeting; its page shows every notification except those titled "连接成功". */
const connected: Notification = { title: '连接成功', message: 'ws创建成功' };

const stillOnline = (text: string): Notification => ({ title: '连接成功', message: `Still online Message text was: ${text}` });

/** Joins `room` and greets every authenticated client, the newcomer included (the seed's manager.broadcast). */
function admit<S extends object>(ws: Connector<S>, room: string): void {
  ws.join(room);
  notify(ws, connected);
}

/**
 * The token is checked at the upgrade: an unauthenticated client never gets a socket (a client of
 * switchboard/client, which cannot read an HTTP status in a browser, is closed with 4401 instead).
 */
@WebSocketRoute(notifications)
export class Notifications {
  @OnUpgrade()
  authenticate(req: UpgradeRequest<typeof notifications>) {
    if (req.queryParams.get('token') !== TOKEN) throw new HttpError(401, 'Missing or invalid token');
  }

  @OnConnect()
  connect(ws: Connector) {
    admit(ws, NOTIFIED);
  }

  @OnMessage()
  message(ws: Connector<object, typeof notifications>, text: string) {
    ws.emit('notification', stillOnline(text));
  }
}

interface LegacyState {
  authenticated?: boolean;
}

/** The seed's protocol: the token is the first message. */
@WebSocketRoute('/legacy/{id}')
export class LegacyNotifications {
  @OnMessage()
  message(ws: Connector<LegacyState>, text: string) {
    if (ws.state.authenticated === true) return stillOnline(text);
    if (text !== TOKEN) {
      ws.close(1008, 'Authentication failed'); // takes effect after the reply below
      return 'ws鉴权失败';
    }
    ws.state.authenticated = true;
    admit(ws, LEGACY);
    return '';
  }
}
