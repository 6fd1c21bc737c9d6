// The project emitter: the runnable order system (package.json, services, handlers wiring, saga
// orchestrators on the runtime). Owned by the project engineer; a stub until then so the seam exists.
import type { Emitter } from '../plan.js';

export const emitProject: Emitter = () => [];
