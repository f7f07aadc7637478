/**
 * The two other planes of the three-plane layout (axial + coronal + sagittal side by side, as
 * ITK-SNAP and 3D Slicer show them). They share the main view's 3D cursor: each shows the slice
 * through the cursor along its own axis, with the same overlay, and a crosshair where the cursor
 * is; a click in one moves the cursor (the owner then moves the main view to it). Slices come
 * from the same cache and request rules as the main view, so they stay instant.
 */
import type { Axis } from '../src/core/analysis/result';
import { slicePosition } from '../src/core/quantityNames';
import { edgeLetters } from './orientation';
import type { SliceCache, SliceReply } from './sliceCache';
import { pixelOfVoxel, rowsFlipped, voxelOf, type DecodedSlice } from './sliceData';
import { SliceView } from './sliceView';
import { AXES, AXIS_NAMES, type EditorState } from './state';

export type Voxel = readonly [number, number, number];

export interface PlanesHost {
  readonly state: EditorState;
  readonly cache: SliceCache;
  /** Paints a slice into a view with the main view's overlay settings. */
  paintInto(view: SliceView, slice: DecodedSlice): void;
  /** A click in one of these planes picked a voxel. */
  onPick(voxel: Voxel): void;
}

interface Plane {
  axis: Axis;
  view: SliceView;
  shown: DecodedSlice | null;
}

const AXIS_POSITION: { readonly [K in Axis]: 0 | 1 | 2 } = { i: 0, j: 1, k: 2 };

/** "Coronal 21 / 40": short enough not to reach the orientation letter at the top centre. */
export function planeCaption(axis: Axis, index: number, count: number): string {
  return `${AXIS_NAMES[axis].split(' ')[0]} ${slicePosition(index, count)}`;
}

export class OtherPlanes {
  readonly elements: readonly HTMLElement[];
  private readonly planes: Plane[];
  private cursor: Voxel | null = null;

  constructor(private readonly host: PlanesHost) {
    this.planes = [0, 1].map(() => {
      const plane: Plane = { axis: 'j', shown: null, view: null as unknown as SliceView };
      plane.view = new SliceView({
        onTransform: () => undefined, // zoom and pan of a side plane are its own, not saved
        onHover: () => undefined,
        onWindowDrag: () => undefined,
        onPick: (pixel) => {
          const slice = plane.shown;
          if (slice === null) return;
          const row = rowsFlipped(slice.axis) ? slice.height - 1 - pixel.displayRow : pixel.displayRow;
          host.onPick(voxelOf(slice.axis, slice.index, pixel.column, row));
        },
      });
      plane.view.element.classList.add('mi-side-plane');
      plane.view.native.removeAttribute('id'); // #slice-native is the main view's
      return plane;
    });
    this.elements = this.planes.map((p) => p.view.element);
  }

  /** Shows the planes through `cursor` along the two axes other than `mainAxis`. */
  update(mainAxis: Axis, cursor: Voxel): void {
    this.cursor = cursor;
    const others = AXES.filter((a) => a !== mainAxis);
    this.planes.forEach((plane, n) => {
      const axis = others[n]!;
      if (plane.axis !== axis) {
        plane.axis = axis;
        plane.shown = null;
        const loaded = this.host.state.loaded;
        plane.view.setOrientation(loaded?.geometry.spacingKnown ? edgeLetters(loaded.pair.affine, axis) : null, loaded?.geometry.spacingKnown ? 'mm' : 'px');
      }
      this.present(plane);
    });
  }

  /** Overlay, label or window changed: paint what is shown again. */
  repaint(): void {
    for (const plane of this.planes) if (plane.shown !== null) this.draw(plane, plane.shown);
  }

  /** A slice arrived: draw it where a plane waits for it. */
  accept(reply: SliceReply): void {
    if (reply.kind !== 'slice' || this.cursor === null) return;
    for (const plane of this.planes) {
      if (plane.axis === reply.axis && this.indexOf(plane.axis) === reply.index) this.present(plane);
    }
  }

  private indexOf(axis: Axis): number {
    return this.cursor === null ? 0 : this.cursor[AXIS_POSITION[axis]];
  }

  private present(plane: Plane): void {
    const index = this.indexOf(plane.axis);
    const slice = this.host.cache.get(plane.axis, index);
    const count = this.host.state.sliceCount(plane.axis);
    plane.view.setCaption(planeCaption(plane.axis, index, count));
    if (slice === undefined) {
      this.host.cache.request(plane.axis, index);
      plane.view.setMessage(`Loading ${AXIS_NAMES[plane.axis].toLowerCase()} slice…`);
      return;
    }
    plane.view.setMessage(null);
    this.draw(plane, slice);
  }

  private draw(plane: Plane, slice: DecodedSlice): void {
    this.host.paintInto(plane.view, slice);
    plane.shown = slice;
    if (this.cursor === null) return plane.view.setCrosshair(null);
    const at = pixelOfVoxel(slice.axis, this.cursor);
    plane.view.setCrosshair({ column: at.column, displayRow: rowsFlipped(slice.axis) ? slice.height - 1 - at.row : at.row });
  }
}
