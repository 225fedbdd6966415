#!/usr/bin/env bash
# Regenerates the shipped hardware presets (hardware/presets/*.json) from the datasheet bases (hardware/base/)
# and the shared real-GPU measurements. Usage: scripts/calibrate-presets.sh [BUILD_DIR] [SHARED_DIR]
#
# A100-SXM-80GB and H100-SXM are fitted on Vidur's Llama-2-7B per-op profiles only (Llama-2-70B and Llama-3-8B
# are held out, so the validation suite can check cross-model accuracy honestly), plus NCCL profiles, the A100
# FlashAttention samples and the published achievable fractions. Devices without measurements take the efficiency
# curves of the closest calibrated device (efficiencies are fractions of each device's own peaks), anchored to
# whatever published points exist for them. B200, GB200, RTX 4090 and RTX PRO 6000 have none: all transferred.
set -euo pipefail
BUILD=${1:-build}
SHARED=${2:-../shared}
LLMSIM="$BUILD/llmsim"
OUT=hardware/presets
BASE=hardware/base
CAL="$SHARED/calibration"
VIDUR="$CAL/vidur-profiles"
FRACTIONS="$SHARED/reference/achievable-fractions-azure.csv"
mkdir -p "$OUT" docs/calibration-reports

fit() {  # id, then calibrate arguments
  local id=$1; shift
  "$LLMSIM" calibrate --quiet --base "$BASE/$id.json" --out "$OUT/$id.json" \
    --report "docs/calibration-reports/$id.md" --record-command "scripts/calibrate-presets.sh ($id)" "$@"
  echo "calibrated $id"
}

fit a100-sxm-80gb --import-vidur "$VIDUR" --vidur-device a100 --vidur-network a100_dgx \
  --import-attention "$CAL/vidur-attention-samples-a100-llama2-7b-tp1.csv" \
  --import-fractions "$FRACTIONS" --fractions-device a100-sxm-80gb \
  --holdout-tag Llama-2-70b-hf --holdout-tag Meta-Llama-3-8B \
  --source "Vidur A100 per-op profiles (Llama-2-7B; 70B/Llama-3-8B held out), a100_dgx NCCL, Vidur attention samples, Azure achievable fractions"
fit h100-sxm --import-vidur "$VIDUR" --vidur-device h100 --vidur-network h100_dgx \
  --import-fractions "$FRACTIONS" --fractions-device h100-sxm --transfer-from "$OUT/a100-sxm-80gb.json" \
  --holdout-tag Llama-2-70b-hf \
  --source "Vidur H100 per-op profiles (Llama-2-7B; 70B held out), h100_dgx NCCL, Azure achievable fractions (FP8 GEMM, triad, FA2, NCCL); attention curves transferred from A100"
fit a100-sxm-40gb --transfer-from "$OUT/a100-sxm-80gb.json" \
  --source "transferred from the a100-sxm-80gb calibration (same GPU, HBM2 40GB)"
fit a100-pcie-80gb --import-vidur "$VIDUR" --vidur-device a100 --vidur-network a100_pairwise_nvlink \
  --holdout-tag Llama-2-7b-hf --holdout-tag Llama-2-70b-hf --holdout-tag Meta-Llama-3-8B \
  --transfer-from "$OUT/a100-sxm-80gb.json" \
  --source "a100_pairwise_nvlink NCCL profiles (Azure NC A100 v4); kernel curves transferred from a100-sxm-80gb"
fit h100-pcie --import-vidur "$VIDUR" --vidur-device h100 --vidur-network h100_pairwise_nvlink \
  --holdout-tag Llama-2-7b-hf --holdout-tag Llama-2-70b-hf --transfer-from "$OUT/h100-sxm.json" \
  --source "h100_pairwise_nvlink NCCL profiles; kernel curves transferred from h100-sxm"
fit h200-sxm --import-fractions "$FRACTIONS" --fractions-device h200-sxm --transfer-from "$OUT/h100-sxm.json" \
  --source "transferred from h100-sxm, anchored to Azure's H200 triad bandwidth and FlashAttention-2 throughput"
for id in a40 a6000 v100s v100-sxm3-32gb t4; do
  fit "$id" --transfer-from "$OUT/a100-sxm-80gb.json" --source "no measurements: curves transferred from a100-sxm-80gb"
done
for id in l40s l4 mi300x; do
  fit "$id" --transfer-from "$OUT/h100-sxm.json" --source "no measurements: curves transferred from h100-sxm"
done
# Current GPUs. No shared kernel or NCCL measurements exist for any of them, so every curve is transferred
# (efficiencies are fractions of each device's own peaks and bandwidth). The HBM3e Blackwells take h200-sxm's: H100's
# curves with the memory side anchored to a measured HBM3e triad (H100's own curves under-predict that triad by 18%,
# tests/validation/test_hardware_transfer.cpp). The GDDR cards take h100-sxm's, as l40s and l4 do.
for id in b200 gb200; do
  fit "$id" --transfer-from "$OUT/h200-sxm.json" \
    --source "no measurements: curves transferred from h200-sxm (h100-sxm curves, memory anchored to a measured H200 HBM3e triad); Blackwell efficiency not measured; fp4 GEMMs use the 16-bit GEMM curve, no fp4 scale"
done
for id in rtx-4090 rtx-pro-6000; do
  fit "$id" --transfer-from "$OUT/h100-sxm.json" \
    --source "no measurements: curves transferred from h100-sxm, as for l40s (PCIe-only collectives use the NVSwitch bus-efficiency fits)"
done
