/** Dependency rules of the architecture (docs/architecture.md). */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'platform-is-infrastructure',
      comment: 'platform/ knows nothing of modules/ or http/',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules|http)/' },
    },
    {
      name: 'lang-is-pure',
      severity: 'error',
      from: { path: '^src/lang/' },
      to: { path: '^src/(modules|http|platform)/' },
    },
    {
      name: 'modules-talk-through-services',
      comment: 'a module reaches another module only through its service (or its public schema/types)',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/(repository|routes)', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'routes-not-from-services',
      severity: 'error',
      from: { path: '^src/modules/[^/]+/(service|repository)' },
      to: { path: '^src/modules/[^/]+/routes' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
