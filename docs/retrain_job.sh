#!/usr/bin/env bash
# A retraining job for a governance team: run it from cron (or any scheduler); see docs/retraining.md.
#
#   LABELS/sheets/   filled labelling sheets from `complaintmine suggest` (every sheet ever filled; .xlsx/.csv)
#   LABELS/holdout.* labelled texts never trained on, the yardstick for promotion
#   MODELS/current   the model in use (a symbolic link); MODELS/runs.jsonl, one line per run
#
# Each run: skip if the sheets are what the last run trained on (by content, not by time); else adapt BASE with
# every sheet, compare the candidate with MODELS/current on the holdout, promote it only when it is better, keep
# the KEEP newest candidates (and the current model), and log the run either way.
set -euo pipefail

LABELS=${LABELS:-labels}
MODELS=${MODELS:-models}
BASE=${BASE:-default}            # the model to adapt: 'default' (the shipped model) or a model directory
REQUIRE=${REQUIRE:-better}       # better | not-worse (see `complaintmine promote --help`)
KEEP=${KEEP:-3}                  # candidates kept besides the current model (each is a full model, ~55 MB)
CM=${CM:-complaintmine}
HOLDOUT=${HOLDOUT:-$(ls "$LABELS"/holdout.* 2>/dev/null | head -n 1)}
extra_train=()
[ -n "${ANCHOR:-}" ] && extra_train+=(--anchor "$ANCHOR")        # only for a base with no known corpus
[ -n "${TRAIN_CONFIG:-}" ] && extra_train+=(--config "$TRAIN_CONFIG")
extra_promote=()
[ -n "${BASELINE:-}" ] && extra_promote+=(--baseline "$BASELINE")  # what to beat before there is a current model

mkdir -p "$MODELS"
# one JSON line per run, with the "reason" key promote's own lines use
log() { printf '{"time": "%s", "event": "%s", "reason": "%s"}\n' "$(date -u +%FT%T+00:00)" "$1" "$2" >> "$MODELS/runs.jsonl"; }

exec 9> "$MODELS/.lock"
if ! flock -n 9; then log skipped "another run holds $MODELS/.lock"; exit 0; fi
if [ -z "$HOLDOUT" ]; then log failed "no $LABELS/holdout.* to compare on"; exit 2; fi

# What the sheets hold, file by file (names and contents; Excel's ~$ lock files and hidden files left out): a sheet
# restored with its old time (unzip, cp -p, a synced folder) or deleted counts as a change, as an edited one does.
sheets_digest() {
    (cd "$LABELS/sheets" && find . -type f ! -name '.*' ! -name '~$*' -print0 | sort -z | xargs -0 -r sha256sum) \
        | sha256sum | cut -d' ' -f1
}
stamp_file="$MODELS/.last_sheets"
digest=$(sheets_digest)
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$digest" ]; then
    log skipped "no new or changed sheets in $LABELS/sheets"
    exit 0
fi

candidate="$MODELS/candidate-$(date -u +%Y%m%d-%H%M%S)"
if ! "$CM" train "$LABELS/sheets" --base "$BASE" "${extra_train[@]}" -o "$candidate" 2> "$candidate.train.log"; then
    log failed "training failed: $(tail -n 1 "$candidate.train.log" | tr -d '"\\')"
    echo "$digest" > "$stamp_file"  # a bad cell fails every run alike: wait until the sheets change (rm the file to retry)
    rm -rf "$candidate"
    exit 1
fi
"$CM" promote "$candidate" "$HOLDOUT" --models "$MODELS" --require "$REQUIRE" "${extra_promote[@]}" \
    > "$candidate.promote.txt" 2> "$candidate.promote.log" && status=0 || status=$?
if [ "$status" -ne 0 ]; then
    # 7: promote refused to judge (the holdout holds the candidate's training texts) and logged it itself
    [ "$status" -eq 7 ] || log failed "promote failed: $(tail -n 1 "$candidate.promote.log" | tr -d '"\\')"
    echo "$digest" > "$stamp_file"  # these sheets were tried: the next run waits for new ones
    exit 1
fi
echo "$digest" > "$stamp_file"
tail -n 1 "$candidate.promote.txt"

# Keep the KEEP newest candidates and the one current points to; older candidate models go (their logs stay).
in_use=$(readlink "$MODELS/current" 2>/dev/null || true)
{ ls -d "$MODELS"/candidate-*/ 2>/dev/null || true; } | sort -r | tail -n +$((KEEP + 1)) | while read -r old; do
    [ "$(basename "$old")" = "$in_use" ] || rm -rf "$old"
done
