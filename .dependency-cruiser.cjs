// The layout's rules, checked by `npm run check:deps` (part of `npm test`): no import circle anywhere, and
// imports run one way through the stages of generators/core (ARCHITECTURE.md):
//   support <- answers <- plan <- output <- run <- generators/app, generators/workload
const stage = (name) => `^generators/core/${name}/`;
const below = {
  support: [],
  answers: ['support'],
  plan: ['support', 'answers'],
  output: ['support', 'answers', 'plan'],
  run: ['support', 'answers', 'plan', 'output'],
};
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle makes the stages impossible to read (or test) one at a time.',
      from: {},
      to: { circular: true },
    },
    ...Object.entries(below).map(([from, allowed]) => ({
      name: `stage-order-${from}`,
      severity: 'error',
      comment: `core/${from}/ may import only ${allowed.length ? allowed.map((s) => `core/${s}/`).join(', ') : 'no other stage'} (and itself).`,
      from: { path: stage(from) },
      to: { path: '^generators/', pathNot: [stage(from), ...allowed.map(stage)] },
    })),
    {
      name: 'core-not-in-a-stage',
      severity: 'error',
      comment: 'Every module of generators/core belongs to a stage folder.',
      from: { path: '^generators/core/[^/]+$' },
      to: {},
    },
    {
      name: 'generators-only-through-core',
      severity: 'error',
      comment: 'A generator does not import another generator.',
      from: { path: '^generators/(app|workload)/' },
      to: { path: '^generators/(app|workload)/', pathNot: '^generators/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a circle through types still ties the modules together.
    tsPreCompilationDeps: true,
    // TypeScript 7 has no JavaScript API yet (dependency-cruiser's tsc parser needs one): swc parses the sources.
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
