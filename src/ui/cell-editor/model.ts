/**
 * The pencil editor's form: what the dialog shows, as plain data. Rows keep what the user
 * typed (empty keys, duplicates) until Save; `formToEdit` turns the form into a `CellEdit`
 * and `formErrors` says what stops Save. `suggestedDependencies` reads the analyzer's
 * add-dependency quick fixes for the edited step.
 */
import type { AnalysisResult } from '../../analysis/types';
import { DeployConfig, EnvVar } from '../../model/deploy';
import { CellKind } from '../../model/tags';
import { cellIssues } from '../../model/issues';
import { MetadataIssue, stepOfCells } from '../../model/metadata';
import { FieldError, validateCellEdit } from '../../model/validate';
import { CellEdit } from '../../model/cell-edit';

export type KindChoice = CellKind | 'none';

export const KIND_CHOICES: ReadonlyArray<{ value: KindChoice; label: string }> = [
  { value: 'imports', label: 'Imports' },
  { value: 'functions', label: 'Functions' },
  { value: 'pipeline-parameters', label: 'Pipeline Parameters' },
  { value: 'pipeline-metrics', label: 'Pipeline Metrics' },
  { value: 'step', label: 'Pipeline Step' },
  { value: 'skip', label: 'Skip Cell' },
  { value: 'none', label: '-' }
];

export const GPU_TYPES = ['nvidia.com/gpu', 'amd.com/gpu'];

/** A key/value row of one of the map sections. */
export interface Row {
  key: string;
  value: string;
}

/** The map sections of the form, each a DeployConfig key. */
export const MAP_SECTIONS = [
  'env',
  'limits',
  'requests',
  'labels',
  'annotations',
  'nodeSelector'
] as const;
export type MapSection = (typeof MAP_SECTIONS)[number];

/** The list sections of the form, each a DeployConfig key holding a list of objects. */
export const LIST_SECTIONS = ['tolerations', 'secrets', 'secretVolumes', 'volumes'] as const;
export type ListSection = (typeof LIST_SECTIONS)[number];

/** A DeployConfig section of the form: key/value rows, or a list of entries. */
export type FormSection = { kind: 'map'; name: MapSection } | { kind: 'list'; name: ListSection };

/**
 * Every section of `MAP_SECTIONS` and `LIST_SECTIONS` once, in the order the dialog shows them (those
 * two lists keep the order the edit is written in).
 */
export const FORM_SECTIONS: readonly FormSection[] = [
  { kind: 'map', name: 'env' },
  { kind: 'list', name: 'secrets' },
  { kind: 'map', name: 'requests' },
  { kind: 'map', name: 'limits' },
  { kind: 'map', name: 'labels' },
  { kind: 'map', name: 'annotations' },
  { kind: 'map', name: 'nodeSelector' },
  { kind: 'list', name: 'tolerations' },
  { kind: 'list', name: 'volumes' },
  { kind: 'list', name: 'secretVolumes' }
];

/** One input of a list row; `name` is the key of the DeployConfig entry it edits. */
export interface ListField {
  name: string;
  /** Choices of a select; absent: a text input. */
  options?: ReadonlyArray<{ value: string; label: string }>;
  numeric?: boolean;
  /** What an entry without this key means (shown, and not written back when left so). */
  implicit?: string;
}

export const LIST_FIELDS: Record<ListSection, ReadonlyArray<ListField>> = {
  tolerations: [
    { name: 'key' },
    {
      name: 'operator',
      options: [
        { value: 'Equal', label: 'Equal' },
        { value: 'Exists', label: 'Exists' }
      ],
      implicit: 'Equal'
    },
    { name: 'value' },
    {
      name: 'effect',
      options: [
        { value: '', label: 'any effect' },
        { value: 'NoSchedule', label: 'NoSchedule' },
        { value: 'PreferNoSchedule', label: 'PreferNoSchedule' },
        { value: 'NoExecute', label: 'NoExecute' }
      ]
    },
    { name: 'tolerationSeconds', numeric: true }
  ],
  secrets: [{ name: 'envVar' }, { name: 'secretName' }, { name: 'key' }],
  secretVolumes: [{ name: 'secretName' }, { name: 'mountPath' }],
  volumes: [{ name: 'pvcName' }, { name: 'mountPath' }]
};

/** A row of a list section: each field's text as typed, and the entry it was read from. */
export interface ListRow {
  fields: Record<string, string>;
  /** The entry as read (its keys the form does not show are kept); null for an added row. */
  base: Record<string, unknown> | null;
}

export function newListRow(section: ListSection): ListRow {
  const fields: Record<string, string> = {};
  for (const f of LIST_FIELDS[section]) {
    fields[f.name] = f.implicit ?? (f.options ? f.options[0].value : '');
  }
  return { fields, base: null };
}

function listRowOf(section: ListSection, entry: Record<string, unknown>): ListRow {
  const fields: Record<string, string> = {};
  for (const f of LIST_FIELDS[section]) {
    const value = entry[f.name];
    fields[f.name] = value === undefined || value === null ? (f.implicit ?? '') : String(value);
  }
  return { fields, base: entry };
}

/** The DeployConfig entry a row says: empty fields are left out, numbers parsed (NaN if not one). */
function listEntry(section: ListSection, row: ListRow): Record<string, unknown> {
  const entry: Record<string, unknown> = { ...(row.base ?? {}) };
  for (const f of LIST_FIELDS[section]) {
    const text = (row.fields[f.name] ?? '').trim();
    const keptImplicit = row.base !== null && row.base[f.name] === undefined && text === f.implicit;
    if (!text || keptImplicit) {
      delete entry[f.name];
    } else {
      entry[f.name] = f.numeric ? Number(text) : text;
    }
  }
  return entry;
}

export interface CellForm {
  kind: KindChoice;
  stepName: string;
  prev: string[];
  gpu: { enabled: boolean; count: string; type: string; product: string };
  rows: Record<MapSection, Row[]>;
  lists: Record<ListSection, ListRow[]>;
  image: string;
  /** 'default': the notebook's setting. */
  caching: 'default' | 'on' | 'off';
  /** Deploy settings this form does not show (pull policy, retries, ...), written back as they are. */
  rest: DeployConfig;
  /** Kale's step report (`report:enabled|disabled`); on when the cell says nothing. */
  report: boolean;
}

function rowsOf(map: Record<string, string> | undefined): Row[] {
  return Object.entries(map ?? {}).map(([key, value]) => ({ key, value }));
}

/** `report` is what the cell's `report:` tag says (undefined: none, which is on). */
export function editToForm(edit: CellEdit, report?: boolean): CellForm {
  const d = edit.deploy;
  const rest: DeployConfig = { ...d };
  for (const key of [...MAP_SECTIONS, ...LIST_SECTIONS, 'gpu', 'image', 'caching'] as const) {
    delete rest[key];
  }
  const lists = {} as Record<ListSection, ListRow[]>;
  for (const section of LIST_SECTIONS) {
    const entries = (d[section] ?? []) as unknown as Record<string, unknown>[];
    lists[section] = entries.map(entry => listRowOf(section, entry));
  }
  return {
    kind: edit.kind ?? 'none',
    stepName: edit.stepName,
    prev: [...edit.prev],
    gpu: {
      enabled: !!d.gpu,
      count: d.gpu ? String(d.gpu.count) : '1',
      type: d.gpu?.type ?? GPU_TYPES[0],
      product: d.gpu?.product ?? ''
    },
    rows: {
      env: (d.env ?? []).map(v => ({ key: v.name, value: v.value })),
      limits: rowsOf(d.limits),
      requests: rowsOf(d.requests),
      labels: rowsOf(d.labels),
      annotations: rowsOf(d.annotations),
      nodeSelector: rowsOf(d.nodeSelector)
    },
    lists,
    image: d.image ?? '',
    caching: d.caching === undefined ? 'default' : d.caching ? 'on' : 'off',
    rest,
    report: report ?? true
  };
}

function mapOf(rows: Row[]): Record<string, string> | undefined {
  return rows.length ? Object.fromEntries(rows.map(r => [r.key, r.value])) : undefined;
}

export function formToEdit(form: CellForm): CellEdit {
  const deploy: DeployConfig = { ...form.rest };
  const env: EnvVar[] = form.rows.env.map(r => ({ name: r.key, value: r.value }));
  if (env.length) {
    deploy.env = env;
  }
  for (const section of MAP_SECTIONS) {
    if (section !== 'env') {
      const map = mapOf(form.rows[section]);
      if (map) {
        deploy[section] = map;
      }
    }
  }
  for (const section of LIST_SECTIONS) {
    if (form.lists[section].length) {
      (deploy as Record<string, unknown>)[section] = form.lists[section].map(row =>
        listEntry(section, row)
      );
    }
  }
  if (form.gpu.enabled) {
    deploy.gpu = { count: Number(form.gpu.count.trim() || NaN), type: form.gpu.type.trim() };
    if (form.gpu.product.trim()) {
      deploy.gpu.product = form.gpu.product.trim();
    }
  }
  if (form.image.trim()) {
    deploy.image = form.image.trim();
  }
  if (form.caching !== 'default') {
    deploy.caching = form.caching === 'on';
  }
  const kind = form.kind === 'none' ? null : form.kind;
  return {
    kind,
    stepName: kind === 'step' ? form.stepName.trim() : '',
    prev: kind === 'step' ? [...form.prev] : [],
    deploy: kind === 'step' ? deploy : {}
  };
}

/** What stops Save: the model's checks plus the form's own (keys typed twice, empty keys). */
export function formErrors(form: CellForm, otherSteps: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  if (form.kind === 'step') {
    for (const section of MAP_SECTIONS) {
      const seen = new Set<string>();
      form.rows[section].forEach((row, i) => {
        if (section !== 'env' && !row.key.trim()) {
          errors.push({
            field: `deploy.${section}[${i}]`,
            message: `${section}: a row has no key`
          });
        } else if (seen.has(row.key)) {
          errors.push({
            field: `deploy.${section}[${i}]`,
            message: `${section}: "${row.key}" is given twice`
          });
        }
        seen.add(row.key);
      });
    }
  }
  // An empty key is already reported above, with its section's name.
  const modelErrors = validateCellEdit(formToEdit(form), otherSteps).filter(
    e => !e.field.endsWith('.')
  );
  return errors.concat(modelErrors);
}

/** The step names of the notebook's cells other than `except`, in notebook order. */
export function otherStepNames(
  cellTags: ReadonlyArray<readonly string[]>,
  except: number,
  parse: (tags: readonly string[]) => { kind: CellKind | null; stepName?: string }
): string[] {
  const names: string[] = [];
  cellTags.forEach((tags, i) => {
    const a = parse(tags);
    if (i !== except && a.kind === 'step' && a.stepName && !names.includes(a.stepName)) {
      names.push(a.stepName);
    }
  });
  return names;
}

/**
 * The steps that already run after `stepName` (they depend on it, directly or through others), read
 * from the `prev:` tags of the cells other than `except`: depending on any of them makes a cycle.
 */
export function downstreamSteps(
  cellTags: ReadonlyArray<readonly string[]>,
  except: number,
  stepName: string,
  parse: (tags: readonly string[]) => { kind: CellKind | null; stepName?: string; prev: string[] }
): string[] {
  const prevOf = new Map<string, string[]>();
  cellTags.forEach((tags, i) => {
    const a = parse(tags);
    if (i !== except && a.kind === 'step' && a.stepName) {
      prevOf.set(a.stepName, [...(prevOf.get(a.stepName) ?? []), ...a.prev]);
    }
  });
  const below = new Set<string>();
  let grew = Boolean(stepName);
  while (grew) {
    grew = false;
    for (const [name, prev] of prevOf) {
      if (!below.has(name) && prev.some(p => p === stepName || below.has(p))) {
        below.add(name);
        grew = true;
      }
    }
  }
  return [...prevOf.keys()].filter(name => below.has(name));
}

/** A step the analyzer suggests depending on, and the names the edited step reads from it. */
export interface SuggestedDependency {
  step: string;
  reads: string[];
}

/**
 * The dependencies the analyzer suggests for the step `stepName` that cell `cellIndex` carries:
 * its add-dependency quick fixes (a name the step reads is produced by a step that is not
 * upstream), one per suggested step, with the names read, in the order of the diagnostics.
 */
export function suggestedDependencies(
  analysis: Pick<AnalysisResult, 'steps' | 'diagnostics'> | null,
  stepName: string,
  cellIndex: number
): SuggestedDependency[] {
  const step = analysis?.steps.find(s => s.name === stepName);
  if (!analysis || !step || !step.cellIndices.includes(cellIndex)) {
    return [];
  }
  const out: SuggestedDependency[] = [];
  for (const d of analysis.diagnostics) {
    const fix = d.fix;
    if (fix?.kind !== 'add-dependency' || fix.step !== stepName) {
      continue;
    }
    let entry = out.find(s => s.step === fix.dependsOn);
    if (!entry) {
      entry = { step: fix.dependsOn, reads: [] };
      out.push(entry);
    }
    if (d.variable && !entry.reads.includes(d.variable)) {
      entry.reads.push(d.variable);
    }
  }
  return out;
}

/** The form with every suggested step that is one of `otherSteps` chosen as a dependency. */
export function addSuggested(
  form: CellForm,
  suggested: readonly SuggestedDependency[],
  otherSteps: readonly string[]
): CellForm {
  const add = suggested
    .map(s => s.step)
    .filter(name => otherSteps.includes(name) && !form.prev.includes(name));
  return add.length ? { ...form, prev: [...form.prev, ...add] } : form;
}

/**
 * The compiler's issues with cell `index`'s stored tags and `cellpipe` metadata, as the dialog shows
 * them (the step-name rule is the form's own check, shown at the name field, so not twice).
 */
export function storedIssues(
  cellTags: ReadonlyArray<readonly string[]>,
  index: number,
  cellpipe: unknown
): MetadataIssue[] {
  const step = stepOfCells(cellTags)[index];
  return cellIssues(cellTags[index] ?? [], cellpipe, index, step).filter(
    issue => !/^tag (step|block):./.test(issue.field)
  );
}

/**
 * How many of the folded "Advanced" settings the form sets: each Kubernetes section with a row, the
 * image, and the caching when it is not the notebook's.
 */
export function advancedCount(form: CellForm): number {
  const sections = FORM_SECTIONS.filter(s =>
    s.kind === 'map' ? form.rows[s.name].length > 0 : form.lists[s.name].length > 0
  ).length;
  return sections + (form.image.trim() ? 1 : 0) + (form.caching !== 'default' ? 1 : 0);
}

/** Is the error about a field folded under "Advanced" (a Kubernetes section, the image, the caching)? */
export function isAdvancedError(e: FieldError): boolean {
  return (
    FORM_SECTIONS.some(s => e.field.startsWith(`deploy.${s.name}`)) ||
    e.field === 'deploy.image' ||
    e.field === 'deploy.caching'
  );
}

/**
 * Why Save is off, in a line beside it, or null when it is on: the first problem of the fields on
 * top (the name before a folded section), and how many more.
 */
export function saveReason(errors: readonly FieldError[]): string | null {
  if (!errors.length) {
    return null;
  }
  const first = errors.find(e => !isAdvancedError(e)) ?? errors[0];
  const more = errors.length - 1;
  return more ? `${first.message} (and ${more} more)` : first.message;
}

/**
 * The tags with the step's report switch written as Kale writes it: `report:disabled` when off;
 * when on, an existing `report:` tag becomes `report:enabled` in place, and none is added (on is
 * what a cell without one means, so an unchanged cell stays byte for byte).
 */
export function withReportTag(tags: readonly string[], on: boolean): string[] {
  const at = tags.findIndex(t => t === 'report:enabled' || t === 'report:disabled');
  const tag = on ? 'report:enabled' : 'report:disabled';
  if (at >= 0) {
    return tags.map((t, i) => (i === at ? tag : t));
  }
  return on ? [...tags] : [...tags, tag];
}
