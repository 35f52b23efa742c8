import { describe, expect, it } from 'vitest';
import { mergeFile, mergeJson, mergeYaml } from '../generators/core/output/merge.ts';

const mergeLines = (base: string, next: string, disk: string) => mergeFile('README.md', base, next, disk);

describe('mergeYaml', () => {
  const base = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - workloads/a\n';
  const next = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - workloads/a\n  - workloads/b\n';

  it('adds list items and keeps comments and the owner\'s own entries', () => {
    const disk = '# owned by the platform team\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - workloads/a # the first one\n  - extra/monitoring.yaml\ncommonLabels:\n  team: orders\n';
    const merged = mergeYaml(base, next, disk);
    expect(merged).toEqual({
      ok: true,
      content: '# owned by the platform team\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - workloads/a # the first one\n  - workloads/b\n  - extra/monitoring.yaml\ncommonLabels:\n  team: orders\n',
    });
  });

  it('is idempotent: an item already there is not added twice', () => {
    const once = mergeYaml(base, next, base);
    expect(once.ok && mergeYaml(base, next, once.content)).toEqual(once);
  });

  it('adds keys, changes scalars the owner left alone, and refuses edited ones', () => {
    expect(mergeYaml('a: 1\n', 'a: 2\nb: 3\n', 'a: 1 # keep\nc: 4\n')).toEqual({ ok: true, content: 'a: 2 # keep\nc: 4\nb: 3\n' });
    expect(mergeYaml('a: 1\n', 'a: 2\n', 'a: 5\n')).toEqual({ ok: false, reason: 'a was edited (it is no longer what the generator wrote there)' });
  });

  it('refuses when the owner removed the place the change goes', () => {
    const merged = mergeYaml('spec:\n  list: [a]\n', 'spec:\n  list: [a, b]\n', 'other: true\n');
    expect(merged).toEqual({ ok: false, reason: 'spec was removed, and the generator would change it' });
  });

  it('adds mapping items to a list of mappings after their predecessor', () => {
    const b = 'parameters:\n  - name: workloads\n    default:\n      - name: a\n        namespace: a\n';
    const n = 'parameters:\n  - name: workloads\n    default:\n      - name: a\n        namespace: a\n      - name: b\n        namespace: b\n';
    const d = 'parameters:\n  # the workloads this pipeline builds\n  - name: workloads\n    default:\n      - name: a\n        namespace: a\n';
    expect(mergeYaml(b, n, d)).toEqual({
      ok: true,
      content: 'parameters:\n  # the workloads this pipeline builds\n  - name: workloads\n    default:\n      - name: a\n        namespace: a\n      - name: b\n        namespace: b\n',
    });
  });

  it('reports a file that no longer parses', () => {
    expect(mergeYaml(base, next, 'resources: [\n')).toMatchObject({ ok: false, reason: expect.stringMatching(/no longer parses as YAML/) });
  });
});

describe('mergeJson', () => {
  it('appends to arrays and keeps the owner\'s fields', () => {
    const merged = mergeJson('[{"name":"a"}]', '[{"name":"a"},{"name":"b"}]', '[\n  {"name": "a", "note": "mine"}\n]');
    expect(merged.ok).toBe(true);
  });
});

describe('mergeFile by lines (diff3)', () => {
  const base = '| workload |\n|---|\n| a |\n\n## Next\n';
  const next = '| workload |\n|---|\n| a |\n| b |\n\n## Next\n';

  it('inserts added lines after their context line, keeping the owner\'s edits elsewhere', () => {
    const disk = '# Mine\n\n| workload |\n|---|\n| a |\n\n## Next\nMy notes.\n';
    expect(mergeLines(base, next, disk)).toEqual({ ok: true, content: '# Mine\n\n| workload |\n|---|\n| a |\n| b |\n\n## Next\nMy notes.\n' });
  });

  it('refuses when the context line is gone', () => {
    expect(mergeLines(base, next, '# nothing here\n')).toMatchObject({ ok: false });
  });

  it('replaces lines the owner left alone, and refuses edited ones', () => {
    expect(mergeLines('x=1\ny=2\nw=0\n', 'x=1\ny=3\nw=0\n', 'x=1\ny=2\nw=0\nz=9\n')).toEqual({ ok: true, content: 'x=1\ny=3\nw=0\nz=9\n' });
    expect(mergeLines('x=1\ny=2\n', 'x=1\ny=3\n', 'x=1\ny=5\n')).toMatchObject({ ok: false, reason: expect.stringContaining('line 2') });
  });

  it('treats changes on touching lines as a conflict, as git does, and shows both sides with markers', () => {
    const merged = mergeLines('x=1\ny=2\n', 'x=1\ny=3\n', 'x=1\ny=2\nz=9\n');
    expect(merged).toMatchObject({ ok: false, reason: expect.stringContaining('lines 2-3') });
    expect(!merged.ok && merged.markers).toBe('x=1\n<<<<<<< yours\ny=2\nz=9\n||||||| last generated\ny=2\n=======\ny=3\n>>>>>>> generator\n');
  });

  it('keeps a comment the owner put at the top of a Bicep file while a property changes further down', () => {
    const base = "param location string\n\nresource x 'T@1' = {\n  name: 'x'\n  properties: {\n    enabled: false\n  }\n}\n";
    const next = base.replace('enabled: false', 'enabled: true');
    const merged = mergeFile('infra/modules/x.bicep', base, next, `// owned by team blue\n${base}`);
    expect(merged).toEqual({ ok: true, content: `// owned by team blue\n${next}` });
  });

  it('falls back to lines for YAML when the structure refuses, and takes that only if it still parses', () => {
    // The owner renamed the key the generator changes: structurally a conflict; by lines, too.
    expect(mergeFile('a.yaml', 'a: 1\nb: 2\n', 'a: 1\nb: 3\n', 'a: 1\nc: 2\n')).toMatchObject({ ok: false, markers: expect.stringContaining('<<<<<<< yours') });
  });

  it('picks the merge by file type', () => {
    expect(mergeFile('k/kustomization.yaml', 'a: [1]\n', 'a: [1, 2]\n', 'a: [1] # c\n')).toEqual({ ok: true, content: 'a: [ 1, 2 ] # c\n' });
  });
});
