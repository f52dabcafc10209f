#!/usr/bin/env python3
"""The PyTorch peer of `TrainingBenchmark --device=gpu` (issue 16).

The same VICReg step as the Java learner (VicregTrainer, VicregLoss, FusedAdam), written in plain
PyTorch and timed in ms/step, so that the DJL numbers can be set against what PyTorch itself gets
from the same GPU: the MLP encoder and projector, both views in ONE forward pass of 2n rows, the
loss with the variance sum not halved, Adam at lr 1e-3 (betas 0.9/0.999, eps 1e-8, no decay),
float32 with TF32 off. Variants: plain eager, eager with Adam(fused=True) (CUDA only),
torch.compile (reported, not fatal, when it is missing or fails), and "javalike": eager plus the
extra work the Java step does (input copied to the device each step, loss terms, representations
and projection std copied back, per-parameter gradient norms read on the host, per-parameter Adam).

Run (needs nothing but PyTorch):
  python3 scripts/vicreg_torch_peer.py --out target/torch-peer.json           # GPU if there is one
  python3 scripts/vicreg_torch_peer.py --device cpu --batches 64,256 --threads 4
  python3 scripts/vicreg_torch_peer.py --selftest                             # loss vs naive loops
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

import torch
from torch import nn

# VicregLoss / Vicreg defaults: λ, μ, ν, γ, ε inside the square root.
LAMBDA, MU, NU, GAMMA, EPS = 25.0, 25.0, 1.0, 1.0, 1e-4
# OptimizerConfig.adam(1e-3): β1, β2, ε, weight decay 0.
LR, BETAS, ADAM_EPS = 1e-3, (0.9, 0.999), 1e-8
ALL_VARIANTS = ("eager", "fused", "compile", "compile-fused", "javalike")


def build(in_dim, h, p):
    """VicregBlock with the MLP encoder; LayerNorm eps 1e-5 with affine, as DJL's default."""
    encoder = nn.Sequential(nn.Linear(in_dim, h), nn.ReLU(), nn.LayerNorm(h),
                            nn.Linear(h, h), nn.ReLU(), nn.LayerNorm(h))
    projector = nn.Sequential(nn.Linear(h, h), nn.ReLU(), nn.LayerNorm(h),
                              nn.Linear(h, h), nn.ReLU(), nn.Linear(h, p))
    return encoder, projector


def vicreg_terms(views):
    """VicregLoss.breakdownOfViews: views is [2, n, d] (rows 0..n-1 of the forward pass, then
    n..2n-1); per-view statistics are computed for both views at once, as the Java code does.
    Returns total, invariance, variance [2], covariance [2], std [2, d]."""
    n, d = views.shape[1], views.shape[2]
    invariance = (views[0] - views[1]).square().mean()
    centred = views - views.mean(dim=1, keepdim=True)
    std = (centred.square().sum(dim=1) / (n - 1) + EPS).sqrt()  # unbiased variance
    variance = torch.relu(GAMMA - std).mean(dim=1)
    cov = centred.transpose(1, 2) @ centred / (n - 1)
    # A mask, not "sum minus diagonal", as in the Java code (no cancellation when C_jj dominates).
    off_diagonal = 1 - torch.eye(d, dtype=views.dtype, device=views.device)
    covariance = (cov * off_diagonal).square().sum(dim=(1, 2)) / d
    total = LAMBDA * invariance + MU * variance.sum() + NU * covariance.sum()
    return total, invariance, variance, covariance, std


def naive_loss(z, zp):
    """The DESIGN.md formula with Python loops over lists of floats: the self-test's reference."""
    n, d = len(z), len(z[0])
    inv = sum((z[i][j] - zp[i][j]) ** 2 for i in range(n) for j in range(d)) / (n * d)

    def var_cov(m):
        mean = [sum(m[k][j] for k in range(n)) / n for j in range(d)]
        c = [[sum((m[k][i] - mean[i]) * (m[k][j] - mean[j]) for k in range(n)) / (n - 1)
              for j in range(d)] for i in range(d)]
        v = sum(max(0.0, GAMMA - math.sqrt(c[j][j] + EPS)) for j in range(d)) / d
        return v, sum(c[i][j] ** 2 for i in range(d) for j in range(d) if i != j) / d

    (v1, c1), (v2, c2) = var_cov(z), var_cov(zp)
    return LAMBDA * inv + MU * (v1 + v2) + NU * (c1 + c2), inv, v1 + v2, c1 + c2


def selftest():
    g = torch.Generator().manual_seed(16)
    # Scaled so that some dimensions have std < γ and the variance hinge is active.
    z, zp = (0.6 * torch.randn(5, 3, generator=g, dtype=torch.float64) for _ in range(2))
    total, inv, var, cov, _ = vicreg_terms(torch.stack([z, zp]))
    got = [total.item(), inv.item(), var.sum().item(), cov.sum().item()]
    want = naive_loss(z.tolist(), zp.tolist())
    ok = True
    for name, a, b in zip(("total", "invariance", "variance", "covariance"), got, want):
        rel = abs(a - b) / max(abs(b), 1e-300)
        good = rel < 1e-6 and (name != "variance" or b > 0)
        ok &= good
        print(f"{name:<11} torch {a:.12g}  naive {b:.12g}  rel.err {rel:.2e}  {'ok' if good else 'FAIL'}")
    print("selftest", "passed" if ok else "FAILED")
    return 0 if ok else 1


def tf32_off():
    """Legacy flags only: mixing them with the new fp32_precision API makes recent PyTorch raise
    (also inside inductor), and the legacy setters keep every backend consistent."""
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    try:
        return {"matmul.allow_tf32": torch.backends.cuda.matmul.allow_tf32,
                "cudnn.allow_tf32": torch.backends.cudnn.allow_tf32,
                "float32_matmul_precision": torch.get_float32_matmul_precision()}
    except Exception as e:  # reading back must never stop the benchmark
        return {"readback_error": first_line(e)}


def first_line(e):
    text = str(e).strip()
    return f"{type(e).__name__}: {text.splitlines()[0] if text else ''}"


def matmul_gflops(size, device, repeats, sync):
    """Median float32 GFLOP/s of one square product of this size."""
    a = torch.rand(size, size, device=device) * 2 - 1
    b = torch.rand(size, size, device=device) * 2 - 1
    for _ in range(3):
        a @ b
    times = []
    for _ in range(repeats):
        sync()
        t = time.perf_counter()
        a @ b
        sync()
        times.append(time.perf_counter() - t)
    return 2.0 * size ** 3 / statistics.median(times) / 1e9


def flops_per_step(in_dim, h, p, batch):
    """TrainingBenchmark.flopsPerStep (FACTS): 2 views × 3 (fwd+bwd) × 2 × multiply-adds of the
    linear layers × batch; LayerNorm, activations, loss and optimizer left out."""
    return 2.0 * 3 * 2 * (in_dim * h + 3 * h * h + h * p) * batch


def make_step(variant, args, device, batch):
    """A fresh model, optimizer and on-device data for one (variant, batch); returns step()."""
    torch.manual_seed(1)
    encoder, projector = build(args.input_dim, args.hidden, args.projection)
    encoder.to(device), projector.to(device)
    params = list(encoder.parameters()) + list(projector.parameters())
    adam = {"lr": LR, "betas": BETAS, "eps": ADAM_EPS, "weight_decay": 0.0}
    if variant in ("fused", "compile-fused"):
        adam["fused"] = True
    elif variant == "javalike":
        adam["foreach"] = False  # one update per parameter, like the Java optimizer loop
    opt = torch.optim.Adam(params, **adam)
    # Both views as one [2n, in] input generated once on the device: no data movement is timed
    # (except in "javalike", which copies it from host memory every step as the Java step does).
    x = torch.randn(2 * batch, args.input_dim, device=device)

    def loss_of(inputs):
        z = projector(encoder(inputs))
        return vicreg_terms(z.view(2, -1, z.shape[-1]))[0]

    if variant.startswith("compile"):
        if hasattr(torch, "_dynamo"):
            torch._dynamo.reset()  # one compile per (variant, batch), never the recompile limit
        loss_of = torch.compile(loss_of, mode=args.compile_mode)

    last = {}

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_of(x)
        loss.backward()
        opt.step()
        last["loss"] = loss

    if variant != "javalike":
        return step, last

    x_host = x.cpu()

    def java_step():
        inputs = x_host.to(device, copy=True)
        r = encoder(inputs)
        z = projector(r)
        total, inv, var, cov, std = vicreg_terms(z.view(2, -1, z.shape[-1]))
        terms = torch.stack([total, inv, var[0], var[1], cov[0], cov[1]]).detach().cpu()
        reps, stds = r.detach().cpu(), std.detach().cpu()
        last["loss"] = total
        if not (torch.isfinite(terms).all() and torch.isfinite(reps).all()
                and torch.isfinite(stds).all()):
            return
        total.backward()
        norms = torch.stack([q.grad.norm() for q in params]).cpu().double()
        if math.isfinite(norms.square().sum().sqrt().item()):
            opt.step()
        opt.zero_grad(set_to_none=False)  # the Java trainer zeroes the gradients in place

    return java_step, last


def run_variant(variant, args, device, batch, sync):
    step, last = make_step(variant, args, device, batch)
    sync()
    t = time.perf_counter()
    step()  # the first step includes torch.compile's compilation
    sync()
    first_ms = (time.perf_counter() - t) * 1e3
    for _ in range(max(args.warmup - 1, 0)):
        step()
    by_round = []
    for _ in range(args.rounds):
        sync()
        t = time.perf_counter()
        for _ in range(args.steps):
            step()
        sync()
        by_round.append((time.perf_counter() - t) * 1e3 / args.steps)
    return by_round, first_ms, last["loss"].item()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    ap.add_argument("--batches", default="256,1024,4096", help="pairs per step, comma-separated")
    ap.add_argument("--steps", type=int, default=200, help="measured steps per round")
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--input-dim", type=int, default=784)  # TrainingBenchmark's default
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--projection", type=int, default=256)
    ap.add_argument("--compile", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--compile-mode", default="default", help="torch.compile mode, e.g. reduce-overhead")
    ap.add_argument("--variants", default="eager,fused,compile,javalike", help=",".join(ALL_VARIANTS))
    ap.add_argument("--threads", type=int, help="torch.set_num_threads (CPU)")
    ap.add_argument("--out", help="JSON results file")
    ap.add_argument("--selftest", action="store_true", help="check the loss against naive loops, exit 0/1")
    args = ap.parse_args()
    if args.selftest:
        return selftest()

    if args.device == "auto":
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    cuda = device.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    batches = [int(b) for b in args.batches.split(",")]
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = set(variants) - set(ALL_VARIANTS)
    if unknown:
        ap.error(f"unknown variants {sorted(unknown)}; known: {', '.join(ALL_VARIANTS)}")
    if not args.compile:
        variants = [v for v in variants if not v.startswith("compile")]
    tf32 = tf32_off()

    if cuda:
        device_name = torch.cuda.get_device_name(device)
    else:
        device_name = platform.processor() or platform.machine()
        try:
            with open("/proc/cpuinfo") as f:
                device_name = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
        except (OSError, StopIteration):
            pass
    # The headline peak from one large product; "javaSizes" is TrainingBenchmark's own (best
    # median of 512², 1024², 2048²), which on a GPU is far below the large one.
    peak_size = 8192 if cuda else 2048
    peak = matmul_gflops(peak_size, device, 10 if cuda else 6, sync)
    peak_java = max(matmul_gflops(s, device, 20 if s < 2048 else 6, sync) for s in (512, 1024, 2048))

    compile_status = "not requested"
    if any(v.startswith("compile") for v in variants):
        compile_status = "pending" if hasattr(torch, "compile") else \
            f"unavailable (torch {torch.__version__} has no torch.compile)"
    report = {
        "benchmark": "vicreg-torch-peer", "torch": torch.__version__, "cuda": torch.version.cuda,
        "device": str(device), "deviceName": device_name, "torchThreads": torch.get_num_threads(),
        "python": platform.python_version(), "tf32": tf32,
        "spec": f"{args.input_dim}-{args.hidden}-{args.projection}", "batches": batches,
        "warmupSteps": args.warmup, "stepsPerRound": args.steps, "rounds": args.rounds,
        "dataMovement": "inputs generated on the device once per batch size, not timed "
                        "(except the javalike variant, which copies them from the host each step)",
        "flopFormula": "2 views x 3 (fwd+bwd) x 2 x (in*h + 3*h^2 + h*p) x batch, as FACTS / "
                       "TrainingBenchmark.flopsPerStep",
        "matmulPeakGflops": round(peak, 1), "matmulPeakSize": peak_size,
        "matmulPeakGflopsJavaSizes": round(peak_java, 1),
        "compile": compile_status, "compileMode": args.compile_mode, "rows": [],
    }
    print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, {device} ({device_name}), "
          f"{torch.get_num_threads()} threads, TF32 off")
    print(f"float32 matmul peak: {peak:.1f} GFLOP/s at {peak_size}^2 "
          f"({peak_java:.1f} at TrainingBenchmark's sizes); inputs on the device, not timed")
    print(f"{'variant':<14}{'batch':>6}{'ms/step':>10}{'range':>19}{'pairs/s':>11}"
          f"{'GFLOP/step':>11}{'GFLOP/s':>10}{'of peak':>8}{'1st ms':>9}")

    compile_failed = {}
    for variant in variants:
        for batch in batches:
            row = {"variant": variant, "batch": batch}
            report["rows"].append(row)
            if variant in ("fused", "compile-fused") and not cuda:
                row["status"] = "skipped: Adam(fused=True) is measured on CUDA only"
            elif variant.startswith("compile") and report["compile"].startswith("unavailable"):
                row["status"] = f"skipped: torch.compile {report['compile']}"
            elif variant in compile_failed:  # the same failure at every batch size: save the time
                row["status"] = f"skipped: {compile_failed[variant]}"
            if "status" in row:
                print(f"{variant:<14}{batch:>6}  {row['status']}")
                continue
            try:
                by_round, first_ms, loss = run_variant(variant, args, device, batch, sync)
            except Exception as e:  # torch.compile fails lazily, at the first call
                row["status"] = "failed: " + first_line(e)
                if variant.startswith("compile"):
                    compile_failed[variant] = row["status"]
                    if report["compile"] != "works":
                        report["compile"] = row["status"]
                print(f"{variant:<14}{batch:>6}  {row['status']}")
                continue
            if variant.startswith("compile"):
                report["compile"] = "works"
            ms = statistics.median(by_round)
            gflop = flops_per_step(args.input_dim, args.hidden, args.projection, batch) / 1e9
            row.update(status="ok", medianMsPerStep=round(ms, 4),
                       msPerStepByRound=[round(m, 4) for m in by_round],
                       pairsPerSecond=round(batch / (ms / 1e3), 1), gflopPerStep=round(gflop, 4),
                       gflops=round(gflop / (ms / 1e3), 1),
                       fractionOfMatmulPeak=round(gflop / (ms / 1e3) / peak, 4),
                       fractionOfMatmulPeakJavaSizes=round(gflop / (ms / 1e3) / peak_java, 4),
                       firstStepMs=round(first_ms, 1), finalLoss=loss)
            spread = f"{min(by_round):.3f}-{max(by_round):.3f}"
            print(f"{variant:<14}{batch:>6}{ms:>10.3f}{spread:>19}"
                  f"{row['pairsPerSecond']:>11.0f}{gflop:>11.3f}{row['gflops']:>10.1f}"
                  f"{100 * row['fractionOfMatmulPeak']:>7.1f}%{first_ms:>9.1f}")
    print(f"torch.compile: {report['compile']}")
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(report, f, indent=2)
        print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
