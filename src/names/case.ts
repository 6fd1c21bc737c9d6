// How catalog names become file names and identifiers. One definition, used by `validate` (to know
// what a name will become), by `generate` (to write it) and by the AsyncAPI import (to make names).

/** `OrderCreated` -> `order-created`, `HTTPRequest2` -> `http-request2`, `greeterBot` -> `greeter-bot`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
}

/** `shipping-address` / `shipping_address` / `shippingAddress` -> `ShippingAddress`. */
export function pascalCase(name: string): string {
  const parts = name.split(/[^A-Za-z0-9]+/).filter((p) => p !== '');
  const joined = parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** `order-service` -> `orderService`, `greeterBot` -> `greeterBot`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** Two names that would produce the same file or identifier (case-insensitive file systems, kebab vs camel). */
export function collisionKey(name: string): string {
  return name.replace(/-/g, '').toLowerCase();
}
