import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { completeSignIn, getAuthOptions, getMe, signInWithPassword } from './api';
import type { AuthOptions, PasswordStep } from './api';
import { BrandMark } from './icons';
import { setSignedIn } from './session';

/** Groups a base32 secret in fours so it can be typed into an authenticator app. */
function groupSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** The sign-in page: password, then the second factor with the use banner acknowledged. */
export function SignInPage({ message }: { message?: string | undefined }) {
  const [options, setOptions] = useState<AuthOptions | null>(null);
  const [step, setStep] = useState<PasswordStep | null>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [accepted, setAccepted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [bannerError, setBannerError] = useState(false);
  const [busy, setBusy] = useState(false);
  const firstField = useRef<HTMLInputElement>(null);
  const codeField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · casegraph';
    const controller = new AbortController();
    void getAuthOptions(controller.signal).then((result) => {
      if (result.ok) setOptions(result.data);
    });
    return () => controller.abort();
  }, []);

  useEffect(() => {
    (step ? codeField : firstField).current?.focus();
  }, [step]);

  async function submitPassword(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setError(null);
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    const result = await signInWithPassword(username.trim(), password);
    setBusy(false);
    if (!result.ok) {
      setError(result.error.kind === 'network' ? result.error.message : 'Wrong username, password or code, or the account cannot sign in.');
      return;
    }
    setPassword('');
    setStep(result.data);
  }

  async function submitCode(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setError(null);
    if (!accepted) {
      setBannerError(true);
      return;
    }
    if (!/^\d{6}$/.test(code.trim())) {
      setError('The code is the 6 digits your authenticator app shows.');
      return;
    }
    if (!step) return;
    setBusy(true);
    const result = await completeSignIn(step.challenge, code.trim(), true);
    if (!result.ok) {
      setBusy(false);
      setCode('');
      if (result.error.status === 401) {
        setError('That code was not accepted (a code works once, and for about a minute). If this keeps happening, start again.');
      } else {
        setError(result.error.message);
      }
      return;
    }
    const me = await getMe();
    setBusy(false);
    if (me.ok) setSignedIn(me.data);
    else setError(me.error.message);
  }

  function startAgain(): void {
    setStep(null);
    setCode('');
    setAccepted(false);
    setBannerError(false);
    setError(null);
  }

  const banner = step?.banner ?? options?.banner;
  return (
    <main className="sign-in" id="main">
      <div className="sign-in__card">
        <div className="sign-in__brand">
          <BrandMark />
          <span className="brand__name">casegraph</span>
        </div>
        <h1>{step ? 'Second factor' : 'Sign in'}</h1>
        {message ? (
          <p className="notice notice--warning" role="status">
            {message}
          </p>
        ) : null}
        {error ? (
          <p className="field__error sign-in__error" role="alert">
            {error}
          </p>
        ) : null}
        {step === null ? (
          <form onSubmit={(event) => void submitPassword(event)} noValidate>
            <div className="field">
              <label htmlFor="sign-in-username">Username</label>
              <input
                ref={firstField}
                id="sign-in-username"
                name="username"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                value={username}
                onChange={(event) => setUsername(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="sign-in-password">Password</label>
              <input id="sign-in-password" name="password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} />
            </div>
            <button type="submit" className="button button--primary sign-in__submit" disabled={busy}>
              {busy ? 'Checking…' : 'Continue'}
            </button>
            {options?.oidc ? (
              <p className="sign-in__sso">
                Or{' '}
                <a href={`${options.oidc.startUrl}?acknowledgeBanner=true`} onClick={(event) => !accepted && (event.preventDefault(), setBannerError(true))}>
                  {options.oidc.label}
                </a>{' '}
                after accepting the terms below.
              </p>
            ) : null}
          </form>
        ) : (
          <form onSubmit={(event) => void submitCode(event)} noValidate>
            {step.secondFactor === 'enrol-totp' && step.totpSecret ? (
              <div className="sign-in__enrol">
                <p>
                  <strong>Set up your second factor.</strong> Add this secret to an authenticator app (time-based, 6 digits,
                  30 seconds), then type the code it shows.
                </p>
                <p className="sign-in__secret" data-testid="totp-secret" aria-label="Secret for your authenticator app">
                  {groupSecret(step.totpSecret)}
                </p>
                {step.totpUri ? (
                  <p>
                    <a href={step.totpUri}>Open in an authenticator app on this device</a>
                  </p>
                ) : null}
              </div>
            ) : (
              <p>Type the 6-digit code from your authenticator app.</p>
            )}
            <div className="field">
              <label htmlFor="sign-in-code">Code</label>
              <input
                ref={codeField}
                id="sign-in-code"
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]*"
                maxLength={6}
                value={code}
                onChange={(event) => setCode(event.target.value.replace(/\D/g, ''))}
              />
            </div>
            <BannerBox banner={banner} accepted={accepted} invalid={bannerError} onChange={(value) => (setAccepted(value), setBannerError(false))} />
            <button type="submit" className="button button--primary sign-in__submit" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
            <button type="button" className="button button--quiet" onClick={startAgain}>
              Start again
            </button>
          </form>
        )}
        {step === null && options?.oidc ? <BannerBox banner={banner} accepted={accepted} invalid={bannerError} onChange={(value) => (setAccepted(value), setBannerError(false))} /> : null}
      </div>
    </main>
  );
}

function BannerBox({ banner, accepted, invalid, onChange }: { banner: string | undefined; accepted: boolean; invalid: boolean; onChange: (value: boolean) => void }) {
  return (
    <section className="sign-in__banner" aria-labelledby="use-banner-title">
      <h2 id="use-banner-title">Terms of use</h2>
      <p>{banner ?? 'Loading the terms of use…'}</p>
      <label className="sign-in__accept">
        <input type="checkbox" checked={accepted} aria-invalid={invalid ? true : undefined} aria-describedby={invalid ? 'banner-error' : undefined} onChange={(event) => onChange(event.target.checked)} />
        I have read and accept these terms of use
      </label>
      {invalid ? (
        <p className="field__error" id="banner-error" role="alert">
          Accept the terms of use to sign in.
        </p>
      ) : null}
    </section>
  );
}
