/** The I/O floor of pack loading: read and JSON.parse every .json file under a folder, nothing else. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function parseJsonTree(dir: string): number {
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) files += parseJsonTree(p);
    else if (entry.name.endsWith('.json')) {
      JSON.parse(readFileSync(p, 'utf8'));
      files++;
    }
  }
  return files;
}
