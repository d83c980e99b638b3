import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, matchTotp, newTotpSecret, totpCode, totpStep, totpUri } from './totp.js';

// RFC 6238 appendix B, SHA-1 rows: the secret is the ASCII "12345678901234567890", 8 digits.
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP', () => {
  it('gives the RFC 6238 test vectors', () => {
    for (const [seconds, code] of RFC_VECTORS) expect(totpCode(RFC_SECRET, totpStep(new Date(seconds * 1000)), 8)).toBe(code);
  });

  it('base32 round-trips and matches RFC 4648 examples', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Encode(base32Decode(secret))).toBe(secret);
    expect(() => base32Decode('MZ1')).toThrow(/"1" is not a base32 character/);
  });

  it('accepts the current code and one step of drift, and names the step so it cannot be used again', () => {
    const secret = newTotpSecret();
    const at = new Date('2026-03-01T10:00:15Z');
    const step = totpStep(at);
    const code = (s: number) => totpCode(base32Decode(secret), s);
    expect(matchTotp(secret, code(step), at)).toBe(step);
    expect(matchTotp(secret, code(step - 1), at)).toBe(step - 1);
    expect(matchTotp(secret, code(step + 1), at)).toBe(step + 1);
    expect(matchTotp(secret, code(step - 2), at)).toBeNull();
    expect(matchTotp(secret, '12345', at)).toBeNull();
    expect(matchTotp(secret, 'abcdef', at)).toBeNull();
  });

  it('writes the otpauth address authenticator apps read', () => {
    expect(totpUri({ issuer: 'casegraph', account: 'analyst', secret: 'MZXW6YTBOI' })).toBe(
      'otpauth://totp/casegraph%3Aanalyst?secret=MZXW6YTBOI&issuer=casegraph&algorithm=SHA1&digits=6&period=30',
    );
  });
});
