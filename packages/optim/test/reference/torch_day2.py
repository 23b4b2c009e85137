"""PyTorch 1.13 float64 references for optim's AdamW, parameter groups and gradient clipping.

  /usr/bin/python3 packages/optim/test/reference/torch_day2.py > packages/optim/test/reference/torch_day2.json

Every case starts from fixed parameters and applies a fixed sequence of gradients (drawn here with
numpy's seed and written into the fixture), so the TypeScript test replays the same numbers.
"""
import json

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
rng = np.random.RandomState(0)


def draw(*shape):
    return rng.uniform(-2, 2, size=shape)


def run(make, shapes, steps, groups=None):
    init = [draw(*s) for s in shapes]
    grads = [[draw(*s) for s in shapes] for _ in range(steps)]
    params = [torch.tensor(v, requires_grad=True) for v in init]
    if groups is None:
        opt = make(params)
    else:
        split, sizes = [], 0
        for g in groups:
            split.append({**g['options'], 'params': params[sizes:sizes + g['size']]})
            sizes += g['size']
        opt = make(split)
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = torch.tensor(g)
        opt.step()
    return {
        'shapes': [list(s) for s in shapes],
        'init': [v.ravel().tolist() for v in init],
        'grads': [[g.ravel().tolist() for g in gs] for gs in grads],
        'final': [p.detach().numpy().ravel().tolist() for p in params],
    }


cases = {}
for name, opts in [('default', {}), ('lr 0.01, weightDecay 0.1', {'lr': 0.01, 'weight_decay': 0.1}),
                   ('betas 0.8/0.99, eps 1e-6, no decay', {'betas': (0.8, 0.99), 'eps': 1e-6, 'weight_decay': 0.0})]:
    cases['AdamW ' + name] = {**run(lambda ps: torch.optim.AdamW(ps, **opts), [(3, 2), (4,)], 6), 'options': {
        k if k != 'weight_decay' else 'weightDecay': v for k, v in opts.items() if k != 'betas'}}
    if 'betas' in opts:
        cases['AdamW ' + name]['options'].update({'beta1': opts['betas'][0], 'beta2': opts['betas'][1]})

groups = [{'size': 1, 'options': {'lr': 0.1}}, {'size': 2, 'options': {'weight_decay': 0.05}}]
ts_groups = [{'size': 1, 'options': {'lr': 0.1}}, {'size': 2, 'options': {'weightDecay': 0.05}}]
cases['SGD groups'] = {**run(lambda gs: torch.optim.SGD(gs, lr=0.01), [(2, 3), (3,), (2, 2)], 4, groups),
                       'options': {'lr': 0.01}, 'groups': ts_groups}
groups = [{'size': 2, 'options': {'lr': 0.01, 'weight_decay': 0.0}}, {'size': 1, 'options': {'betas': (0.5, 0.9)}}]
ts_groups = [{'size': 2, 'options': {'lr': 0.01, 'weightDecay': 0.0}}, {'size': 1, 'options': {'beta1': 0.5, 'beta2': 0.9}}]
cases['AdamW groups'] = {**run(lambda gs: torch.optim.AdamW(gs, lr=0.002, weight_decay=0.1), [(2, 3), (3,), (4,)], 5, groups),
                         'options': {'lr': 0.002, 'weightDecay': 0.1}, 'groups': ts_groups}

clip = []
for max_norm, norm_type in [(1.0, 2.0), (100.0, 2.0), (0.5, float('inf')), (2.0, 1.0), (1.5, 3.0)]:
    grads = [draw(2, 3), draw(4)]
    ts = [torch.tensor(np.zeros_like(g), requires_grad=True) for g in grads]
    for t, g in zip(ts, grads):
        t.grad = torch.tensor(g)
    total = torch.nn.utils.clip_grad_norm_(ts, max_norm, norm_type=norm_type)
    clip.append({'maxNorm': max_norm, 'normType': 'Infinity' if norm_type == float('inf') else norm_type,
                 'grads': [g.ravel().tolist() for g in grads], 'total': float(total),
                 'clipped': [t.grad.numpy().ravel().tolist() for t in ts]})
value = []
for c in [0.5, 1.0]:
    grads = [draw(3, 2), draw(5)]
    ts = [torch.tensor(np.zeros_like(g), requires_grad=True) for g in grads]
    for t, g in zip(ts, grads):
        t.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_value_(ts, c)
    value.append({'clipValue': c, 'grads': [g.ravel().tolist() for g in grads], 'clipped': [t.grad.numpy().ravel().tolist() for t in ts]})

print(json.dumps({'torch': torch.__version__, 'optimizers': cases, 'clipGradNorm': clip, 'clipGradValue': value}))
