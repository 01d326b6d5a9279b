#!/usr/bin/env bash
# The n-body table in about 3 hours of 2 CPU cores (NOTES-3h.md):
#   examples/nbody/run_3h.sh [OUT_DIR] [CELL PATTERN ...]     e.g. run_3h.sh /tmp/cells-3h '*-l1'
# then  PYTHONPATH=. .venv/bin/python examples/nbody/run.py --table \
#         --results examples/nbody/results-3h-median.jsonl --table-out examples/nbody/RESULTS-3h.md
# Every cell trains 105 s (with fused Adam, the steps 120 s took before). Bottleneck and L1
# cells fit their edge formulas to the messages and to the contributions (some cells are
# recovered one way only); standard and KL cells to the contributions alone (their messages rarely
# give the law: Cranmer et al. recover none of the standard cells). The first edge formula
# searches 30 s (2D) or 40 s (3D) and each other 10 s: the siblings step offers it to them
# (NOTES-3h.md), the time of 20 s per formula.
# A finished stage is cached under OUT_DIR/<cell>/, so an interrupted run resumes.
# TRAIN_SECONDS (default 105) and RESULTS (default examples/nbody/results-3h-median.jsonl; the
# profile before the median reference and the factors step wrote results-3h.jsonl) override the
# training time a cell and the file the rows are appended to, for a trial of the profile;
# CONTRIBUTION_REFERENCE (default median; none: the message left out, as the tables up to
# c8a4216 were made; NOTES-3h.md) what takes an edge's message's place when its
# contribution is measured.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-examples/nbody/cache-3h}
shift || true
[ $# -gt 0 ] || set -- all
run=(env PYTHONPATH=. .venv/bin/python examples/nbody/run.py --samples 50000 --steps-per-sim 1
     --out-dir "$out" --train-seconds "${TRAIN_SECONDS:-105}" --sibling-fit-seconds 10
     --node-fit-seconds 5 --penalty-warmup 0.3 --penalty-delay 0.2 --quiet
     --results "${RESULTS:-examples/nbody/results-3h-median.jsonl}"
     --contribution-reference "${CONTRIBUTION_REFERENCE:-median}")
for cell in $("${run[@]}" --list --cells "$@"); do
    echo "=== $cell $(date -u +%H:%M:%S)"
    case $cell in
        *-2d-*) first=(--fit-seconds 30) ;;
        *) first=(--fit-seconds 40) ;;
    esac
    case $cell in
        *-bottleneck|*-l1)
            "${run[@]}" "${first[@]}" --cells "$cell"
            "${run[@]}" "${first[@]}" --cells "$cell" --stage explain --edge-target contributions ;;
        *)
            "${run[@]}" "${first[@]}" --cells "$cell" --edge-target contributions ;;
    esac
done
echo "=== done $(date -u +%H:%M:%S)"
