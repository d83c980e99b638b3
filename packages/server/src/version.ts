/** The casegraph release this server belongs to. */
export const VERSION = '0.1.0';
