/**
 * Section 3 of the page: a digit pad classified by the 1_4 notebook's 784-40-10 network,
 * trained in a Web Worker on the `mnist` package's digits while the page stays responsive.
 */
import { el, formatNumber } from './dom.js';
import { SIZE, toMnistPixels } from './pixels.js';
import { MNIST_DEFAULTS, type FromWorker, type ToWorker } from './protocol.js';

const PAD = 280;
const BRUSH = 22;
const PREVIEW_SCALE = 4;

/** `?iterations=300` trains less (the browser tests use it); default the notebook's 1,000. */
function iterationsFromUrl(): number {
  const n = Number(new URLSearchParams(location.search).get('iterations'));
  return Number.isInteger(n) && n > 0 ? n : MNIST_DEFAULTS.iterations;
}

/** The pad's canvas: white strokes on black, as MNIST's digits are. */
function drawingPad(onStroke: () => void): { canvas: HTMLCanvasElement; clear: () => void; gray: () => Float32Array } {
  const canvas = el('canvas', { width: PAD, height: PAD, class: 'pad', 'data-testid': 'digit-pad', 'aria-label': 'draw a digit here' });
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, PAD, PAD);
  };
  let last: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * PAD) / r.width, ((e.clientY - r.top) * PAD) / r.height];
  };
  const line = (to: [number, number]) => {
    Object.assign(ctx, { strokeStyle: '#fff', lineWidth: BRUSH, lineCap: 'round', lineJoin: 'round' });
    ctx.beginPath();
    ctx.moveTo(...(last ?? to));
    ctx.lineTo(...to);
    ctx.stroke();
    last = to;
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = null;
    line(at(e));
  });
  canvas.addEventListener('pointermove', (e) => { if (last !== null) line(at(e)); });
  const end = () => {
    if (last === null) return;
    last = null;
    onStroke();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  const gray = () => {
    const { data } = ctx.getImageData(0, 0, PAD, PAD);
    return Float32Array.from({ length: PAD * PAD }, (_, i) => data[4 * i]! / 255);
  };
  clear();
  return { canvas, clear, gray };
}

/** What the network sees: the 28×28 pixels, enlarged. */
function drawPreview(canvas: HTMLCanvasElement, pixels: Float64Array | null): void {
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (pixels === null) return;
  pixels.forEach((v, i) => {
    const level = Math.round(v * 255);
    ctx.fillStyle = `rgb(${level},${level},${level})`;
    ctx.fillRect((i % SIZE) * PREVIEW_SCALE, Math.floor(i / SIZE) * PREVIEW_SCALE, PREVIEW_SCALE, PREVIEW_SCALE);
  });
}

function probabilityBars(probabilities: readonly number[]): HTMLElement[] {
  return probabilities.map((p, digit) => el('div', { class: 'bar', 'data-testid': `probability-${digit}`, 'data-p': p },
    el('span', { class: 'digit' }, String(digit)),
    el('span', { class: 'fill', style: `width: ${(p * 100).toFixed(1)}%` }),
    el('span', { class: 'value' }, formatNumber(p, 3))));
}

export function digitsPanel(): HTMLElement {
  const iterations = iterationsFromUrl();
  const trainButton = el('button', { 'data-testid': 'mnist-train', class: 'primary' }, `train (${iterations} iterations)`);
  const progress = el('progress', { max: iterations, value: 0, 'data-testid': 'mnist-progress' });
  const status = el('span', { 'data-testid': 'mnist-status' }, 'not trained yet: press train (the worker loads 10,000 digits, ~21 MB of JSON)');
  const accuracy = el('span', { 'data-testid': 'mnist-accuracy' }, '–');
  const prediction = el('span', { class: 'prediction', 'data-testid': 'digit-prediction' });
  const bars = el('div', { class: 'bars', 'data-testid': 'digit-probabilities' });
  const preview = el('canvas', { width: SIZE * PREVIEW_SCALE, height: SIZE * PREVIEW_SCALE, class: 'preview', 'data-testid': 'digit-input-preview' });
  let worker: Worker | null = null;
  let requestId = 0;

  const classify = () => {
    const pixels = toMnistPixels(pad.gray(), PAD, PAD);
    drawPreview(preview, pixels);
    if (pixels === null) return;
    if (worker === null) {
      prediction.textContent = '?';
      prediction.title = 'press train first';
      return;
    }
    worker.postMessage({ type: 'predict', id: ++requestId, pixels } satisfies ToWorker);
  };
  const pad = drawingPad(classify);
  const clearButton = el('button', { 'data-testid': 'pad-clear' }, 'clear');
  clearButton.addEventListener('click', () => {
    pad.clear();
    drawPreview(preview, null);
    prediction.textContent = '';
    delete prediction.dataset.digit;
    bars.replaceChildren();
  });

  const onMessage = (m: FromWorker) => {
    switch (m.type) {
      case 'loading': status.textContent = 'loading the mnist package\'s digits…'; break;
      case 'loaded': status.textContent = `${m.trainSize} training and ${m.testSize} test digits loaded in ${m.seconds.toFixed(1)} s; training…`; break;
      case 'progress':
        progress.value = m.iteration;
        status.textContent = `iteration ${m.iteration} of ${m.iterations}: batch loss ${m.loss.toFixed(3)}, batch accuracy ${m.batchAccuracy.toFixed(2)} (${m.seconds.toFixed(1)} s)`;
        status.dataset.iteration = String(m.iteration);
        break;
      case 'evaluated': accuracy.textContent = `${m.testAccuracy.toFixed(3)} (after ${m.iteration} iterations)`; break;
      case 'done':
        progress.value = m.iterations;
        status.textContent = `trained: ${m.iterations} iterations in ${m.seconds.toFixed(1)} s`;
        status.dataset.iteration = String(m.iterations);
        status.dataset.state = 'done';
        accuracy.textContent = `${m.testAccuracy.toFixed(3)} (after ${m.iterations} iterations)`;
        accuracy.dataset.value = String(m.testAccuracy);
        classify(); // a digit drawn during training is classified again by the trained network
        break;
      case 'prediction': {
        if (m.id !== requestId) break; // an older drawing's answer
        const best = m.probabilities.indexOf(Math.max(...m.probabilities));
        prediction.textContent = String(best);
        prediction.dataset.digit = String(best);
        prediction.title = `by the network after ${m.iteration} iterations`;
        bars.replaceChildren(...probabilityBars(m.probabilities));
        break;
      }
      case 'error': status.textContent = `error: ${m.message}`; status.dataset.state = 'error'; break;
    }
  };
  trainButton.addEventListener('click', () => {
    trainButton.disabled = true;
    worker = new Worker(new URL('./mnist.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
    worker.onerror = (e) => onMessage({ type: 'error', message: e.message });
    worker.postMessage({ type: 'train', iterations, seed: MNIST_DEFAULTS.seed } satisfies ToWorker);
  });

  return el('section', { id: 'digits', 'data-testid': 'digits' },
    el('h2', {}, '3 · A digit pad: the MNIST network, trained in your browser'),
    el('p', {}, 'The 1_4 notebook\'s network (784-40-10, ReLU, softmax with cross entropy, minibatches of 100, SGD lr 0.1) trains in a ',
      'Web Worker on the 10,000 digits of the ', el('code', {}, 'mnist'), ' package (8,000 to learn from, 2,000 held out). ',
      'Draw a digit with the mouse: it is scaled to 20×20 and centred by its centre of mass, as MNIST\'s digits were, and classified.'),
    el('div', { class: 'controls' }, trainButton, progress, status),
    el('p', { class: 'stats' }, 'accuracy on the held-out digits: ', accuracy),
    el('div', { class: 'digit-row' },
      el('div', {}, pad.canvas, el('div', { class: 'controls' }, clearButton)),
      el('div', { class: 'seen' }, el('div', { class: 'caption' }, 'what the network sees'), preview,
        el('div', { class: 'caption' }, 'prediction'), prediction),
      bars));
}
