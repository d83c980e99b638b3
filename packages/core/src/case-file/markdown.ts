import MarkdownIt from 'markdown-it';

// Raw HTML in a note stays text, and images and links are off: a disclosed case file reaches
// nowhere, neither when opened nor when clicked; a link's Markdown shows as written.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false }).disable(['image', 'link', 'autolink']);

/** A note's Markdown as HTML, with any HTML it holds escaped. */
export function noteHtml(body: string): string {
  return markdown.render(body);
}

/** One block of a note as the PDF draws it. */
export interface NoteBlock {
  kind: 'heading' | 'paragraph' | 'item' | 'code' | 'quote';
  text: string;
  /** Nesting depth of list items and quotes, from 0. */
  depth: number;
}

/** A note's Markdown as plain blocks of text (headings, paragraphs, list items, code). */
export function noteBlocks(body: string): NoteBlock[] {
  const tokens = markdown.parse(body, {});
  const blocks: NoteBlock[] = [];
  let lists = 0;
  let quotes = 0;
  let heading = false;
  let item = false;
  const ordinals: number[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case 'bullet_list_open':
        lists++;
        ordinals.push(0);
        break;
      case 'ordered_list_open':
        lists++;
        ordinals.push(Number(token.attrGet('start') ?? 1));
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists--;
        ordinals.pop();
        break;
      case 'blockquote_open':
        quotes++;
        break;
      case 'blockquote_close':
        quotes--;
        break;
      case 'heading_open':
        heading = true;
        break;
      case 'heading_close':
        heading = false;
        break;
      case 'list_item_open':
        item = true;
        break;
      case 'code_block':
      case 'fence':
        blocks.push({ kind: 'code', text: token.content.replace(/\n$/, ''), depth: lists });
        break;
      case 'inline': {
        const text = (token.children ?? [])
          .map((child) => (child.type === 'softbreak' ? ' ' : child.type === 'hardbreak' ? '\n' : child.type === 'text' || child.type === 'code_inline' ? child.content : ''))
          .join('');
        if (heading) blocks.push({ kind: 'heading', text, depth: 0 });
        else if (item) {
          const last = ordinals.length - 1;
          const ordinal = ordinals[last] ?? 0;
          const marker = ordinal > 0 ? `${ordinal}.` : '•';
          if (ordinal > 0) ordinals[last] = ordinal + 1;
          blocks.push({ kind: 'item', text: `${marker} ${text}`, depth: Math.max(lists - 1, 0) });
          item = false;
        } else blocks.push({ kind: quotes > 0 ? 'quote' : 'paragraph', text, depth: quotes > 0 ? quotes - 1 : lists });
        break;
      }
      default:
        break;
    }
  }
  return blocks;
}
