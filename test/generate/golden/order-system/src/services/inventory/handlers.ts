// The inventory service's message handlers. This file is yours: edasaga created it once and only
// ever adds a handler here when the catalog gains a message this service consumes.
import type { HandlerContext, InventoryHandlers, ReserveInventoryMessage, ReleaseInventoryMessage } from '../../generated/index.js';

export const inventoryHandlers = {
  /** ReserveInventory (command from the inventory service, topic "inventory-commands"): Hold stock for every item of an order. */
  async ReserveInventory(message: ReserveInventoryMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('ReserveInventory has no handler yet', { subject: message.subject });
    throw new Error('not implemented: handle ReserveInventory in src/services/inventory/handlers.ts');
  },
  /** ReleaseInventory (command from the inventory service, topic "inventory-commands"): Give back stock held for an order (compensates ReserveInventory). */
  async ReleaseInventory(message: ReleaseInventoryMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('ReleaseInventory has no handler yet', { subject: message.subject });
    throw new Error('not implemented: handle ReleaseInventory in src/services/inventory/handlers.ts');
  },
} satisfies InventoryHandlers;
