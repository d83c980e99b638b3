import { Link } from '../link';
import { Page } from '../page';
import { homePath } from '../router';

/** Shown for an address that names no part of the app. */
export function NotFoundPage({ pathname }: { pathname: string }) {
  return (
    <Page title="Page not found" lead={<>There is nothing at <code>{pathname}</code>.</>}>
      <p>
        <Link href={homePath}>Go to Search</Link>
      </p>
    </Page>
  );
}
