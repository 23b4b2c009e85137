/**
 * Section 2 of the page: the SGD notebook's regression trained live, a few online updates per
 * animation frame, with the loss chart redrawn as it learns.
 */
import { lossChart } from './chart.js';
import { el, formatNumber } from './dom.js';
import { Regression, meanOf, type Activation } from './regression.js';

/** Updates per second while training: 1,000 steps take ~3 s to watch, whatever the frame rate. */
const STEPS_PER_SECOND = 300;
/** At most this many per frame, so a long pause between frames does not freeze the page. */
const MAX_STEPS_PER_FRAME = 40;
const LEARNING_RATES = [0.001, 0.005, 0.01, 0.03, 0.07, 0.1, 0.3, 1, 3];
const STEP_COUNTS = [1000, 3000, 10000];
const SEED = 0;

function select(testId: string, label: string, options: readonly (string | number)[], selected: string | number): HTMLSelectElement {
  return el('select', { 'data-testid': testId, 'aria-label': label },
    ...options.map((o) => el('option', { value: o, selected: o === selected }, String(o))));
}

export function regressionPanel(): HTMLElement {
  const activation = select('regression-activation', 'activation', ['relu', 'sigmoid'], 'relu');
  const learningRate = select('regression-lr', 'learning rate', LEARNING_RATES, 0.07);
  const stepCount = select('regression-steps', 'steps', STEP_COUNTS, 1000);
  const startButton = el('button', { 'data-testid': 'regression-start', class: 'primary' }, 'start');
  const pauseButton = el('button', { 'data-testid': 'regression-pause' }, 'pause');
  const resetButton = el('button', { 'data-testid': 'regression-reset' }, 'reset');
  const status = el('span', { 'data-testid': 'regression-status' });
  const step = el('span', { 'data-testid': 'regression-step' });
  const first = el('span', { 'data-testid': 'regression-first100' });
  const last = el('span', { 'data-testid': 'regression-last100' });
  const check = el('span', { 'data-testid': 'regression-check' });
  const chartBox = el('div', { class: 'chart-box', 'data-testid': 'regression-chart' });

  let model = newModel();
  let frame: number | null = null;
  let lastFrame = 0;

  function newModel(): Regression {
    return new Regression({ activation: activation.value as Activation, learningRate: Number(learningRate.value), seed: SEED });
  }
  const target = () => Number(stepCount.value);
  const finished = () => model.divergedAt !== null || model.losses.length >= target();
  const render = (state: string) => {
    const losses = model.losses;
    status.textContent = model.divergedAt !== null ? `diverged at step ${model.divergedAt}: try a smaller learning rate` : state;
    status.dataset.state = model.divergedAt !== null ? 'diverged' : state;
    step.textContent = String(losses.length);
    first.textContent = formatNumber(meanOf(losses, 0, 100), 4);
    last.textContent = formatNumber(meanOf(losses, losses.length - 100), 4);
    check.textContent = formatNumber(model.predict(0.3, 0.6), 4);
    chartBox.replaceChildren(lossChart(losses, { width: 720, height: 260, minSteps: target(), window: 50 }));
    startButton.disabled = frame !== null || finished();
    pauseButton.disabled = frame === null;
  };
  const tick = (now: number) => {
    const due = lastFrame === 0 ? 1 : Math.ceil(((now - lastFrame) / 1000) * STEPS_PER_SECOND);
    lastFrame = now;
    model.train(Math.min(due, MAX_STEPS_PER_FRAME, target() - model.losses.length));
    if (finished()) {
      frame = null;
      render('done');
    } else {
      frame = requestAnimationFrame(tick);
      render('training');
    }
  };
  const pause = (state: string) => {
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    render(state);
  };
  const reset = () => {
    model = newModel();
    pause('ready');
  };

  startButton.addEventListener('click', () => {
    if (frame === null) {
      lastFrame = 0;
      frame = requestAnimationFrame(tick);
    }
    render('training');
  });
  pauseButton.addEventListener('click', () => pause('paused'));
  resetButton.addEventListener('click', reset);
  activation.addEventListener('change', reset); // another activation is another network
  learningRate.addEventListener('change', () => { model.learningRate = Number(learningRate.value); });
  stepCount.addEventListener('change', () => pause(model.losses.length === 0 ? 'ready' : 'paused'));

  render('ready');
  return el('section', { id: 'regression', 'data-testid': 'regression' },
    el('h2', {}, '2 · Stochastic gradient descent, live: learning f(x) = 3·x0 + 2·x1'),
    el('p', {}, 'The SGD notebook\'s 2-10-1 network, one random sample of a data set of 100,000 per update (online learning), ',
      'with tapegrad\'s ', el('code', {}, 'Linear'), ', ', el('code', {}, 'SGD'), ' and ', el('code', {}, 'sampleBatch'),
      ' (seed 0: the same losses as examples/1_3). The learning rate applies from the next step; another activation starts over.'),
    el('div', { class: 'controls' },
      el('label', {}, 'activation ', activation), el('label', {}, 'learning rate ', learningRate), el('label', {}, 'steps ', stepCount),
      startButton, pauseButton, resetButton, status),
    chartBox,
    el('p', { class: 'stats' },
      'step ', step, ' · mean loss of the first 100 steps ', first, ', of the last 100 ', last,
      ' · network at x = [0.3, 0.6]: ', check, ' (f = 2.1)'));
}
