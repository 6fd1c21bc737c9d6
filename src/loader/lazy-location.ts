// A SourceLocation computed when first read. The model gives every service, message, version and
// step a location, but only a finding ever reads one; locating thousands of them up front would
// build the syntax tree of every file (seconds for a big catalog) on runs that report nothing.
// `file`, `line` and `col` are enumerable own properties (getters), so spreading, JSON and deep
// equality see an ordinary { file, line, col }.

import type { SourceLocation } from '../model/types.js';

export function lazyLocation(compute: () => SourceLocation): SourceLocation {
  let loc: SourceLocation | undefined;
  const get = (): SourceLocation => (loc ??= compute());
  return Object.defineProperties({} as SourceLocation, {
    file: { get: () => get().file, enumerable: true },
    line: { get: () => get().line, enumerable: true },
    col: { get: () => get().col, enumerable: true },
  });
}
