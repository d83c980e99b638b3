import { Invalid } from '../errors.js';

/** A purpose a deployment accepts, shown to users by its label. */
export interface PurposeDefinition {
  code: string;
  label: string;
  /** Purposes such as administration may be stated without a case. */
  caseRequired: boolean;
}

/** Settings a deployment can change in its config file. */
export interface CoreConfig {
  purposes: PurposeDefinition[];
}

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
  return { purposes: DEFAULT_PURPOSES.map((p) => ({ ...p })) };
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
  const known = new Set(['purposes']);
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
  return config;
}
