/**
 * The pencil editor's form: what the dialog shows, as plain data. Rows keep what the user
 * typed (empty keys, duplicates) until Save; `formToEdit` turns the form into a `CellEdit`
 * and `formErrors` says what stops Save.
 */
import { DeployConfig, EnvVar } from '../../model/deploy';
import { CellKind } from '../../model/tags';
import { FieldError, validateCellEdit } from '../../model/validate';
import { CellEdit } from '../../model/write';

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

export interface CellForm {
  kind: KindChoice;
  stepName: string;
  prev: string[];
  gpu: { enabled: boolean; count: string; type: string; product: string };
  rows: Record<MapSection, Row[]>;
  image: string;
  /** 'default': the notebook's setting. */
  caching: 'default' | 'on' | 'off';
  /** Deploy settings this form does not show (tolerations, secrets, ...), written back as they are. */
  rest: DeployConfig;
}

function rowsOf(map: Record<string, string> | undefined): Row[] {
  return Object.entries(map ?? {}).map(([key, value]) => ({ key, value }));
}

export function editToForm(edit: CellEdit): CellForm {
  const d = edit.deploy;
  const rest: DeployConfig = { ...d };
  for (const key of [...MAP_SECTIONS, 'gpu', 'image', 'caching'] as const) {
    delete rest[key];
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
    image: d.image ?? '',
    caching: d.caching === undefined ? 'default' : d.caching ? 'on' : 'off',
    rest
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
