/**
 * The HTML of `app.admin(path)`: the layout and its styles. It holds no data, so it is served without a
 * token; its script (admin-ui/page.ts, served at `path/admin.js`) asks for the token once, keeps it in the
 * tab's session storage, and fills the page from `path/stats.json` every 2 seconds. Nothing from a CDN.
 * Stable ids for tests and scripts: #login, #token, #sign-in, #total-connections, #nodes, #rooms,
 * #chart-received, #chart-delivered, #chart-errors, #conn-id, #inspect, #detail, #disconnect, #push.
 */

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const styles = `
*{box-sizing:border-box}
:root{--bg:#0f1419;--panel:#171d24;--line:#26303b;--text:#e6edf3;--muted:#8b98a5;--accent:#4aa3ff;--green:#3fb950;--amber:#d29922;--red:#f85149}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--text);background:var(--bg)}
code,input,textarea,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
header{display:flex;align-items:center;gap:16px;padding:12px 22px;border-bottom:1px solid var(--line);background:var(--panel)}
header h1{margin:0;font-size:17px;font-weight:600}header .muted{font-size:12.5px}
header .right{margin-left:auto;display:flex;gap:12px;align-items:center}
.pill{font-size:11.5px;padding:2px 8px;border-radius:10px;border:1px solid var(--line);color:var(--muted)}
.pill.live{color:var(--green);border-color:#23532d}.pill.stale{color:var(--amber);border-color:#5a4613}.pill.ro{color:var(--amber)}
main{padding:18px 22px;display:grid;gap:16px;grid-template-columns:repeat(12,minmax(0,1fr))}
section{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:14px 16px;min-width:0}
section h2{margin:0 0 10px;font-size:12px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.06em;display:flex;gap:8px}
section h2 .count{margin-left:auto;text-transform:none;letter-spacing:0}
.tiles{grid-column:span 12;display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:16px;background:none;border:0;padding:0}
.tile{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.tile .label{font-size:12px;color:var(--muted)}.tile .value{font-size:26px;font-weight:600;font-variant-numeric:tabular-nums;margin-top:2px}
.tile .sub{font-size:12px;color:var(--muted)}
.chart{grid-column:span 4}.chart svg{display:block;width:100%;height:150px}
.chart .now{float:right;font-size:18px;font-weight:600;color:var(--text);text-transform:none;letter-spacing:0}
.nodes{grid-column:span 7}.rooms{grid-column:span 5}.inspect{grid-column:span 7}.side{grid-column:span 5;display:flex;flex-direction:column;gap:16px;background:none;border:0;padding:0}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);white-space:nowrap}th{font-size:11.5px;color:var(--muted);font-weight:500}
td.num,th.num{text-align:right}tr:last-child td{border-bottom:0}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:6px;background:var(--green)}.gone .dot{background:var(--red)}
tr.gone td{color:var(--muted)}tr.gone .status{color:var(--red)}
.bar{position:relative}.bar i{position:absolute;left:0;top:4px;bottom:4px;background:rgba(74,163,255,.16);border-radius:3px}.bar span{position:relative}
.empty{color:var(--muted);font-style:italic;padding:8px 0}
form,.row{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
input,select,textarea{background:#0c1116;color:var(--text);border:1px solid var(--line);border-radius:6px;padding:6px 9px}
input:focus,textarea:focus{outline:1px solid var(--accent)}
button{background:var(--accent);color:#041222;border:0;border-radius:6px;padding:6px 13px;font-weight:600;cursor:pointer}
button.danger{background:var(--red);color:#fff}button.ghost{background:none;color:var(--muted);border:1px solid var(--line)}
dl{display:grid;grid-template-columns:140px 1fr;gap:5px 12px;margin:12px 0}dt{color:var(--muted)}dd{margin:0;word-break:break-all}
pre{background:#0c1116;border:1px solid var(--line);border-radius:6px;padding:8px;margin:0;overflow:auto;max-height:180px}
.actions{border-top:1px solid var(--line);margin-top:12px;padding-top:12px;display:flex;flex-direction:column;gap:8px}
.note{font-size:12.5px;color:var(--muted)}.error{color:var(--red)}.ok{color:var(--green)}
ul.log{list-style:none;margin:0;padding:0;font-size:12.5px}ul.log li{padding:4px 0;border-bottom:1px solid var(--line)}ul.log time{color:var(--muted);margin-right:8px}
#login{position:fixed;inset:0;background:rgba(6,9,12,.82);display:flex;align-items:center;justify-content:center}
#login[hidden]{display:none}
#login form{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:24px;width:380px;flex-direction:column;align-items:stretch}
#login h2{margin:0 0 4px;font-size:16px;color:var(--text);text-transform:none;letter-spacing:0}
@media (max-width:1100px){.chart,.nodes,.rooms,.inspect,.side{grid-column:span 12}.tiles{grid-template-columns:repeat(3,minmax(0,1fr))}}
`;

/** The page of the admin routes under `base`; `readonly` hides the actions. */
export function adminPage(base: string, readonly: boolean): string {
  const b = escapeHtml(base);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>switchboard · admin</title>
<style>${styles}</style>
</head>
<body data-base="${b}" data-readonly="${String(readonly)}">
<header>
<h1>switchboard</h1><span class="muted" id="where">connecting…</span>
<div class="right">${readonly ? '<span class="pill ro">readonly</span>' : ''}<span class="pill" id="freshness">—</span><span class="muted" id="operator"></span><button class="ghost" id="sign-out" type="button">Sign out</button></div>
</header>
<main>
<div class="tiles">
<div class="tile"><div class="label">Connections</div><div class="value" id="total-connections">—</div><div class="sub" id="nodes-alive">—</div></div>
<div class="tile"><div class="label">Received / s</div><div class="value" id="rate-received">—</div><div class="sub" id="total-received">—</div></div>
<div class="tile"><div class="label">Delivered / s</div><div class="value" id="rate-delivered">—</div><div class="sub" id="total-delivered">—</div></div>
<div class="tile"><div class="label">Errors / s</div><div class="value" id="rate-errors">—</div><div class="sub" id="total-errors">—</div></div>
<div class="tile"><div class="label">Dropped / s</div><div class="value" id="rate-dropped">—</div><div class="sub" id="total-dropped">—</div></div>
<div class="tile"><div class="label">Presence</div><div class="value" id="presence-entries">—</div><div class="sub" id="presence-rooms">—</div></div>
</div>
<section class="chart"><h2>Received / s <span class="count" id="span-received">last 15 min</span></h2><svg id="chart-received" role="img" aria-label="Frames received per second"></svg></section>
<section class="chart"><h2>Delivered / s <span class="count" id="span-delivered">last 15 min</span></h2><svg id="chart-delivered" role="img" aria-label="Frames delivered per second"></svg></section>
<section class="chart"><h2>Errors and drops / s <span class="count" id="span-errors">last 15 min</span></h2><svg id="chart-errors" role="img" aria-label="Errors and drops per second"></svg></section>
<section class="nodes"><h2>Nodes <span class="count" id="nodes-count"></span></h2><table><thead><tr><th>Node</th><th>Status</th><th class="num">Uptime</th><th class="num">Connections</th><th class="num">CPU</th><th class="num">Memory</th><th class="num">Rooms</th><th class="num">Last report</th></tr></thead><tbody id="nodes"></tbody></table></section>
<section class="rooms"><h2>Largest rooms <span class="count" id="rooms-count"></span></h2><table><thead><tr><th>Room</th><th class="num">Members</th></tr></thead><tbody id="rooms"></tbody></table></section>
<section class="inspect"><h2>Connection</h2>
<form id="inspect-form"><input id="conn-id" placeholder="connection id, e.g. 3f9a1c0b22de-1k" size="34" spellcheck="false" required /><button id="inspect" type="submit">Inspect</button></form>
<div id="detail"><p class="note">Paste a connection id (ws.id, as your app logs it) to see its route, rooms, state and traffic. Nothing lists every connection: that would not scale.</p></div>
</section>
<div class="side">
<section id="push-room"${readonly ? ' hidden' : ''}><h2>Push to a room</h2>
<form id="push-room-form"><input id="push-room-name" placeholder="room" size="14" required /><input id="push-room-event" placeholder="event (optional)" size="14" /><input id="push-room-data" placeholder='data, e.g. {"text":"hi"}' size="22" required /><button type="submit">Push</button></form><div class="note" id="push-room-result"></div></section>
<section><h2>Recent actions</h2><ul class="log" id="actions"></ul></section>
</div>
</main>
<div id="login" hidden><form id="login-form"><h2>switchboard admin</h2><p class="note">Enter the admin token. It is kept in this tab only (session storage).</p><input id="token" type="password" autocomplete="off" placeholder="token" required /><button id="sign-in" type="submit">Sign in</button><div class="error" id="login-error"></div></form></div>
<script type="module" src="${b}/admin.js"></script>
</body>
</html>
`;
}
