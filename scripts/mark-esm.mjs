// dist/esm holds the ES module build (tsconfig.esm.json): a package.json there tells Node (and
// TypeScript's node16/nodenext resolution) that its .js and .d.ts files are ES modules.
import { writeFileSync } from 'node:fs';

writeFileSync(new URL('../dist/esm/package.json', import.meta.url), '{ "type": "module" }\n');
