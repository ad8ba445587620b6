/**
 * The HTML of `app.docs(path)`: the AsyncAPI document rendered for people (routes, events and their
 * schemas with examples, replies, errors) beside a live console. One self-contained page: the document
 * is embedded and the styles and script (docs-ui/page.ts, bundled) are inline, so it needs no CDN and
 * works offline.
 */
import type { AsyncApiDocument } from './asyncapi';

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON inside <script>: `<` escaped, so no `</script>` or `<!--` in the data can end the element. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const styles = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2430;background:#f6f7f9}
code,pre,textarea,input{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
header{padding:18px 28px;background:#1f2430;color:#fff;display:flex;align-items:baseline;gap:14px;flex-wrap:wrap}
header h1{margin:0;font-size:22px}header .version{opacity:.7}header a{color:#9cc4ff;margin-left:auto}
header p{flex-basis:100%;margin:4px 0 0;opacity:.85}
.layout{display:grid;grid-template-columns:220px minmax(0,1fr) 420px;gap:0;min-height:calc(100vh - 70px)}
nav{padding:18px 14px;border-right:1px solid #e2e5ea;background:#fff}
nav a{display:block;padding:7px 9px;border-radius:6px;color:inherit;text-decoration:none}nav a:hover{background:#eef2f8}
nav .nav-title{display:block;font-weight:600}nav code{font-size:12px;color:#5a6270}
main{padding:18px 28px;overflow:auto}
section.route{background:#fff;border:1px solid #e2e5ea;border-radius:10px;padding:16px 20px;margin-bottom:18px}
section.route h2{margin:0 0 4px;font-size:18px;display:flex;gap:12px;align-items:baseline}
.address{font-size:16px;font-weight:600}.param{color:#b3261e}.route-name{font-size:14px;color:#5a6270;font-weight:400}
.muted{color:#5a6270;margin:4px 0 8px}.inputs{margin:6px 0 10px;padding-left:18px}
.op{border-top:1px solid #eef0f3;padding-top:10px;margin-top:10px}.op h3{margin:0;font-size:15px;display:flex;gap:8px;align-items:center}
.op h4{margin:10px 0 4px;font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#5a6270}
.badge{font-size:11px;padding:2px 7px;border-radius:10px;font-weight:600}.badge.receive{background:#e3efff;color:#1a4d8f}.badge.send{background:#e6f5ea;color:#1e6b34}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{font-size:12px;color:#5a6270;font-weight:600}.req{color:#b3261e;font-size:11px}.type{color:#6f42c1}.constraints{color:#5a6270;font-size:13px}
pre.json{background:#f3f5f8;border-radius:6px;padding:8px 10px;overflow:auto;margin:4px 0}
details summary{cursor:pointer;color:#1a4d8f;font-size:13px}
aside{border-left:1px solid #e2e5ea;background:#fff;padding:18px;position:sticky;top:0;align-self:start;height:100vh;display:flex;flex-direction:column;gap:8px}
aside h2{margin:0;font-size:16px}aside label{display:flex;flex-direction:column;font-size:12px;color:#5a6270;gap:2px}
aside input,aside select,aside textarea{padding:6px 8px;border:1px solid #cfd5de;border-radius:6px;font-size:13px;width:100%}
aside textarea{min-height:110px;resize:vertical}
.row{display:flex;gap:8px;align-items:center}
button{padding:7px 14px;border:0;border-radius:6px;background:#1a4d8f;color:#fff;font-weight:600;cursor:pointer}button:disabled{background:#9aa6b8;cursor:default}
#console-status{font-size:13px}#console-status[data-state=open]{color:#1e6b34}#console-status[data-state=closed]{color:#5a6270}
#console-log{list-style:none;margin:0;padding:0;flex:1;overflow:auto;border:1px solid #e2e5ea;border-radius:6px;min-height:120px}
#console-log li{padding:4px 8px;border-bottom:1px solid #f0f2f5;display:flex;gap:6px;flex-wrap:wrap;font-size:13px}
#console-log li.in{background:#f4faf6}#console-log li.out{background:#f4f8ff}#console-log li.info{color:#5a6270}
#console-log .time{color:#8a93a3;font-size:11px}#console-log code{word-break:break-all}#console-log .note{color:#1a4d8f;font-size:11px;margin-left:auto}
@media (max-width:1100px){.layout{grid-template-columns:1fr}nav{display:none}aside{position:static;height:auto;border-left:0;border-top:1px solid #e2e5ea}}
`;

/**
 * The page for `document`; `jsonPath` is where the app serves the document as JSON, `script` the page's
 * bundled script: an ES module, so its top-level names stay its own. In that code `</script` can only be
 * inside a string or a regular expression, where `<\/script` means the same.
 */
export function docsPage(document: AsyncApiDocument, jsonPath: string, script: string): string {
  const info = document.info as { title: string; version: string; description?: string };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${escapeHtml(info.title)} · API</title>
<style>${styles}</style>
</head>
<body>
<header>
<h1>${escapeHtml(info.title)}</h1><span class="version">${escapeHtml(info.version)} · AsyncAPI ${escapeHtml(String(document.asyncapi))}</span>
<a href="${escapeHtml(jsonPath)}">asyncapi.json</a>
${info.description === undefined ? '' : `<p>${escapeHtml(info.description)}</p>`}
</header>
<div class="layout">
<nav id="nav" aria-label="Routes"></nav>
<main>
<div id="routes"></div>
<section class="route" id="errors-section"><h2>Errors</h2><div id="errors"></div></section>
</main>
<aside aria-label="Live console">
<h2>Live console</h2>
<label>Route<select id="console-route"></select></label>
<div id="console-params"></div>
<label>Query string<input id="console-query" /></label>
<div class="row"><button id="console-connect" type="button">Connect</button><span id="console-status"></span></div>
<label>Message<select id="console-message"></select></label>
<label>Frame<textarea id="console-frame" spellcheck="false"></textarea></label>
<div class="row"><button id="console-send" type="button" disabled>Send</button></div>
<ul id="console-log" aria-live="polite"></ul>
</aside>
</div>
<script type="application/json" id="asyncapi">${scriptJson(document)}</script>
<script type="module">${script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}
