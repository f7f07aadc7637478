/** Small DOM helpers. Text always goes in through textContent: file names come from the user's disk. */
import { formatLoss as formatLossValue } from '../src/core/format';

type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;

/** Creates an element; boolean attributes are set when true, omitted when false or undefined. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K, attributes?: Attributes, ...children: readonly (Node | string)[]
): HTMLElementTagNameMap[K];
export function el(tag: string, attributes?: Attributes, ...children: readonly (Node | string)[]): HTMLElement;
export function el(tag: string, attributes: Attributes = {}, ...children: readonly (Node | string)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children);
  return element;
}

/** Sets or removes a boolean attribute. */
export function toggleAttribute(element: Element, name: string, on: boolean): void {
  if (on) element.setAttribute(name, '');
  else element.removeAttribute(name);
}

const themeCache = new Map<string, string>();
let themeObserved = false;

/**
 * A theme colour from VS Code's CSS variables, with a fallback for browsers outside VS Code.
 * Cached (reading computed style per chart draw would force style recalculation on every key
 * press) and dropped when VS Code switches theme: it rewrites <html style> and <body class>.
 */
export function themeColor(variable: string, fallback: string): string {
  if (!themeObserved) {
    themeObserved = true;
    onThemeChange(() => undefined);
  }
  let value = themeCache.get(variable);
  if (value === undefined) {
    value = getComputedStyle(document.documentElement).getPropertyValue(variable).trim();
    themeCache.set(variable, value);
  }
  return value.length > 0 ? value : fallback;
}

/** Calls `changed` after the theme changed, with the colour cache already cleared. */
export function onThemeChange(changed: () => void): void {
  const observer = new MutationObserver(() => {
    themeCache.clear();
    changed();
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

/** Loss values: four significant decimals are what users compare across slices. */
export function formatLoss(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : formatLossValue(value);
}

/** Voxel counts are integers for hard predictions and soft sums otherwise. */
export function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** A raw voxel value: integers as such, reals with enough digits to tell 0.4999 from 0.5. */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) return value.toExponential(3);
  return value.toPrecision(4);
}

/**
 * Calls `redraw` after the element's size changed, in the next animation frame: redrawing
 * inside the ResizeObserver callback can resize things again and trip the browser's
 * "ResizeObserver loop" error.
 */
export function onResize(element: Element, redraw: () => void): void {
  let frame = 0;
  new ResizeObserver(() => {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      redraw();
    });
  }).observe(element);
}
