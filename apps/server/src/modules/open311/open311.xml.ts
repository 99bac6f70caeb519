/**
 * A small XML writer for the Open311 GeoReport v2 responses: elements with text or child elements,
 * nothing else (no attributes, no namespaces), in the element names of the specification.
 */
export type XmlContent = string | number | boolean | null | undefined | readonly XmlElement[];
export type XmlElement = readonly [name: string, content: XmlContent];

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Characters XML 1.0 does not allow at all (control characters other than tab, newline, return).
// eslint-disable-next-line no-control-regex
const INVALID_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text.replace(INVALID_CHARS, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function write(el: XmlElement, out: string[]): void {
  const [name, content] = el;
  if (!NAME.test(name)) throw new Error(`not an XML element name: ${name}`);
  if (content === undefined) return;
  if (content === null || content === '' || (Array.isArray(content) && content.length === 0)) {
    out.push(`<${name}/>`);
    return;
  }
  if (Array.isArray(content)) {
    out.push(`<${name}>`);
    for (const child of content as readonly XmlElement[]) write(child, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXml(String(content))}</${name}>`);
}

/** A whole document: the declaration and one root element. */
export function toXml(root: XmlElement): string {
  const out: string[] = ['<?xml version="1.0" encoding="utf-8"?>'];
  write(root, out);
  return out.join('');
}

/** The fields of a flat record as elements, in their order (undefined fields are left out). */
export function fields(record: Readonly<Record<string, string | number | boolean | null | undefined>>): XmlElement[] {
  return Object.entries(record).map(([k, v]) => [k, v] as const);
}

/** A list: `<wrapper><item>…</item><item>…</item></wrapper>`. */
export function list<T>(wrapper: string, item: string, items: readonly T[], toChildren: (t: T) => readonly XmlElement[]): XmlElement {
  return [wrapper, items.map((x) => [item, toChildren(x)] as const)];
}
