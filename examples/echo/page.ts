/**
 * The echo page of seeds 004 and 002, made pleasant: pick an endpoint (`/ws`, `/ws/{client_id}` or the
 * `/chat/` room), send lines, read the replies. It connects to the host that served it, on any port.
 * Stable ids for browser tests: #endpoint, #status, #messages, #messageText, #send.
 */
export const echoPage = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="data:," />
    <title>Echo</title>
    <style>
      * { box-sizing: border-box; }
      body { margin: 0; font: 16px/1.4 system-ui, sans-serif; background: #f3f4f6; color: #111827; }
      main { max-width: 40rem; margin: 0 auto; padding: 1rem; display: flex; flex-direction: column; gap: 0.75rem; }
      header { display: flex; justify-content: space-between; align-items: center; flex-wrap: wrap; gap: 0.5rem; }
      h1 { font-size: 1.4rem; margin: 0; }
      #status { font-size: 0.85rem; padding: 0.15rem 0.6rem; border-radius: 1rem; background: #fde68a; }
      #status[data-state='open'] { background: #bbf7d0; }
      #status[data-state='closed'] { background: #fecaca; }
      #messages { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.4rem; }
      #messages li { padding: 0.45rem 0.75rem; border-radius: 0.6rem; background: #fff; overflow-wrap: anywhere; }
      #messages li.sent { background: #dbeafe; }
      form { display: flex; gap: 0.5rem; }
      input, select, button { font: inherit; padding: 0.6rem 0.8rem; border: 1px solid #d1d5db; border-radius: 0.6rem; }
      input { flex: 1; min-width: 0; }
      button { border: 0; background: #2563eb; color: #fff; }
      button:disabled { background: #9ca3af; }
    </style>
  </head>
  <body>
    <main>
      <header>
        <h1>WebSocket Echo</h1>
        <span id="status" data-state="connecting">connecting…</span>
      </header>
      <select id="endpoint" aria-label="Endpoint">
        <option value="/ws">/ws: echo</option>
        <option value="/ws/123">/ws/123: echo with the client id</option>
        <option value="/chat/">/chat/: broadcast room</option>
      </select>
      <form id="form" autocomplete="off">
        <input type="text" id="messageText" placeholder="Type a message" aria-label="Message" />
        <button id="send" disabled>Send</button>
      </form>
      <ul id="messages" aria-live="polite"></ul>
    </main>
    <script>
      const status = document.querySelector('#status');
      const send = document.querySelector('#send');
      const input = document.querySelector('#messageText');
      const endpoint = document.querySelector('#endpoint');
      let ws = null;
      function show(text, className) {
        const line = document.createElement('li');
        line.textContent = text;
        line.className = className;
        document.querySelector('#messages').prepend(line);
      }
      function setStatus(socket, state, text) {
        if (socket !== ws) return;
        status.dataset.state = state;
        status.textContent = text;
        send.disabled = state !== 'open';
      }
      function open() {
        if (ws !== null) ws.close();
        const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
        const socket = (ws = new WebSocket(\`\${scheme}://\${location.host}\${endpoint.value}\`));
        setStatus(socket, 'connecting', 'connecting…');
        socket.onopen = () => setStatus(socket, 'open', 'online: ' + endpoint.value);
        socket.onclose = () => setStatus(socket, 'closed', 'offline');
        socket.onmessage = (event) => show(event.data, 'received');
      }
      endpoint.addEventListener('change', open);
      document.querySelector('#form').addEventListener('submit', (event) => {
        event.preventDefault();
        if (input.value === '' || ws.readyState !== WebSocket.OPEN) return;
        show(input.value, 'sent');
        ws.send(input.value);
        input.value = '';
      });
      open();
    </script>
  </body>
</html>
`;
