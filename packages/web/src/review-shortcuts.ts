/** The review queue's keyboard shortcuts: which key means which action, wherever focus is. */

import type { Verdict } from './api';

/** What a shortcut asks for: a verdict on the pair shown, or undoing the last judgment. */
export type ReviewAction = Verdict | 'undo';

/** Where focus was when the key went down: the reason field, another text field, or anywhere else. */
export type KeyPlace = 'reason' | 'text' | 'elsewhere';

/** The parts of a keyboard event the shortcuts read. */
export interface KeyPress {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

const LETTERS: Record<string, ReviewAction> = { y: 'positive', n: 'negative', u: 'unsure', z: 'undo' };
const CODES: Record<string, ReviewAction> = { KeyY: 'positive', KeyN: 'negative', KeyU: 'unsure', KeyZ: 'undo' };

/** Each action's keys, for the buttons' `aria-keyshortcuts` and their visible hints. */
export const SHORTCUTS: Record<ReviewAction, { key: string; aria: string }> = {
  positive: { key: 'Y', aria: 'y Alt+y' },
  negative: { key: 'N', aria: 'n Alt+n' },
  unsure: { key: 'U', aria: 'u Alt+u' },
  undo: { key: 'Z', aria: 'z Control+z Meta+z Alt+z' },
};

function letterAction(press: KeyPress): ReviewAction | undefined {
  const key = press.key.length === 1 ? press.key.toLowerCase() : '';
  // Option on a Mac turns letters into other characters (Option+Y is ¥), so fall back to the physical key.
  return Object.hasOwn(LETTERS, key) ? LETTERS[key] : /^[a-z]$/.test(key) ? undefined : CODES[press.code];
}

/**
 * The action a key press asks for, or null when it is typing or belongs to the browser.
 * Outside text fields the bare letters y, n, u and z act, and Ctrl+Z (⌘Z) undoes; in the reason
 * field letters are typing and Ctrl+Z undoes typing, so Alt with the letter acts instead. Other
 * text fields (the working-context form) keep every key.
 */
export function reviewShortcut(press: KeyPress, place: KeyPlace): ReviewAction | null {
  if (place === 'text') return null;
  if (place === 'reason') {
    if (!press.altKey || press.ctrlKey || press.metaKey) return null;
    return letterAction(press) ?? null;
  }
  if (press.altKey) return null;
  const action = letterAction(press);
  // Ctrl+Shift+Z is redo, which the queue does not have.
  if (press.ctrlKey || press.metaKey) return action === 'undo' && !press.shiftKey && !(press.ctrlKey && press.metaKey) ? 'undo' : null;
  return action ?? null;
}
