// A real OpenID Connect provider for the tests: the npm package `oidc-provider` (a certified
// implementation), with one confidential client and the users named on the command line.
//
//   node tests/oidc/provider.mjs --redirect-uri http://127.0.0.1:8080/connexion/oidc \
//        --user marie=marie.dupont@cpas.example [--user …] [--port N]
//
// It prints one JSON line when it listens: {"issuer": "http://127.0.0.1:<port>"}, and answers
// a few test controls besides the provider's own routes:
//   POST /__test/id-token   {"mode": "normal" | "wrong-audience" | "wrong-issuer" | "bad-signature"}
//        from now on, the token endpoint's ID token is re-signed that way (refusal tests);
//   POST /__test/rotate     a new signing key (the old one is gone), as a provider rotating;
//   POST /__test/users      {"login", "email", "email_verified"?, "name"?} adds or changes one;
//   POST /__test/sign-in    {"url", "login"} plays a person's browser on the provider: opens
//        the authorization URL, fills the login form, consents, and answers {"location"}, the
//        redirect back to the client with its code and state (API tests need no browser).
import http from 'node:http';
import { parseArgs } from 'node:util';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
    user: { type: 'string', multiple: true, default: [] },
  },
});

export const CLIENT_ID = 'pst';
export const CLIENT_SECRET = 'pst-test-client-secret-0123456789';

/** login → the claims the provider gives about that person. */
const users = new Map();
for (const entry of args.user) {
  const [login, email] = entry.split('=');
  users.set(login, { email, email_verified: true, name: login });
}

let idTokenMode = 'normal';
let signingKey = await newSigningKey();
let provider;
let issuer;

async function newSigningKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: `key-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, alg: 'RS256', use: 'sig' };
}

function buildProvider() {
  const built = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: args['redirect-uri'],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['pst-test-cookie-key'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(_ctx, id) {
      const user = users.get(id);
      if (!user) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...user }) };
    },
  });
  // The refusal tests: the token endpoint's ID token re-signed as asked.
  built.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.status !== 200 || idTokenMode === 'normal') return;
    const body = typeof ctx.body === 'string' ? JSON.parse(ctx.body) : ctx.body;
    if (!body?.id_token) return;
    body.id_token = await resign(body.id_token, idTokenMode);
    ctx.body = body;
  });
  return built;
}

async function resign(idToken, mode) {
  const header = jose.decodeProtectedHeader(idToken);
  const payload = jose.decodeJwt(idToken);
  let key = await jose.importJWK(signingKey, 'RS256');
  if (mode === 'wrong-audience') payload.aud = 'another-client';
  if (mode === 'wrong-issuer') payload.iss = 'http://127.0.0.1:9/another-issuer';
  if (mode === 'bad-signature') {
    // Another key under the provider's key id: the signature cannot be verified.
    ({ privateKey: key } = await jose.generateKeyPair('RS256'));
  }
  return new jose.SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: header.kid, typ: header.typ })
    .sign(key);
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The person's browser, from the authorization URL to the redirect back to the client. */
async function signIn(url, login) {
  const cookies = new Map();
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
    }
  };
  let next = { url, method: 'GET' };
  for (let hop = 0; hop < 20; hop += 1) {
    const response = await fetch(next.url, {
      method: next.method,
      redirect: 'manual',
      headers: {
        cookie: cookieHeader(),
        ...(next.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: next.body,
    });
    keep(response);
    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.get('location'), next.url).toString();
      if (!location.startsWith(issuer)) return { location };
      next = { url: location, method: 'GET' };
      continue;
    }
    const page = await response.text();
    if (response.status !== 200) throw new Error(`${next.url} answered ${response.status}: ${page}`);
    const prompt = page.includes('name="prompt" value="login"') ? 'login' : 'consent';
    const form = new URLSearchParams({ prompt, login, password: 'any' });
    next = { url: next.url, method: 'POST', body: form.toString() };
  }
  throw new Error('too many redirects');
}

async function control(req, res) {
  const body = await readJson(req);
  switch (req.url) {
    case '/__test/id-token':
      idTokenMode = body.mode;
      return answer(res, 200, { mode: idTokenMode });
    case '/__test/rotate':
      signingKey = await newSigningKey();
      provider = buildProvider();
      return answer(res, 200, { kid: signingKey.kid });
    case '/__test/users':
      users.set(body.login, {
        email: body.email,
        email_verified: body.email_verified ?? true,
        name: body.name ?? body.login,
      });
      return answer(res, 200, {});
    case '/__test/sign-in':
      return answer(res, 200, await signIn(body.url, body.login));
    default:
      return answer(res, 404, { error: 'no such control' });
  }
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/__test/')) {
    control(req, res).catch((error) => answer(res, 500, { error: String(error) }));
    return;
  }
  provider.callback()(req, res);
});
server.listen(Number(args.port), '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  provider = buildProvider();
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
