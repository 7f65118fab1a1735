import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { OuiTable } from '../../core/identity/vendor.ts';

let cached: OuiTable | undefined;

/** The IEEE MA-L/MA-M/MA-S registry shipped by `oui-data`, loaded once on first use (about 5 MB). */
export function loadOuiTable(): OuiTable {
  if (cached === undefined) {
    const path = createRequire(import.meta.url).resolve('oui-data');
    cached = JSON.parse(readFileSync(path, 'utf8')) as OuiTable;
  }
  return cached;
}
