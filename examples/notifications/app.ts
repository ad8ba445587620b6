/**
 * Push notifications, ported from seed 000 (FastAPI + Vue): browsers hold a WebSocket, the server pushes
 * `{title, message}` JSON, and the page shows each one as a toast. The token check is shown both ways:
 *
 * - `/ws/{id}?token=wst`: checked at the HTTP upgrade by @OnUpgrade. A bad or missing token is a 401
 *   and no socket is ever opened: the way to do it.
 * - `/legacy/{id}`: the seed's protocol. The first message must be the token "wst"; otherwise the reply is
 *   "ws鉴权失败" (auth failed) and the connection closes with 1008. `ws.state` remembers who passed.
 *
 * On both, a client that passes joins the room of authenticated clients, which all receive the seed's
 * `{"title":"连接成功","message":"ws创建成功"}` (the newcomer included), and each later message is answered
 * with `{"title":"连接成功","message":"Still online Message text was: <text>"}`. `POST /orders` with a JSON
 * body `{title, message}` publishes it to that room and answers `{ "delivered": <recipients> }`.
 * The page at GET / connects with the token, shows toasts and has a form to post an order; /docs
 * documents the routes.
 *
 * Run: npm run build && node dist/examples/notifications/main.js (PORT, default 8999 as in the seed).
 */
import { App, HttpError, type AppOptions } from 'switchboard';
import { notificationsPage } from './page';
import { LegacyNotifications, NOTIFIED, Notifications, type Notification } from './routes';

const defaultOrder: Notification = { title: '新订单 New order', message: 'You have a new order.' };

const badOrder = (): HttpError => new HttpError(400, 'Expected a JSON body { "title": string, "message": string }');

/** A JSON body `{ title?, message? }` → the notification to push; missing fields get defaults. */
function orderFrom(body: unknown): Notification {
  if (body === undefined) return defaultOrder;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badOrder();
  const { title = defaultOrder.title, message = defaultOrder.message } = body as Partial<Record<keyof Notification, unknown>>;
  if (typeof title !== 'string' || typeof message !== 'string') throw badOrder();
  return { title, message };
}

/** Builds the notifications app without listening; `options` (a logger, limits) pass through to `new App`. */
export function createApp(options: AppOptions = {}): App {
  const app = new App({ ...options, routes: [Notifications, LegacyNotifications] });
  app.get('/', () => notificationsPage);
  app.docs('/docs', { title: 'Notifications', version: '1.0.0' });
  app.post('/orders', (req) => ({ delivered: app.publish(NOTIFIED, orderFrom(req.body)) }));
  return app;
}
