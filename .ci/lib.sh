# shellcheck shell=bash
# The machinery of .ci/run, sourced by it (bash, set -euo pipefail, repository root as cwd):
# stages that are timed and end PASS, FAIL or SKIPPED; the test command run twice in each test
# stage (the canary, which must fail, then the suite); exit hooks; the summary table.

CI_TMP="$(mktemp -d /tmp/supportdesk-ci.XXXXXX)"
CI_TEST_TIMEOUT="${CI_TEST_TIMEOUT:-900}" # seconds for one `npm test`: a guard against hangs only
CI_STARTED=$SECONDS
SUMMARY=() # one row per stage: stage|node|PostgreSQL|canary|tests|time|result
NOTES=()   # why a stage failed or was skipped
FAILED=0
SKIPPED=0

# --- exit hooks: stages run in subshells, so they register their cleanups in a file ------------

at_exit() {
  printf '%q ' "$@" >>"$CI_TMP/at-exit"
  printf '\n' >>"$CI_TMP/at-exit"
}

run_exit_hooks() {
  [[ -s "$CI_TMP/at-exit" ]] || return 0
  local hook
  while IFS= read -r hook; do
    eval "$hook" || printf 'exit hook failed: %s\n' "$hook" >&2
  done < <(tac "$CI_TMP/at-exit")
}

# --- stages ----------------------------------------------------------------------------------

# run_stage NAME FUNCTION [required]: FUNCTION runs in a subshell with errexit; inside it
# STAGE_DIR holds what it reports (postgres, canary, tests, reason, skipped). A required stage that
# fails ends the run. Never call a stage in a condition (`if`, `||`): bash would ignore errexit in it.
run_stage() {
  local name="$1" fn="$2" required="${3:-}" started=$SECONDS rc
  STAGE_DIR="$CI_TMP/$fn"
  mkdir -p "$STAGE_DIR"
  printf '\n=== %s ===\n' "$name"
  set +e
  (
    set -e
    "$fn"
  )
  rc=$?
  set -e
  record_stage "$name" "$rc" $((SECONDS - started))
  if [[ "$required" == required && "$LAST_RESULT" == FAIL ]]; then exit 1; fi
}

# start_stage NAME FUNCTION: the same in the background, for stages that wait on the network or
# disk rather than the CPU; finish_stage FUNCTION waits for it, prints its output and records it.
BACKGROUND=() # FUNCTION:PID:NAME of stages started and not yet finished
start_stage() {
  local name="$1" fn="$2"
  STAGE_DIR="$CI_TMP/$fn"
  mkdir -p "$STAGE_DIR"
  (
    started=$SECONDS
    set +e
    (
      set -e
      "$fn"
    ) >"$STAGE_DIR/output" 2>&1
    echo "$? $((SECONDS - started))" >"$STAGE_DIR/ended"
  ) &
  BACKGROUND+=("$fn:$!:$name")
  printf '\n=== %s: started in the background\n' "$name"
}

finish_stage() {
  local fn="$1" entry rest=() found="" rc took
  for entry in "${BACKGROUND[@]}"; do
    if [[ "${entry%%:*}" == "$fn" ]]; then found="$entry"; else rest+=("$entry"); fi
  done
  [[ -n "$found" ]] || return 0
  BACKGROUND=(${rest[@]+"${rest[@]}"})
  local pid="${found#*:}"
  local name="${pid#*:}"
  pid="${pid%%:*}"
  printf '\n=== %s (background) ===\n' "$name"
  wait "$pid" || true
  STAGE_DIR="$CI_TMP/$fn"
  cat "$STAGE_DIR/output"
  read -r rc took <"$STAGE_DIR/ended" || { rc=1; took=0; }
  record_stage "$name" "$rc" "$took"
}

finish_background_stages() {
  while ((${#BACKGROUND[@]} > 0)); do finish_stage "${BACKGROUND[0]%%:*}"; done
}

# record_stage NAME EXIT_CODE SECONDS: the stage's row in the summary, from what it left in
# STAGE_DIR; LAST_RESULT is PASS, FAIL or SKIPPED.
LAST_RESULT=""
record_stage() {
  local name="$1" rc="$2" took="$3" result
  if ((rc != 0)); then
    result=FAIL
    FAILED=$((FAILED + 1))
    [[ -s "$STAGE_DIR/reason" ]] || echo "exit code $rc" >"$STAGE_DIR/reason"
    NOTES+=("$name: $(cat "$STAGE_DIR/reason")")
  elif [[ -e "$STAGE_DIR/skipped" ]]; then
    result=SKIPPED
    SKIPPED=$((SKIPPED + 1))
    NOTES+=("$name: SKIPPED: $(cat "$STAGE_DIR/skipped")")
  else
    result=PASS
  fi
  SUMMARY+=("$name|$(stage_field node)|$(stage_field postgres)|$(stage_field canary)|$(stage_field tests)|$(duration "$took")|$result")
  printf '=== %s: %s (%s)\n' "$name" "$result" "$(duration "$took")"
  LAST_RESULT="$result"
}

stage_field() {
  if [[ -s "$STAGE_DIR/$1" ]]; then cat "$STAGE_DIR/$1"; else echo -; fi
}

duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# Inside a stage: end it as SKIPPED (never green) or as FAIL, with the reason.
skip() {
  echo "SKIPPED: $*"
  echo "$*" >"$STAGE_DIR/skipped"
  exit 0
}
fail() {
  echo "FAIL: $*"
  echo "$*" >"$STAGE_DIR/reason"
  exit 1
}

# --- the test command ------------------------------------------------------------------------

# run_tests SOURCE: the README's test command in the stage's environment, twice. First the canary
# (SUPPORTDESK_TEST_CANARY=1, test/canary only), which must exit non-zero with a failed test: it
# proves that a failing test fails this run. Then the whole suite, which must pass. Both must
# report PostgreSQL from SOURCE.
run_tests() {
  local source="$1"
  echo "--- canary (must fail): SUPPORTDESK_TEST_CANARY=1 npm test -- test/canary"
  if SUPPORTDESK_TEST_CANARY=1 npm_test "$STAGE_DIR/canary" test/canary; then
    echo 'passed' >"$STAGE_DIR/canary"
    fail 'the canary test passed: a failing test does not fail npm test here'
  fi
  if (($(report_count "$STAGE_DIR/canary.json" numFailedTests) < 1)); then
    echo 'error' >"$STAGE_DIR/canary"
    fail 'the canary run exited non-zero without a failed test (see its output)'
  fi
  echo 'failed' >"$STAGE_DIR/canary"
  check_source "$STAGE_DIR/canary.log" "$source"

  echo "--- suite: npm test"
  local rc=0
  npm_test "$STAGE_DIR/suite" || rc=$?
  report_counts "$STAGE_DIR/suite.json" >"$STAGE_DIR/tests"
  check_source "$STAGE_DIR/suite.log" "$source"
  ((rc == 0)) || fail "npm test exited $rc: $(cat "$STAGE_DIR/tests")"
}

# npm_test PREFIX [VITEST ARGS]: npm test with its output in PREFIX.log and a JSON report in PREFIX.json.
npm_test() {
  local prefix="$1"
  shift
  timeout --kill-after=30s "$CI_TEST_TIMEOUT" \
    npm test -- "$@" --reporter=default --reporter=json --outputFile.json="$prefix.json" 2>&1 | tee "$prefix.log"
}

report_count() {
  [[ -s "$1" ]] || { echo 0; return; }
  node -p 'require(process.argv[1])[process.argv[2]]' "$1" "$2"
}

report_counts() {
  [[ -s "$1" ]] || { echo 'no report'; return; }
  # shellcheck disable=SC2016 # a JavaScript template literal
  node -p 'const r = require(process.argv[1]);
    [[r.numPassedTests, "passed"], [r.numFailedTests, "failed"], [r.numPendingTests + r.numTodoTests, "skipped"]]
      .filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`).join(", ") || "no tests"' "$1"
}

# The test run prints "[tests] PostgreSQL from SOURCE; server VERSION; Node VERSION; ...".
check_source() {
  local log="$1" expected="$2" line source
  line="$(grep -a -m1 '\[tests\] PostgreSQL from ' "$log" || true)"
  [[ -n "$line" ]] || fail 'the test run did not say which PostgreSQL it used'
  source="$(sed -E 's/.*PostgreSQL from ([^;]*);.*/\1/' <<<"$line")"
  echo "$source $(sed -E 's/.*; server ([^;]*);.*/\1/' <<<"$line")" >"$STAGE_DIR/postgres"
  sed -E 's/.*; Node ([^;]*);.*/\1/' <<<"$line" >"$STAGE_DIR/node"
  [[ "$source" == "$expected" ]] || fail "the tests ran on PostgreSQL from $source, not $expected"
}

# --- PostgreSQL at 127.0.0.1:5432 ------------------------------------------------------------

PG_5432_ADMIN=postgresql://postgres@127.0.0.1:5432/postgres

pg_5432_answers() { node .ci/pg-database.mjs ping "$PG_5432_ADMIN"; }

# Points TEST_DATABASE_URL at a new database of the stage's own there, dropped when the run ends.
use_database_on_5432() {
  local db
  db="supportdesk_ci_$(date +%s)_${STAGE_DIR##*/}"
  node .ci/pg-database.mjs create "$PG_5432_ADMIN" "$db"
  at_exit node .ci/pg-database.mjs drop "$PG_5432_ADMIN" "$db"
  export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db"
  echo "database $db on 127.0.0.1:5432"
}

# --- machine setup ---------------------------------------------------------------------------

# use_node_from_npm MAJOR: puts Node MAJOR from the npm registry's `node` package first on PATH,
# for npm and everything it starts. The project has no Node-ABI native addon (rollup's is N-API),
# so the node_modules that npm ci installed serve any version. npx keeps it in a cache outside
# /root: tests run process.execPath as an unprivileged user, who cannot enter /root.
CI_NPX_CACHE=/var/cache/supportdesk-ci/npm
use_node_from_npm() {
  local bin
  # shellcheck disable=SC2016 # expanded by the shell npx starts
  bin="$(umask 022 && npx --cache "$CI_NPX_CACHE" -y -p "node@$1" -c 'dirname "$(readlink -f "$(command -v node)")"')"
  export PATH="$bin:$PATH"
  [[ "$(node --version)" == "v$1."* ]] || fail "node@$1 from npm runs $(node --version)"
  echo "node $(node --version) from $bin"
}

# install_packages COMMAND:PACKAGE...: apt-get installs each package whose command is missing,
# without letting the packages start services (policy-rc.d), refreshing the lists if needed.
install_packages() {
  # Stages run side by side (the docker stage in the background): one apt-get at a time, each
  # looking for what is missing once it holds the lock; closing the descriptor releases it.
  local lock rc=0
  exec {lock}>>"$CI_TMP/apt.lock"
  flock "$lock"
  install_missing_packages "$@" || rc=$?
  exec {lock}>&-
  return "$rc"
}

install_missing_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  ((${#missing[@]} > 0)) || return 0
  echo "apt-get install ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d own_policy="" rc=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    own_policy=1
  fi
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0)
  "${apt[@]}" install --no-install-recommends "${missing[@]}" || {
    "${apt[@]}" update && "${apt[@]}" install --no-install-recommends "${missing[@]}"
  } || rc=$?
  [[ -z "$own_policy" ]] || rm -f "$policy"
  return "$rc"
}

# --- summary ---------------------------------------------------------------------------------

print_summary() {
  ((${#SUMMARY[@]} > 0)) || return 0
  printf '\n=== summary ===\n'
  {
    echo 'stage|node|PostgreSQL|canary|tests|time|result'
    printf '%s\n' "${SUMMARY[@]}"
    echo "total||||||$(duration $((SECONDS - CI_STARTED)))|"
  } | awk -F'|' '
    { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > width[i]) width[i] = length($i) } }
    END { for (r = 1; r <= NR; r++) { line = ""; for (i = 1; i <= NF; i++) line = line sprintf("%-" width[i] + 2 "s", cell[r, i]); sub(/ +$/, "", line); print line } }'
  if ((${#NOTES[@]} > 0)); then
    echo
    printf '%s\n' "${NOTES[@]}"
  fi
}
