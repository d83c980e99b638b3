import { SectionIcon } from './icons';
import { Link } from './link';
import { sections } from './router';
import type { SectionId } from './router';

/** The main navigation: a row in the header on wide screens, a bottom tab bar on phones. */
export function PrimaryNav({ current }: { current: SectionId | undefined }) {
  return (
    <nav className="primary-nav" aria-label="Main">
      <ul>
        {sections.map((section) => (
          <li key={section.id}>
            <Link href={section.path} aria-current={section.id === current ? 'page' : undefined}>
              <SectionIcon section={section.id} />
              <span>{section.label}</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
