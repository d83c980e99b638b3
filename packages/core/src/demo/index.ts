export { generateDemo, DEMO_SOURCE_IDS, type DemoManifest, type DemoManifestSource, type DemoOptions } from './generate-demo.js';
export type { DemoPurpose, SourcePolicyFile } from './source-output.js';
