#!/usr/bin/python3
"""Synthetic learner benchmark data: N x 507 mostly-binary matrix, ~25% positives.

Columns: 7 "meta" 0/1 flags with a strong signal, 500 "text" 0/1 tokens with Zipf-like
frequencies (0.6 down to 0.01), a few of them informative. Labels from a logistic model plus
noise. Writes CSV rows "y,x1,...,x507" to argv[1]; argv[2] = rows (default 2000), argv[3] = seed."""
import sys
import numpy as np

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
rng = np.random.default_rng(seed)
y = (rng.random(n) < 0.25).astype(int)
meta = np.zeros((n, 7))
for j, (p1, p0) in enumerate([(0.7, 0.1), (0.6, 0.2), (0.5, 0.05), (0.3, 0.1),
                              (0.8, 0.5), (0.2, 0.15), (0.4, 0.3)]):
    meta[:, j] = rng.random(n) < np.where(y == 1, p1, p0)
freq = 0.6 / (1 + np.arange(500)) ** 0.7
freq = np.maximum(freq, 0.01)
lift = np.ones(500)
lift[rng.choice(500, 40, replace=False)] = rng.uniform(0.3, 3.0, 40)
p = np.where(y[:, None] == 1, np.minimum(freq * lift, 0.95), freq)
text = (rng.random((n, 500)) < p).astype(float)
X = np.hstack([meta, text])
np.savetxt(out, np.hstack([y[:, None], X]), fmt="%g", delimiter=",")
