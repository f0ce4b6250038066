import { CellAnnotation, parseTags, toTags } from '../tags';

/** A small seeded generator, so a failing case can be replayed. */
function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  return { next, pick };
}

const STEPS = ['load_data', 'train', 'evaluate', 'a1'];
const KEYS = ['cpu', 'memory', 'nvidia.com/gpu', 'amd.com/gpu', 'app.kubernetes.io/name', 'team'];
const VALUES = ['1', '500m', '2Gi', 'ml', 'v1.2', 'a:b'];

/** One Kale tag, unknown tag or malformed tag, at random. */
function randomTag(g: ReturnType<typeof generator>): string {
  switch (Math.floor(g.next() * 14)) {
    case 12:
      return g.pick([
        'cache:enabled',
        'cache:disabled',
        'report:enabled',
        'notebook:sub',
        'cache:maybe'
      ]);
    case 13:
      return g.pick([
        'secret:creds:token:API_TOKEN',
        'secret:s:k:V',
        'secret:a:b',
        'block:',
        'step:'
      ]);
    case 0:
      return g.pick(['imports', 'functions', 'pipeline-parameters', 'pipeline-metrics', 'skip']);
    case 1:
      return `step:${g.pick(STEPS)}`;
    case 2:
      return `block:${g.pick(STEPS)}`;
    case 3:
    case 4:
      return `prev:${g.pick(STEPS)}`;
    case 5:
      return `limit:${g.pick(KEYS)}:${g.pick(VALUES)}`;
    case 6:
      return `label:${g.pick(KEYS)}:${g.pick(VALUES)}`;
    case 7:
      return `annotation:${g.pick(KEYS)}:${g.pick(VALUES)}`;
    case 8:
      return `image:${g.pick(['python:3.11', 'ghcr.io/org/img@sha256:abc'])}`;
    case 9:
      return g.pick(['limit:broken', 'step:', 'prev:', 'label::x', 'image:']);
    default:
      return g.pick(['hide-input', 'papermill', 'my-own-tag', 'parameters', 'x:y:z']);
  }
}

function randomTags(g: ReturnType<typeof generator>): string[] {
  return Array.from({ length: Math.floor(g.next() * 9) }, () => randomTag(g));
}

/** What an annotation says, independent of tag order. */
function meaning(a: CellAnnotation) {
  return {
    kind: a.kind,
    stepName: a.kind === 'step' ? a.stepName : undefined,
    prev: [...a.prev].sort(),
    limits: a.limits,
    labels: a.labels,
    annotations: a.annotations,
    image: a.image,
    cache: a.cache,
    secrets: [...(a.secrets ?? [])].map(s => JSON.stringify(s)).sort(),
    kept: [...(a.kept ?? [])].sort(),
    unknownTags: [...a.unknownTags].sort()
  };
}

describe('toTags, property style', () => {
  it('parse then toTags gives the same tags, byte for byte and in order', () => {
    const g = generator(20261123);
    for (let i = 0; i < 1000; i++) {
      const tags = randomTags(g);
      expect(toTags(parseTags(tags), tags)).toEqual(tags);
    }
  });

  it('toTags over any original tags says exactly the new annotation', () => {
    const g = generator(42);
    for (let i = 0; i < 1000; i++) {
      const original = randomTags(g);
      const wanted = parseTags(randomTags(g));
      const written = toTags(wanted, original);
      expect(meaning(parseTags(written))).toEqual(meaning(wanted));
      // Writing it again changes nothing.
      expect(toTags(parseTags(written), written)).toEqual(written);
    }
  });

  it('changing one value touches only its own tag', () => {
    const tags = ['hide-input', 'step:train', 'limit:nvidia.com/gpu:1', 'prev:a', 'x:y:z'];
    const a = parseTags(tags);
    a.limits['nvidia.com/gpu'] = '2';
    expect(toTags(a, tags)).toEqual([
      'hide-input',
      'step:train',
      'limit:nvidia.com/gpu:2',
      'prev:a',
      'x:y:z'
    ]);
  });
});

describe('Kale tags of every generation', () => {
  it('reads 2.x cache:, report:, secret:, notebook: and an empty step:/block: (continue the step above)', () => {
    const a = parseTags([
      'step:train',
      'cache:disabled',
      'report:enabled',
      'secret:creds:token:API_TOKEN',
      'notebook:sub',
      'cache:sometimes',
      'secret:only:two'
    ]);
    expect(a.cache).toBe(false);
    expect(a.report).toBe(true);
    expect(a.secrets).toEqual([{ secretName: 'creds', key: 'token', envVar: 'API_TOKEN' }]);
    expect(a.notebook).toBe('sub');
    expect(a.kept).toEqual(['report:enabled', 'notebook:sub']);
    expect(a.unknownTags).toEqual(['cache:sometimes', 'secret:only:two']);
    for (const tag of ['block:', 'step:']) {
      const c = parseTags([tag]);
      expect([c.kind, c.continues, c.unknownTags]).toEqual([null, true, []]);
    }
  });

  it('a __proto__ key in a label tag is an own key, not a prototype', () => {
    const a = parseTags(['label:__proto__:x']);
    expect(Object.getPrototypeOf(a.labels)).toBe(Object.prototype);
    expect(Object.keys(a.labels)).toEqual(['__proto__']);
  });
});
