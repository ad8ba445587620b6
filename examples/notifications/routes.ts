/**
 * The two WebSocket routes of the notifications example; app.ts describes the protocol. A client that
 * passes the token check joins the room `NOTIFIED`: pushes go to that room, so a /legacy client that has
 * not sent the token yet hears nothing.
 */
import { Connector, HttpError, OnConnect, OnMessage, OnUpgrade, WebSocketRoute, type UpgradeRequest } from 'switchboard';

/** The token of the seed. A real app would check a session or a signed token here. */
export const TOKEN = 'wst';

/** The room of every authenticated client, on both routes. */
export const NOTIFIED = 'notified';

export interface Notification {
  title: string;
  message: string;
}

/** The seed's greeting; its page shows every notification except those titled "连接成功". */
const connected: Notification = { title: '连接成功', message: 'ws创建成功' };

const stillOnline = (text: string): Notification => ({ title: '连接成功', message: `Still online Message text was: ${text}` });

/** Joins the audience and greets it, the newcomer included (the seed's manager.broadcast). */
function admit<S extends object>(ws: Connector<S>): void {
  ws.join(NOTIFIED);
  ws.publish(NOTIFIED, connected);
}

/** The token is checked at the upgrade: an unauthenticated client never gets a socket. */
@WebSocketRoute('/ws/{id}')
export class Notifications {
  @OnUpgrade()
  authenticate(req: UpgradeRequest) {
    if (req.queryParams.get('token') !== TOKEN) throw new HttpError(401, 'Missing or invalid token');
  }

  @OnConnect()
  connect(ws: Connector) {
    admit(ws);
  }

  @OnMessage()
  message(text: string) {
    return stillOnline(text);
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
    admit(ws);
    return '';
  }
}
