import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { navigationCount } from './router';

interface PageProps {
  title: string;
  lead: ReactNode;
  children?: ReactNode;
  /** Use the full content width, for pages with results beside their filters. */
  wide?: boolean;
}

/** The frame of every page: its heading, a sentence on what it is for, then its content. */
export function Page({ title, lead, children, wide = false }: PageProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = `${title} · casegraph`;
    // Screen readers get no page-load cue on client-side navigation, so move focus to the new heading.
    if (navigationCount() > 0) headingRef.current?.focus();
  }, [title]);

  return (
    <article className={wide ? 'page page--wide' : 'page'}>
      <header className="page__header">
        <h1 ref={headingRef} tabIndex={-1}>
          {title}
        </h1>
        <p className="page__lead">{lead}</p>
      </header>
      {children}
    </article>
  );
}

/** A short list of what a section lets the user do. */
export function Capabilities({ title, items }: { title: string; items: readonly string[] }) {
  return (
    <section className="panel" aria-labelledby="capabilities-title">
      <h2 id="capabilities-title">{title}</h2>
      <ul className="capabilities">
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </section>
  );
}
