// Where the package's own files are, whether running from source (generators/...) or compiled (dist/generators/...).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'generator-secure-aks') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('generator-secure-aks: cannot find the package root');
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
export const PACKAGE_NAME = 'generator-secure-aks';
export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export function templateRoot(generator: 'app' | 'workload'): string {
  return join(PACKAGE_ROOT, 'templates', generator);
}
