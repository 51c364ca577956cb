#!/usr/bin/env bash
# A retraining job for a governance team: run it from cron (or any scheduler); see docs/retraining.md.
#
#   LABELS/sheets/   filled labelling sheets from `complaintmine suggest` (every sheet ever filled; .xlsx/.csv)
#   LABELS/holdout.* labelled texts never trained on, the yardstick for promotion
#   MODELS/current   the model in use (a symbolic link); MODELS/runs.jsonl, one line per run
#
# Each run: skip if no sheet changed since the last run; else adapt BASE with every sheet, compare the candidate
# with MODELS/current on the holdout, promote it only when it is better, and log the run either way.
set -euo pipefail

LABELS=${LABELS:-labels}
MODELS=${MODELS:-models}
BASE=${BASE:-default}            # the model to adapt: 'default' (the shipped model) or a model directory
REQUIRE=${REQUIRE:-better}       # better | not-worse (see `complaintmine promote --help`)
CM=${CM:-complaintmine}
HOLDOUT=${HOLDOUT:-$(ls "$LABELS"/holdout.* 2>/dev/null | head -n 1)}
extra_train=()
[ -n "${ANCHOR:-}" ] && extra_train+=(--anchor "$ANCHOR")        # only for a base with no known corpus
[ -n "${TRAIN_CONFIG:-}" ] && extra_train+=(--config "$TRAIN_CONFIG")
extra_promote=()
[ -n "${BASELINE:-}" ] && extra_promote+=(--baseline "$BASELINE")  # what to beat before there is a current model

mkdir -p "$MODELS"
log() { printf '{"time": "%s", "event": "%s", "detail": "%s"}\n' "$(date -u +%FT%T+00:00)" "$1" "$2" >> "$MODELS/runs.jsonl"; }

exec 9> "$MODELS/.lock"
if ! flock -n 9; then log skipped "another run holds $MODELS/.lock"; exit 0; fi
if [ -z "$HOLDOUT" ]; then log failed "no $LABELS/holdout.* to compare on"; exit 2; fi

stamp_file="$MODELS/.last_run"
if [ -f "$stamp_file" ] && [ -z "$(find "$LABELS/sheets" -type f -newer "$stamp_file" 2>/dev/null)" ]; then
    log skipped "no new or changed sheets in $LABELS/sheets"
    exit 0
fi
touch "$stamp_file.next"

candidate="$MODELS/candidate-$(date -u +%Y%m%d-%H%M%S)"
if ! "$CM" train "$LABELS/sheets" --base "$BASE" "${extra_train[@]}" -o "$candidate" 2> "$candidate.train.log"; then
    log failed "training failed: $(tail -n 1 "$candidate.train.log" | tr -d '"\\')"
    exit 1
fi
if ! "$CM" promote "$candidate" "$HOLDOUT" --models "$MODELS" --require "$REQUIRE" "${extra_promote[@]}" \
        > "$candidate.promote.txt" 2> "$candidate.promote.log"; then
    log failed "promote failed: $(tail -n 1 "$candidate.promote.log" | tr -d '"\\')"
    mv "$stamp_file.next" "$stamp_file"  # these sheets were tried: the next run waits for new ones
    exit 1
fi
mv "$stamp_file.next" "$stamp_file"
tail -n 1 "$candidate.promote.txt"
