import { describe, expect, it } from 'vitest';
import { runApp } from './helpers/generate.ts';

describe('app generator (in memory)', () => {
  it('writes the skeleton and stores the resolved answers', async () => {
    const result = await runApp({ name: 'orders' });
    result.assertFile(['README.md', '.gitignore', '.editorconfig', '.yo-rc.json']);
    const stored = JSON.parse(result.fs.read(result.cwd + '/.yo-rc.json')!)['generator-secure-aks'];
    expect(stored.name).toBe('orders');
    expect(stored.workloads).toEqual([{ name: 'orders', namespace: 'orders', port: 8080, replicas: 2, secrets: ['app-secret'] }]);
  });
});
