import { describe, expect, it } from 'vitest';
import { reviewShortcut } from './review-shortcuts';
import type { KeyPress } from './review-shortcuts';

function press(key: string, modifiers: Partial<Omit<KeyPress, 'key' | 'code'>> & { code?: string } = {}): KeyPress {
  const code = modifiers.code ?? (/^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : key);
  return { key, code, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...modifiers };
}

describe('reviewShortcut', () => {
  it('outside text fields the bare letters judge and z undoes', () => {
    expect(reviewShortcut(press('y'), 'elsewhere')).toBe('positive');
    expect(reviewShortcut(press('n'), 'elsewhere')).toBe('negative');
    expect(reviewShortcut(press('u'), 'elsewhere')).toBe('unsure');
    expect(reviewShortcut(press('z'), 'elsewhere')).toBe('undo');
    expect(reviewShortcut(press('Y'), 'elsewhere')).toBe('positive');
    expect(reviewShortcut(press('x'), 'elsewhere')).toBeNull();
    expect(reviewShortcut(press('Enter'), 'elsewhere')).toBeNull();
  });

  it('Ctrl+Z and ⌘Z undo outside text fields, but Ctrl+Shift+Z (redo) and Ctrl+N (new window) are left to the browser', () => {
    expect(reviewShortcut(press('z', { ctrlKey: true }), 'elsewhere')).toBe('undo');
    expect(reviewShortcut(press('z', { metaKey: true }), 'elsewhere')).toBe('undo');
    expect(reviewShortcut(press('Z', { ctrlKey: true, shiftKey: true }), 'elsewhere')).toBeNull();
    expect(reviewShortcut(press('n', { ctrlKey: true }), 'elsewhere')).toBeNull();
    expect(reviewShortcut(press('y', { altKey: true }), 'elsewhere')).toBeNull();
  });

  it('in the reason field letters are typing and Ctrl+Z undoes typing; Alt with the letter acts', () => {
    expect(reviewShortcut(press('n'), 'reason')).toBeNull();
    expect(reviewShortcut(press('z', { ctrlKey: true }), 'reason')).toBeNull();
    expect(reviewShortcut(press('n', { altKey: true }), 'reason')).toBe('negative');
    expect(reviewShortcut(press('z', { altKey: true }), 'reason')).toBe('undo');
    // Option+Y on a Mac types ¥: the physical key still says which letter was meant.
    expect(reviewShortcut(press('¥', { altKey: true, code: 'KeyY' }), 'reason')).toBe('positive');
    expect(reviewShortcut(press('n', { altKey: true, ctrlKey: true }), 'reason')).toBeNull();
  });

  it('other text fields keep every key', () => {
    expect(reviewShortcut(press('y'), 'text')).toBeNull();
    expect(reviewShortcut(press('y', { altKey: true }), 'text')).toBeNull();
    expect(reviewShortcut(press('z', { ctrlKey: true }), 'text')).toBeNull();
  });
});
