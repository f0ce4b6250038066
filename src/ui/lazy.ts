/**
 * Libraries a view needs only once a notebook is analysed or a run is prepared, fetched on first
 * use: each `import()` is its own webpack chunk, so JupyterLab's start-up loads neither dagre
 * (the graph layout) nor yaml (reading a compiled package). `load()` fetches once (again after a
 * failed fetch); `loaded` is the library once it is here, for code that must stay synchronous.
 */
export class LazyLibrary<T> {
  constructor(
    /** The library as users read it in a message: `dagre`, `yaml`. */
    readonly name: string,
    private readonly _import: () => Promise<T>
  ) {}

  /** The library, or undefined before `load()` has resolved. */
  get loaded(): T | undefined {
    return this._library;
  }

  /** The library, fetched on the first call; a failed fetch is tried again by the next call. */
  load(): Promise<T> {
    if (!this._loading) {
      this._loading = this._import().then(
        library => (this._library = library),
        error => {
          this._loading = undefined;
          throw new Error(`cellpipe could not load ${this.name}: ${String(error)}`);
        }
      );
    }
    return this._loading;
  }

  /** The library when loaded; else an error naming it (a caller forgot to `load()` first). */
  get now(): T {
    if (this._library === undefined) {
      throw new Error(`${this.name} is used before it was loaded (call load() first)`);
    }
    return this._library;
  }

  private _library: T | undefined = undefined;
  private _loading: Promise<T> | undefined = undefined;
}

/** The graph layout (src/ui/graph/layout.ts): needed when the first analysis is drawn. */
export const dagreLibrary = new LazyLibrary('dagre', () => import('@dagrejs/dagre'));

/** The YAML reader (src/ui/run/dialog-model.ts): needed when a compiled package is read as text. */
export const yamlLibrary = new LazyLibrary('yaml', () => import('yaml'));
