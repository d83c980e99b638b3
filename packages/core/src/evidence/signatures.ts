import { Invalid } from '../errors.js';

/** The Office Open XML types: ZIP containers underneath. */
const OOXML_TYPES = [
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
] as const;

/** Types whose content must be UTF-8 text. */
const TEXT_TYPES = ['text/plain', 'text/csv', 'application/json', 'message/rfc822'] as const;

/** What the first bytes of a file say it is. */
type Detected = 'application/pdf' | 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'application/zip' | 'video/mp4' | 'audio/mpeg';

/** Executables are never evidence content casegraph serves back, whatever they are declared as. */
type Executable = 'application/x-executable' | 'application/x-msdownload' | 'application/x-mach-binary' | 'text/x-shellscript';

/** The content types accepted as evidence, each with the detected kind its bytes must show. */
const EXPECTED: Record<string, Detected | 'text'> = {
  'application/pdf': 'application/pdf',
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
  'application/zip': 'application/zip',
  'video/mp4': 'video/mp4',
  'audio/mpeg': 'audio/mpeg',
  ...Object.fromEntries(OOXML_TYPES.map((type) => [type, 'application/zip'])),
  ...Object.fromEntries(TEXT_TYPES.map((type) => [type, 'text'])),
};

/** Every content type whose bytes casegraph can check, so every type a deployment may accept. */
export const EVIDENCE_TYPES: readonly string[] = Object.keys(EXPECTED);

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) => signature.every((byte, i) => bytes[at + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** Executable formats by their magic numbers. */
function executableOf(bytes: Uint8Array): Executable | null {
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return 'application/x-executable';
  if (startsWith(bytes, ascii('MZ'))) return 'application/x-msdownload';
  for (const magic of [
    [0xfe, 0xed, 0xfa, 0xce],
    [0xfe, 0xed, 0xfa, 0xcf],
    [0xce, 0xfa, 0xed, 0xfe],
    [0xcf, 0xfa, 0xed, 0xfe],
    [0xca, 0xfe, 0xba, 0xbe],
  ]) {
    if (startsWith(bytes, magic)) return 'application/x-mach-binary';
  }
  if (startsWith(bytes, ascii('#!'))) return 'text/x-shellscript';
  return null;
}

/** Binary formats by their signatures. */
function binaryOf(bytes: Uint8Array): Detected | null {
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'application/zip';
  if (startsWith(bytes, ascii('ftyp'), 4)) return 'video/mp4';
  // MP3: an ID3 tag, or an MPEG audio frame header (11 bits of frame sync, a valid layer).
  if (startsWith(bytes, ascii('ID3')) && [2, 3, 4].includes(bytes[3] ?? 0)) return 'audio/mpeg';
  const [first, second] = [bytes[0] ?? 0, bytes[1] ?? 0];
  if (first === 0xff && (second & 0xe0) === 0xe0 && (second & 0x06) !== 0) return 'audio/mpeg';
  return null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** What the content looks like, for messages: a detected format, text, or unknown binary data. */
export function detectContentType(bytes: Uint8Array): string {
  return executableOf(bytes) ?? binaryOf(bytes) ?? (isText(bytes) ? 'text (UTF-8)' : 'unknown binary data');
}

/**
 * Checks that a declared content type is accepted and that the bytes agree with it by their
 * signature; throws Invalid naming the declared and detected types when they do not.
 * @example checkEvidenceContent('application/pdf', bytes, config.evidence.allowedTypes)
 */
export function checkEvidenceContent(declared: string, bytes: Uint8Array, allowedTypes: readonly string[]): void {
  const expected = EXPECTED[declared];
  if (expected === undefined || !allowedTypes.includes(declared)) {
    throw new Invalid(`content type "${declared}" is not accepted as evidence (accepted: ${allowedTypes.join(', ')})`);
  }
  if (bytes.byteLength === 0) throw new Invalid('the file is empty');
  const executable = executableOf(bytes);
  if (executable !== null) {
    throw new Invalid(`the file is declared as ${declared} but its content is an executable (${executable}); executables are not accepted as evidence`);
  }
  const agrees = expected === 'text' ? isText(bytes) && binaryOf(bytes) === null : binaryOf(bytes) === expected;
  if (!agrees) {
    const detected = detectContentType(bytes);
    const hint = expected === 'text' ? 'text must be UTF-8 without NUL bytes' : `its bytes must start with the ${declared} signature`;
    throw new Invalid(`the file is declared as ${declared} but its content is ${detected} (${hint})`);
  }
}
