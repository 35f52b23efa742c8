// Modules that only some runs need, loaded on first use: a run without an answers file or a merge
// never pays for `yaml` (72 modules, about 25 ms of startup).
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;

export function yamlLib(): typeof Yaml {
  yamlModule ??= require('yaml') as typeof Yaml;
  return yamlModule;
}
