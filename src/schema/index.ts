export { RefResolver, isDraft07, refProblemsToDiagnostics } from './refs.js';
export type { LoadedFile, RefProblem, RefResolution, RefResolverOptions, RefTarget, SchemaLocation } from './refs.js';
export { forEachSubschema, isSchemaObject } from './walk.js';
export { getValidator } from './validators.js';
export type { CompiledValidator, ValidationError } from './validators.js';
export { closest, didYouMean, editDistance } from './suggest.js';
export { packageRoot } from './validator-specs.js';
