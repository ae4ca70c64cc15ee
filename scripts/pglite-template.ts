/**
 * `npm run pglite:template`: remakes the embedded store's template
 * (src/store/pglite-template/) for the installed PGlite. Run after upgrading PGlite.
 * A script of its own, not a main block in the module: worker threads load that module
 * through a CommonJS transform, where top-level await is refused.
 */
import { buildTemplate } from '../src/store/pglite-template.js';

console.log(`wrote ${await buildTemplate()}`);
