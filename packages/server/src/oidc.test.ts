import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, listEvents, type Store } from '@casegraph/core';
import { openTestStore } from '@casegraph/core/testing';
import { startServer, type RunningServer } from './main.js';

/**
 * Single sign-on against a real OpenID provider (the oidc-provider package) started here, with
 * its development login and consent pages standing in for the person at the browser.
 */

/** A minimal browser: a cookie jar and manual redirects, so every hop can be seen. */
class Browser {
  readonly cookies = new Map<string, string>();
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', ...value] = pair.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
    return response;
  }

  /** Follows redirects and fills the provider's login and consent forms, until `stop` matches or a page is not a form. */
  async signIn(startUrl: string, login: string, stop: (url: string) => boolean): Promise<{ url: string; response: Response }> {
    let url = startUrl;
    for (let hop = 0; hop < 20; hop++) {
      const response = await this.request(url);
      if (stop(url)) return { url, response };
      const location = response.headers.get('location');
      if (location !== null) {
        url = new URL(location, url).href;
        continue;
      }
      const page = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
      const prompt = /name="prompt" value="([a-z]+)"/.exec(page)?.[1];
      if (action === undefined || prompt === undefined) return { url, response };
      const posted = await this.request(new URL(action, url).href, { method: 'POST', form: prompt === 'login' ? { prompt, login, password: 'any' } : { prompt } });
      url = new URL(posted.headers.get('location') ?? url, url).href;
    }
    throw new Error('too many redirects');
  }
}

describe('OpenID Connect sign-in with a real provider', () => {
  let store: Store;
  let app: RunningServer;
  let idp: Server;
  let issuer: string;

  beforeAll(async () => {
    store = await openTestStore('pglite');
    await store.db
      .insertInto('users')
      .values({ id: randomUUID(), username: 'dana', display_name: 'Dana', organisation: 'local', roles: ['analyst'], compartments: [], password_hash: null })
      .execute();
    idp = createServer();
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    const config = { ...defaultConfig(), oidc: { issuer, clientId: 'casegraph', clientSecret: `secret-${randomUUID()}`, label: 'Sign in with Unit SSO' } };
    app = await startServer({ store, config, host: '127.0.0.1', port: 0, allowInsecureOidc: true });
    const accounts: Record<string, string> = { 'sub-dana': 'dana', 'sub-zed': 'zed' };
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'casegraph',
          client_secret: config.oidc.clientSecret,
          redirect_uris: [`${app.url}/api/auth/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub, preferred_username: accounts[sub] }) }),
      claims: { openid: ['sub'], profile: ['preferred_username'] },
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ['casegraph-test-cookie-key'] },
    });
    const handle = provider.callback();
    idp.on('request', (req, res) => {
      void handle(req, res);
    });
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => idp.close(resolve));
    await store.close();
  });

  it('signs a known user in through the provider, links the identity, and opens a session', async () => {
    const browser = new Browser();
    const { url, response } = await browser.signIn(`${app.url}/api/auth/oidc/start?acknowledgeBanner=true&returnTo=/cases`, 'sub-dana', (u) => u.startsWith(`${app.url}/api/auth/oidc/callback`));
    expect(url).toContain('code=');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/cases');
    const me = await browser.request(`${app.url}/api/auth/me`);
    expect(me.status).toBe(200);
    const user = await store.db.selectFrom('users').select(['id', 'oidc_issuer', 'oidc_subject']).where('username', '=', 'dana').executeTakeFirstOrThrow();
    expect(((await me.json()) as { userId: string }).userId).toBe(user.id);
    expect(user).toMatchObject({ oidc_issuer: issuer, oidc_subject: 'sub-dana' });
    const events = await listEvents(store.db, { action: 'auth.sign-in' });
    expect(events.at(-1)).toMatchObject({ actor_id: user.id, outcome: 'success' });
    expect(events.at(-1)?.detail).toMatchObject({ method: 'oidc', linked: true });
  });

  it('refuses an identity the deployment has no account for, and audits the refusal', async () => {
    const browser = new Browser();
    const { response } = await browser.signIn(`${app.url}/api/auth/oidc/start?acknowledgeBanner=true`, 'sub-zed', (u) => u.startsWith(`${app.url}/api/auth/oidc/callback`));
    expect(response.status).toBe(401);
    expect(browser.cookies.has('casegraph_session')).toBe(false);
    const events = await listEvents(store.db, { action: 'auth.sign-in' });
    expect(events.at(-1)).toMatchObject({ outcome: 'denied' });
    expect(events.at(-1)?.detail).toMatchObject({ username: 'zed', reason: 'no account for this single sign-on identity' });
  });

  it('will not start without the use banner acknowledged, and refuses a forged or replayed callback', async () => {
    const browser = new Browser();
    expect((await browser.request(`${app.url}/api/auth/oidc/start`)).status).toBe(400);
    expect((await browser.request(`${app.url}/api/auth/oidc/callback?code=forged&state=forged`)).status).toBe(401);
    const { url } = await browser.signIn(`${app.url}/api/auth/oidc/start?acknowledgeBanner=true`, 'sub-dana', (u) => u.startsWith(`${app.url}/api/auth/oidc/callback`));
    expect((await browser.request(url)).status).toBe(401);
  });
});
