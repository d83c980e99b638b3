// What the global setup hands every test file: where the migrated templates are.
declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
  }
}

export {};
