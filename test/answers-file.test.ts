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
    expect(problems('name: orders\n  bad indent: x\n')[0]).toMatch(/^secure-aks\.yaml:1:7: Nested mappings/);
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
