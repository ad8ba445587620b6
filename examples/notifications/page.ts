/**
 * The notifications page: the seed's Vue front end without Vue. It connects with switchboard/client
 * (served by the app) to `/ws/{id}?token=wst` on the host that served it, shows every notification not
 * titled "连接成功" as a toast for 60 s (as the seed's ElNotification), and has a form that POSTs an order
 * so a person can try it.
 * Stable ids for browser tests: #status, #notifications, #order, #order-title, #order-message,
 * #order-send, #order-result.
 */
export const notificationsPage = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="data:," />
    <title>Notifications</title>
    <style>
      * { box-sizing: border-box; }
      body { margin: 0; font: 16px/1.4 system-ui, sans-serif; background: #f3f4f6; color: #111827; }
      main { max-width: 32rem; margin: 0 auto; padding: 1rem; display: flex; flex-direction: column; gap: 0.75rem; }
      header { display: flex; justify-content: space-between; align-items: center; flex-wrap: wrap; gap: 0.5rem; }
      h1 { font-size: 1.4rem; margin: 0; }
      #status { font-size: 0.85rem; padding: 0.15rem 0.6rem; border-radius: 1rem; background: #fde68a; }
      #status[data-state='open'] { background: #bbf7d0; }
      #status[data-state='closed'] { background: #fecaca; }
      form { display: flex; flex-direction: column; gap: 0.5rem; padding: 1rem; background: #fff; border-radius: 0.8rem; }
      input, button { font: inherit; padding: 0.6rem 0.8rem; border: 1px solid #d1d5db; border-radius: 0.6rem; }
      button { border: 0; background: #2563eb; color: #fff; }
      #notifications { position: fixed; top: 1rem; right: 1rem; left: 1rem; display: flex; flex-direction: column; align-items: flex-end; gap: 0.5rem; pointer-events: none; }
      .toast { width: min(22rem, 100%); padding: 0.75rem 1rem; border-left: 4px solid #16a34a; border-radius: 0.6rem; background: #fff; box-shadow: 0 4px 14px #0002; pointer-events: auto; cursor: pointer; animation: slide 0.2s ease-out; }
      .toast strong { display: block; }
      @keyframes slide { from { transform: translateX(1rem); opacity: 0; } }
    </style>
  </head>
  <body>
    <main>
      <header>
        <h1>Order notifications</h1>
        <span id="status" data-state="connecting">connecting…</span>
      </header>
      <p>Post an order below, here or from another tab, or with <code>curl -X POST -H 'content-type: application/json' -d '{"title":"New order","message":"#42"}' http://HOST/orders</code>.</p>
      <form id="order" autocomplete="off">
        <input id="order-title" value="新订单 New order" aria-label="Title" />
        <input id="order-message" value="Order #42: two coffees" aria-label="Message" />
        <button id="order-send">Post an order</button>
        <output id="order-result"></output>
      </form>
    </main>
    <div id="notifications" aria-live="polite"></div>
    <script type="module">
      // The client, served by app.serveClient(). The page has no bundler, so it cannot import the
      // TypeScript channel (notifications.api.ts): it listens to the same event with the untyped connect(url).
      import { connect } from '/switchboard/client.js';
      document.querySelector('code').textContent = document.querySelector('code').textContent.replace('HOST', location.host);
      const status = document.querySelector('#status');
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      const client = connect(\`\${scheme}://\${location.host}/ws/\${Date.now()}?token=wst\`);
      const labels = { connecting: 'connecting…', open: 'online', reconnecting: 'reconnecting…', closed: 'offline' };
      client.onStatus((state) => {
        status.dataset.state = state;
        // A refused token reads 4401 "Missing or invalid token": say why.
        status.textContent = state === 'closed' && client.lastClose?.reason ? \`offline: \${client.lastClose.reason}\` : labels[state];
      });
      client.on('notification', ({ title, message }) => {
        if (title === '连接成功') return console.log('ws:', message);
        const toast = document.createElement('div');
        toast.className = 'toast';
        toast.append(Object.assign(document.createElement('strong'), { textContent: title }), message);
        toast.onclick = () => toast.remove();
        document.querySelector('#notifications').prepend(toast);
        setTimeout(() => toast.remove(), 60000);
      });
      document.querySelector('#order').addEventListener('submit', async (event) => {
        event.preventDefault();
        const title = document.querySelector('#order-title').value;
        const message = document.querySelector('#order-message').value;
        const headers = { 'content-type': 'application/json' };
        const res = await fetch('/orders', { method: 'POST', headers, body: JSON.stringify({ title, message }) });
        const body = await res.json();
        document.querySelector('#order-result').textContent = res.ok ? \`Delivered to \${body.delivered} browser(s).\` : body.error.message;
      });
    </script>
  </body>
</html>
`;
