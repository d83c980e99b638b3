import { useEffect, useState } from 'react';
import { listSources } from './api';

// Source names change rarely; one list per page load is enough for labels.
let cached: Promise<Map<string, string>> | null = null;

function loadNames(): Promise<Map<string, string>> {
  cached ??= listSources().then((result) => {
    if (!result.ok) {
      cached = null; // try again next time rather than keep a failure
      return new Map<string, string>();
    }
    return new Map(result.data.map((source) => [source.id, source.name]));
  });
  return cached;
}

/** The registered sources' names by id, empty until loaded (labels then fall back to the id). */
export function useSourceNames(): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    void loadNames().then((loaded) => {
      if (live) setNames(loaded);
    });
    return () => {
      live = false;
    };
  }, []);
  return names;
}
