import { describe, expect, it } from 'vitest';
import { defaultAcrName, defaultKeyVaultName, FIELDS, flagOf, KEYS } from '../generators/core/answers/model.ts';
import * as rules from '../generators/core/answers/rules.ts';

describe('naming rules', () => {
  const cases: Array<[string, rules.Rule<string>, string[], string[]]> = [
    ['serviceName', rules.serviceName, ['ab', 'orders', 'orders-api', 'a1-b2-c3', 'x'.repeat(20)], ['a', 'Orders', '1orders', 'orders-', '-orders', 'or--ders', 'or_ders', 'x'.repeat(21), 'my-azure-app', 'microsoftish', ' orders', 'orders ']],
    ['environmentName', rules.environmentName, ['dev', 'prod', 'qa1', 'staging1'], ['d', 'Dev', '1dev', 'staging12', 'de-v', '', 'azure', 'office', 'xbox1']],
    ['acrName', rules.acrName, ['crorders01', 'abcde', 'a'.repeat(50)], ['abcd', 'a'.repeat(51), 'my-acr', 'cr_orders', 'CrOrders']],
    ['keyVaultName', rules.keyVaultName, ['kv-orders', 'abc', 'a'.repeat(24), 'kv-a1-b2'], ['ab', 'a'.repeat(25), '1kv', 'kv-', 'kv--orders', 'kv_orders']],
    ['guid', rules.guid, ['3f2504e0-4f89-41d3-9a0c-0305e82c3301', '3F2504E0-4F89-41D3-9A0C-0305E82C3301'], ['nope', '3f2504e0-4f89-41d3-9a0c-0305e82c330', '{3f2504e0-4f89-41d3-9a0c-0305e82c3301}']],
    ['vmSize', rules.vmSize, ['Standard_D4ds_v5', 'Standard_E8s_v3'], ['D4ds_v5', 'Standard D4', 'standard_d4']],
    ['namespaceName', rules.namespaceName, ['orders', 'team-a'], ['default', 'kube-system', 'kube-anything', 'Orders', 'a'.repeat(64)]],
    ['secretName', rules.secretName, ['db-password', 'ApiKey1', 'a'.repeat(127)], ['db_password', 'db.password', '', 'a'.repeat(128)]],
    ['adoOrganizationUrl', rules.adoOrganizationUrl, ['https://dev.azure.com/contoso', 'https://contoso.visualstudio.com'], ['http://dev.azure.com/contoso', 'https://dev.azure.com/contoso/', 'https://example.com/contoso', 'dev.azure.com/contoso']],
    ['adoProject', rules.adoProject, ['Orders', 'My Project', 'a.b_c-d'], ['_hidden', 'ends.', 'a/b', 'x'.repeat(65)]],
    ['agentPoolName', rules.agentPoolName, ['pool-orders-dev', 'abc'], ['ab', 'Pool', 'pool--x', '-pool', 'x'.repeat(45)]],
  ];
  for (const [name, rule, valid, invalid] of cases) {
    it(`${name} accepts valid values`, () => {
      for (const value of valid) expect(rule(value), value).toBeUndefined();
    });
    it(`${name} rejects invalid values with a rule text`, () => {
      for (const value of invalid) expect(rule(value), value).toMatch(/\w/);
    });
  }

  it('rejects invisible and look-alike characters by code point', () => {
    expect(rules.serviceName('orders\u200b')).toContain('U+200B');
    expect(rules.serviceName('оrders')).toContain('U+043E'); // Cyrillic o
  });

  it('ports: the unprivileged range only', () => {
    expect(rules.port(8080)).toBeUndefined();
    expect(rules.port(1024)).toBeUndefined();
    expect(rules.port(65535)).toBeUndefined();
    for (const bad of [0, 80, 1023, 65536, 8080.5]) expect(rules.port(bad)).toMatch(/1024 to 65535/);
  });

  it('suggests close matches only', () => {
    expect(rules.closest('acrname', KEYS)).toBe('acrName');
    expect(rules.closest('addresSpace', KEYS)).toBe('addressSpace');
    expect(rules.closest('zzzzzzzz', KEYS)).toBeUndefined();
  });
});

describe('derived defaults', () => {
  it('acrName and keyVaultName are valid and deterministic for any valid service name', () => {
    const names = ['ab', 'orders', 'a-b-c-d-e-f-g-h-i-j', 'x'.repeat(20), 'abcdefghij-klmnopqrs'];
    for (const name of names) {
      for (const env of ['dev', 'prod', 'staging1']) {
        const acr = defaultAcrName(name, env);
        const kv = defaultKeyVaultName(name, env);
        expect(rules.acrName(acr), acr).toBeUndefined();
        expect(rules.keyVaultName(kv), kv).toBeUndefined();
        expect(defaultAcrName(name, env)).toBe(acr);
        expect(defaultKeyVaultName(name, env)).toBe(kv);
      }
    }
    expect(defaultAcrName('orders', 'dev')).not.toBe(defaultAcrName('orders', 'prod'));
  });

  it('every field has a description, a default text and a kebab-case flag', () => {
    for (const field of FIELDS) {
      expect(field.description.length, field.key).toBeGreaterThan(10);
      expect(field.defaultText.length, field.key).toBeGreaterThan(0);
      expect(flagOf(field.key)).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
    expect(flagOf('adminGroupObjectIds')).toBe('admin-group-object-ids');
  });
});
