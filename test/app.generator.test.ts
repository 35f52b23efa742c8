// The real app generator in yeoman-test's in-memory file system: prompts, precedence with stored
// answers, and nothing written when input is invalid.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/cli.ts';
import { runApp } from './helpers/generate.ts';

const STORE = 'generator-secure-aks';

function stored(result: Awaited<ReturnType<typeof runApp>>) {
  return JSON.parse(result.fs.read(`${result.cwd}/.yo-rc.json`)!)[STORE];
}

describe('app generator (in memory)', () => {
  it('writes the skeleton and stores the resolved answers', async () => {
    const result = await runApp({ name: 'orders' });
    result.assertFile(['README.md', '.gitignore', '.editorconfig', '.yo-rc.json']);
    expect(stored(result)).toMatchObject({ name: 'orders', environment: 'dev' });
    expect(stored(result).workloads).toEqual([{ name: 'orders', namespace: 'orders', kind: 'web', port: 8080, replicas: 2, secrets: ['app-secret'], expose: 'internal' }]);
    result.assertFileContent('README.md', /`id-orders-dev`/);
  });

  it('asks what flags did not answer, with derived defaults, and stores the answers', async () => {
    const result = await runApp({ yes: false, interactive: true, location: 'northeurope' }).withAnswers({
      name: 'billing',
      environment: 'prod',
      bastion: false,
      agentPool: 'vmss',
      userNodeMinCount: '4',
    });
    const answers = stored(result);
    expect(answers).toMatchObject({ name: 'billing', environment: 'prod', location: 'northeurope', bastion: false, agentPool: 'vmss', userNodeMinCount: 4 });
    // Derived from the answers given at earlier prompts.
    expect(answers.acrName).toMatch(/^crbillingprod[0-9a-f]{4}$/);
    expect(answers.serviceConnection).toBe('sc-billing-prod');
  });

  it('does not ask what is stored in .yo-rc.json', async () => {
    const result = await runApp({ yes: false, interactive: true }).withFiles({ '.yo-rc.json': { [STORE]: { name: 'stored-name', environment: 'qa' } } });
    const asked = result.askedQuestions.map((q) => q.name);
    expect(stored(result)).toMatchObject({ name: 'stored-name', environment: 'qa' });
    expect(asked).not.toContain('name');
    expect(asked).not.toContain('environment');
    expect(asked).toContain('location');
  });

  it('does not prompt at all with --yes', async () => {
    const result = await runApp({ yes: true, interactive: true });
    expect(result.askedQuestions).toEqual([]);
  });

  it('flags beat the answers stored in .yo-rc.json', async () => {
    const result = await runApp({ environment: 'prod' }).withFiles({ '.yo-rc.json': { [STORE]: { name: 'stored-name', environment: 'qa' } } });
    expect(stored(result)).toMatchObject({ name: 'stored-name', environment: 'prod' });
  });

  it('reads --bastion false and --bastion true as yo passes them (the command line, parsed by Yeoman) (issue 16)', async () => {
    const off = await runApp({}).withArguments(['--bastion', 'false']);
    expect(stored(off).bastion).toBe(false);
    off.assertNoFile('infra/modules/bastion.bicep');
    const on = await runApp({}).withArguments(['--bastion', 'true']);
    expect(stored(on).bastion).toBe(true);
    const negated = await runApp({}).withArguments(['--no-bastion']);
    expect(stored(negated).bastion).toBe(false);
  });

  it('reads availability zones written as numbers in an answers file (issue 16)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'answers.yaml'), 'availabilityZones: [1, 3]\n');
    const result = await runApp({ answers: join(dir, 'answers.yaml') });
    expect(stored(result).availabilityZones).toEqual(['1', '3']);
  });

  it('rejects invalid answers with every problem and writes nothing', async () => {
    const dir = tempDir();
    const run = runApp({ name: 'Bad_Name', 'address-space': '10.0.0.0/30', 'admin-group-object-ids': 'nope' }, dir);
    await expect(run).rejects.toThrow(/name "Bad_Name"[\s\S]*adminGroupObjectIds\[0\] "nope"[\s\S]*addressSpace "10.0.0.0\/30"/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects an invalid stored .yo-rc.json by key', async () => {
    await expect(runApp({}).withFiles({ '.yo-rc.json': { [STORE]: { name: 'orders', bastionSku: 'Basic' } } })).rejects.toThrow(
      /bastionSku "Basic": one of Standard, Premium/,
    );
  });

  it('renders a failure in the middle of rendering without writing anything', async () => {
    // A workload name that passes validation cannot break a template; inject a failure instead.
    const render = await import('../generators/core/output/render.ts');
    const original = render.renderTree;
    const { vi } = await import('vitest');
    const spy = vi.spyOn(render, 'renderTree').mockImplementationOnce(async () => {
      throw new Error('injected failure while rendering');
    });
    const dir = tempDir();
    try {
      await expect(runApp({ name: 'orders' }, dir)).rejects.toThrow('injected failure while rendering');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
    expect(render.renderTree).toBe(original);
  });
});
