/**
 * A page to try the Robyn example: connect with or without Gordon's query, send the commands, read the
 * replies. It connects to the host that served it, on any port.
 * Stable ids for browser tests: #name, #desg, #connect, #status, #commands, #messageText, #send, #messages.
 */
export const robynPage = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="data:," />
    <title>Robyn WebSocket</title>
    <style>
      * { box-sizing: border-box; }
      body { margin: 0; font: 16px/1.4 system-ui, sans-serif; background: #f3f4f6; color: #111827; }
      main { max-width: 40rem; margin: 0 auto; padding: 1rem; display: flex; flex-direction: column; gap: 0.75rem; }
      header { display: flex; justify-content: space-between; align-items: center; flex-wrap: wrap; gap: 0.5rem; }
      h1 { font-size: 1.4rem; margin: 0; }
      #status { font-size: 0.85rem; padding: 0.15rem 0.6rem; border-radius: 1rem; background: #fde68a; }
      #status[data-state='open'] { background: #bbf7d0; }
      #status[data-state='closed'] { background: #fecaca; }
      form, #commands { display: flex; flex-wrap: wrap; gap: 0.5rem; }
      input, button { font: inherit; padding: 0.5rem 0.8rem; border: 1px solid #d1d5db; border-radius: 0.6rem; }
      input { flex: 1; min-width: 6rem; }
      button { border: 0; background: #2563eb; color: #fff; }
      button:disabled { background: #9ca3af; }
      #messages { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.4rem; }
      #messages li { padding: 0.45rem 0.75rem; border-radius: 0.6rem; background: #fff; overflow-wrap: anywhere; }
      #messages li.sent { background: #dbeafe; }
    </style>
  </head>
  <body>
    <main>
      <header>
        <h1>/web_socket</h1>
        <span id="status" data-state="closed">offline</span>
      </header>
      <form id="query" autocomplete="off">
        <input id="name" placeholder="name" value="gordon" aria-label="name" />
        <input id="desg" placeholder="desg" value="commissioner" aria-label="desg" />
        <button id="connect">Connect</button>
      </form>
      <div id="commands">
        <button data-command="self" disabled>self</button>
        <button data-command="broadcast" disabled>broadcast</button>
        <button data-command="login" disabled>login</button>
        <button data-command="disconnect" disabled>disconnect</button>
      </div>
      <form id="form" autocomplete="off">
        <input id="messageText" placeholder="Any other message" aria-label="Message" />
        <button id="send" disabled>Send</button>
      </form>
      <ul id="messages" aria-live="polite"></ul>
    </main>
    <script>
      const status = document.querySelector('#status');
      let ws = null;
      function show(text, className) {
        const line = Object.assign(document.createElement('li'), { textContent: text, className });
        document.querySelector('#messages').prepend(line);
      }
      function setStatus(socket, state, text) {
        if (socket !== ws) return;
        status.dataset.state = state;
        status.textContent = text;
        for (const button of document.querySelectorAll('#commands button, #send')) button.disabled = state !== 'open';
      }
      function send(text) {
        show(text, 'sent');
        ws.send(text);
      }
      document.querySelector('#query').addEventListener('submit', (event) => {
        event.preventDefault();
        if (ws !== null) ws.close();
        const query = new URLSearchParams({ name: document.querySelector('#name').value, desg: document.querySelector('#desg').value });
        const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
        const socket = (ws = new WebSocket(\`\${scheme}://\${location.host}/web_socket?\${query}\`));
        setStatus(socket, 'connecting', 'connecting…');
        socket.onopen = () => setStatus(socket, 'open', 'online');
        socket.onclose = (event) => setStatus(socket, 'closed', \`offline (\${event.code})\`);
        socket.onmessage = (event) => show(event.data, 'received');
      });
      document.querySelector('#commands').addEventListener('click', (event) => {
        if (event.target.dataset.command !== undefined) send(event.target.dataset.command);
      });
      document.querySelector('#form').addEventListener('submit', (event) => {
        event.preventDefault();
        const input = document.querySelector('#messageText');
        if (input.value !== '') send(input.value);
        input.value = '';
      });
    </script>
  </body>
</html>
`;
