#!/usr/bin/python3
"""PyTorch reference for bench/suites/wasm-train.bench.ts (run with Debian's /usr/bin/python3).

usage: torch_train.py '{"size": 64, "batch": 16, "threads": 2, "warmup": 2, "steps": 5}'

torchvision.models.resnet50(num_classes=17), CrossEntropyLoss, SGD(lr=0.01), train mode, on a
fixed random batch: the same step as the tfjs benchmark. Prints one line `RESULT {json}`.
OPENBLAS_NUM_THREADS must be set by the caller (torch.set_num_threads does not limit OpenBLAS
in Debian's build).
"""
import json
import os
import resource
import sys
import time

import torch
import torchvision


def main(config):
    torch.set_num_threads(config["threads"])
    torch.manual_seed(0)
    model = torchvision.models.resnet50(num_classes=17)
    model.train()
    size, batch = config["size"], config["batch"]
    x = torch.randn(batch, 3, size, size)
    y = torch.tensor([(i * 7) % 17 for i in range(batch)])
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return float(loss)

    losses = [step() for _ in range(config["warmup"])]
    times, cpu_times = [], []
    for _ in range(config["steps"]):
        t0, c0 = time.perf_counter(), time.process_time()
        losses.append(step())
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
    print("RESULT " + json.dumps({
        "config": config,
        "times": times,
        "cpuTimes": cpu_times,
        "losses": losses,
        "torchThreads": torch.get_num_threads(),
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch": torch.__version__,
        "blas": os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"),
    }))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
