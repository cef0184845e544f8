/**
 * Typed, versioned DI tokens. A token is a registered symbol (`Symbol.for`)
 * so that two copies of this package in one process (a third-party plugin
 * with its own `node_modules`) still agree on identity; its id carries the
 * interface version, e.g. `evm.kernel.scheduler@1`.
 */
declare const tokenType: unique symbol;

export type Token<T> = symbol & { readonly [tokenType]?: T };

const TOKEN_ID = /^evm(\.[a-z0-9-]+)+@\d+$/;

export function defineToken<T>(id: string): Token<T> {
  if (!TOKEN_ID.test(id)) {
    throw new TypeError(`token id "${id}" must look like "evm.<area>.<name>@<major>"`);
  }
  return Symbol.for(id) as Token<T>;
}

/** The id a token was defined with. */
export function tokenId(token: Token<unknown>): string {
  return Symbol.keyFor(token) ?? String(token.description);
}
