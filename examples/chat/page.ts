/**
 * The chat page of seed 001, made pleasant: readable on a phone, the sender's own lines set apart,
 * a connection status. It connects with switchboard/client (served by the app) to the host that served
 * it, so it works on any port, and reconnects by itself.
 * Stable ids for browser tests: #ws-id, #status, #messages, #messageText, #send.
 */
export const chatPage = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="data:," />
    <title>Chat</title>
    <style>
      * { box-sizing: border-box; }
      body { margin: 0; font: 16px/1.4 system-ui, sans-serif; background: #f3f4f6; color: #111827; }
      main { max-width: 40rem; margin: 0 auto; padding: 1rem; min-height: 100vh; display: flex; flex-direction: column; gap: 0.75rem; }
      header { display: flex; justify-content: space-between; align-items: baseline; flex-wrap: wrap; gap: 0.5rem; }
      h1 { font-size: 1.4rem; margin: 0; }
      #status { font-size: 0.85rem; padding: 0.15rem 0.6rem; border-radius: 1rem; background: #fde68a; }
      #status[data-state='open'] { background: #bbf7d0; }
      #status[data-state='closed'] { background: #fecaca; }
      #messages { list-style: none; margin: 0; padding: 0; flex: 1; display: flex; flex-direction: column; gap: 0.4rem; }
      #messages li { max-width: 85%; padding: 0.45rem 0.75rem; border-radius: 0.9rem; background: #fff; overflow-wrap: anywhere; }
      #messages li.mine { align-self: flex-end; background: #2563eb; color: #fff; }
      #messages li.notice { align-self: center; background: none; color: #6b7280; font-size: 0.85rem; }
      form { display: flex; gap: 0.5rem; position: sticky; bottom: 0; padding: 0.5rem 0; background: #f3f4f6; }
      input { flex: 1; min-width: 0; font: inherit; padding: 0.6rem 0.8rem; border: 1px solid #d1d5db; border-radius: 0.6rem; }
      button { font: inherit; padding: 0.6rem 1.1rem; border: 0; border-radius: 0.6rem; background: #2563eb; color: #fff; }
      button:disabled { background: #9ca3af; }
    </style>
  </head>
  <body>
    <main>
      <header>
        <h1>WebSocket Chat</h1>
        <span id="status" data-state="connecting">connecting…</span>
      </header>
      <p>Your ID: <strong id="ws-id"></strong></p>
      <ul id="messages" aria-live="polite"></ul>
      <form id="form" autocomplete="off">
        <input type="text" id="messageText" placeholder="Say something" aria-label="Message" />
        <button id="send" disabled>Send</button>
      </form>
    </main>
    <script type="module">
      // The client, served by app.serveClient(). The page has no bundler, so it cannot import the
      // TypeScript channel (chat.api.ts): it speaks the same events with the untyped connect(url).
      import { connect } from '/switchboard/client.js';
      const clientId = Date.now();
      document.querySelector('#ws-id').textContent = clientId;
      const status = document.querySelector('#status');
      const send = document.querySelector('#send');
      const input = document.querySelector('#messageText');
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      const client = connect(\`\${scheme}://\${location.host}/ws/\${clientId}\`);
      const labels = { connecting: 'connecting…', open: 'online', reconnecting: 'reconnecting…', closed: 'offline' };
      client.onStatus((state) => {
        status.dataset.state = state;
        status.textContent = labels[state];
        send.disabled = state !== 'open';
      });
      function show(text, className = '') {
        const line = document.createElement('li');
        line.textContent = text;
        line.className = className;
        document.querySelector('#messages').append(line);
        line.scrollIntoView({ block: 'end' });
      }
      client.on('said', ({ from, text }) => show(\`Client #\${from} says: \${text}\`));
      client.on('left', ({ from }) => show(\`Client #\${from} left the chat\`, 'notice'));
      document.querySelector('#form').addEventListener('submit', async (event) => {
        event.preventDefault();
        const text = input.value;
        if (text === '' || client.status !== 'open') return;
        input.value = '';
        input.focus();
        try {
          show(await client.request('say', { text }), 'mine');
        } catch (error) {
          show(error.message, 'notice');
        }
      });
    </script>
  </body>
</html>
`;
