// Where edasaga is installed: the folder that holds schemas/, templates/, examples/ and src/runtime.
// Found from this module's own location, which works from src/ (tests, tsx) and from dist/ (the
// built CLI): both sit one level below the package root. The one definition; everything that
// reads a file of edasaga's own installation starts here.

import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}
