/** Case notes in Markdown, rendered safely: raw HTML stays text, and entity references become profile links. */

import MarkdownIt from 'markdown-it';
import { entityPath } from '../router';

// html: false keeps any markup a note holds as escaped text; linkify off so nothing turns into a link unasked.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

const defaultValidate = markdown.validateLink.bind(markdown);
// Only ordinary web links, in-app paths and our own references; markdown-it already refuses javascript: and data:.
markdown.validateLink = (url: string) => /^(https?:|mailto:|entity:|statement:|\/|#)/i.test(url.trim()) && defaultValidate(url);

markdown.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  const token = tokens[index];
  if (token === undefined) return '';
  const href = String(token.attrGet('href') ?? '');
  if (href.startsWith('entity:')) {
    token.attrSet('href', entityPath(decodeReference(href.slice('entity:'.length))));
    token.attrSet('data-entity', decodeReference(href.slice('entity:'.length)));
  } else if (href.startsWith('statement:')) {
    // A statement has no page of its own; the note keeps the reference visible as its title.
    token.attrSet('href', '#');
    token.attrSet('title', `Statement ${decodeReference(href.slice('statement:'.length))}`);
    token.attrSet('data-statement', decodeReference(href.slice('statement:'.length)));
  } else if (/^https?:/i.test(href)) {
    token.attrSet('rel', 'noopener noreferrer');
    token.attrSet('target', '_blank');
  }
  return self.renderToken(tokens, index, options);
};

function decodeReference(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A note's Markdown as HTML that is safe to insert: no markup from the note survives. */
export function renderNote(body: string): string {
  return markdown.render(body);
}

/** The entity ids a note refers to with `[text](entity:ID)`. */
export function noteEntityIds(body: string): string[] {
  const ids = new Set<string>();
  for (const match of body.matchAll(/\]\(entity:([^)\s]+)\)/g)) if (match[1]) ids.add(decodeReference(match[1]));
  return [...ids];
}
