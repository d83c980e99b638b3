import { Invalid } from '../errors.js';
import { parseConnectorDefinitions, type ConnectorDefinition } from '../connectors/definitions.js';
import { EVIDENCE_TYPES } from '../evidence/signatures.js';

/** A purpose a deployment accepts, shown to users by its label. */
export interface PurposeDefinition {
  code: string;
  label: string;
  /** Purposes such as administration may be stated without a case. */
  caseRequired: boolean;
}

/** How long sign-ins last. */
export interface SessionSettings {
  /** A session unused this long ends (default 30). */
  idleMinutes: number;
  /** A session ends this long after sign-in, used or not (default 12). */
  maxHours: number;
}

/** An OpenID Connect provider users may sign in with (the provider does the second factor). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the sign-in button says, e.g. "Sign in with Unit SSO". */
  label: string;
}

/** Settings a deployment can change in its config file. */
export interface CoreConfig {
  purposes: PurposeDefinition[];
  sessions: SessionSettings;
  /** The use banner every user acknowledges at sign-in. */
  banner: string;
  oidc: OidcSettings | null;
  /** Live links to external systems, asked at query time. */
  connectors: ConnectorDefinition[];
  evidence: EvidenceSettings;
}

/** What evidence files a case accepts. */
export interface EvidenceSettings {
  /** The largest file accepted, in bytes (default 25 MiB). */
  maxBytes: number;
  /** The content types accepted; each must be one whose bytes casegraph can check (default: all of them). */
  allowedTypes: string[];
}

/** The largest evidence file a deployment may allow: 512 MiB (the content is stored in the database). */
export const MAX_EVIDENCE_BYTES = 512 * 2 ** 20;

/** The banner shown when a deployment sets none. */
export const DEFAULT_BANNER =
  'This system holds personal data for specific investigations. Use it only for the case and purpose you state. ' +
  'Every search, read and export is recorded with your name and reviewed by oversight.';

/** The purposes casegraph ships with. */
export const DEFAULT_PURPOSES: readonly PurposeDefinition[] = [
  { code: 'criminal-investigation', label: 'Criminal investigation', caseRequired: true },
  { code: 'financial-investigation', label: 'Financial investigation', caseRequired: true },
  { code: 'fraud-audit', label: 'Fraud audit', caseRequired: true },
  { code: 'journalistic-research', label: 'Journalistic research', caseRequired: true },
  { code: 'oversight', label: 'Oversight', caseRequired: false },
  { code: 'administration', label: 'Administration', caseRequired: false },
];

/** The configuration used when a deployment has no config file. */
export function defaultConfig(): CoreConfig {
  return { purposes: DEFAULT_PURPOSES.map((p) => ({ ...p })), sessions: { idleMinutes: 30, maxHours: 12 }, banner: DEFAULT_BANNER, oidc: null, connectors: [], evidence: { maxBytes: 25 * 2 ** 20, allowedTypes: [...EVIDENCE_TYPES] } };
}

const PURPOSE_CODE = /^[a-z][a-z0-9-]{1,62}$/;

/**
 * Checks a parsed config file and fills in defaults.
 * @example parseConfig({ purposes: [{ code: 'fraud-audit', label: 'Fraud audit' }] })
 */
export function parseConfig(raw: unknown, origin = 'config'): CoreConfig {
  const config = defaultConfig();
  if (raw === undefined || raw === null) return config;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Invalid(`${origin}: expected a JSON object at the top level`);
  }
  const known = new Set(['purposes', 'sessions', 'banner', 'oidc', 'connectors', 'evidence']);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new Invalid(`${origin}: unknown setting "${key}" (known: ${[...known].join(', ')})`);
  }
  const purposes = (raw as { purposes?: unknown }).purposes;
  if (purposes !== undefined) {
    if (!Array.isArray(purposes) || purposes.length === 0) {
      throw new Invalid(`${origin}: "purposes" must be a non-empty list`);
    }
    const seen = new Set<string>();
    config.purposes = purposes.map((entry: unknown, i) => {
      if (typeof entry !== 'object' || entry === null) {
        throw new Invalid(`${origin}: purposes[${i}] must be an object with code and label`);
      }
      const { code, label, caseRequired } = entry as Record<string, unknown>;
      if (typeof code !== 'string' || !PURPOSE_CODE.test(code)) {
        throw new Invalid(`${origin}: purposes[${i}].code must be lower-case letters, digits and dashes`);
      }
      if (seen.has(code)) throw new Invalid(`${origin}: purpose "${code}" is listed twice`);
      seen.add(code);
      if (typeof label !== 'string' || label.trim() === '') {
        throw new Invalid(`${origin}: purposes[${i}].label must be a non-empty string`);
      }
      if (caseRequired !== undefined && typeof caseRequired !== 'boolean') {
        throw new Invalid(`${origin}: purposes[${i}].caseRequired must be true or false`);
      }
      return { code, label, caseRequired: caseRequired ?? !['administration', 'oversight'].includes(code) };
    });
  }
  const sessions = (raw as { sessions?: unknown }).sessions;
  if (sessions !== undefined) {
    if (typeof sessions !== 'object' || sessions === null || Array.isArray(sessions)) {
      throw new Invalid(`${origin}: "sessions" must be an object with idleMinutes and maxHours`);
    }
    for (const [key, value] of Object.entries(sessions)) {
      if (key !== 'idleMinutes' && key !== 'maxHours') throw new Invalid(`${origin}: unknown setting "sessions.${key}" (known: idleMinutes, maxHours)`);
      if (typeof value !== 'number' || !(value > 0) || value > 24 * 60) {
        throw new Invalid(`${origin}: sessions.${key} must be a number above 0`);
      }
      config.sessions[key] = value;
    }
  }
  const banner = (raw as { banner?: unknown }).banner;
  if (banner !== undefined) {
    if (typeof banner !== 'string' || banner.trim().length < 10) throw new Invalid(`${origin}: "banner" must be the text of the use banner`);
    config.banner = banner;
  }
  const oidc = (raw as { oidc?: unknown }).oidc;
  if (oidc !== undefined && oidc !== null) {
    const o = oidc as Record<string, unknown>;
    for (const key of ['issuer', 'clientId', 'clientSecret']) {
      if (typeof o[key] !== 'string' || o[key] === '') throw new Invalid(`${origin}: oidc.${key} must be a non-empty string`);
    }
    try {
      new URL(o.issuer as string);
    } catch {
      throw new Invalid(`${origin}: oidc.issuer must be the provider's URL`);
    }
    config.oidc = {
      issuer: o.issuer as string,
      clientId: o.clientId as string,
      clientSecret: o.clientSecret as string,
      label: typeof o.label === 'string' && o.label !== '' ? o.label : 'Sign in with single sign-on',
    };
  }
  const connectors = (raw as { connectors?: unknown }).connectors;
  if (connectors !== undefined) config.connectors = parseConnectorDefinitions(connectors, origin);
  const evidence = (raw as { evidence?: unknown }).evidence;
  if (evidence !== undefined) config.evidence = parseEvidenceSettings(evidence, origin);
  return config;
}

function parseEvidenceSettings(raw: unknown, origin: string): EvidenceSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Invalid(`${origin}: "evidence" must be an object with maxBytes and allowedTypes`);
  const settings = defaultConfig().evidence;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'maxBytes') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_EVIDENCE_BYTES) {
        throw new Invalid(`${origin}: evidence.maxBytes must be a whole number of bytes from 1 to ${MAX_EVIDENCE_BYTES}`);
      }
      settings.maxBytes = value;
    } else if (key === 'allowedTypes') {
      const known: readonly string[] = EVIDENCE_TYPES;
      if (!Array.isArray(value) || value.length === 0) throw new Invalid(`${origin}: evidence.allowedTypes must be a non-empty list of content types`);
      for (const type of value) {
        if (typeof type !== 'string' || !known.includes(type)) {
          throw new Invalid(`${origin}: evidence.allowedTypes: "${String(type)}" is not a type whose content casegraph can check (known: ${known.join(', ')})`);
        }
      }
      settings.allowedTypes = [...new Set(value as string[])];
    } else {
      throw new Invalid(`${origin}: unknown setting "evidence.${key}" (known: maxBytes, allowedTypes)`);
    }
  }
  return settings;
}
