/**
 * The rooms page: pick a name and a room, chat, see who is online. Stable ids for browser tests:
 * #name, #room, #join, #here, #online (one li per name, data-key), #messages, #messageText, #send, #status.
 * It merges the presence frames itself, as syncDiff in switchboard/client does, to stay one plain file.
 */
export const roomsPage = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Rooms</title>
    <style>
      * { box-sizing: border-box; }
      body { margin: 0; font: 16px/1.4 system-ui, sans-serif; background: #f3f4f6; color: #111827; }
      main { max-width: 40rem; margin: 0 auto; padding: 1rem; display: flex; flex-direction: column; gap: 0.75rem; }
      h1 { font-size: 1.4rem; margin: 0; }
      form { display: flex; gap: 0.5rem; flex-wrap: wrap; }
      input { flex: 1; min-width: 8rem; font: inherit; padding: 0.6rem 0.8rem; border: 1px solid #d1d5db; border-radius: 0.6rem; }
      button { font: inherit; padding: 0.6rem 1.1rem; border: 0; border-radius: 0.6rem; background: #2563eb; color: #fff; }
      #here, #status { font-size: 0.85rem; color: #4b5563; }
      #online { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem; }
      #online li { padding: 0.2rem 0.6rem; border-radius: 1rem; background: #dcfce7; font-size: 0.85rem; }
      #messages { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.4rem; }
      #messages li { padding: 0.45rem 0.75rem; border-radius: 0.9rem; background: #fff; overflow-wrap: anywhere; }
      #messages li.mine { align-self: flex-end; background: #2563eb; color: #fff; }
      #messages li.notice { align-self: center; background: none; color: #6b7280; font-size: 0.85rem; }
    </style>
  </head>
  <body>
    <main>
      <h1>Rooms <span id="status">connecting…</span></h1>
      <form id="joinForm">
        <input id="name" placeholder="Your name" autocomplete="off" required />
        <input id="room" placeholder="Room" value="lobby" autocomplete="off" required />
        <button id="join">Join</button>
      </form>
      <div id="here"></div>
      <ul id="online"></ul>
      <ul id="messages"></ul>
      <form id="sayForm">
        <input id="messageText" placeholder="Message" autocomplete="off" />
        <button id="send">Send</button>
      </form>
    </main>
    <script>
      const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/rooms');
      const $ = (id) => document.getElementById(id);
      let nextId = 1;
      let room = '';
      let here = {}; // who is online: { name: { metas: [{ id, name }, …] } }, one meta per tab
      const show = (text, cls) => {
        const li = document.createElement('li');
        li.textContent = text;
        if (cls) li.className = cls;
        $('messages').appendChild(li);
      };
      const render = () => {
        const names = Object.keys(here).sort();
        $('here').textContent = names.length + ' here in ' + room;
        $('online').replaceChildren(
          ...names.map((name) => {
            const li = document.createElement('li');
            const tabs = here[name].metas.length;
            li.dataset.key = name;
            li.textContent = tabs > 1 ? name + ' (' + tabs + ' tabs)' : name;
            return li;
          }),
        );
      };
      // A diff's leaves go first, then its joins; a meta is known by its connection id.
      const syncDiff = (state, { joins, leaves }) => {
        const next = { ...state };
        const without = (key, metas) => (next[key]?.metas ?? []).filter((m) => !metas.some((l) => l.id === m.id));
        for (const [key, { metas }] of Object.entries(leaves)) {
          const kept = without(key, metas);
          if (kept.length > 0) next[key] = { metas: kept };
          else delete next[key];
        }
        for (const [key, { metas }] of Object.entries(joins)) next[key] = { metas: [...without(key, metas), ...metas] };
        return next;
      };
      const send = (event, data) => ws.send(JSON.stringify({ event, data, id: nextId++ }));
      ws.onopen = () => ($('status').textContent = 'connected');
      ws.onclose = () => ($('status').textContent = 'disconnected');
      ws.onmessage = (e) => {
        const { event, data, error, room: about } = JSON.parse(e.data);
        if (error) return show(error.message, 'notice');
        if (event === 'join') room = data.room;
        if (event === 'said') show(data.name + ': ' + data.text);
        if (event === 'presence_state' && about === room) {
          here = data;
          render();
        }
        if (event === 'presence_diff' && about === room) {
          const before = here;
          here = syncDiff(here, data);
          for (const name of Object.keys(data.joins)) if (!before[name]) show(name + ' joined', 'notice');
          for (const name of Object.keys(data.leaves)) if (!here[name]) show(name + ' left', 'notice');
          render();
        }
      };
      $('joinForm').onsubmit = (e) => {
        e.preventDefault();
        $('messages').textContent = '';
        send('join', { name: $('name').value, room: $('room').value });
      };
      $('sayForm').onsubmit = (e) => {
        e.preventDefault();
        const text = $('messageText').value;
        if (!text) return;
        send('say', text);
        show(text, 'mine');
        $('messageText').value = '';
      };
    </script>
  </body>
</html>
`;
