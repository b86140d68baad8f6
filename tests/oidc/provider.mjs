// The municipality's OpenID Connect provider, as the tests meet it: panva's oidc-provider (the
// npm package `make test` installs into .venv/oidc-provider-VERSION) on loopback, with one
// confidential client, the accounts it is given, and a login page of its own.
//
//   node tests/oidc/provider.mjs --config CONFIG.json [--port 0] [--provider-dir DIR]
//
// CONFIG.json (tests/oidc_provider.py writes it):
//   { "client": { "client_id", "client_secret", "redirect_uris": [...],
//                 "post_logout_redirect_uris": [...], "token_endpoint_auth_method"? },
//     "accounts": [ { "sub", "username"?, "email", "email_verified", "name", "groups": [...] } ],
//     "jwks"?: { "keys": [private JWKs] } }
// An account signs in with its `username`, or its email when it has none. The provider prints
// `READY <issuer>` once it listens, and stops on SIGTERM or SIGINT.
//
// What the portal relies on: Authorization Code flow only, PKCE with S256 required for every
// request; scopes openid, email, profile (and groups), whose claims are in the ID token itself
// (conformIdTokenClaims off) and at userinfo; `groups` comes with `profile` (and with `groups`);
// ID tokens signed RS256 with a key made at start; RP-initiated logout with a confirmation page;
// consent granted without asking (a first-party client).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    config: { type: 'string' },
    port: { type: 'string', default: process.env.OIDC_PROVIDER_PORT || '0' },
    'provider-dir': { type: 'string', default: process.env.OIDC_PROVIDER_DIR || '' },
  },
});
if (!args.config || !args['provider-dir']) {
  console.error('usage: provider.mjs --config CONFIG.json --provider-dir DIR [--port PORT]');
  process.exit(2);
}

const packageDir = join(resolve(args['provider-dir']), 'node_modules', 'oidc-provider');
const { main } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const { default: Provider, errors } = await import(pathToFileURL(join(packageDir, main)).href);

const config = JSON.parse(readFileSync(args.config, 'utf8'));
const SCOPES = ['openid', 'email', 'profile', 'groups'];

const accounts = new Map(config.accounts.map((account) => [account.sub, account]));
const byUsername = new Map(config.accounts.map((a) => [a.username ?? a.email, a]));

function signingKeys() {
  if (config.jwks) return config.jwks;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { keys: [{ ...jwk, kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' }] };
}

const server = createServer();
await new Promise((ready) => server.listen(Number(args.port), '127.0.0.1', ready));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: SCOPES.join(' '),
      post_logout_redirect_uris: [],
      ...config.client,
    },
  ],
  jwks: signingKeys(),
  cookies: { keys: [randomBytes(32).toString('hex')] },
  scopes: SCOPES,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'groups'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        const { username, ...claims } = account;
        return claims;
      },
    };
  },
  // A first-party client: every scope is granted without a consent page.
  async loadExistingGrant(ctx) {
    const { client, session } = ctx.oidc;
    const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    return grantEverything(ctx.oidc.provider, client.clientId, session.accountId);
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fejl', `<h1>Fejl</h1><pre>${escape(JSON.stringify(out, null, 2))}</pre>`);
  },
});

async function grantEverything(provider, clientId, accountId) {
  const grant = new provider.Grant({ clientId, accountId });
  grant.addOIDCScope(SCOPES.join(' '));
  await grant.save();
  return grant;
}

// --- Pages --------------------------------------------------------------------------------

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="da">
<head><meta charset="utf-8"><title>${escape(title)} - Kommunens log ind (test)</title></head>
<body><main>${body}</main></body>
</html>`;
}

function loginPage(uid, { error = '', username = '' } = {}) {
  const described = error ? ' aria-describedby="username-error" aria-invalid="true"' : '';
  const message = error ? `<p id="username-error" role="alert">${escape(error)}</p>` : '';
  return page(
    'Log ind',
    `<h1>Log ind</h1>
<form method="post" action="/interaction/${escape(uid)}/login">
  <label for="username">Brugernavn</label>
  ${message}
  <input id="username" name="username" autocomplete="username" required value="${escape(username)}"${described}>
  <button type="submit">Log ind</button>
</form>`,
  );
}

async function logoutSource(ctx, form) {
  ctx.type = 'html';
  ctx.body = page(
    'Log ud',
    `<h1>Vil du logge ud?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Log ud</button>
<button type="submit" form="op.logoutForm">Bliv logget ind</button>`,
  );
}

async function postLogoutSuccessSource(ctx) {
  ctx.type = 'html';
  ctx.body = page('Logget ud', '<h1>Du er logget ud</h1>');
}

// --- Interactions: login (and consent, should it ever be asked) -----------------------------

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function interaction(req, res, uid, action) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (error) {
    if (error instanceof errors.SessionNotFound) {
      send(res, 400, page('Fejl', '<h1>Login-forløbet er udløbet eller ukendt</h1>'));
      return;
    }
    throw error;
  }
  if (details.uid !== uid) {
    send(res, 400, page('Fejl', '<h1>Forkert login-forløb</h1>'));
    return;
  }
  const { prompt, params, session } = details;
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : await grantEverything(provider, params.client_id, session.accountId);
    grant.addOIDCScope(SCOPES.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  if (action === 'login' && req.method === 'POST') {
    const username = ((await readForm(req)).get('username') || '').trim();
    const account = byUsername.get(username);
    if (!account) {
      send(res, 422, loginPage(uid, { error: 'Ukendt brugernavn', username }));
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.sub } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  send(res, 200, loginPage(uid));
}

const handleProvider = provider.callback();
server.on('request', (req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login))?\/?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) {
    handleProvider(req, res);
    return;
  }
  interaction(req, res, match[1], match[2]).catch((error) => {
    console.error(error);
    if (!res.headersSent) send(res, 500, page('Fejl', '<h1>Intern fejl</h1>'));
  });
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

console.log(`READY ${issuer}`);
