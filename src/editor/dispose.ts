/**
 * Lifetime helpers for the host side. No `vscode` import: the structural IDisposable below is
 * what vscode.Disposable, event subscriptions and our own classes all satisfy, so the worker
 * client and the timing bench can use this outside VS Code.
 */

export interface IDisposable {
  dispose(): unknown;
}

/**
 * Owns what it registers and disposes it once, newest first (later registrations may depend
 * on earlier ones). Subclasses check `isDisposed` after every await: the editor can be closed
 * while a file is being read or a worker is computing.
 */
export abstract class Disposable implements IDisposable {
  private _disposed = false;
  private readonly _children: IDisposable[] = [];

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    const errors: unknown[] = [];
    while (this._children.length > 0) {
      const child = this._children.pop()!;
      try {
        child.dispose();
      } catch (error) {
        // Keep disposing the rest: one failing child must not leak the others.
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed to dispose`);
  }

  protected _register<T extends IDisposable>(child: T): T {
    if (this._disposed) {
      // Registering on a disposed owner would leak the child; dispose it at once instead.
      child.dispose();
    } else {
      this._children.push(child);
    }
    return child;
  }
}

/** Thrown into pending requests when their owner goes away; callers treat it as "stop quietly". */
export class DisposedError extends Error {
  constructor(what: string) {
    super(`${what} was closed`);
    this.name = 'DisposedError';
  }
}

export function isDisposedError(error: unknown): error is DisposedError {
  return error instanceof DisposedError;
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return { dispose: () => { if (!done) { done = true; fn(); } } };
}
