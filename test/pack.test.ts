// What `npm pack` ships: the compiled generators, the templates, the schema and the bin; no tests or sources.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('npm pack', () => {
  it('contains the compiled generators, templates and schema, and nothing from test/ or create-secure-aks/', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    expect(files).toContain('dist/generators/app/index.js');
    expect(files).toContain('dist/generators/core/run/cli.js');
    expect(files).toContain('bin/create-secure-aks.js');
    expect(files).toContain('answers.schema.json');
    expect(files).toContain('templates/app/README.md.ejs');
    // The templates compiled ahead of time (scripts/precompile-templates.mjs), beside their source.
    expect(files).toContain('dist/templates/app.js');
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('generators/') || f.endsWith('.ts'))).toEqual([]);
    // The thin create-secure-aks package is published on its own (test/create-package.test.ts).
    expect(files.filter((f) => f.startsWith('create-secure-aks/'))).toEqual([]);
  });
});
