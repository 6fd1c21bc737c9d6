// Type-check stand-in, never copied into a project: there, src/generated/runtime/ is a copy of this
// repository's src/runtime. tsconfig.templates.json merges this folder with templates/project and the
// golden project (rootDirs), so the fixed files and the golden output are compiled against the real
// runtime.
export * from '../../../../../src/runtime/index.js';
