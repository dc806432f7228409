/**
 * The identity bar above GraphiQL: who the active tab acts as (partner and purpose, read from the
 * tab's own Authorization and Lotse-Purpose headers, so what is shown is what is sent), and in
 * development a chooser that asks the server for a token and puts it into the active tab only.
 * Every tab button carries its partner too. Runs in the browser inside INIT_SCRIPT (ES5, no
 * interpolation); `cfg`, `header` and `tabState` come from there.
 */
export const IDENTITY_BAR_SCRIPT = String.raw`
  var bar = document.getElementById('lotse-bar');
  var shown = bar.querySelector('.lotse-identity');
  var chooser = bar.querySelector('.lotse-chooser');
  var partnerSelect = bar.querySelector('select[name=partner]');
  var purposeSelect = bar.querySelector('select[name=purpose]');
  var useButton = bar.querySelector('button[name=use]');
  var status = bar.querySelector('.lotse-status');
  function partnerInfo(slug) { return cfg.partners.filter(function (p) { return p.slug === slug; })[0]; }
  function parseHeaders(text) {
    if (!text || !text.trim()) return {};
    try { var h = JSON.parse(text); return h && typeof h === 'object' ? h : null; } catch (e) { return null; }
  }
  // Partner and purpose of a tab, from its headers: the token's partner claim, the purpose header.
  function identityOf(text) {
    var h = parseHeaders(text);
    if (!h) return { problem: 'headers are not valid JSON' };
    var auth = header(h, 'authorization');
    if (!auth) return { none: true };
    var m = /^Bearer\s+[^.\s]+\.([^.\s]+)\./i.exec(String(auth));
    var claims = null;
    try { claims = m && JSON.parse(atob(m[1].replace(/-/g, '+').replace(/_/g, '/'))); } catch (e) { claims = null; }
    var partner = claims && claims.partner;
    if (!partner) return { problem: 'a token that is not a development token' };
    var info = partnerInfo(partner);
    var purpose = header(h, 'lotse-purpose');
    var defaulted = !purpose && info ? info.purposes[0] : undefined;
    var expired = claims.exp && claims.exp * 1000 < Date.now();
    return { partner: partner, name: info && info.name, purpose: purpose || defaulted, defaulted: !!defaulted, expired: expired };
  }
  function headerEditor() {
    var editors = document.querySelectorAll('.graphiql-editor-tool .graphiql-editor');
    var el = editors.length ? editors[editors.length - 1].querySelector('.CodeMirror') : null;
    return el && el.CodeMirror;
  }
  function text(el, value) { if (el.textContent !== value) el.textContent = value; }
  function label(id) { return id.partner ? id.partner + ' · ' + (id.purpose || 'no purpose') : id.none ? 'no partner' : '?'; }
  var lastShown = null;
  function render() {
    var editor = headerEditor();
    if (!editor) return;
    var id = identityOf(editor.getValue());
    // The chooser starts from the active tab's own partner and purpose whenever those change.
    var key = (id.partner || '') + '|' + (id.purpose || '');
    if (key !== lastShown && id.partner && partnerInfo(id.partner)) {
      partnerSelect.value = id.partner;
      fillPurposes();
      if (id.purpose) purposeSelect.value = id.purpose;
    }
    lastShown = key;
    bar.setAttribute('data-partner', id.partner || '');
    bar.setAttribute('data-purpose', id.purpose || '');
    bar.className = id.partner && !id.expired ? 'lotse-acting' : 'lotse-nobody';
    if (id.partner) {
      text(shown, 'This tab acts as ' + id.partner + (id.name ? ' (' + id.name + ')' : '') + ', purpose ' + id.purpose +
        (id.defaulted ? ' (the partner\u2019s default)' : '') + (id.expired ? ' \u2013 token expired, choose again' : ''));
    } else if (id.none) {
      text(shown, 'This tab sends no token: choose a partner and purpose' + (cfg.partners.length ? ' \u2192' : ' in the headers'));
    } else {
      text(shown, 'This tab sends ' + id.problem);
    }
    // Tab buttons: the active one from the live editor, the others from GraphiQL's tab state.
    var tabs = document.querySelectorAll('.graphiql-tab');
    for (var i = 0; i < tabs.length; i++) {
      var active = tabs[i].className.indexOf('graphiql-tab-active') >= 0;
      var state = tabState && tabState.tabs[i];
      var tabId = active ? id : identityOf(state ? state.headers : '');
      if (!active && !state) continue;
      if (tabs[i].getAttribute('data-partner') !== label(tabId)) tabs[i].setAttribute('data-partner', label(tabId));
      var button = tabs[i].querySelector('.graphiql-tab-button');
      if (!button) continue;
      // Under the title: the partner (the purpose is in the tooltip and, for the active tab, in the bar).
      var short = tabId.partner || (tabId.none ? 'no partner' : '?');
      if (button.getAttribute('data-label') !== short) button.setAttribute('data-label', short);
      button.title = (button.textContent || '') + ' \u2013 ' + label(tabId);
    }
  }
  function fillPurposes() {
    var info = partnerInfo(partnerSelect.value);
    purposeSelect.innerHTML = '';
    (info ? info.purposes : []).forEach(function (p) {
      var o = document.createElement('option'); o.value = p; o.textContent = p; purposeSelect.appendChild(o);
    });
  }
  if (cfg.partners.length && cfg.tokenPath) {
    cfg.partners.forEach(function (p) {
      var o = document.createElement('option'); o.value = p.slug; o.textContent = p.slug + ' \u2013 ' + p.name;
      partnerSelect.appendChild(o);
    });
    fillPurposes();
    partnerSelect.addEventListener('change', fillPurposes);
    useButton.addEventListener('click', function () {
      var editor = headerEditor();
      if (!editor) return;
      text(status, '');
      fetch(cfg.tokenPath, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ partner: partnerSelect.value, purpose: purposeSelect.value })
      }).then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
        .then(function (r) {
          if (!r.ok) throw new Error((r.body.error && r.body.error.message) || 'refused');
          var h = parseHeaders(editor.getValue()) || {};
          Object.keys(h).forEach(function (k) { if (/^(authorization|lotse-purpose)$/i.test(k)) delete h[k]; });
          h.Authorization = 'Bearer ' + r.body.token;
          h['Lotse-Purpose'] = r.body.purpose;
          editor.setValue(JSON.stringify(h, null, 2)); // this tab only; GraphiQL stores it with the tab
          render();
        })
        .catch(function (e) { text(status, 'No token: ' + e.message); });
    });
  } else {
    chooser.hidden = true;
  }
  setInterval(render, 250); // tab switches, edits and GraphiQL's own re-renders, without its internals
`;

/** Page layout: the bar on top, GraphiQL below; tab buttons wide enough for their titles. */
export const IDENTITY_BAR_CSS = `html, body { height: 100%; margin: 0; overflow: hidden; }
body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
#lotse-bar { display: flex; align-items: center; gap: 12px; padding: 6px 12px; font-size: 14px; flex: none; }
#lotse-bar.lotse-acting { background: #e6f4ea; color: #0b3d1b; }
#lotse-bar.lotse-nobody { background: #fdecea; color: #5f1412; }
#lotse-bar .lotse-identity { font-weight: 600; flex: 1 1 auto; min-width: 0; }
#lotse-bar select[name=partner] { max-width: 300px; }
#lotse-bar .lotse-chooser { display: flex; gap: 6px; align-items: center; }
#lotse-bar select, #lotse-bar button { font: inherit; }
#lotse-bar label, #lotse-bar button { white-space: nowrap; }
#lotse-bar .lotse-status { color: #b00020; }
#graphiql { flex: 1; min-height: 0; }
/* Tabs wrap onto a second row instead of shrinking their titles to nothing; each shows its partner. */
.graphiql-container .graphiql-session-header { height: auto; min-height: var(--session-header-height); align-items: flex-start; }
.graphiql-tabs { flex-wrap: wrap; overflow: visible; row-gap: 2px; }
.graphiql-tab { flex: none; max-width: none; }
.graphiql-tab .graphiql-tab-button { overflow: visible; text-overflow: clip; white-space: nowrap; line-height: 1.2; }
.graphiql-tab .graphiql-tab-button[data-label]::after { content: attr(data-label); display: block; font-size: 11px; opacity: 0.75; }
`;

/** Static markup of the bar (no inline script or style: the CSP allows neither). */
export const IDENTITY_BAR_HTML = `<div id="lotse-bar" class="lotse-nobody">
<span class="lotse-identity">GraphiQL wird geladen…</span>
<span class="lotse-chooser"><label>Partner <select name="partner"></select></label>
<label>Purpose <select name="purpose"></select></label>
<button type="button" name="use">Act as this partner in this tab</button></span>
<span class="lotse-status" role="status"></span>
</div>`;
