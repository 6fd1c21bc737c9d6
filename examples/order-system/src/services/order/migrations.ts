// The order service's own tables. This file is yours: edasaga created it once and never rewrites it.
// The order service keeps its orders in the runtime's document store and the OrderSaga's tables,
// so it needs none of its own yet.
import type { Migration } from '../../generated/runtime/index.js';

export const orderMigrations: readonly Migration[] = [];
