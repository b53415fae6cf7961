"""Times a PyTorch CPU selective scan written from the S6 semantics (docs/mambamixer-spec.md §1).

The same sequential form as mamba_ssm's selective_scan_ref: exp(delta A) and delta B u are
materialised as (B, D, L, N), then one step per position; the backward is PyTorch autograd.
Shapes and inputs match org.mambamixer.cuda.bench.ScanBench (all inputs present, softplus on).

Two ways to take step t, both timed because their backward costs differ by orders of magnitude:
  index   delta_a[:, :, t], as selective_scan_ref does: each slice's gradient is a full
          (B, D, L, N) tensor, so the backward is O(L^2) in memory traffic;
  unbind  the (B, D, L, N) tensors cut once into L steps: the backward is linear in L
          (what the project's DJL ReferenceScan does with split).

    /usr/bin/python3 bench/torch_reference_scan.py [--threads 1] [--reps 3] [--warmup 1]
        [--variants unbind,index] [--shapes 8x512x256x16,...]
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F


def scan(u, delta, A, B, C, D, z, delta_bias, softplus=True, variant="index"):
    """u, delta, z: (b, d, l); A: (d, n); B, C: (b, n, l); D, delta_bias: (d,)."""
    delta = delta + delta_bias[:, None]  # (b, d, l)
    if softplus:
        delta = F.softplus(delta)  # threshold 20, as in the kernels
    delta_a = torch.exp(delta.unsqueeze(-1) * A[:, None, :])  # (b, d, l, n)
    delta_bu = (delta * u).unsqueeze(-1) * B.transpose(1, 2).unsqueeze(1)  # (b, d, l, n)
    if variant == "unbind":
        a_steps, bu_steps, c_steps = delta_a.unbind(2), delta_bu.unbind(2), C.unbind(2)
    else:
        a_steps, bu_steps, c_steps = _Steps(delta_a), _Steps(delta_bu), _Steps(C)
    h = u.new_zeros(u.shape[0], u.shape[1], A.shape[1])  # (b, d, n)
    ys = []
    for t in range(u.shape[2]):
        h = a_steps[t] * h + bu_steps[t]
        ys.append(torch.einsum("bdn,bn->bd", h, c_steps[t]))
    y = torch.stack(ys, dim=2) + u * D[:, None]  # (b, d, l)
    return y * F.silu(z), h


class _Steps:
    """x[:, :, t] on demand: the indexing of selective_scan_ref."""

    def __init__(self, x):
        self.x = x

    def __getitem__(self, t):
        return self.x[:, :, t]


def inputs(b, l, d, n, seed=7):
    g = torch.Generator().manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=g)
    return dict(u=r(b, d, l), delta=r(b, d, l) - 1.0, A=-(0.2 + 1.3 * torch.rand(d, n, generator=g)),
                B=0.5 * r(b, n, l), C=0.5 * r(b, n, l), D=r(d), z=r(b, d, l),
                delta_bias=torch.rand(d, generator=g) * 1.5 - 1.0)


def median_seconds(fn, reps, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    # One thread by default: with two, OpenMP's spin-waiting stalls badly when the cores are shared.
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--variants", default="unbind,index")
    p.add_argument("--shapes", default="8x512x256x16,224x63x128x16,2x2048x64x16,8x512x256x4,4x256x128x64")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"median of {a.reps} after {a.warmup} warm-up")
    print("| variant | B | L | D | N | torch fwd ms | torch fwd+bwd ms |")
    print("|---|---|---|---|---|---|---|")
    for variant, s in [(v, s) for v in a.variants.split(",") for s in a.shapes.split(",")]:
        b, l, d, n = map(int, s.split("x"))
        x = inputs(b, l, d, n)
        g = torch.randn(b, d, l)

        def fwd():
            with torch.no_grad():
                scan(**x, variant=variant)

        def fwd_bwd():
            leaves = {k: v.clone().requires_grad_(True) for k, v in x.items()}
            out, _ = scan(**leaves, variant=variant)
            (out * g).sum().backward()

        print(f"| {variant} | {b} | {l} | {d} | {n} | {1e3 * median_seconds(fwd, a.reps, a.warmup):.1f} "
              f"| {1e3 * median_seconds(fwd_bwd, a.reps, a.warmup):.1f} |", flush=True)


if __name__ == "__main__":
    main()
