// The facts of the page a browser scenario is on, gathered for the judge (src/probe/judge.rs),
// and the element a step acts on, found and marked. One argument, JSON:
//   { op: "facts", need: { text, source, body, css, html, field, refusal } }
//   { op: "find", kind: "button" | "link" | "field", name, mark }
// It judges nothing: it says what a user would see, and Rust decides.
var q = arguments[0];

function norm(s) { return String(s == null ? '' : s).replace(/\s+/g, ' ').trim().toLowerCase(); }
function all(css) { return Array.prototype.slice.call(document.querySelectorAll(css)); }
function labels(e) { return Array.prototype.slice.call(e.labels || []).map(function (l) { return norm(l.innerText); }); }
function pick(els, texts, n) {
  var w = norm(n);
  return els.find(function (e) { return texts(e).some(function (t) { return norm(t) === w; }); })
    || els.find(function (e) { return texts(e).some(function (t) { return w !== '' && norm(t).indexOf(w) >= 0; }); });
}
function fields() {
  return all('input, select, textarea').filter(function (e) { return !/^(submit|button|image|reset|hidden)$/i.test(e.type); });
}
// Fields, buttons and links as a scenario over HTTP names them: id, name, label, placeholder,
// text, value, title, alt; exact, then partial.
function field(n) {
  var els = fields();
  return els.find(function (e) { return e.id === n || e.name === n || norm(e.placeholder) === norm(n) || labels(e).indexOf(norm(n)) >= 0; })
    || els.find(function (e) { return labels(e).some(function (l) { return norm(n) !== '' && l.indexOf(norm(n)) >= 0; }); });
}
function button(n) {
  return pick(all('button, input[type=submit], input[type=button], input[type=image], input[type=reset]'),
    function (e) { return [e.id, e.name, e.value, e.title, e.alt, e.innerText]; }, n);
}
function link(n) {
  return pick(all('a[href]'), function (e) {
    return [e.innerText, e.id, e.title].concat(Array.prototype.slice.call(e.querySelectorAll('img[alt]')).map(function (i) { return i.alt; }));
  }, n);
}
function knownFields() {
  var names = all('input[name], input[id], select, textarea').filter(function (e) {
    return !/^(hidden|submit|button|image|reset)$/i.test(e.getAttribute('type') || '');
  }).map(function (e) { return e.getAttribute('name') || e.id; }).filter(function (n, i, a) { return n && a.indexOf(n) === i; });
  return names.length ? 'fields on the page: ' + names.join(', ') : 'the page has no form fields';
}
function knownLinks() {
  var texts = all('a[href]').map(function (e) { return norm(e.innerText) ? e.innerText.replace(/\s+/g, ' ').trim() : ''; })
    .filter(function (t) { return t; }).slice(0, 20).map(function (t) { return '"' + t + '"'; });
  return texts.length ? 'links on the page: ' + texts.join(', ') : 'the page has no links';
}

// What a user sees. A colour draws nothing when its alpha is 0 (`transparent`, rgba(…, 0),
// hsla(…, 0), #0000); text drawn in its background's colour is not seen either.
function alphaZero(c) { return /^transparent$/i.test(c) || /^rgba\([^,]*,[^,]*,[^,]*,\s*0(\.0+)?\s*\)$/.test(c) || /\/\s*0(\.0+)?%?\s*\)$/.test(c); }
function background(el) {
  for (var a = el; a && a.nodeType === 1; a = a.parentElement || (a.getRootNode && a.getRootNode().host)) {
    var st = getComputedStyle(a);
    if (st.backgroundImage !== 'none') return null;
    if (!alphaZero(st.backgroundColor)) return st.backgroundColor;
  }
  return 'rgb(255, 255, 255)';
}
function inked(p) {
  var st = getComputedStyle(p);
  if (parseFloat(st.fontSize) === 0) return false;
  var fill = st.webkitTextFillColor || st.color;
  if (alphaZero(fill)) return false;
  if (st.textShadow !== 'none') return true;
  var bg = background(p);
  return bg === null || bg !== fill;
}
// Boxes that cut what is drawn inside them: overflow other than visible, and `clip`.
function clippedAway(p, x) {
  var l = x.left, t = x.top, r = x.right, b = x.bottom;
  for (var a = p; a && a !== p.ownerDocument.documentElement; a = a.parentElement) {
    var st = getComputedStyle(a);
    var cut = st.overflowX !== 'visible' || st.overflowY !== 'visible';
    var clip = st.clip && st.clip !== 'auto' && /^(absolute|fixed)$/.test(st.position);
    if (/inset\(\s*50%/.test(st.clipPath)) return true;
    if (!cut && !clip) continue;
    var box = a.getBoundingClientRect();
    if (clip) {
      var m = /rect\(([-\d.]+)px,?\s*([-\d.]+)px,?\s*([-\d.]+)px,?\s*([-\d.]+)px\)/.exec(st.clip);
      if (m) box = { left: box.left + +m[4], top: box.top + +m[1], right: box.left + +m[2], bottom: box.top + +m[3] };
    }
    l = Math.max(l, box.left); t = Math.max(t, box.top); r = Math.min(r, box.right); b = Math.min(b, box.bottom);
    if (r - l < 2 || b - t < 2) return true;
  }
  return false;
}
// An element above the text that paints over it: an opaque background, an image, a frame.
function paints(el) {
  var st = getComputedStyle(el);
  if (parseFloat(st.opacity) < 1) return false;
  if (/^(IMG|VIDEO|CANVAS|IFRAME|OBJECT|EMBED)$/.test(el.tagName)) return true;
  if (st.backgroundImage !== 'none') return true;
  var m = /^rgba?\(([^)]*)\)$/.exec(st.backgroundColor);
  if (!m) return false;
  var parts = m[1].split(/[\s,\/]+/).filter(function (s) { return s; });
  return parts.length < 4 || parseFloat(parts[3]) >= 1;
}
function covered(p, x) {
  var doc = p.ownerDocument, win = doc.defaultView;
  var cx = (x.left + x.right) / 2, cy = (x.top + x.bottom) / 2;
  if (cx < 0 || cy < 0 || cx >= win.innerWidth || cy >= win.innerHeight) return false;
  for (var a = p; a; a = a.parentElement) { if (getComputedStyle(a).pointerEvents === 'none') return false; }
  var root = p.getRootNode();
  var stack = (root.elementsFromPoint ? root : doc).elementsFromPoint(cx, cy);
  for (var i = 0; i < stack.length; i++) {
    var e = stack[i];
    if (e === p || e.contains(p) || p.contains(e)) return false;
    if (paints(e)) return true;
  }
  return false;
}
function host(n) { var r = n.getRootNode && n.getRootNode(); return r && r.host; }
function shown(n) {
  var p = n.parentElement || host(n);
  if (!p || !p.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
  if (!inked(p)) return false;
  var r = p.ownerDocument.createRange(); r.selectNodeContents(n);
  var win = p.ownerDocument.defaultView;
  return Array.prototype.some.call(r.getClientRects(), function (x) {
    return x.width > 0 && x.height > 0 && x.right + win.scrollX > 0 && x.bottom + win.scrollY > 0
      && !clippedAway(p, x) && !covered(p, x);
  });
}
function block(n) {
  for (var a = n.parentElement || host(n); a; a = a.parentElement || host(a)) {
    if (!/^inline/.test(getComputedStyle(a).display)) return a;
  }
  return null;
}
// The page as drawn: shadow roots in place of their host's children, slots filled, frames a
// script may read (same origin) within their element.
function walk(node, out) {
  if (node.nodeType === 3) {
    if (!node.nodeValue.trim() || !shown(node)) return;
    var b = block(node); if (b !== out.last) { out.text += ' '; out.last = b; }
    out.text += node.nodeValue;
    return;
  }
  if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) return;
  var kids = node.childNodes;
  if (node.nodeType === 1) {
    var tag = node.tagName;
    if (tag === 'BR') { out.text += ' '; return; }
    if (/^(SCRIPT|STYLE|TEMPLATE|NOSCRIPT)$/.test(tag)) return;
    if (tag === 'IFRAME' || tag === 'FRAME') {
      var d = null; try { d = node.contentDocument; } catch (e) { d = null; }
      if (d && d.body && node.checkVisibility({ opacityProperty: true, visibilityProperty: true })) {
        out.text += ' '; out.last = null; walk(d.body, out); out.text += ' ';
      }
      return;
    }
    if (node.shadowRoot) kids = node.shadowRoot.childNodes;
    else if (tag === 'SLOT') {
      var given = node.assignedNodes({ flatten: true });
      if (given.length) kids = given;
    }
  }
  for (var i = 0; i < kids.length; i++) walk(kids[i], out);
}
function seen(root) {
  var out = { text: '', last: null };
  walk(root, out);
  return out.text.replace(/\s+/g, ' ').trim();
}

function kind(e) {
  var tag = e.tagName.toLowerCase();
  if (tag === 'input') return (e.getAttribute('type') || 'text').toLowerCase();
  if (tag === 'button') { var t = (e.getAttribute('type') || '').toLowerCase(); return t === 'button' || t === 'reset' ? t : 'submit'; }
  return tag;
}
function value(e) {
  if (e.tagName === 'SELECT') return Array.prototype.filter.call(e.options, function (o) { return o.selected; }).map(function (o) { return o.value; }).join(', ');
  return e.value;
}
function nav() { return (performance.getEntriesByType('navigation') || [])[0] || {}; }

function facts(need) {
  var n = nav(), body = document.body || document.documentElement;
  var f = {
    url: location.href,
    status: n.responseStatus === undefined || n.responseStatus === 0 ? null : n.responseStatus,
    redirected: n.redirectCount === undefined ? null : n.redirectCount > 0,
    password_field: !!document.querySelector('input[type=password]'),
    secs: n.responseEnd === undefined ? null : (n.responseEnd - n.startTime) / 1000
  };
  if (need.text || need.refusal) f.text = seen(body);
  if (need.source) f.source = document.documentElement.outerHTML;
  if (need.body) {
    var pre = document.contentType !== 'text/html' && document.body && document.body.querySelector('pre');
    f.body = pre ? pre.textContent : (document.body ? document.body.innerText : '');
  }
  if (need.css) {
    try {
      f.elements = all(need.css).map(function (e) { return { text: seen(e), html: need.html ? e.outerHTML : '' }; });
    } catch (e) {
      f.elements_error = '`' + need.css + '` is not a CSS selector: ' + e.message;
    }
  }
  if (need.field !== null && need.field !== undefined) {
    var e = field(need.field);
    f.control = e ? {
      kind: kind(e) + ' field',
      value: value(e),
      checked: e.type === 'checkbox' || e.type === 'radio' ? e.checked : null
    } : null;
    f.known_fields = knownFields();
  }
  if (need.refusal) {
    f.links = all('a[href]').length;
    f.rows = all('tr').filter(function (tr) { return tr.querySelector('td'); }).length;
  }
  return f;
}

// Marks the element a step acts on, and says what of it matters before the action: a disabled
// control does nothing when clicked; a link or form that opens another window is followed in
// this one, as a scenario over HTTP follows it.
function find(q) {
  var e = q.kind === 'button' ? button(q.name) : q.kind === 'link' ? link(q.name) : field(q.name);
  if (!e) return { found: false, url: location.href, known: q.kind === 'link' ? knownLinks() : q.kind === 'field' ? knownFields() : '' };
  e.setAttribute('data-smokegate', q.mark);
  e.removeAttribute('target'); e.removeAttribute('formtarget');
  if (e.form) e.form.removeAttribute('target');
  return {
    found: true,
    url: location.href,
    disabled: e.matches(':disabled'),
    single: e.tagName === 'SELECT' && !e.multiple
  };
}

return q.op === 'find' ? find(q) : facts(q.need);
