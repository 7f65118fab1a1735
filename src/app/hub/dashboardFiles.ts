import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root, where the built dashboard and demo data live. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built dashboard (`npm run build:web`). */
export const WEB_ROOT = join(PACKAGE_ROOT, 'web/dist');
export const PROJECT_URL = 'https://github.com/airtrace/airtrace';
