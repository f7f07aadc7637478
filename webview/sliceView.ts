/**
 * The slice viewer: a hidden canvas holding the slice at native resolution (one canvas pixel
 * per voxel) and a display canvas that scales it with nearest-neighbour sampling, honouring the
 * pixel aspect from the voxel spacing, zoom (wheel, around the cursor) and pan (drag).
 * Shift-drag is reported to the owner for window/level.
 */
import { MAX_ZOOM, MIN_ZOOM } from './state';
import { el, onResize } from './dom';
import { scaleBarLength, type EdgeLetters } from './orientation';

export interface ViewTransform {
  readonly zoom: number;
  readonly panX: number;
  readonly panY: number;
}

/** A voxel ringed over the image ("Show HD voxel"), in native pixels with display rows (top row 0). */
export interface ViewMarker {
  readonly column: number;
  readonly displayRow: number;
  /** 'hausdorff': where the distance is reached; 'nearest': the nearest voxel of the other surface. */
  readonly role: 'hausdorff' | 'nearest';
  /** Tooltip and accessible name. */
  readonly title: string;
  /** Volume voxel "i,j,k", for tests and debugging. */
  readonly voxel: string;
}

const SVG = 'http://www.w3.org/2000/svg';

export interface SliceViewCallbacks {
  /** `settled` is false while a drag or wheel is still going on; persist only settled ones. */
  onTransform(transform: ViewTransform, settled: boolean): void;
  /** Native pixel under the pointer, in display rows (top row 0), or null when it left the slice. */
  onHover(pixel: { readonly column: number; readonly displayRow: number } | null): void;
  onWindowDrag(dx: number, dy: number, phase: 'start' | 'move' | 'end'): void;
  /** A click without dragging on a native pixel (display rows): the three-plane cursor. */
  onPick?(pixel: { readonly column: number; readonly displayRow: number }): void;
}

interface Placement { readonly x: number; readonly y: number; readonly scaleX: number; readonly scaleY: number }

/** Time without wheel events after which a zoom counts as settled. */
const WHEEL_SETTLE_MS = 250;

export class SliceView {
  readonly element: HTMLElement;
  /** Exposed (id slice-native) so tests and debugging can read exact voxel colours. */
  readonly native: HTMLCanvasElement;
  private readonly display: HTMLCanvasElement;
  private readonly message: HTMLElement;
  /** Markers drawn over the display canvas, following zoom and pan. */
  private readonly markerLayer: SVGSVGElement;
  private markers: readonly ViewMarker[] = [];
  private image: ImageData | null = null;
  private spacing: readonly [number, number] = [1, 1];
  private transform: ViewTransform = { zoom: 1, panX: 0, panY: 0 };
  private drag: { mode: 'pan' | 'window'; x: number; y: number; start: ViewTransform; moved: boolean; event: PointerEvent } | null = null;
  /** Top-left caption: which plane this is (three-plane layout). */
  private readonly caption = el('span', { class: 'mi-plane-caption', hidden: true });
  private wheelTimer: number | undefined;
  /** The voxel under the shared cursor (hover, or the other planes' click), in native pixels. */
  private crosshair: { readonly column: number; readonly displayRow: number } | null = null;
  private readonly crosshairLayer: SVGSVGElement;
  private readonly letters: { readonly [K in keyof EdgeLetters]: HTMLElement };
  private readonly zoomText = el('span', { class: 'mi-zoom', title: 'Zoom: 100 % fits the slice to the view (+, −, 0 to reset)' });
  private readonly scaleBar = el('span', { class: 'mi-scalebar-bar' });
  private readonly scaleText = el('span', { class: 'mi-scalebar-text' });
  /** Physical unit of the spacing: 'mm', or 'px' when the file gives no pixel size. */
  private unit: 'mm' | 'px' = 'mm';
  /** Where the caller puts the overlay legend (bottom left of the slice). */
  readonly legendSlot = el('div', { class: 'mi-view-legend' });

  constructor(private readonly callbacks: SliceViewCallbacks) {
    this.native = el('canvas', { id: 'slice-native', hidden: true });
    this.display = el('canvas', {
      class: 'mi-slice-canvas', tabindex: 0, role: 'img',
      'aria-label': 'Slice image. Drag to pan, wheel to zoom, Shift+drag for window and level, + and − to zoom, 0 to reset.',
    });
    this.message = el('div', { class: 'mi-slice-message', role: 'status', hidden: true });
    this.markerLayer = document.createElementNS(SVG, 'svg');
    this.markerLayer.setAttribute('class', 'mi-markers');
    this.markerLayer.setAttribute('aria-hidden', 'true');
    this.crosshairLayer = document.createElementNS(SVG, 'svg');
    this.crosshairLayer.setAttribute('class', 'mi-crosshair');
    this.crosshairLayer.setAttribute('aria-hidden', 'true');
    const letter = (where: string): HTMLElement => el('span', { class: `mi-orient mi-orient-${where}`, 'aria-hidden': 'true' });
    this.letters = { left: letter('left'), right: letter('right'), top: letter('top'), bottom: letter('bottom') };
    const scale = el('div', { class: 'mi-scalebar', 'aria-hidden': 'true' }, this.scaleText, this.scaleBar);
    this.element = el('div', { class: 'mi-viewer' }, this.display, this.crosshairLayer, this.markerLayer, this.native,
      this.letters.left, this.letters.right, this.letters.top, this.letters.bottom,
      el('div', { class: 'mi-view-info' }, this.zoomText), scale, this.legendSlot, this.caption, this.message);
    this.listen();
    onResize(this.element, () => this.redraw());
  }

  /** Paints a width×height slice: `paint` fills the RGBA bytes in display order. */
  showPixels(width: number, height: number, spacing: readonly [number, number], paint: (rgba: Uint8ClampedArray) => void): void {
    if (this.image === null || this.image.width !== width || this.image.height !== height) {
      this.image = new ImageData(width, height);
      this.native.width = width;
      this.native.height = height;
    }
    paint(this.image.data);
    this.spacing = spacing;
    const context = this.native.getContext('2d');
    if (context === null) throw new Error('canvas 2D context unavailable');
    context.putImageData(this.image, 0, 0);
    this.redraw();
  }

  /** Replaces the markers (an empty list removes them). */
  setMarkers(markers: readonly ViewMarker[]): void {
    this.markers = markers;
    this.drawMarkers();
  }

  /** Orientation letters at the edges (null: none, e.g. a PNG) and the unit of the scale bar. */
  setOrientation(letters: EdgeLetters | null, unit: 'mm' | 'px'): void {
    for (const key of ['left', 'right', 'top', 'bottom'] as const) {
      this.letters[key].textContent = letters?.[key] ?? '';
      this.letters[key].hidden = letters === null;
    }
    this.unit = unit;
    this.drawScale();
  }

  /** "Coronal · slice 12 / 40" over the top-left corner, or nothing. */
  setCaption(text: string | null): void {
    this.caption.hidden = text === null;
    this.caption.textContent = text ?? '';
  }

  /** Puts the crosshair on a native pixel (display rows), or removes it. */
  setCrosshair(pixel: { readonly column: number; readonly displayRow: number } | null): void {
    this.crosshair = pixel;
    this.drawCrosshair();
  }

  /** Centre of a native pixel in CSS pixels of the view (tests click through it). */
  cssPointOf(column: number, displayRow: number): { x: number; y: number } {
    const place = this.placement();
    return { x: place.x + (column + 0.5) * place.scaleX, y: place.y + (displayRow + 0.5) * place.scaleY };
  }

  hasImage(): boolean {
    return this.image !== null;
  }

  setTransform(transform: ViewTransform): void {
    this.transform = transform;
    this.redraw();
  }

  /** A line over the image: loading, an error for this slice, or why nothing is shown. */
  setMessage(text: string | null, tone: 'info' | 'error' = 'info'): void {
    this.message.hidden = text === null;
    this.message.textContent = text ?? '';
    this.message.classList.toggle('mi-error-text', tone === 'error');
    this.message.setAttribute('role', tone === 'error' ? 'alert' : 'status');
    this.element.classList.toggle('mi-dimmed', text !== null && this.image !== null);
  }

  redraw(): void {
    const ratio = window.devicePixelRatio || 1;
    const cssWidth = this.display.clientWidth;
    const cssHeight = this.display.clientHeight;
    const width = Math.max(1, Math.round(cssWidth * ratio));
    const height = Math.max(1, Math.round(cssHeight * ratio));
    if (this.display.width !== width || this.display.height !== height) {
      this.display.width = width;
      this.display.height = height;
    }
    const context = this.display.getContext('2d');
    if (context === null) throw new Error('canvas 2D context unavailable');
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, width, height);
    if (this.image === null) return;
    const place = this.placement();
    // Where voxels land (CSS px in the canvas): for tests that hover a given voxel, and debugging.
    this.display.dataset['place'] = [place.x, place.y, place.scaleX, place.scaleY].map((v) => v.toFixed(3)).join(',');
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.imageSmoothingEnabled = false;
    context.drawImage(this.native, place.x, place.y, this.image.width * place.scaleX, this.image.height * place.scaleY);
    this.drawMarkers();
    this.drawCrosshair();
    this.drawScale();
  }

  /** Zoom text and a scale bar of a round length in mm (px when the pixel size is unknown). */
  private drawScale(): void {
    const hasImage = this.image !== null;
    this.zoomText.hidden = !hasImage;
    this.scaleBar.parentElement!.hidden = !hasImage;
    if (!hasImage) return;
    this.zoomText.textContent = `${Math.round(this.transform.zoom * 100)} %`;
    const place = this.placement();
    const cssPerUnit = place.scaleX / this.spacing[0];
    const length = scaleBarLength(cssPerUnit, Math.max(30, Math.min(120, this.display.clientWidth / 4)));
    this.scaleBar.style.width = `${Math.round(length * cssPerUnit)}px`;
    this.scaleText.textContent = `${length} ${this.unit}`;
    this.scaleBar.parentElement!.dataset['length'] = String(length);
  }

  /** Two thin lines through the voxel's centre and a square around it. */
  private drawCrosshair(): void {
    const layer = this.crosshairLayer;
    layer.replaceChildren();
    const at = this.crosshair;
    if (this.image === null || at === null || at.column >= this.image.width || at.displayRow >= this.image.height) {
      delete layer.dataset['voxel'];
      return;
    }
    const place = this.placement();
    const x = place.x + (at.column + 0.5) * place.scaleX;
    const y = place.y + (at.displayRow + 0.5) * place.scaleY;
    const halfW = Math.max(3, place.scaleX / 2 + 1);
    const halfH = Math.max(3, place.scaleY / 2 + 1);
    const width = this.display.clientWidth;
    const height = this.display.clientHeight;
    const line = (x1: number, y1: number, x2: number, y2: number): SVGLineElement => {
      const l = document.createElementNS(SVG, 'line');
      for (const [name, value] of [['x1', x1], ['y1', y1], ['x2', x2], ['y2', y2]] as const) l.setAttribute(name, String(value));
      l.setAttribute('class', 'mi-crosshair-line');
      return l;
    };
    const box = document.createElementNS(SVG, 'rect');
    box.setAttribute('x', String(x - halfW));
    box.setAttribute('y', String(y - halfH));
    box.setAttribute('width', String(2 * halfW));
    box.setAttribute('height', String(2 * halfH));
    box.setAttribute('class', 'mi-crosshair-box');
    // The lines stop short of the voxel so its colour stays readable.
    layer.append(line(0, y, x - halfW - 2, y), line(x + halfW + 2, y, width, y), line(x, 0, x, y - halfH - 2), line(x, y + halfH + 2, x, height), box);
    layer.dataset['voxel'] = `${at.column},${at.displayRow}`;
  }

  /** Rings around marked voxels (and a line between a Hausdorff voxel and its nearest voxel), in CSS pixels. */
  private drawMarkers(): void {
    const layer = this.markerLayer;
    layer.replaceChildren();
    if (this.image === null || this.markers.length === 0) return;
    const place = this.placement();
    const centre = (m: ViewMarker): [number, number] => [place.x + (m.column + 0.5) * place.scaleX, place.y + (m.displayRow + 0.5) * place.scaleY];
    const radius = Math.max(8, 0.9 * Math.max(place.scaleX, place.scaleY));
    const hd = this.markers.find((m) => m.role === 'hausdorff');
    const nearest = this.markers.find((m) => m.role === 'nearest');
    if (hd !== undefined && nearest !== undefined) {
      const [x1, y1] = centre(hd);
      const [x2, y2] = centre(nearest);
      const line = document.createElementNS(SVG, 'line');
      for (const [name, value] of [['x1', x1], ['y1', y1], ['x2', x2], ['y2', y2]] as const) line.setAttribute(name, String(value));
      line.setAttribute('class', 'mi-marker-line');
      layer.append(line);
    }
    for (const marker of this.markers) {
      const [x, y] = centre(marker);
      const ring = document.createElementNS(SVG, 'circle');
      ring.setAttribute('cx', String(x));
      ring.setAttribute('cy', String(y));
      ring.setAttribute('r', String(marker.role === 'hausdorff' ? radius : radius * 0.7));
      ring.setAttribute('class', `mi-marker mi-marker-${marker.role}`);
      ring.dataset['voxel'] = marker.voxel;
      const title = document.createElementNS(SVG, 'title');
      title.textContent = marker.title;
      ring.append(title);
      layer.append(ring);
    }
  }

  /** Where the image lands in CSS pixels: fitted, centred, then zoomed and panned. */
  private placement(transform: ViewTransform = this.transform): Placement {
    const image = this.image;
    if (image === null) return { x: 0, y: 0, scaleX: 1, scaleY: 1 };
    const [spacingX, spacingY] = this.spacing;
    const cssWidth = this.display.clientWidth;
    const cssHeight = this.display.clientHeight;
    const fit = Math.min(cssWidth / (image.width * spacingX), cssHeight / (image.height * spacingY));
    const scaleX = fit * transform.zoom * spacingX;
    const scaleY = fit * transform.zoom * spacingY;
    return {
      x: cssWidth / 2 - (image.width * scaleX) / 2 + transform.panX,
      y: cssHeight / 2 - (image.height * scaleY) / 2 + transform.panY,
      scaleX, scaleY,
    };
  }

  private pixelAt(event: MouseEvent): { column: number; displayRow: number } | null {
    if (this.image === null) return null;
    const rect = this.display.getBoundingClientRect();
    const place = this.placement();
    const column = Math.floor((event.clientX - rect.left - place.x) / place.scaleX);
    const displayRow = Math.floor((event.clientY - rect.top - place.y) / place.scaleY);
    if (column < 0 || displayRow < 0 || column >= this.image.width || displayRow >= this.image.height) return null;
    return { column, displayRow };
  }

  /** Zooms by `factor` keeping the CSS point (x, y) over the same image point. */
  private zoomAround(factor: number, x: number, y: number): ViewTransform {
    const before = this.placement();
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.transform.zoom * factor));
    const u = (x - before.x) / before.scaleX;
    const v = (y - before.y) / before.scaleY;
    const centred = this.placement({ zoom, panX: 0, panY: 0 });
    return { zoom, panX: x - u * centred.scaleX - centred.x, panY: y - v * centred.scaleY - centred.y };
  }

  private applyTransform(transform: ViewTransform, settled: boolean): void {
    this.setTransform(transform);
    this.callbacks.onTransform(transform, settled);
  }

  private listen(): void {
    const canvas = this.display;
    canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      canvas.setPointerCapture(event.pointerId);
      this.drag = { mode: event.shiftKey ? 'window' : 'pan', x: event.clientX, y: event.clientY, start: this.transform, moved: false, event };
      if (this.drag.mode === 'window') this.callbacks.onWindowDrag(0, 0, 'start');
    });
    canvas.addEventListener('pointermove', (event) => {
      const drag = this.drag;
      if (drag !== null) {
        const dx = event.clientX - drag.x;
        const dy = event.clientY - drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
        if (drag.mode === 'pan') this.applyTransform({ ...drag.start, panX: drag.start.panX + dx, panY: drag.start.panY + dy }, false);
        else this.callbacks.onWindowDrag(dx, dy, 'move');
      }
      this.callbacks.onHover(this.pixelAt(event));
    });
    const endDrag = (): void => {
      const drag = this.drag;
      this.drag = null;
      if (drag?.mode === 'pan' && !drag.moved) {
        const pixel = this.pixelAt(drag.event);
        if (pixel !== null) this.callbacks.onPick?.(pixel);
      }
      if (drag?.mode === 'pan') this.callbacks.onTransform(this.transform, true);
      if (drag?.mode === 'window') this.callbacks.onWindowDrag(0, 0, 'end');
    };
    canvas.addEventListener('pointerup', endDrag);
    canvas.addEventListener('pointercancel', endDrag);
    canvas.addEventListener('pointerleave', () => this.callbacks.onHover(null));
    canvas.addEventListener('wheel', (event) => {
      event.preventDefault();
      const rect = canvas.getBoundingClientRect();
      const factor = Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015));
      this.applyTransform(this.zoomAround(factor, event.clientX - rect.left, event.clientY - rect.top), false);
      window.clearTimeout(this.wheelTimer);
      this.wheelTimer = window.setTimeout(() => this.callbacks.onTransform(this.transform, true), WHEEL_SETTLE_MS);
    }, { passive: false });
    canvas.addEventListener('dblclick', () => this.applyTransform({ zoom: 1, panX: 0, panY: 0 }, true));
    canvas.addEventListener('keydown', (event) => {
      const centre = [canvas.clientWidth / 2, canvas.clientHeight / 2] as const;
      if (event.key === '+' || event.key === '=') this.applyTransform(this.zoomAround(1.25, ...centre), true);
      else if (event.key === '-') this.applyTransform(this.zoomAround(0.8, ...centre), true);
      else if (event.key === '0') this.applyTransform({ zoom: 1, panX: 0, panY: 0 }, true);
      else return;
      event.preventDefault();
    });
  }
}
