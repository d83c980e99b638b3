/** How an entity reads on screen: the caption that names it and its properties in reading order. */

import type { EntityProfile, EntityValue } from './api';
import { propertyLabel } from './search-query';

/** The value the server's search shows as a caption: the first name, title or number the record has. */
export function captionOf(entity: EntityProfile): string {
  for (const property of ['name', 'title', 'registrationNumber', 'full', 'number', 'email', 'phone']) {
    const value = entity.properties[property]?.[0]?.value;
    if (value !== undefined) return value;
  }
  return entity.id;
}

/** Names first (they say who this is), then the rest alphabetically by label. */
export function orderedProperties(entity: EntityProfile): Array<[string, EntityValue[]]> {
  const rank = (property: string) => (property === 'name' ? 0 : 1);
  return Object.entries(entity.properties).sort(([a], [b]) => rank(a) - rank(b) || propertyLabel(a).localeCompare(propertyLabel(b)));
}
