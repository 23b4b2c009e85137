/**
 * The built playground in a real browser: Debian's Chromium driven by playwright-core, the
 * page served by `vite preview` from examples/playground/dist (built from the packages' dist/,
 * both rebuilt here when stale). The numbers on the page are checked against the library run
 * in Node (the examples' own `main`s) and against numpy's.
 *
 * A full-page screenshot goes to examples/playground/test-results/ (git-ignored); with
 * UPDATE_SCREENSHOT=1 it also replaces docs/playground.png, the README's picture.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as backpropMain } from '../../1_2_back_propagation.js';
import { main as sgdMain } from '../../1_3_stochastic_gradient_descent.js';
import { ROOT, PLAYGROUND, ensurePlaygroundBuilt } from '../../test/build.js';
import { formatNumber } from '../src/dom.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** As root, without the sandbox; no background connections (the machine's network is closed). */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];
/** Fewer MNIST iterations than the notebook's 1,000 keep the test short; 300 already reach ~0.88 accuracy. */
const MNIST_ITERATIONS = 300;
const SCREENSHOT = join(PLAYGROUND, 'test-results', 'playground.png');

let server: PreviewServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];

const node = (name: string) => page.getByTestId(`graph-node-${name}`);
const text = async (testId: string) => (await page.getByTestId(testId).textContent())!.trim();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  await ensurePlaygroundBuilt();
  server = await preview({ configFile: join(PLAYGROUND, 'vite.config.ts'), preview: { port: 4300, strictPort: false }, logLevel: 'warn' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  await page.goto(`${server.resolvedUrls!.local[0]}?iterations=${MNIST_ITERATIONS}`);
  await page.locator('body[data-ready]').waitFor();
  // MNIST trains in its worker while the other sections are tested.
  await page.getByTestId('mnist-train').click();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('section 1: the 2-3-2 network as a graph', () => {
  it('shows the values of the notebook\'s network for the default weights', async () => {
    // numpy: u1 = x·W1 + b1 = [[1.2 2.5 3.8]]; u2 = [[1.86 4.21]]; y = softmax(u2) = [[0.08706577 0.91293423]]; E = −log y1 = 0.09109144089484168
    const expected = { u1: '[[1.2 2.5 3.8]]', z1: '[[1.2 2.5 3.8]]', u2: '[[1.86 4.21]]', y: '[[0.0871 0.9129]]', E: '0.0911', W1: '[[0.1 0.3 0.5] [0.2 0.4 0.6]]' };
    for (const [name, value] of Object.entries(expected)) await expect.poll(() => node(name).getAttribute('data-value')).toBe(value);
    expect(await text('backprop-loss')).toBe('0.09109144089');
    expect(await page.locator('svg.graph g.node').count()).toBe(16);
    expect(await page.locator('svg.graph g.edge').count()).toBe(15);
    expect(await node('u1').getAttribute('data-grad')).toBe(''); // no gradient before backward
  });

  it('"backward" shows every gradient, equal to the library\'s', async () => {
    await page.getByTestId('backprop-backward').click();
    const library = backpropMain({ quiet: true, print: () => {} }).gradients; // the tape in Node: crossEntropy(u2, d).backward()
    for (const name of ['W1', 'b1', 'W2', 'b2', 'u1', 'u2'] as const) {
      const shown = JSON.parse((await node(name).getAttribute('data-grad-full'))!) as number[];
      expect(shown).toHaveLength(library[name].autograd.length);
      shown.forEach((g, i) => expect(g).toBeCloseTo(library[name].autograd[i]!, 14));
    }
    // numpy: np.dot(x.T, delta1) rounded to 4 digits
    expect(await node('W1').getAttribute('data-grad')).toBe('[[-0.0261 -0.0261 -0.0261] [-0.1306 -0.1306 -0.1306]]');
    expect(await node('W1').getByTestId('node-grad').textContent()).toBe('grad [[-0.0261 -0.0261 -0.0261]');
  });

  it('steps through backward node by node, each gradient beside its central difference', async () => {
    await page.getByTestId('backprop-clear').click();
    await expect.poll(() => page.getByTestId('backprop-checks').locator('tbody tr').count()).toBe(0);
    await page.getByTestId('backprop-step').click();
    expect(await text('step-rule')).toBe('∂E/∂E = 1 (backward starts here)');
    expect(await node('E').getAttribute('class')).toContain('current');
    for (let k = 2; k <= 14; k++) await page.getByTestId('backprop-step').click();
    const rows = page.getByTestId('backprop-checks').locator('tbody tr');
    expect(await rows.count()).toBe(14); // every node but the constants x and d
    const differences = (await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-difference')))));
    expect(Math.max(...differences)).toBeLessThan(1e-7); // central difference with h = 1e-4
    expect(await text('step-rule')).toBe('∂E/∂W1 = xᵀ · ∂E/∂(x·W1)');
    expect(await page.getByTestId('backprop-step').isDisabled()).toBe(true);
  });

  it('redraws the graph when a weight changes', async () => {
    await page.getByTestId('weight-W1-0-0').fill('0.5'); // u1[0] = 1·0.5 + 5·0.2 + 0.1
    await expect.poll(() => node('u1').getAttribute('data-value')).toBe('[[1.6 2.5 3.8]]');
    expect(await node('W1').getAttribute('data-grad')).toBe(''); // new numbers: gradients hidden until backward
    await page.getByTestId('backprop-reset').click();
    await expect.poll(() => node('u1').getAttribute('data-value')).toBe('[[1.2 2.5 3.8]]');
  });
});

describe('section 2: the regression trained live', () => {
  it('pauses, resumes, and its loss falls as in examples/1_3', async () => {
    const start = page.getByTestId('regression-start');
    await start.click();
    await expect.poll(async () => Number(await text('regression-step'))).toBeGreaterThan(0);
    await page.getByTestId('regression-pause').click();
    const paused = Number(await text('regression-step'));
    await page.waitForTimeout(300);
    expect(Number(await text('regression-step'))).toBe(paused);
    expect(paused).toBeLessThan(1000);
    await start.click();
    await page.locator('[data-testid=regression-status][data-state=done]').waitFor({ timeout: 30_000 });
    expect(await text('regression-step')).toBe('1000');
    const [first, last] = [Number(await text('regression-first100')), Number(await text('regression-last100'))];
    expect(last).toBeLessThan(first / 100);
    // The same seed and settings as the example: the browser's losses are Node's.
    const example = await sgdMain({ quiet: true, plot: false, print: () => {} });
    expect(await text('regression-last100')).toBe(formatNumber(example.last100Mean, 4));
    expect(await text('regression-check')).toBe(formatNumber(example.check, 4));
  });

  it('starts over with another activation, and reports a learning rate that diverges', async () => {
    await page.getByTestId('regression-activation').selectOption('sigmoid');
    expect(await text('regression-step')).toBe('0');
    await page.getByTestId('regression-lr').selectOption('3');
    await page.getByTestId('regression-activation').selectOption('relu');
    await page.getByTestId('regression-start').click();
    await page.locator('[data-testid=regression-status][data-state=diverged]').waitFor({ timeout: 30_000 });
    expect(await text('regression-status')).toMatch(/^diverged at step \d+/);
    await page.getByTestId('regression-lr').selectOption('0.07');
    await page.getByTestId('regression-reset').click();
    await page.getByTestId('regression-start').click();
    await page.locator('[data-testid=regression-status][data-state=done]').waitFor({ timeout: 30_000 });
  });
});

describe('section 3: the digit pad', () => {
  it('trains in a worker and classifies a "1" drawn with the mouse', async () => {
    await page.locator('[data-testid=mnist-status][data-state=done]').waitFor({ timeout: 60_000 });
    expect(Number(await page.getByTestId('mnist-progress').getAttribute('value'))).toBe(MNIST_ITERATIONS);
    expect(Number(await page.getByTestId('mnist-accuracy').getAttribute('data-value'))).toBeGreaterThan(0.8);
    const pad = page.getByTestId('digit-pad');
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + 145, box.y + 40);
    await page.mouse.down();
    for (let y = 50; y <= 240; y += 10) await page.mouse.move(box.x + 140 - (y - 40) / 40, box.y + y);
    await page.mouse.up();
    await page.locator('[data-testid=digit-prediction][data-digit]').waitFor();
    expect(await text('digit-prediction')).toBe('1');
    const p = await page.getByTestId('digit-probabilities').locator('[data-p]').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-p'))));
    expect(p).toHaveLength(10);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(p.indexOf(Math.max(...p))).toBe(1);
  });
});

describe('the page as a whole', () => {
  it('logged no errors, and a screenshot is saved', async () => {
    await page.getByTestId('backprop-backward').click();
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(SCREENSHOT, join(ROOT, 'docs', 'playground.png'));
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(problems).toEqual([]);
  });
});
