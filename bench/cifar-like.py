#!/usr/bin/env python3
"""Writes a learnable CIFAR-10-format dataset (data_batch_1..5.bin, test_batch.bin): each
class is a fixed smooth colour pattern, each image that pattern shifted by up to 4 pixels
plus noise. No real CIFAR is reachable here; benchmarks that need a trained VGG-like or
ResNet run (bench compact-retrain) train on this instead.

  python3 bench/cifar-like.py <out-dir> [images-per-batch] [test-images]
"""
import os
import random
import sys

out = sys.argv[1]
per_batch = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
tests = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
rng = random.Random(7)

def pattern():
    # a sum of a few random low-frequency bumps per channel, in 0..255
    bumps = [[(rng.uniform(0, 32), rng.uniform(0, 32), rng.uniform(4, 10), rng.uniform(-1, 1)) for _ in range(4)]
             for _ in range(3)]
    img = []
    for c in range(3):
        for y in range(32):
            for x in range(32):
                v = sum(a * 2.718 ** (-((x - bx) ** 2 + (y - by) ** 2) / (2 * s * s)) for bx, by, s, a in bumps[c])
                img.append(v)
    return img

patterns = [pattern() for _ in range(10)]

def record(label):
    p = patterns[label]
    dx, dy = rng.randint(-4, 4), rng.randint(-4, 4)
    data = bytearray([label])
    for c in range(3):
        for y in range(32):
            for x in range(32):
                sx, sy = min(31, max(0, x + dx)), min(31, max(0, y + dy))
                v = 128 + 100 * p[c * 1024 + sy * 32 + sx] + rng.gauss(0, 30)
                data.append(min(255, max(0, int(v))))
    return data

os.makedirs(out, exist_ok=True)
for name, n in [("data_batch_%d.bin" % b, per_batch) for b in range(1, 6)] + [("test_batch.bin", tests)]:
    with open(os.path.join(out, name), "wb") as f:
        for i in range(n):
            f.write(record(rng.randrange(10)))
print(out)
