import type { SectionId } from './router';

/** Decorative line icons; every use sits next to a visible text label. */
const sectionPaths: Record<SectionId, string> = {
  search: 'M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM15.5 15.5 20 20',
  cases: 'M3.5 7.5v10.5a1 1 0 0 0 1 1h15a1 1 0 0 0 1-1V9a1 1 0 0 0-1-1h-8l-2-2.5h-5a1 1 0 0 0-1 1Z',
  graph: 'M6 7a2 2 0 1 0 0-.01M18 6a2 2 0 1 0 0-.01M12 18a2 2 0 1 0 0-.01M7.6 8.2l3.3 8M16.6 7.6l-3.5 8.6M8 6.8l8-.6',
  review: 'M9 6h11M9 12h11M9 18h11M3.5 6l1.2 1.2L7 5M3.5 12l1.2 1.2L7 11M3.5 18l1.2 1.2L7 17',
  oversight: 'M2.5 12s3.5-6.5 9.5-6.5 9.5 6.5 9.5 6.5-3.5 6.5-9.5 6.5S2.5 12 2.5 12ZM12 9.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5Z',
  sources: 'M4.5 6.5c0-1.4 3.4-2.5 7.5-2.5s7.5 1.1 7.5 2.5-3.4 2.5-7.5 2.5-7.5-1.1-7.5-2.5Zm0 0v11c0 1.4 3.4 2.5 7.5 2.5s7.5-1.1 7.5-2.5v-11M4.5 12c0 1.4 3.4 2.5 7.5 2.5s7.5-1.1 7.5-2.5',
};

function Icon({ d, className }: { d: string; className?: string }) {
  return (
    <svg className={className ?? 'icon'} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** The icon of a navigation section. */
export function SectionIcon({ section }: { section: SectionId }) {
  return <Icon d={sectionPaths[section]} />;
}

/** A warning triangle for states that block work. */
export function WarningIcon() {
  return <Icon d="M12 4 2.8 19.5h18.4L12 4ZM12 10v4.5M12 17.2v.1" />;
}

/** A folder-with-check mark for a set working context. */
export function ContextIcon() {
  return <Icon d="M12 3.5 4.5 6.5v5c0 4.4 3.1 8 7.5 9 4.4-1 7.5-4.6 7.5-9v-5L12 3.5ZM8.8 12.2l2.2 2.2 4.2-4.4" />;
}

/** The casegraph mark: three linked nodes. */
export function BrandMark() {
  return (
    <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="currentColor" />
      <g stroke="#fff" strokeWidth="2.4">
        <line x1="10" y1="11" x2="22" y2="11" />
        <line x1="10" y1="11" x2="16" y2="22" />
        <line x1="22" y1="11" x2="16" y2="22" />
      </g>
      <g fill="#fff">
        <circle cx="10" cy="11" r="3.4" />
        <circle cx="22" cy="11" r="3.4" />
        <circle cx="16" cy="22" r="3.4" />
      </g>
    </svg>
  );
}
