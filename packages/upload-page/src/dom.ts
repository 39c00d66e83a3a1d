/** Children an element is made with: nodes, or strings that go in as text (never as HTML). */
export type Child = Node | string | null | undefined | false;

/**
 * An element with attributes and children. Everything the page shows that came from outside (file
 * names, messages, URLs) goes through here or `textContent`, so none of it is ever parsed as HTML.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/** The element with this id, which the page's HTML must have. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}.`);
  return element as T;
}
