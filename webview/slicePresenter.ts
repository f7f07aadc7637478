/**
 * Puts the current slice on screen: from the cache when it is there (synchronously, so moving
 * to a cached slice is one paint), otherwise requests it and says so. Owns the overlay mode,
 * the underlay window, neighbour prefetching and the hover readout's data.
 */
import type { RequestSliceMessage, SliceErrorMessage, SliceMessage } from '../src/core/protocol';
import { HoverReadout } from './hoverReadout';
import { DIFFERENCE_RGB, differenceClasses } from './differenceColouring';
import { paintSlice, parseHexColor, type OverlayMode, type PaintSettings } from './overlayColouring';
import { SliceCache, type SliceReply } from './sliceCache';
import { formatMm } from './metricInfo';
import { edgeLetters } from './orientation';
import { OtherPlanes, planeCaption, type Voxel } from './otherPlanes';
import { el } from './dom';
import { sliceNumber } from '../src/core/quantityNames';
import {
  decodeSlice, pixelOfVoxel, pixelSpacing, probabilities, rowsFlipped, surfaceDistances, truthMask, voxelOf, type DecodedSlice, type SurfaceDistances,
} from './sliceData';
import { SliceView, type ViewMarker, type ViewTransform } from './sliceView';
import type { EditorState } from './state';
import { dragWindow, FIXED_WINDOWS, NO_UNDERLAY_WINDOW, percentileWindow, type WindowLevel, type WindowPreset } from './windowLevel';

export interface PresenterCallbacks {
  onTransform(transform: ViewTransform, settled: boolean): void;
  /** The window changed by dragging (preset becomes custom) or by the automatic window. */
  onWindowChanged(preset: WindowPreset): void;
  /** A click (no drag) picked a volume voxel in one of the planes. */
  onPick?(voxel: Voxel): void;
}

export class SlicePresenter {
  readonly view: SliceView;
  readonly readout = new HoverReadout();
  readonly cache: SliceCache;
  /** The side planes of the three-plane layout; their elements sit in `planesElement`. */
  readonly others: OtherPlanes;
  /** The main view and, in the three-plane layout, the two others. */
  readonly planesElement: HTMLElement;
  private three = false;
  /** The shared 3D cursor of the three-plane layout (volume voxel), null until set. */
  cursor: Voxel | null = null;
  overlayMode: OverlayMode = 'fill';
  windowPreset: WindowPreset = 'auto';
  /** Null until an underlay slice arrives: the automatic window is computed from the first one seen. */
  private window: WindowLevel | null = null;
  private windowAtDragStart: WindowLevel | null = null;
  private shown: DecodedSlice | null = null;
  /** Last pixel under the pointer, so the readout follows the slice when keys change it under a resting mouse. */
  private hovered: { column: number; displayRow: number } | null = null;
  /** Reused per paint: fresh 1 MB arrays per slice change would keep the garbage collector busy. */
  private probabilityScratch = new Float32Array(0);
  private truthScratch = new Uint8Array(0);
  /** Surface distances of the slice on screen, computed on its first hover; dropped when it is drawn again. */
  private distances: { readonly slice: DecodedSlice; readonly value: SurfaceDistances | null } | null = null;

  constructor(private readonly state: EditorState, post: (message: RequestSliceMessage) => void, private readonly callbacks: PresenterCallbacks) {
    this.cache = new SliceCache(post);
    this.view = new SliceView({
      onTransform: (transform, settled) => callbacks.onTransform(transform, settled),
      onHover: (pixel) => this.hover(pixel),
      onWindowDrag: (dx, dy, phase) => this.dragWindow(dx, dy, phase),
      onPick: (pixel) => {
        const slice = this.shown;
        if (slice === null) return;
        const row = rowsFlipped(slice.axis) ? slice.height - 1 - pixel.displayRow : pixel.displayRow;
        callbacks.onPick?.(voxelOf(slice.axis, slice.index, pixel.column, row));
      },
    });
    this.others = new OtherPlanes({
      state, cache: this.cache, paintInto: (view, slice) => this.paintInto(view, slice), onPick: (voxel) => callbacks.onPick?.(voxel),
    });
    this.view.element.classList.add('mi-main-plane');
    for (const element of this.others.elements) element.hidden = true;
    this.planesElement = el('div', { class: 'mi-planes' }, this.view.element, ...this.others.elements);
  }

  /** One plane, or three side by side sharing the cursor. */
  setThreePlanes(three: boolean): void {
    this.three = three;
    this.planesElement.classList.toggle('mi-three', three);
    for (const element of this.others.elements) element.hidden = !three;
    if (!three) {
      this.view.setCaption(null);
      if (this.hovered === null) this.view.setCrosshair(null);
    }
    this.updatePlanes();
  }

  get threePlanes(): boolean {
    return this.three;
  }

  /** Moves the shared cursor (three-plane layout) and redraws the side planes through it. */
  setCursor(voxel: Voxel | null): void {
    this.cursor = voxel;
    this.updatePlanes();
  }

  private updatePlanes(): void {
    const loaded = this.state.loaded;
    if (!this.three || loaded === null) return;
    const { axis, index } = this.state.view;
    const [nx, ny, nz] = loaded.pair.shape;
    const base: [number, number, number] = this.cursor === null ? [Math.floor(nx / 2), Math.floor(ny / 2), Math.floor(nz / 2)] : [...this.cursor];
    base[axis === 'i' ? 0 : axis === 'j' ? 1 : 2] = index; // the main view's slice is the cursor's plane
    this.cursor = base;
    this.others.update(axis, base);
    this.view.setCaption(planeCaption(axis, index, this.state.sliceCount()));
    if (this.hovered === null) this.showCursorCrosshair();
  }

  private showCursorCrosshair(): void {
    const slice = this.shown;
    if (!this.three || this.cursor === null || slice === null) return;
    const at = pixelOfVoxel(slice.axis, this.cursor);
    if (at.index !== slice.index) return this.view.setCrosshair(null);
    this.view.setCrosshair({ column: at.column, displayRow: rowsFlipped(slice.axis) ? slice.height - 1 - at.row : at.row });
  }

  /** New init: cached slices may have been read with another kind or pair. */
  reset(overlayMode: OverlayMode): void {
    this.cache.clear();
    this.shown = null;
    this.distances = null;
    this.view.setMarkers([]);
    this.overlayMode = overlayMode;
  }

  /** Draws the current slice if cached; otherwise requests it and shows a loading line. */
  present(): void {
    const { axis, index } = this.state.view;
    const slice = this.cache.get(axis, index);
    if (slice === undefined) {
      this.cache.request(axis, index, true);
      const failure = this.cache.failure(axis, index);
      this.view.setMessage(failure === undefined ? `Loading slice ${sliceNumber(index)}…` : `Slice ${sliceNumber(index)} could not be read: ${failure}`, failure === undefined ? 'info' : 'error');
      return;
    }
    this.draw(slice);
    this.view.setMessage(null);
    this.prefetchNeighbours();
  }

  /** Overlay, label, kind or window changed: repaint the slice on screen, if any. */
  repaint(): void {
    if (this.shown !== null && this.shown.axis === this.state.view.axis && this.shown.index === this.state.view.index) this.draw(this.shown);
    if (this.three) this.others.repaint();
  }

  accept(message: SliceMessage): void {
    const channels = this.state.loaded?.pair.predictionChannels ?? 1;
    const channelsB = this.state.loaded?.pair.versus?.predictionChannels;
    this.onReply(this.cache.accept(message, (m) => decodeSlice(m, channels, channelsB)));
  }

  acceptError(message: SliceErrorMessage): void {
    this.onReply(this.cache.acceptError(message));
  }

  setWindowPreset(preset: Exclude<WindowPreset, 'custom'>): void {
    this.windowPreset = preset;
    this.window = preset === 'auto' ? (this.shown?.underlay ? percentileWindow(this.shown.underlay) : null) : FIXED_WINDOWS[preset];
    this.repaint();
  }

  private onReply(reply: SliceReply): void {
    if (reply.kind === 'stale') return;
    if (this.three) this.others.accept(reply);
    const { axis, index } = this.state.view;
    if (reply.axis !== axis || reply.index !== index) return; // cached for later, or a failed prefetch
    if (reply.kind === 'error') {
      this.view.setMessage(`Slice ${sliceNumber(index)} could not be read: ${reply.message}`, 'error');
      return;
    }
    this.present();
  }

  private prefetchNeighbours(): void {
    const { axis, index } = this.state.view;
    const count = this.state.sliceCount();
    if (index + 1 < count) this.cache.request(axis, index + 1);
    if (index - 1 >= 0) this.cache.request(axis, index - 1);
  }

  private draw(slice: DecodedSlice): void {
    const loaded = this.state.loaded;
    if (loaded === null) return;
    const { pair } = loaded;
    this.paintInto(this.view, slice);
    if (this.shown?.axis !== slice.axis) {
      this.view.setOrientation(loaded.geometry.spacingKnown ? edgeLetters(pair.affine, slice.axis) : null, loaded.geometry.spacingKnown ? 'mm' : 'px');
    }
    this.shown = slice;
    this.distances = null; // label, kind or threshold may have changed
    this.updateMarkers();
    if (this.hovered !== null) this.hover(this.hovered);
    else this.showCursorCrosshair();
  }

  /** Paints a slice into a view: underlay through the window, then the overlay in the current mode. */
  paintInto(view: SliceView, slice: DecodedSlice): void {
    const loaded = this.state.loaded;
    if (loaded === null) return;
    const { pair, overlay } = loaded;
    const label = this.state.view.label;
    if (slice.underlay !== null && this.window === null) {
      this.window = percentileWindow(slice.underlay);
      this.callbacks.onWindowChanged(this.windowPreset);
    }
    const mode = this.overlayMode;
    const versus = slice.versus ?? null;
    const difference = mode === 'difference' && versus !== null && slice.label !== null;
    const settings: PaintSettings = {
      // B's TP/FP/FN and the difference map are painted as a fill (differenceColouring.ts).
      mode: mode === 'fillB' || mode === 'difference' ? 'fill' : mode,
      ...(difference
        ? { tp: DIFFERENCE_RGB.bLoses, fp: DIFFERENCE_RGB.bWins, fn: DIFFERENCE_RGB.bothWrong }
        : { tp: parseHexColor(overlay.tpColor), fp: parseHexColor(overlay.fpColor), fn: parseHexColor(overlay.fnColor) }),
      // On black (no underlay) a half-transparent overlay turns FN navy and FP brown: full colour there.
      opacity: slice.underlay === null ? 1 : overlay.opacity, threshold: overlay.threshold,
      window: slice.underlay === null ? NO_UNDERLAY_WINDOW : (this.window ?? NO_UNDERLAY_WINDOW),
    };
    const pixels = slice.width * slice.height;
    if (this.probabilityScratch.length !== pixels) {
      this.probabilityScratch = new Float32Array(pixels);
      this.truthScratch = new Uint8Array(pixels);
    }
    const showB = mode === 'fillB' && versus !== null && pair.versus !== undefined;
    let shownProbabilities = showB
      ? probabilities(versus, pair.versus.predictionKind, label, this.probabilityScratch)
      : probabilities(slice, pair.predictionKind, label, this.probabilityScratch);
    let truth = truthMask(slice, label, this.truthScratch);
    if (difference && truth !== null && pair.versus !== undefined) {
      const pB = probabilities(versus, pair.versus.predictionKind, label);
      const encodedP = new Float32Array(pixels);
      const encodedT = new Uint8Array(pixels);
      differenceClasses(shownProbabilities, pB, truth, overlay.threshold, encodedP, encodedT);
      shownProbabilities = encodedP;
      truth = encodedT;
    }
    const input = {
      width: slice.width, height: slice.height,
      probabilities: shownProbabilities,
      truth,
      underlay: slice.underlay,
      flipRows: rowsFlipped(slice.axis),
    };
    // The encoded difference classes are 0/1: read at 0.5 whatever the overlay threshold.
    const painted = difference ? { ...settings, threshold: 0.5 } : settings;
    view.showPixels(slice.width, slice.height, pixelSpacing(slice.axis, pair.spacing), (rgba) => paintSlice(rgba, input, painted));
  }

  /** Rings the Hausdorff voxel and its nearest voxel (state.hausdorffMarker) where they lie in the slice on screen. */
  updateMarkers(): void {
    const slice = this.shown;
    const hd = this.state.hausdorffMarker;
    if (slice === null || hd === null) {
      this.view.setMarkers([]);
      return;
    }
    const markers: ViewMarker[] = [];
    const other = hd.surface === 'label' ? 'prediction' : 'label';
    const places = [
      ['hausdorff', hd.voxel, `Hausdorff distance ${formatMm(hd.distanceMm)} reached here: ${hd.surface} surface voxel (${hd.voxel.join(', ')})`],
      ['nearest', hd.nearest, `Nearest ${other} surface voxel (${hd.nearest.join(', ')}), ${formatMm(hd.distanceMm)} away`],
    ] as const;
    for (const [role, voxel, title] of places) {
      const at = pixelOfVoxel(slice.axis, voxel);
      if (at.index !== slice.index) continue;
      const displayRow = rowsFlipped(slice.axis) ? slice.height - 1 - at.row : at.row;
      markers.push({ column: at.column, displayRow, role, title, voxel: voxel.join(',') });
    }
    this.view.setMarkers(markers);
  }

  private hover(pixel: { column: number; displayRow: number } | null): void {
    this.hovered = pixel;
    const loaded = this.state.loaded;
    if (pixel === null || this.shown === null || loaded === null
      || pixel.column >= this.shown.width || pixel.displayRow >= this.shown.height) {
      this.readout.clear();
      this.view.setCrosshair(null);
      this.showCursorCrosshair();
      return;
    }
    this.view.setCrosshair(pixel);
    const slice = this.shown;
    if (this.distances === null || this.distances.slice !== slice) {
      const label = this.state.view.label;
      this.distances = {
        slice,
        value: surfaceDistances(slice, loaded.pair.predictionKind, label, loaded.metrics.threshold, pixelSpacing(slice.axis, loaded.pair.spacing)),
      };
    }
    this.readout.show({
      slice, kind: loaded.pair.predictionKind, label: this.state.view.label, distances: this.distances.value,
      threshold: loaded.overlay.threshold, unit: loaded.geometry.spacingKnown ? 'mm' : 'px',
    }, pixel.column, pixel.displayRow);
  }

  private dragWindow(dx: number, dy: number, phase: 'start' | 'move' | 'end'): void {
    if (this.shown?.underlay == null) return; // nothing to window on a bare mask
    if (phase === 'start') {
      this.windowAtDragStart = this.window ?? percentileWindow(this.shown.underlay);
      return;
    }
    if (this.windowAtDragStart === null) return;
    if (phase === 'end') {
      // A Shift+click without moving leaves the preset as it was.
      this.windowAtDragStart = null;
      this.callbacks.onWindowChanged(this.windowPreset);
      return;
    }
    this.window = dragWindow(this.windowAtDragStart, dx, dy);
    this.windowPreset = 'custom';
    this.repaint();
  }
}
