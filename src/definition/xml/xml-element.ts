import type { SourceLocation } from '../diagnostic.js';

/**
 * A parsed XML element with the position of its start tag. This is the only XML shape the loaders see:
 * plain, read-only, and free of anything a DTD could have injected.
 */
export interface XmlElement {
  /** Qualified name as written (`Activity`, `WFProcess`); idflow's dialects use no prefixes. */
  readonly name: string;
  /** Attributes in document order. Values are decoded (entities and character references replaced). */
  readonly attributes: ReadonlyMap<string, string>;
  /** Where each attribute starts, for diagnostics about one attribute. */
  readonly attributeLocations: ReadonlyMap<string, SourceLocation>;
  /** Child elements in document order. */
  readonly children: readonly XmlElement[];
  /** Text and CDATA directly inside this element, concatenated, untrimmed. */
  readonly text: string;
  /** True when the element had non-whitespace text interleaved with child elements. */
  readonly mixed: boolean;
  /** Position of the `<` of the start tag. */
  readonly location: SourceLocation;
  /**
   * Where the element is in the document text: from its `<` to just after the `>` of its end tag (string indices),
   * so that the exact text of an object can be kept as it was written (`idflow show --xml`).
   */
  readonly span?: { readonly start: number; readonly end: number };
  /** On the root element only: the whole document text, as decoded. */
  readonly source?: string;
}

/** The value of attribute `name`, or undefined. */
export function attr(el: XmlElement, name: string): string | undefined {
  return el.attributes.get(name);
}

/** The location of attribute `name` when present, else the element's location. */
export function attrLocation(el: XmlElement, name: string): SourceLocation {
  return el.attributeLocations.get(name) ?? el.location;
}

/** Child elements called `name`. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** The first child element called `name`, or undefined. */
export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}
