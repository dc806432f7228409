/**
 * Self-hosted GraphiQL page.
 *
 * Municipal networks block CDNs and font hosts, so everything the page needs
 * (React, GraphiQL, CSS, init script) is served by us and the CSP forbids any
 * other origin. GraphiQL's CSS ships its fonts as data: URIs, so no font host
 * is needed; we still neutralise any remote url()/@import a future version
 * might add.
 */
import { createHash, randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import path from 'path';
import type { IncomingMessage, ServerResponse } from 'http';
import type { DevPartner, DevTokenIssuer } from './dev-token';
import { DEV_TOKEN_PATH } from './dev-token';
import { IDENTITY_BAR_CSS, IDENTITY_BAR_HTML, IDENTITY_BAR_SCRIPT } from './graphiql.identity';

export interface GraphiqlExample {
  partner: string;
  /** The purpose the example is meant for; sent as Lotse-Purpose. */
  purpose?: string;
  title: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Bearer token for this tab; without one (and without devTokens) the tab sends none. */
  token?: string;
}

export interface GraphiqlOptions {
  endpoint: string; // e.g. '/graphql'
  examples: GraphiqlExample[];
  /**
   * Development only: each example tab gets a fresh token of its own partner per page load (tokens
   * expire), and the page offers the demo partners to switch to (POST /dev/token).
   */
  devTokens?: DevTokenIssuer;
}

export const GRAPHIQL_ASSET_PREFIX = '/graphiql/assets/';
const PAGE_PATHS = new Set(['/', '/graphiql']);
const CONFIG_ELEMENT_ID = 'lotse-graphiql-config'; // also hard-coded in INIT_SCRIPT

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * Runs in the browser, before GraphiQL renders: subscriptions go over the gateway's WebSocket with
 * the tab's Authorization and Lotse-Purpose as connection parameters; everything else over HTTP.
 * The operation is read from the text sent (GraphiQL may still hold a tab's earlier operation name).
 */
const LIVE_FETCHER = String.raw`
  // The operations of a document: keyword and name at the top level (strings, comments, arguments skipped).
  function operations(text) {
    var ops = [], depth = 0, parens = 0, open = false, i = 0;
    while (i < text.length) {
      var c = text.charAt(i);
      if (c === '#') { var nl = text.indexOf('\n', i); i = nl < 0 ? text.length : nl; continue; }
      if (c === '"') {
        var q = text.substr(i, 3) === '"""' ? '"""' : '"', j = i + q.length;
        while (j < text.length && text.substr(j, q.length) !== q) j += text.charAt(j) === '\\' ? 2 : 1;
        i = j + q.length;
        continue;
      }
      if (c === '(') parens++;
      else if (c === ')') parens--;
      else if (c === '{' && parens === 0) { if (depth === 0 && !open) ops.push({ type: 'query', name: null }); open = false; depth++; }
      else if (c === '}' && parens === 0) depth--;
      else if (depth === 0 && parens === 0 && /[_A-Za-z]/.test(c)) {
        var word = /^[_A-Za-z][_0-9A-Za-z]*/.exec(text.slice(i))[0];
        i += word.length;
        if (!open && (word === 'query' || word === 'mutation' || word === 'subscription' || word === 'fragment')) {
          open = true;
          var name = /^\s*([_A-Za-z][_0-9A-Za-z]*)/.exec(text.slice(i));
          if (word !== 'fragment') ops.push({ type: word, name: name ? name[1] : null });
          if (name) i += name[0].length;
        }
        continue;
      }
      i++;
    }
    return ops;
  }
  var http = GraphiQL.createFetcher({ url: cfg.endpoint });
  var sockets = {};
  function header(headers, name) {
    var value;
    Object.keys(headers || {}).forEach(function (k) { if (k.toLowerCase() === name) value = headers[k]; });
    return value;
  }
  function fetcher(params, opts) {
    var ops = operations(params.query || '');
    var op = ops.filter(function (o) { return o.name && o.name === params.operationName; })[0] || (ops.length === 1 ? ops[0] : undefined);
    // After a quick tab switch GraphiQL may still send the previous tab's operation name: send the one in the text.
    if (op && params.operationName !== op.name) params = Object.assign({}, params, { operationName: op.name || undefined });
    if (!window.graphqlWs || !op || op.type !== 'subscription') return http(params, opts);
    var connectionParams = { authorization: header(opts && opts.headers, 'authorization'), 'lotse-purpose': header(opts && opts.headers, 'lotse-purpose') };
    var key = JSON.stringify(connectionParams);
    if (!sockets[key]) {
      var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + cfg.endpoint;
      sockets[key] = window.graphqlWs.createClient({ url: url, connectionParams: connectionParams, retryAttempts: 0 });
    }
    return sockets[key].iterate({ query: params.query, variables: params.variables, operationName: op.name || undefined });
  }
`;

/** Runs in the browser. Static (no interpolation): config arrives via the JSON data block. */
const INIT_SCRIPT = `(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('lotse-graphiql-config').textContent);
  // GraphiQL's dialogs (react-remove-scroll) inject <style> tags and nonce them
  // from this global; the nonce is only readable via the .nonce property.
  var self = document.currentScript;
  if (self && self.nonce) window.__webpack_nonce__ = self.nonce;
  // Never restore tabs from localStorage: they would hide new examples and
  // come back without headers (tokens are not persisted), i.e. without auth.
  var TABS = 'graphiql:tabState';
  var storage = {
    getItem: function (k) { return k === TABS ? null : localStorage.getItem(k); },
    setItem: function (k, v) { if (k !== TABS) localStorage.setItem(k, v); },
    removeItem: function (k) { localStorage.removeItem(k); },
    clear: function () {
      Object.keys(localStorage).forEach(function (k) { if (k.indexOf('graphiql:') === 0) localStorage.removeItem(k); });
    },
    get length() { return Object.keys(localStorage).filter(function (k) { return k.indexOf('graphiql:') === 0; }).length; }
  };
${LIVE_FETCHER}  var tabState = { tabs: cfg.tabs };
${IDENTITY_BAR_SCRIPT}  var h = React.createElement;
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    h(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: cfg.tabs.length ? cfg.tabs : undefined,
      defaultQuery: cfg.defaultQuery,
      // GraphiQL fills the first tab's header editor from this, not from defaultTabs[0].
      headers: cfg.tabs.length ? cfg.tabs[0].headers || '' : undefined,
      // No defaultHeaders: a new tab starts without a token rather than with another tab's.
      defaultEditorToolsVisibility: 'headers',
      onTabChange: function (state) { tabState = state; },
      shouldPersistHeaders: false,
      showPersistHeadersSettings: false,
      storage: storage,
      plugins: [] // built-ins only (docs, history); no plugin that loads remote code
    }, h(GraphiQL.Logo, null, 'Lotse GraphiQL'))
  );
})();
`;

// The packages' "exports" maps hide their UMD files from require.resolve,
// so resolve each package.json (which is exported) and join from there.
function packageFile(pkg: string, rel: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), rel);
}

// Source-map comments would make DevTools request files we do not serve.
function stripSourceMap(text: string): string {
  return text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '').replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '');
}

/** Replace remote url(...) and drop remote @import so the CSS can never leave localhost. */
export function neutralizeRemoteCss(css: string): string {
  const remote = /^\s*['"]?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/i; // any scheme or protocol-relative…
  const allowed = /^\s*['"]?\s*data:/i; // …except inline data: URIs
  return css
    .replace(/@import\s+(?:url\()?\s*['"]?[^;]*;/gi, (m) => {
      const target = m.replace(/^@import\s+(?:url\()?/i, '');
      return remote.test(target) && !allowed.test(target) ? '' : m;
    })
    .replace(/url\(([^)]*)\)/gi, (m, target: string) =>
      remote.test(target) && !allowed.test(target) ? 'url("data:,")' : m,
    );
}

function makeAsset(body: string | Buffer, type: string): Asset {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { body: buf, type, etag: `"${createHash('sha256').update(buf).digest('base64url').slice(0, 22)}"` };
}

let assetCache: Map<string, Asset> | undefined;

/** Reads the allow-listed assets once per process and keeps them in memory. */
function loadAssets(): Map<string, Asset> {
  if (assetCache) return assetCache;
  const read = (pkg: string, rel: string) => stripSourceMap(readFileSync(packageFile(pkg, rel), 'utf8'));
  assetCache = new Map<string, Asset>([
    ['react.production.min.js', makeAsset(read('react', 'umd/react.production.min.js'), JS)],
    ['react-dom.production.min.js', makeAsset(read('react-dom', 'umd/react-dom.production.min.js'), JS)],
    ['graphiql.min.js', makeAsset(read('graphiql', 'graphiql.min.js'), JS)],
    ['graphql-ws.min.js', makeAsset(read('graphql-ws', 'umd/graphql-ws.min.js'), JS)],
    ['graphiql.min.css', makeAsset(neutralizeRemoteCss(read('graphiql', 'graphiql.min.css')), CSS)],
    ['lotse-graphiql.css', makeAsset(IDENTITY_BAR_CSS, CSS)],
    ['lotse-graphiql.js', makeAsset(INIT_SCRIPT, JS)],
  ]);
  return assetCache;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside <script type="application/json"> (no "</script>", no "<!--"). */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function tabHeaders(token: string | undefined, purpose: string | undefined): string | null {
  if (!token) return null;
  return JSON.stringify(
    { Authorization: `Bearer ${token}`, ...(purpose ? { 'Lotse-Purpose': purpose } : {}) },
    null,
    2,
  );
}

export interface GraphiqlPageConfig {
  endpoint: string;
  defaultQuery?: string;
  tabs: Array<{ query: string; variables: string | null; headers: string | null }>;
  /** Demo partners to switch to, and where tokens come from; empty / undefined outside development. */
  partners: DevPartner[];
  tokenPath?: string;
}

export function buildPageConfig(opts: GraphiqlOptions, partners: DevPartner[] = []): GraphiqlPageConfig {
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
  return {
    endpoint: opts.endpoint,
    defaultQuery: opts.examples.length ? undefined : '{\n  __typename\n}\n',
    tabs: opts.examples.map((ex) => ({
      // The comment names partner and purpose; GraphiQL titles tabs by operation name.
      query: `# ${oneLine(ex.partner)}${ex.purpose ? ` (${oneLine(ex.purpose)})` : ''}: ${oneLine(ex.title)}\n${ex.query}`,
      variables: ex.variables ? JSON.stringify(ex.variables, null, 2) : null,
      headers: tabHeaders(ex.token, ex.purpose),
    })),
    partners,
    tokenPath: opts.devTokens ? DEV_TOKEN_PATH : undefined,
  };
}

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Nonce covers the <style> GraphiQL's dialogs inject; element.style/cssText needs no allowance.
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:", // GraphiQL's fonts are inlined data: URIs
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function renderPage(config: GraphiqlPageConfig, nonce: string, assets: Map<string, Asset>): string {
  // ?v=<etag> makes URLs change with content, so assets can be cached as immutable.
  const src = (name: string) => escapeHtml(`${GRAPHIQL_ASSET_PREFIX}${name}?v=${assets.get(name)!.etag.slice(1, 13)}`);
  const n = escapeHtml(nonce);
  return `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lotse GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${src('graphiql.min.css')}">
<link rel="stylesheet" href="${src('lotse-graphiql.css')}">
</head>
<body>
${IDENTITY_BAR_HTML}
<div id="graphiql">GraphiQL wird geladen…<noscript> (JavaScript erforderlich)</noscript></div>
<script type="application/json" id="${CONFIG_ELEMENT_ID}">${jsonForHtml(config)}</script>
<script src="${src('react.production.min.js')}"></script>
<script src="${src('react-dom.production.min.js')}"></script>
<script src="${src('graphiql.min.js')}"></script>
<script src="${src('graphql-ws.min.js')}"></script>
<script src="${src('lotse-graphiql.js')}" nonce="${n}"></script>
</body>
</html>
`;
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer | string,
  head: boolean,
): void {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'Content-Length': String(buf.length), 'X-Content-Type-Options': 'nosniff' });
  res.end(head ? undefined : buf);
}

export function createGraphiqlHandler(
  opts: GraphiqlOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const assets = loadAssets(); // fail at startup, not on first page view, if a package is missing

  return async (req, res) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return false; // e.g. POST / may be GraphQL
    const head = method === 'HEAD';
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      return false;
    }

    if (PAGE_PATHS.has(pathname)) {
      // Ask per request: dev tokens expire. Each example tab gets its own partner's token.
      const issuer = opts.devTokens;
      const examples = issuer
        ? await Promise.all(
            opts.examples.map(async (ex) => ({
              ...ex,
              token: ex.token ?? (await issuer.mint(ex.partner, ex.purpose))?.token,
            })),
          )
        : opts.examples;
      const partners = issuer ? await issuer.partners() : [];
      const nonce = randomBytes(16).toString('base64');
      const html = renderPage(buildPageConfig({ ...opts, examples }, partners), nonce, assets);
      send(
        res,
        200,
        {
          'Content-Type': 'text/html; charset=utf-8',
          'Cache-Control': 'no-store', // per-request nonce and possibly a token
          'Content-Security-Policy': contentSecurityPolicy(nonce),
          'Referrer-Policy': 'no-referrer',
          'X-Frame-Options': 'DENY',
        },
        html,
        head,
      );
      return true;
    }

    if (pathname.startsWith(GRAPHIQL_ASSET_PREFIX)) {
      // Exact-name allow-list lookup: no filesystem path is ever built from the URL.
      const asset = assets.get(pathname.slice(GRAPHIQL_ASSET_PREFIX.length));
      if (!asset) {
        send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found', head);
        return true;
      }
      const headers = {
        'Content-Type': asset.type,
        'Cache-Control': 'public, max-age=31536000, immutable',
        ETag: asset.etag,
      };
      if (req.headers['if-none-match'] === asset.etag) {
        res.writeHead(304, headers);
        res.end();
        return true;
      }
      send(res, 200, headers, asset.body, head);
      return true;
    }
    return false;
  };
}
