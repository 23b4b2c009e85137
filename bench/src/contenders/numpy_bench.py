"""numpy, written as the course writes it (the Day-1 course's common/functions.py and its
1_4_1 MNIST and 1_3 online-SGD scripts), timed with the same protocol as the JavaScript
contenders: a ChildConfig as JSON in argv[1], a ChildReport as JSON on the last stdout line.

`python3 numpy_bench.py probe` prints the numpy version and BLAS facts;
`python3 numpy_bench.py check '<MnistProblem JSON>' <steps>` runs the timed MNIST step on the
tiny problem of bench/test and prints its losses.
"""
import ctypes
import glob
import json
import os
import resource
import sys
import time

import numpy as np

# ---- the course's common/functions.py -------------------------------------------------


def relu(x):
    return np.maximum(0, x)


def d_relu(x):
    # NOTE: the course writes np.where(x > 0, 1, 0), an int64 array that would promote a
    # float32 network to float64; this keeps the network's dtype (identical for float64).
    return (x > 0).astype(x.dtype)


def softmax(x):
    if x.ndim == 2:
        x = x.T
        x = x - np.max(x, axis=0)
        y = np.exp(x) / np.sum(np.exp(x), axis=0)
        return y.T
    x = x - np.max(x)
    return np.exp(x) / np.sum(np.exp(x))


def cross_entropy_error(d, y):
    if y.ndim == 1:
        d = d.reshape(1, d.size)
        y = y.reshape(1, y.size)
    if d.size == y.size:
        d = d.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), d] + 1e-7)) / batch_size


def d_softmax_with_loss(d, y):
    batch_size = d.shape[0]
    if d.size == y.size:
        dx = (y - d) / batch_size
    else:
        dx = y.copy()
        dx[np.arange(batch_size), d] -= 1
        dx = dx / batch_size
    return dx


def mean_squared_error(d, y):
    return np.mean(np.square(d - y)) / 2


def d_mean_squared_error(d, y):
    if type(d) == np.ndarray:
        batch_size = d.shape[0]
        dx = (y - d) / batch_size
    else:
        dx = y - d
    return dx


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
    return grad

# ---- (a) the course's MNIST network (1_4_1_mnist_sample) --------------------------------


def init_network(p, dtype):
    std = p['initStd']
    return {
        'W1': (std * np.random.randn(p['inputs'], p['hidden'])).astype(dtype),
        'W2': (std * np.random.randn(p['hidden'], p['outputs'])).astype(dtype),
        'b1': np.zeros(p['hidden'], dtype=dtype),
        'b2': np.zeros(p['outputs'], dtype=dtype),
    }


def forward(network, x):
    W1, W2 = network['W1'], network['W2']
    b1, b2 = network['b1'], network['b2']
    u1 = np.dot(x, W1) + b1
    z1 = relu(u1)
    u2 = np.dot(z1, W2) + b2
    y = softmax(u2)
    return z1, y


def backward(network, x, d, z1, y):
    grad = {}
    W2 = network['W2']
    delta2 = d_softmax_with_loss(d, y)  # (y - d) / batch
    grad['b2'] = np.sum(delta2, axis=0)
    grad['W2'] = np.dot(z1.T, delta2)
    delta1 = np.dot(delta2, W2.T) * d_relu(z1)
    grad['b1'] = np.sum(delta1, axis=0)
    grad['W1'] = np.dot(x.T, delta1)
    return grad


def mnist_data(p, dtype):
    np.random.seed(p['seed'])
    x_train = np.random.rand(p['trainSize'], p['inputs']).astype(dtype)
    d_train = np.eye(p['outputs'], dtype=dtype)[np.random.randint(0, p['outputs'], p['trainSize'])]
    return x_train, d_train, init_network(p, dtype)


def mnist_step(p, dtype):
    x_train, d_train, network = mnist_data(p, dtype)
    lr = p['learningRate']

    def step():
        batch_mask = np.random.choice(p['trainSize'], p['batch'])
        x_batch = x_train[batch_mask]
        d_batch = d_train[batch_mask]
        z1, y = forward(network, x_batch)
        grad = backward(network, x_batch, d_batch, z1, y)
        for key in ('W1', 'W2', 'b1', 'b2'):
            network[key] -= lr * grad[key]
        return cross_entropy_error(d_batch, y)
    return step


def gradient_vs_numerical(p, dtype, subset):
    x_train, d_train, network = mnist_data(p, dtype)
    x, d = x_train[:p['batch']], d_train[:p['batch']]

    def loss(_):
        _, y = forward(network, x)
        return cross_entropy_error(d, y)

    def grad():
        z1, y = forward(network, x)
        return backward(network, x, d, z1, y)
    total = sum(w.size for w in network.values())
    return grad, lambda: numerical_gradient(loss, network[subset]), network[subset].size, total

# ---- (b) matmul, (c) the chain (forward only: numpy has no tape) ------------------------


def matmul(n, dtype):
    a = np.random.rand(n, n).astype(dtype)
    b = np.random.rand(n, n).astype(dtype)
    return lambda: np.dot(a, b)


def chain(ops, width, dtype):
    x = np.random.rand(width).astype(dtype)
    a = (1 + (np.random.rand(width) - 0.5) * 1e-5).astype(dtype)
    c = ((np.random.rand(width) - 0.5) * 1e-5).astype(dtype)

    def run():
        y = x
        for _ in range(0, ops, 2):
            y = y * a + c
        return y.sum()
    return run

# ---- (d) the course's online SGD (1_3_stochastic_gradient_descent) ----------------------


def online_sgd(p):
    np.random.seed(p['seed'])
    hidden = p['hidden']
    xs = [np.random.rand(2) for _ in range(p['steps'])]
    data_sets = [{'x': x, 'd': 3 * x[0] + 2 * x[1]} for x in xs]
    init = {'W1': np.random.randn(2, hidden), 'W2': np.random.randn(hidden),
            'b1': np.random.randn(hidden), 'b2': np.random.randn()}
    lr = p['learningRate']

    def fwd(network, x):
        u1 = np.dot(x, network['W1']) + network['b1']
        z1 = relu(u1)
        y = np.dot(z1, network['W2']) + network['b2']
        return z1, y

    def bwd(network, x, d, z1, y):
        grad = {}
        delta2 = d_mean_squared_error(d, y)
        grad['b2'] = np.sum(delta2, axis=0)
        grad['W2'] = np.dot(z1.T, delta2)
        delta1 = np.dot(delta2, network['W2'].T) * d_relu(z1)
        delta1 = delta1[np.newaxis, :]
        grad['b1'] = np.sum(delta1, axis=0)
        x = x[np.newaxis, :]
        grad['W1'] = np.dot(x.T, delta1)
        return grad

    def run():
        network = {k: np.copy(v) for k, v in init.items()}
        losses = []
        for dataset in data_sets:
            x, d = dataset['x'], dataset['d']
            z1, y = fwd(network, x)
            grad = bwd(network, x, d, z1, y)
            for key in ('W1', 'W2', 'b1', 'b2'):
                network[key] -= lr * grad[key]
            losses.append(mean_squared_error(d, y))
        return losses[-1]
    return run

# ---- timing: the same rules as bench/src/timing.ts --------------------------------------


def now_ms():
    return time.perf_counter() * 1000


def time_calls(fn, calls):
    t0 = now_ms()
    for _ in range(calls):
        fn()
    return now_ms() - t0


def measure(fn, b):
    start = now_ms()
    fn()
    first = now_ms() - start
    samples = []
    if first >= b['slowCallMs']:
        samples.append(first)
    else:
        end = now_ms() + b['warmupMs'] - first
        while now_ms() < end:
            fn()
    per_call = samples[0] if samples else estimate(fn)
    calls = max(1, round(b['sampleMs'] / max(per_call, 1e-6)))
    while len(samples) < b['samples']:
        if samples and now_ms() - start + calls * per_call > b['maxMs']:
            break
        samples.append(time_calls(fn, calls) / calls)
    return float(np.median(samples))


def estimate(fn):
    calls = 1
    while True:
        ms = time_calls(fn, calls)
        if ms >= 5 or calls >= 1 << 16:
            return ms / calls
        calls *= 4

# ---- the child protocol -----------------------------------------------------------------


# ---- (f) the course's SimpleConvNet step (2_6), on its im2col / col2im layout -------------
# Written here from the course's description (common/layers.py Convolution, Pooling): windows
# as rows (n, oy, ox) and columns (c, ky, kx), the convolution as one matrix product, max pooling
# by argmax over the window columns, the gradients scattered back by the adjoint (col2im).


def to_columns(x, kh, kw, stride=1):
    n, c, h, w = x.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for dy in range(kh):
        for dx in range(kw):
            cols[:, :, dy, dx] = x[:, :, dy:dy + stride * oh:stride, dx:dx + stride * ow:stride]
    return cols.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1), oh, ow


def from_columns(cols, shape, kh, kw, stride=1):
    n, c, h, w = shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    cols = cols.reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    x = np.zeros(shape, dtype=cols.dtype)
    for dy in range(kh):
        for dx in range(kw):
            x[:, :, dy:dy + stride * oh:stride, dx:dx + stride * ow:stride] += cols[:, :, dy, dx]
    return x


def conv_step(p, dtype):
    np.random.seed(p['seed'])
    side, k, f, hidden, out = p['side'], p['kernel'], p['filters'], p['hidden'], p['outputs']
    x_train = np.random.rand(p['trainSize'], 1, side, side).astype(dtype)
    d_train = np.random.randint(0, out, p['trainSize'])
    pooled = (side - k + 1) // 2
    std = p['initStd']
    net = {
        'W1': (std * np.random.randn(f, 1, k, k)).astype(dtype), 'b1': np.zeros(f, dtype=dtype),
        'W2': (std * np.random.randn(f * pooled * pooled, hidden)).astype(dtype), 'b2': np.zeros(hidden, dtype=dtype),
        'W3': (std * np.random.randn(hidden, out)).astype(dtype), 'b3': np.zeros(out, dtype=dtype),
    }
    lr = p['learningRate']

    def step():
        mask = np.random.choice(p['trainSize'], p['batch'])
        x, d = x_train[mask], d_train[mask]
        n = x.shape[0]
        # forward
        col, oh, ow = to_columns(x, k, k)
        w_col = net['W1'].reshape(f, -1).T
        c = (np.dot(col, w_col) + net['b1']).reshape(n, oh, ow, f).transpose(0, 3, 1, 2)
        r = np.maximum(0, c)
        pcol, ph, pw = to_columns(r, 2, 2, 2)
        pcol = pcol.reshape(-1, 4)
        arg = np.argmax(pcol, axis=1)
        pool = np.max(pcol, axis=1).reshape(n, ph, pw, f).transpose(0, 3, 1, 2)
        h = pool.reshape(n, -1)
        u2 = np.dot(h, net['W2']) + net['b2']
        z2 = np.maximum(0, u2)
        y = softmax(np.dot(z2, net['W3']) + net['b3'])
        loss = cross_entropy_error(d, y)
        # backward
        g = d_softmax_with_loss(d, y)
        grad = {'W3': np.dot(z2.T, g), 'b3': g.sum(axis=0)}
        g = np.dot(g, net['W3'].T) * d_relu(u2)
        grad['W2'], grad['b2'] = np.dot(h.T, g), g.sum(axis=0)
        g = np.dot(g, net['W2'].T).reshape(pool.shape).transpose(0, 2, 3, 1)
        dmax = np.zeros((g.size, 4), dtype=g.dtype)
        dmax[np.arange(arg.size), arg] = g.ravel()
        g = from_columns(dmax.reshape(n * ph * pw, -1), r.shape, 2, 2, 2) * d_relu(c)
        g = g.transpose(0, 2, 3, 1).reshape(-1, f)
        grad['b1'] = g.sum(axis=0)
        grad['W1'] = np.dot(col.T, g).T.reshape(net['W1'].shape)
        for key in net:
            net[key] -= lr * grad[key]
        return loss
    return step


def run_suite(config):
    b = config['budget']
    out = []
    label = 'numpy' if config['contender'] == 'numpy' else 'numpy, OPENBLAS_* unset'
    last = [now_ms()]

    def add(impl_dtype, metric, value, param=None, note=None):
        m = {'impl': f'{label} {impl_dtype}', 'metric': metric, 'value': value, 'elapsedMs': now_ms() - last[0]}
        last[0] = now_ms()
        if param is not None:
            m['param'] = param
        if note is not None:
            m['note'] = note
        out.append(m)

    wanted = config.get('metrics')

    def wants(metric):
        return wanted is None or metric in wanted

    for dtype in ('float64', 'float32'):
        if wants('mnist'):
            add(dtype, 'mnist', measure(mnist_step(config['mnist'], dtype), b))
            if dtype == 'float64':
                # The process's peak so far (start-up, data, float64 warm-up and samples); ru_maxrss is in KiB on Linux.
                add(dtype, 'rss', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        if not wants('matmul'):
            continue
        for n in config['matmulSizes']:
            add(dtype, 'matmul', 2 * n ** 3 / (measure(matmul(n, dtype), b) * 1e6), param=n)
    for dtype in ('float64', 'float32'):
        ops = config['tapeChain']
        if not wants('tape'):
            break
        add(dtype, 'tape', measure(chain(ops, config['tapeWidth'], dtype), b) * 1000 / ops, note='forward only (no tape)')
    for dtype in ('float64', 'float32'):
        if not wants('backwardMs'):
            break
        grad, numerical, size, total = gradient_vs_numerical(config['mnist'], dtype, config['numericalSubset'])
        backward_ms = measure(grad, b)
        numerical_s = measure(numerical, b) / size * total / 1000
        note = f'extrapolated from {size} of {total:,} parameters ({2 * size} forward passes)'
        add(dtype, 'backwardMs', backward_ms)
        add(dtype, 'numericalS', numerical_s, note=note)
        add(dtype, 'numericalRatio', numerical_s * 1000 / backward_ms, note=note)
    for dtype in ('float64', 'float32'):
        if 'conv' in config and wants('conv'):
            add(dtype, 'conv', measure(conv_step(config['conv'], dtype), b))
    # The course's online SGD is float64 only (np.random.rand and randn).
    if wants('online'):
        add('float64', 'online', measure(online_sgd(config['online']), b))
    return out


def blas_facts():
    facts = {'numpy': np.__version__}
    try:
        blas = np.show_config(mode='dicts')['Build Dependencies']['blas']
        facts['blas'] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older numpy: no mode='dicts'
        facts['blas'] = 'unknown'
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), '..', 'numpy.libs', '*openblas*'))
    if libs:
        lib = ctypes.CDLL(libs[0])
        for prefix in ('scipy_openblas_', 'openblas_'):
            for suffix in ('64_', ''):
                core = getattr(lib, f'{prefix}get_corename{suffix}', None)
                threads = getattr(lib, f'{prefix}get_num_threads{suffix}', None)
                if core is not None and threads is not None:
                    core.restype = ctypes.c_char_p
                    facts['blasCore'] = core().decode()
                    facts['blasThreads'] = int(threads())
                    return facts
    return facts


def check(problem, steps):
    """The timed MNIST step, on the test's tiny problem: its losses, step by step."""
    out = {}
    for dtype in ('float64', 'float32'):
        step = mnist_step(problem, dtype)
        out[dtype] = [float(step()) for _ in range(steps)]
    print(json.dumps(out))


def steps(problem, dtype, n):
    """The MNIST step `n` times after a 1.5 s warm-up, each step timed (bench/mnist-steps.ts)."""
    step = mnist_step(problem, dtype)
    end = now_ms() + 1500
    while now_ms() < end:
        step()
    times = []
    cpu0 = time.process_time()
    for _ in range(n):
        t = now_ms()
        step()
        times.append(now_ms() - t)
    cpu = (time.process_time() - cpu0) * 1000 / n
    times.sort()
    print(json.dumps({'min': times[0], 'p10': times[n // 10], 'median': times[n // 2], 'mean': sum(times) / n, 'cpu': cpu,
                      'rssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main():
    if sys.argv[1] == 'steps':
        steps(json.loads(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
        return
    if sys.argv[1] == 'probe':
        print(json.dumps(blas_facts()))
        return
    if sys.argv[1] == 'check':
        check(json.loads(sys.argv[2]), int(sys.argv[3]))
        return
    config = json.loads(sys.argv[1])
    report = {'contender': config['contender'], 'measurements': run_suite(config), 'info': blas_facts()}
    print(json.dumps(report))


if __name__ == '__main__':
    main()
