/**
 * The rooms page: pick a name and a room, chat, see who is online. It connects with switchboard/client
 * (served by the app), follows the room's presence with the client's presence(), shows the room's last
 * messages on join (li.earlier), says after a reconnect whether the server resumed it (then what was missed
 * follows), and joins its room again after every reconnect (the server may have restarted). Stable ids for browser tests: #name, #room, #join, #here, #online (one li
 * per name, data-key), #messages, #messageText, #send, #status.
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
      #messages li.earlier { opacity: 0.6; }
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
    <script type="module">
      // The client, served by app.serveClient(). The page has no bundler, so it cannot import the
      // TypeScript channel (rooms.api.ts): it speaks the same events with the untyped connect(url).
      import { connect, presence } from '/switchboard/client.js';
      const client = connect((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/rooms');
      const $ = (id) => document.getElementById(id);
      let joined = null; // the last join request that succeeded, made again after a reconnect
      let online = null; // presence(client, room) for the room asked for last
      const show = (text, cls) => {
        const li = document.createElement('li');
        li.textContent = text;
        if (cls) li.className = cls;
        $('messages').appendChild(li);
      };
      // One li per name: a name with two tabs is one person with two metas.
      const render = (room, state) => {
        const names = Object.keys(state).sort();
        $('here').textContent = names.length + ' here in ' + room;
        $('online').replaceChildren(
          ...names.map((name) => {
            const li = document.createElement('li');
            const tabs = state[name].metas.length;
            li.dataset.key = name;
            li.textContent = tabs > 1 ? name + ' (' + tabs + ' tabs)' : name;
            return li;
          }),
        );
      };
      // Follows a room's presence. The first state is who was there already, not news; after that a
      // name is news when all its metas are new (joined) or it has none left (left).
      const follow = (room) => {
        online?.close();
        online = presence(client, room);
        let first = true;
        online.onChange((state, { joins, leaves }) => {
          if (!first) {
            for (const name of Object.keys(joins)) if (state[name].metas.length === joins[name].metas.length) show(name + ' joined', 'notice');
            for (const name of Object.keys(leaves)) if (!state[name]) show(name + ' left', 'notice');
          }
          first = false;
          render(room, state);
        });
      };
      // A request whose error is shown in the list rather than thrown.
      const ask = (name, data) => client.request(name, data).catch((error) => show(error.message, 'notice'));
      client.onStatus((status) => ($('status').textContent = status === 'open' ? 'connected' : status));
      // A resumed session (back within two minutes) has its room and gets what it missed by itself, right
      // after this. Otherwise the server has forgotten this connection's room. Either way, join again: the
      // server may have restarted since and lost who this page is (its answer to a resumed page changes
      // nothing). The fresh presence_state is merged in, and what changed meanwhile shows as joins and leaves.
      client.onReconnect(({ recovered }) => {
        show(recovered ? 'back: nothing missed' : 'back: messages sent meanwhile are lost', 'notice');
        if (joined) ask('join', joined);
      });
      client.on('said', ({ name, text }) => show(name + ': ' + text));
      $('joinForm').onsubmit = async (e) => {
        e.preventDefault();
        $('messages').textContent = '';
        const request = { name: $('name').value, room: $('room').value };
        follow(request.room); // before asking: the room's presence_state comes right after the answer
        const answer = await ask('join', request);
        if (!answer) return;
        joined = request;
        for (const { name, text } of answer.recent) show(name + ': ' + text, 'earlier');
      };
      $('sayForm').onsubmit = (e) => {
        e.preventDefault();
        const text = $('messageText').value;
        if (!text) return;
        ask('say', text);
        show(text, 'mine');
        $('messageText').value = '';
      };
    </script>
  </body>
</html>
`;
