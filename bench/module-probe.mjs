// Preloaded by `npm run bench -- --profile` (`node --import <this> ...`): records the URL of every
// module the process loads and writes the list, in load order, to BENCH_MODULES_FILE at exit.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.BENCH_MODULES_FILE;
delete process.env.BENCH_MODULES_FILE;

if (file) {
  const loaded = [];
  registerHooks({
    load(url, context, nextLoad) {
      loaded.push(url);
      return nextLoad(url, context);
    },
  });
  process.on('exit', () => writeFileSync(file, `${loaded.join('\n')}\n`));
}
