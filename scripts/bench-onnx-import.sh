#!/usr/bin/env bash
# The ONNX import acceptance run, written to docs/results/onnx-import.md:
# exports torchvision's ResNet-18 and ResNet-50 from PyTorch (training mode,
# batch 1, weights=None, no constant folding), imports each with --batch 8 and
# --normalization keep and fixup, simulates one step in timing mode and checks
# that the forward phase's MACs equal the network's MACs per image (counted
# from the PyTorch model with forward hooks, independently of qtsim) x 8, that
# the Fixup import has the operations and shapes of the shipped
# resnet{18,50}-imagenet-fixup workload, and runs qtsim compare on each
# imported Fixup workload.
# PyTorch and torchvision are Debian packages (python3-torch,
# python3-torchvision, about 1 GB with their dependencies); this script installs
# them if missing. Not part of CI; the .onnx files stay out of the repository.
#   QTSIM_ONNX_DIR=DIR   where the models and runs go (default out/onnx-import)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${QTSIM_BUILD_DIR:-$top/build}
QTSIM_EXTRA_PACKAGES="python3-torch python3-torchvision" "$top/scripts/install-deps.sh"
"$top/scripts/build.sh" >/dev/null
qtsim=$build/qtsim
python=/usr/bin/python3  # Debian's, where python3-torch lives
work=${QTSIM_ONNX_DIR:-$top/out/onnx-import}
mkdir -p "$work"
export SC_COPYRIGHT_MESSAGE=DISABLE
batch=8
rows=()
compares=()

for net in resnet18 resnet50; do
  model=$work/$net.onnx
  # Export, and count the MACs of one image: every Conv2d output element costs
  # C/groups * kH * kW, every Linear output in_features.
  macs=$("$python" - "$net" "$model" <<'PY' 2>/dev/null
import sys, warnings, torch, torchvision
warnings.filterwarnings("ignore")
name, path = sys.argv[1], sys.argv[2]
model = getattr(torchvision.models, name)(weights=None)
macs = 0
def count(module, inputs, output):
    global macs
    if isinstance(module, torch.nn.Conv2d):
        macs += output.numel() * module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
    elif isinstance(module, torch.nn.Linear):
        macs += output.numel() * module.in_features
hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
x = torch.randn(1, 3, 224, 224)
with torch.no_grad():
    model.eval()(x)
for h in hooks:
    h.remove()
model.train()
torch.onnx.export(model, x, path, training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False,
                  input_names=["input"], output_names=["logits"])
print(macs)
PY
)
  size=$(du -m "$model" | cut -f1)
  for norm in keep fixup; do
    out=$work/$net-$norm.json
    start=$(date +%s%N)
    "$qtsim" import "$model" --out "$out" --batch $batch --normalization $norm >"$work/$net-$norm.import.txt"
    import_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    hw=workloads/hw/int8-fixup-16x16.json
    [ $norm = keep ] && hw=workloads/hw/fp32-bn-16x16.json
    rm -rf "$work/sim-$net-$norm"
    "$qtsim" simulate "$out" --hw $hw --mode timing --no-progress --out "$work/sim-$net-$norm" >/dev/null
    forward=$("$python" -c "
import json, sys
s = json.load(open(sys.argv[1]))
print(sum(p['actions'].get('mac.int8', 0) + p['actions'].get('mac.fp32', 0) for p in s['phases'] if p['phase'] == 'forward'))" \
      "$work/sim-$net-$norm/stats.json")
    layers=$("$qtsim" check "$out" | sed -n '1s/.*: \([0-9]*\) nodes.*/\1/p')
    shipped=workloads/$net-imagenet-bn.json
    [ $norm = fixup ] && shipped=workloads/$net-imagenet-fixup.json
    if diff <("$qtsim" check "$out" | awk 'NR>2 {print $2, $3, $4, $5}') \
            <("$qtsim" check "$shipped" | awk 'NR>1 {print $2, $3, $4, $5}') >/dev/null; then same=yes; else same=no; fi
    ok=no
    [ "$forward" = $((macs * batch)) ] && ok=yes
    rows+=("| $net | $norm | $size MB | $layers | $((import_ms / 1000)).$(( (import_ms % 1000) / 100 )) s | $forward | $macs × $batch = $((macs * batch)) | **$ok** | $same (\`$(basename "$shipped" .json)\`) |")
    echo "$net $norm: forward MACs $forward, expected $((macs * batch)): $ok; ops and shapes as $(basename "$shipped"): $same" >&2
  done
  rm -rf "$work/compare-$net"
  start=$(date +%s)
  "$qtsim" compare "$work/$net-fixup.json" --no-progress --out "$work/compare-$net" >"$work/compare-$net.txt"
  compare_s=$(( $(date +%s) - start ))
  compares+=("$("$python" -c "
import json, sys
c = json.load(open(sys.argv[1]))
r = {d['design']: d for d in c['results']}
k = r['candidate']['ratios_to_baseline']
print(f\"| {sys.argv[2]} | {k['energy']:.2f}× | {k['area']:.2f}× | {k['latency']:.3f}× | {k['power']:.2f}× | {float(sys.argv[3]):.0f} s |\")" \
    "$work/compare-$net/compare.json" "$net" "$compare_s")")
done

mkdir -p docs/results
{
  cat <<EOF
# ONNX import: torchvision ResNet-18 and ResNet-50

Written by \`scripts/bench-onnx-import.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores,
$("$python" -c 'import torch, torchvision; print(f"PyTorch {torch.__version__}, torchvision {torchvision.__version__}")'),
Debian's libonnx $(dpkg-query -W -f='${Version}' libonnx-dev), commit $(git rev-parse --short HEAD)).

Each network was exported by \`torch.onnx.export\` in training mode
(\`training=torch.onnx.TrainingMode.TRAINING\`, \`do_constant_folding=False\`,
batch 1, \`weights=None\`), imported with \`qtsim import --batch $batch\` and
\`--normalization keep\` or \`fixup\`, and simulated for one step with
\`qtsim simulate --mode timing\` (keep on \`fp32-bn-16x16\`, fixup on
\`int8-fixup-16x16\`). "MACs per image" are counted from the PyTorch model with
forward hooks (each Conv2d output element: C/groups·kH·kW; each Linear output:
in_features), independently of qtsim; the forward phase's MAC count
(\`mac.int8\` + \`mac.fp32\` of phase \`forward\` in \`stats.json\`) must equal it
times the batch. "Shipped" compares \`qtsim check\`'s operations and output
shapes, node for node, with the hand-written workload of the same network.

| network | normalization | .onnx | nodes | import | forward MACs (qtsim) | MACs per image × batch (PyTorch) | equal | ops and shapes as shipped |
|---|---|---|---|---|---|---|---|---|
EOF
  printf '%s\n' "${rows[@]}"
  cat <<EOF

\`qtsim compare\` on each imported Fixup workload (one step in timing mode, the
default designs: FP32+BN baseline and int8 EOQ candidate on 16×16 arrays, both
derived from the imported layers); ratios are baseline ÷ candidate:

| network | energy ratio | area ratio | speed-up | power ratio | wall time |
|---|---|---|---|---|---|
EOF
  printf '%s\n' "${compares[@]}"
  cat <<EOF

The batch-8 imports are smaller than the shipped batch-32 workloads, so these
ratios differ from those of the shipped ones in [compare-imagenet.md](compare-imagenet.md).
EOF
} >docs/results/onnx-import.md
echo "wrote docs/results/onnx-import.md" >&2
