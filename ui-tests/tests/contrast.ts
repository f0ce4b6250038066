/**
 * What a user sees of cellpipe's text, measured in the browser from computed styles: the contrast
 * of each text against what lies under it (WCAG 2 ratio), the size graph labels are drawn at on
 * screen, and whether the focused control shows a focus mark. Used by dark-theme.spec.ts and
 * panel-width.spec.ts.
 */
import type { Locator, Page } from '@playwright/test';

/** One text as drawn: its words, its colour over its background, and their contrast. */
export interface TextContrast {
  text: string;
  where: string;
  fg: string;
  bg: string;
  ratio: number;
}

/**
 * Every visible text under `root` (HTML text, SVG labels, the values of fields) with its contrast.
 * The background is what is painted under the text: the nearest backgrounds up the tree, laid over
 * each other until opaque (over the page's), and for a graph label the shape it sits on. Text of a
 * disabled control is left out (WCAG exempts inactive controls).
 */
export function textContrasts(root: Locator): Promise<TextContrast[]> {
  return root.evaluate((top: Element) => {
    type RGBA = [number, number, number, number];
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    /** A computed CSS colour as RGBA (0-255, alpha 0-1). */
    const parse = (css: string): RGBA => {
      const legacy = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(css);
      if (legacy) {
        return [+legacy[1], +legacy[2], +legacy[3], legacy[4] === undefined ? 1 : +legacy[4]];
      }
      const srgb = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.]+))?\)$/.exec(css);
      if (srgb) {
        const alpha = srgb[4] === undefined ? 1 : +srgb[4];
        return [+srgb[1] * 255, +srgb[2] * 255, +srgb[3] * 255, alpha];
      }
      if (css === 'none' || css === 'transparent') {
        return [0, 0, 0, 0];
      }
      // Any other form: let the canvas convert it.
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      return [d[0], d[1], d[2], d[3] / 255];
    };
    /** `fg` painted over the opaque `bg`. */
    const over = (fg: RGBA, bg: RGBA): RGBA => {
      const a = fg[3];
      return [0, 1, 2].map(i => fg[i] * a + bg[i] * (1 - a)).concat(1) as RGBA;
    };
    const luminance = (c: RGBA) => {
      const [r, g, b] = [0, 1, 2].map(i => {
        const v = c[i] / 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const show = (c: RGBA) => `rgb(${c.slice(0, 3).map(Math.round).join(', ')})`;
    /** The opaque colour painted under `el` by it and its ancestors. */
    const backgroundOf = (el: Element | null): RGBA => {
      const layers: RGBA[] = [];
      for (let node = el; node; node = node.parentElement) {
        const bg = parse(getComputedStyle(node).backgroundColor);
        if (bg[3] > 0) {
          layers.push(bg);
          if (bg[3] >= 1) {
            break;
          }
        }
      }
      let colour: RGBA = [255, 255, 255, 1]; // the browser's canvas under everything
      for (const layer of layers.reverse()) {
        colour = over(layer, colour);
      }
      return colour;
    };
    const opacityOf = (el: Element | null) => {
      let opacity = 1;
      for (let node = el; node; node = node.parentElement) {
        opacity *= parseFloat(getComputedStyle(node).opacity);
      }
      return opacity;
    };
    // (checkVisibility: also false inside a closed <details>, whose content keeps its boxes)
    const visible = (el: Element) => el.checkVisibility({ visibilityProperty: true });
    const out: TextContrast[] = [];
    const measure = (el: Element, text: string, colour: string, under: RGBA) => {
      const fg = parse(colour);
      fg[3] *= opacityOf(el);
      const shown = over(fg, under);
      const [l1, l2] = [luminance(shown), luminance(under)].sort((a, b) => b - a);
      out.push({
        text: text.trim().slice(0, 60),
        where: `${el.tagName.toLowerCase()}.${(el.getAttribute('class') ?? '').split(' ').join('.')}`,
        fg: show(shown),
        bg: show(under),
        ratio: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100
      });
    };
    for (const el of [top, ...Array.from(top.querySelectorAll('*'))]) {
      if (!visible(el) || el.closest(':disabled, [aria-disabled="true"]')) {
        continue;
      }
      if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) {
        const text = el instanceof HTMLSelectElement ? el.selectedOptions[0]?.text : el.value;
        if (text && el.type !== 'checkbox' && el.type !== 'radio') {
          measure(el, text, getComputedStyle(el).color, backgroundOf(el));
        }
        continue;
      }
      const own = Array.from(el.childNodes)
        .filter(n => n.nodeType === Node.TEXT_NODE)
        .map(n => n.textContent ?? '')
        .join('');
      if (!own.trim() || el.closest('option, title, style, script')) {
        continue;
      }
      if (el instanceof SVGElement) {
        // A graph label: over the shape of its node when it has one, else the graph's background.
        const shape = el.parentElement?.querySelector(':scope > rect');
        const base = backgroundOf(el.closest('svg')?.parentElement ?? null);
        const under = shape ? over(parse(getComputedStyle(shape).fill), base) : base;
        measure(el, own, getComputedStyle(el).fill, under);
      } else {
        measure(el, own, getComputedStyle(el).color, backgroundOf(el));
      }
    }
    return out;
  });
}

/** The texts under `root` that read below `min`:1, for an assertion that lists them. */
export async function lowContrast(root: Locator, min = 4.5): Promise<TextContrast[]> {
  return (await textContrasts(root)).filter(t => t.ratio < min);
}

/** The smallest on-screen font size (CSS px) of the SVG labels under `root`. */
export function smallestLabelPx(root: Locator): Promise<number> {
  return root.evaluate((top: Element) => {
    const sizes = Array.from(top.querySelectorAll('svg text'), el => {
      const text = el as SVGTextElement;
      const scale = text.getScreenCTM()?.a ?? 1;
      return parseFloat(getComputedStyle(text).fontSize) * scale;
    });
    return sizes.length ? Math.min(...sizes) : Infinity;
  });
}

/** Switch JupyterLab's theme and wait until it is applied. */
export async function switchTheme(page: Page, theme: string): Promise<void> {
  await page.evaluate(async name => {
    await window.jupyterapp.commands.execute('apputils:change-theme', { theme: name });
  }, theme);
  await page.waitForFunction(
    name =>
      document.body.dataset.jpThemeName === name && !document.querySelector('.jp-mod-loading'),
    theme
  );
  // The theme's stylesheet is in once its variables are.
  await page.waitForFunction(
    () => getComputedStyle(document.body).getPropertyValue('--jp-layout-color1').trim() !== ''
  );
}

/**
 * The controls under `root` a keyboard user must reach (enabled, visible, in the tab order), each
 * marked with its `data-cellpipe-control` name ("<n> <label>") that `tabThrough` reports.
 */
export function focusableControls(root: Locator): Promise<string[]> {
  return root.evaluate((top: Element) =>
    Array.from(
      top.querySelectorAll<HTMLElement | SVGElement>(
        'button, input, select, textarea, summary, a[href], [tabindex]'
      )
    )
      .filter(
        el =>
          el.checkVisibility({ visibilityProperty: true }) &&
          !el.closest(':disabled') &&
          el.tabIndex >= 0
      )
      .map((el, n) => {
        const label =
          el.getAttribute('aria-label') ??
          el.getAttribute('title') ??
          (el.textContent ?? '').trim().slice(0, 30);
        const name = `${n} ${el.tagName.toLowerCase()} ${label}`;
        el.setAttribute('data-cellpipe-control', name);
        return name;
      })
  );
}

/**
 * Press Tab (at most `limit` times) from the control focused now and, for each control of
 * `focusableControls` reached under `root`, whether a focus mark is drawn: an outline, a box
 * shadow, or for a graph node a 3 px stroke on its shape.
 */
export async function tabThrough(
  page: Page,
  root: Locator,
  limit: number
): Promise<{ reached: string[]; unmarked: string[] }> {
  const reached: string[] = [];
  const unmarked: string[] = [];
  for (let i = 0; i < limit; i++) {
    const seen = await root.evaluate((top: Element) => {
      const el = document.activeElement;
      const name = el?.getAttribute('data-cellpipe-control');
      if (!el || !name || !top.contains(el)) {
        return null;
      }
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
      const shadow = style.boxShadow !== 'none';
      const rect = el.querySelector(':scope > rect');
      const stroke = rect ? parseFloat(getComputedStyle(rect).strokeWidth) >= 3 : false;
      return { name, marked: outline || shadow || stroke };
    });
    if (seen && !reached.includes(seen.name)) {
      reached.push(seen.name);
      if (!seen.marked) {
        unmarked.push(seen.name);
      }
    }
    await page.keyboard.press('Tab');
  }
  return { reached, unmarked };
}
