/**
 * Headless rendering of Vega-Lite specifications: Vega-Lite → Vega → SVG (no browser, no
 * canvas) → PNG with resvg (a Rust SVG renderer shipped as prebuilt npm binaries).
 */

/** Options of {@link renderPng}. */
export interface RenderPngOptions {
  /** Pixel density (default 2). */
  scale?: number;
  /** Extra TrueType / OpenType font files (system fonts are used too). */
  fontFiles?: string[];
  /** Font used for Vega's `sans-serif` text (default `'DejaVu Sans'`, then any system font). */
  fontFamily?: string;
}

/**
 * Renders a Vega-Lite specification to an SVG string, headless.
 *
 * @example
 * ```ts
 * writeFileSync('cm.svg', await renderSvg(confusionMatrixSpec(confusion, classNames)));
 * ```
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Renders a Vega-Lite specification to PNG bytes on a white background, headless: nothing but
 * npm packages (vega, vega-lite, @resvg/resvg-js) and the system's fonts for the text.
 *
 * @example
 * ```ts
 * writeFileSync('cm.png', await renderPng(confusionMatrixSpec(confusion, classNames)));
 * ```
 */
export async function renderPng(
  spec: Record<string, unknown>,
  options: RenderPngOptions = {},
): Promise<Uint8Array> {
  const svg = await renderSvg(spec);
  const { Resvg } = await import('@resvg/resvg-js');
  const family = options.fontFamily ?? 'DejaVu Sans';
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      loadSystemFonts: true,
      fontFiles: options.fontFiles ?? [],
      defaultFontFamily: family,
      sansSerifFamily: family,
    },
  });
  return resvg.render().asPng();
}
