import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Where sql.js's wasm is: beside the bundle (dist/, as the .vsix and `tml` ship it), else in
 * node_modules (tests and development runs).
 */
export function locateSqlWasm(fileName: string): string {
  const bundled = path.join(__dirname, fileName);
  return existsSync(bundled) ? bundled : require.resolve(`sql.js/dist/${fileName}`);
}
