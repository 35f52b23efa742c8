import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../generators/core/answers/answers-file.ts';
import { formatProblem } from '../generators/core/support/problems.ts';

const problems = (text: string) => {
  const result = parseAnswers(text, 'secure-aks.yaml');
  return result.ok ? [] : result.problems.map(formatProblem);
};

describe('answers files', () => {
  it('reads YAML and JSON mappings, ignoring $schema', () => {
    expect(parseAnswers('$schema: ./answers.schema.json\nname: orders\nworkloads:\n  - name: api\n', 'a.yaml')).toEqual({ ok: true, values: { name: 'orders', workloads: [{ name: 'api' }] } });
    expect(parseAnswers('{"name": "orders", "bastion": false}', 'a.json')).toEqual({ ok: true, values: { name: 'orders', bastion: false } });
  });

  it('reports syntax errors with line and column', () => {
    expect(problems('name: orders\nlocation: [westeurope\n')[0]).toMatch(/^secure-aks\.yaml:\d+:\d+: /);
    expect(problems('name: orders\n  bad indent: x\n')).toEqual([
      'secure-aks.yaml:2:3: indentation: "bad indent: x" starts at column 3, but the keys above it start at column 1 (line 1: "name: orders"); indent it with spaces like the one it belongs with',
    ]);
  });

  it('says "indentation", and where, when a line is indented to a column nothing above it uses (issue 16)', () => {
    expect(problems('name: orders\nworkloads:\n  - name: api\n   port: 8080\n')).toEqual([
      'secure-aks.yaml:4:4: indentation: "port: 8080" starts at column 4, but the keys above it start at column 5 (line 3: "- name: api") or column 1 (line 2: "workloads:"); indent it with spaces like the one it belongs with',
    ]);
    expect(problems('workloads:\n  - name: api\n  namespace: orders\n')).toEqual([
      'secure-aks.yaml:3:3: indentation: "namespace: orders" starts at column 3, but the keys above it start at column 5 (line 2: "- name: api") or column 1 (line 1: "workloads:"); indent it with spaces like the one it belongs with',
    ]);
    expect(problems('workloads:\n  - name: api\n   - name: web\n')).toEqual([
      'secure-aks.yaml:3:4: indentation: "- name: web" starts at column 4, but the list items above it start at column 3 (line 2: "- name: api"); indent it with spaces like the one it belongs with',
    ]);
    expect(problems('workloads:\n\t- name: api\n')[0]).toMatch(/^secure-aks\.yaml:2:1: Tabs are not allowed as indentation/);
    // Not an indentation mistake: a key without its colon, an unclosed list.
    expect(problems('name orders\nlocation: westeurope\n')).toEqual(['secure-aks.yaml:1:1: "name orders" is not "key: value": a key needs a colon and a space after it']);
    expect(problems('name: orders\navailabilityZones: [1, 2\n')[0]).not.toMatch(/indentation/);
    // Valid nesting is left alone.
    expect(parseAnswers('workloads:\n- name: api\n  secrets:\n  - a\n    # note\n  port: 9000\n', 'a.yaml').ok).toBe(true);
  });

  it('rejects duplicate keys', () => {
    expect(problems('name: a\nname: b\n')[0]).toMatch(/^secure-aks\.yaml:2:1: Map keys must be unique/);
  });

  it('rejects empty files and anything but a mapping', () => {
    expect(problems('')).toEqual(['secure-aks.yaml: is empty; expected a mapping of answers']);
    expect(problems('# only a comment\n')).toEqual(['secure-aks.yaml: is empty; expected a mapping of answers']);
    expect(problems('- name: a\n')).toEqual(['secure-aks.yaml: must be a mapping of answers, not a list']);
    expect(problems('just text\n')).toEqual(['secure-aks.yaml: must be a mapping of answers, not string']);
  });

  it('stops alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`)].join('\n');
    expect(problems(bomb)[0]).toMatch(/^secure-aks\.yaml: .*alias/i);
  });
});
