/**
 * The docs page's script, run by the browser: it renders the AsyncAPI document embedded in the page
 * (routes, events, schemas, examples, errors) and drives the live console over a plain WebSocket to
 * the same host. No library and no network besides that socket: the page works offline.
 * Plain ES2017 in a string, without template literals, so it can sit in a TypeScript template.
 */
export const docsScript = String.raw`
(function () {
  'use strict';
  var doc = JSON.parse(document.getElementById('asyncapi').textContent);
  var channels = doc.channels || {};
  var operations = doc.operations || {};

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'class') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }

  function resolve(node) {
    var seen = 0;
    while (node && typeof node.$ref === 'string' && node.$ref.charAt(0) === '#' && seen++ < 20) {
      node = node.$ref.slice(2).split('/').reduce(function (at, key) {
        return at === undefined ? undefined : at[key.replace(/~1/g, '/').replace(/~0/g, '~')];
      }, doc);
    }
    return node || {};
  }

  function typeText(s) {
    s = resolve(s);
    if (s.const !== undefined) return JSON.stringify(s.const);
    if (s.enum) return s.enum.map(function (v) { return JSON.stringify(v); }).join(' | ');
    if (s.anyOf || s.oneOf) return (s.anyOf || s.oneOf).map(typeText).join(' | ');
    if (s.type === 'array') return 'array of ' + typeText(s.items || {});
    if (Array.isArray(s.type)) return s.type.join(' | ');
    if (s.type) return s.type + (s.format ? ' (' + s.format + ')' : '');
    if (s.properties) return 'object';
    return 'any JSON';
  }

  var CONSTRAINTS = ['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'pattern', 'format', 'default'];

  function constraints(s) {
    return CONSTRAINTS.filter(function (k) { return s[k] !== undefined && !(k === 'format' && s.type === 'string'); })
      .map(function (k) { return k + ': ' + (typeof s[k] === 'string' ? s[k] : JSON.stringify(s[k])); }).join(', ');
  }

  /** A schema as a table of its fields, nested objects indented; a scalar schema as one line. */
  function schemaView(schema) {
    var s = resolve(schema);
    var rows = [];
    function walk(name, node, required, depth) {
      node = resolve(node);
      var item = node.type === 'array' ? resolve(node.items || {}) : null;
      rows.push(el('tr', {}, [
        el('td', { class: 'field', style: 'padding-left:' + (0.5 + depth * 1.2) + 'em' }, [el('code', { text: name }), required ? el('span', { class: 'req', text: ' required' }) : null]),
        el('td', {}, [el('code', { class: 'type', text: typeText(node) })]),
        el('td', { class: 'constraints', text: [node.description || '', constraints(node)].filter(Boolean).join(' · ') })
      ]));
      var inner = node.properties ? node : item && item.properties ? item : null;
      if (inner && depth < 6) {
        var req = inner.required || [];
        Object.keys(inner.properties).forEach(function (k) { walk(k + (inner === item ? '[]' : ''), inner.properties[k], req.indexOf(k) >= 0, depth + 1); });
      }
    }
    if (!s.properties) return el('p', { class: 'scalar' }, [el('code', { class: 'type', text: typeText(s) }), ' ' + constraints(s)]);
    var req = s.required || [];
    Object.keys(s.properties).forEach(function (k) { walk(k, s.properties[k], req.indexOf(k) >= 0, 0); });
    return el('table', { class: 'schema' }, [el('thead', {}, [el('tr', {}, [el('th', { text: 'field' }), el('th', { text: 'type' }), el('th', { text: 'rules' })])]), el('tbody', {}, rows)]);
  }

  /** A value that fits a schema, for the console when the schema has no example. */
  function sample(schema, depth) {
    var s = resolve(schema);
    if (s.examples && s.examples.length) return s.examples[0];
    if (s.const !== undefined) return s.const;
    if (s.default !== undefined) return s.default;
    if (s.enum) return s.enum[0];
    if (s.anyOf || s.oneOf) return sample((s.anyOf || s.oneOf)[0], depth);
    var type = Array.isArray(s.type) ? s.type[0] : s.type;
    if (type === 'string') return s.minLength > 5 ? new Array(s.minLength + 1).join('x') : 'hello';
    if (type === 'number' || type === 'integer') return s.minimum !== undefined ? s.minimum : 0;
    if (type === 'boolean') return false;
    if (type === 'null') return null;
    if (type === 'array') return depth > 4 ? [] : [sample(s.items || {}, depth + 1)];
    if (type === 'object' || s.properties) {
      var out = {};
      Object.keys(s.properties || {}).forEach(function (k) { if (depth < 5) out[k] = sample(s.properties[k], depth + 1); });
      return out;
    }
    return {};
  }

  function exampleFrame(message) {
    var m = resolve(message);
    if (m.examples && m.examples.length && m.examples[0].payload !== undefined) return m.examples[0].payload;
    return sample(m.payload || {}, 0);
  }

  function pre(value) {
    return el('pre', { class: 'json', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) });
  }

  function addressView(address) {
    return el('code', { class: 'address' }, address.split(/(\{[^}]+\})/).map(function (part) {
      return /^\{/.test(part) ? el('span', { class: 'param', text: part }) : part;
    }));
  }

  // ── The reference: one section per route ─────────────────────────────────────────────────────
  var nav = document.getElementById('nav');
  var main = document.getElementById('routes');
  Object.keys(channels).forEach(function (id) {
    var ch = channels[id];
    var ops = Object.keys(operations).filter(function (k) { return operations[k].channel.$ref === '#/channels/' + id; }).map(function (k) { return operations[k]; });
    nav.appendChild(el('a', { href: '#route-' + id }, [el('span', { class: 'nav-title', text: ch.title || id }), el('code', { text: ch.address })]));
    var section = el('section', { class: 'route', id: 'route-' + id }, [
      el('h2', {}, [addressView(ch.address), el('span', { class: 'route-name', text: ch.title || id })]),
      ch.summary ? el('p', { class: 'muted', text: ch.summary }) : null
    ]);
    var params = Object.keys(ch.parameters || {});
    var ws = ch.bindings && ch.bindings.ws;
    if (params.length || ws) {
      var list = el('ul', { class: 'inputs' });
      params.forEach(function (p) { list.appendChild(el('li', {}, [el('code', { text: p }), ' path parameter'])); });
      if (ws && ws.query) Object.keys(ws.query.properties).forEach(function (q) { list.appendChild(el('li', {}, [el('code', { text: '?' + q }), ' query parameter'])); });
      if (ws && ws.headers) Object.keys(ws.headers.properties).forEach(function (h) { list.appendChild(el('li', {}, [el('code', { text: h }), ' header'])); });
      section.appendChild(list);
    }
    ops.forEach(function (op) {
      var receives = op.action === 'receive';
      var box = el('div', { class: 'op ' + op.action }, [
        el('h3', {}, [el('span', { class: 'badge ' + op.action, text: receives ? 'client → server' : 'server → client' }), el('span', { text: op.title })]),
        el('p', { class: 'muted', text: op.summary || '' })
      ]);
      op.messages.forEach(function (ref) {
        var m = resolve(ref);
        if (m.name === 'error' && !receives) return;
        if (!receives) box.appendChild(el('h4', { text: m.title || m.name }));
        var payload = resolve(m.payload || {});
        var data = payload.properties && payload.properties.data;
        box.appendChild(data ? schemaView(data) : schemaView(payload));
        box.appendChild(el('details', {}, [el('summary', { text: 'frame example' }), pre(exampleFrame(m))]));
      });
      if (op.reply) {
        op.reply.messages.forEach(function (ref) {
          var m = resolve(ref);
          if (m.name === 'error') return;
          var payload = resolve(m.payload || {});
          box.appendChild(el('h4', { text: 'Reply' }));
          box.appendChild(schemaView(payload.properties.data));
          box.appendChild(el('p', { class: 'muted', text: 'Sent as {"event":…,"id":…,"data":…} with the id of the request; an error frame instead when it fails.' }));
        });
      }
      section.appendChild(box);
    });
    main.appendChild(section);
  });

  var errors = (doc.components && doc.components.messages && doc.components.messages.error) || null;
  if (errors) {
    var codes = errors['x-error-codes'] || {};
    document.getElementById('errors').appendChild(el('div', {}, [
      el('p', { text: errors.summary || '' }),
      pre(errors.examples[0].payload),
      el('table', { class: 'codes' }, [el('tbody', {}, Object.keys(codes).map(function (c) {
        return el('tr', {}, [el('td', {}, [el('code', { text: c })]), el('td', { text: codes[c] })]);
      }).concat([el('tr', {}, [el('td', { text: 'your codes' }), el('td', { text: 'what a handler throws with new WsError(code, message)' })])]))])
    ]));
  }

  // ── The live console ──────────────────────────────────────────────────────────────────────────
  var routeSelect = document.getElementById('console-route');
  var paramsBox = document.getElementById('console-params');
  var queryInput = document.getElementById('console-query');
  var connectButton = document.getElementById('console-connect');
  var statusView = document.getElementById('console-status');
  var messageSelect = document.getElementById('console-message');
  var frameInput = document.getElementById('console-frame');
  var sendButton = document.getElementById('console-send');
  var log = document.getElementById('console-log');
  var socket = null;
  var nextId = 1;

  Object.keys(channels).forEach(function (id) { routeSelect.appendChild(el('option', { value: id, text: channels[id].address })); });

  function setStatus(state, text) {
    statusView.dataset.state = state;
    statusView.textContent = text;
    connectButton.textContent = state === 'open' || state === 'connecting' ? 'Disconnect' : 'Connect';
    sendButton.disabled = state !== 'open';
  }

  function receivesOf(id) {
    return Object.keys(operations).map(function (k) { return operations[k]; }).filter(function (op) {
      return op.action === 'receive' && op.channel.$ref === '#/channels/' + id;
    });
  }

  function chooseRoute() {
    var id = routeSelect.value;
    var ch = channels[id];
    paramsBox.innerHTML = '';
    Object.keys(ch.parameters || {}).forEach(function (p) {
      paramsBox.appendChild(el('label', {}, [p, el('input', { 'data-param': p, value: p === 'room' ? 'lobby' : '1' })]));
    });
    var ws = ch.bindings && ch.bindings.ws;
    queryInput.placeholder = ws && ws.query ? Object.keys(ws.query.properties).map(function (q) { return q + '=…'; }).join('&') : 'name=value&…';
    messageSelect.innerHTML = '';
    receivesOf(id).forEach(function (op) {
      messageSelect.appendChild(el('option', { value: op.messages[0].$ref, text: op.title }));
    });
    chooseMessage();
  }

  function chooseMessage() {
    var ref = messageSelect.value;
    if (!ref) { frameInput.value = ''; return; }
    var m = resolve({ $ref: ref });
    var frame = exampleFrame(m);
    if (frame && typeof frame === 'object' && 'event' in frame) { frame = Object.assign({}, frame); frame.id = nextId; }
    frameInput.value = typeof frame === 'string' ? frame : JSON.stringify(frame, null, 2);
  }

  function url() {
    var address = channels[routeSelect.value].address.replace(/\{([^}]+)\}/g, function (_, name) {
      var input = paramsBox.querySelector('[data-param="' + name + '"]');
      return encodeURIComponent(input ? input.value : '');
    });
    var query = queryInput.value.replace(/^\?/, '');
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + address + (query ? '?' + query : '');
  }

  function write(direction, text, note) {
    var time = new Date().toLocaleTimeString();
    var row = el('li', { class: direction }, [el('span', { class: 'time', text: time }), el('span', { class: 'dir', text: direction === 'in' ? '←' : direction === 'out' ? '→' : '•' }), el('code', { text: text }), note ? el('span', { class: 'note', text: note }) : null]);
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
  }

  function noteOf(text) {
    try {
      var frame = JSON.parse(text);
      if (frame && frame.error) return 'error ' + frame.error.code + (frame.id !== undefined ? ' · request #' + frame.id : '');
      if (frame && frame.id !== undefined) return 'reply to request #' + frame.id;
      if (frame && frame.event) return 'push';
    } catch (e) { /* not JSON */ }
    return '';
  }

  connectButton.addEventListener('click', function () {
    if (socket) { socket.close(1000); return; }
    var target = url();
    write('info', 'connecting to ' + target);
    setStatus('connecting', 'connecting…');
    socket = new WebSocket(target);
    socket.binaryType = 'arraybuffer';
    socket.onopen = function () { setStatus('open', 'open'); write('info', 'open'); };
    socket.onmessage = function (e) {
      var text = typeof e.data === 'string' ? e.data : '<binary, ' + e.data.byteLength + ' bytes>';
      write('in', text, noteOf(text));
    };
    socket.onclose = function (e) {
      write('info', 'closed ' + e.code + (e.reason ? ' ' + e.reason : ''));
      setStatus('closed', 'closed (' + e.code + ')');
      socket = null;
    };
  });

  sendButton.addEventListener('click', function () {
    if (!socket) return;
    var text = frameInput.value;
    try {
      var frame = JSON.parse(text);
      if (frame && typeof frame === 'object' && 'event' in frame) {
        if (frame.id === undefined || frame.id === nextId) frame.id = nextId;
        nextId = frame.id + 1;
        text = JSON.stringify(frame);
      }
    } catch (e) { /* sent as text */ }
    socket.send(text);
    write('out', text);
    chooseMessage();
  });

  routeSelect.addEventListener('change', chooseRoute);
  messageSelect.addEventListener('change', chooseMessage);
  if (routeSelect.options.length) chooseRoute();
  setStatus('closed', 'not connected');
})();
`;
