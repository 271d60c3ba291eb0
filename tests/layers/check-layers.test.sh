#!/usr/bin/env bash
# Tests scripts/check-layers on small fake trees in a temporary directory: a clean tree
# passes, an upward or sideways include fails naming file and line, an allow-list entry
# lets that one include through, a stale entry is only noted, and api may not use the
# worker pool.
# Prints one line per case and a final "check-layers: N passed, M failed"; exits 1 on a failure.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
check="$PWD/scripts/check-layers"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() {
  passed=$((passed + 1))
  echo "ok   - $1"
}
fail() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  printf '%s\n' "$2" | sed 's/^/       /'
}

# A tree that follows the rule: one file per layer, each including what it may.
clean_tree() {
  local root="$work/$1"
  mkdir -p "$root"/src/{support,ports,store/sqlite,media,http,service,api,app}
  printf '#pragma once\n#include <string>\n' >"$root/src/support/text.hpp"
  printf '#include "support/text.hpp"\n' >"$root/src/ports/store.hpp"
  printf '#include "ports/store.hpp"\n#include "store/pool.hpp"\n' >"$root/src/store/sqlite/db.cpp"
  printf '#include "support/text.hpp"\n' >"$root/src/store/pool.hpp"
  printf '#include "ports/store.hpp"\n' >"$root/src/media/local.hpp"
  printf '#include "support/text.hpp"\n#include "embedded/web.hpp"\n' >"$root/src/http/router.hpp"
  printf '#include "ports/store.hpp"\n' >"$root/src/service/tracks.hpp"
  printf '#include "service/tracks.hpp"\n#include "http/router.hpp"\n' >"$root/src/api/tracks.cpp"
  printf '#include "api/tracks.cpp"\n#include "store/sqlite/db.cpp"\n#include "media/local.hpp"\n' \
    >"$root/src/app/main.cpp"
  printf '#include "app/main.cpp"\n' >"$root/src/main.cpp"
  echo "$root"
}

# expect NAME STATUS PATTERN ROOT [ARGS...]: check-layers exits STATUS and prints PATTERN.
expect() {
  local name=$1 status=$2 pattern=$3 root=$4
  shift 4
  local out code
  out="$("$check" --root "$root" "$@" 2>&1)"
  code=$?
  if [ "$code" -ne "$status" ]; then
    fail "$name" "exit $code, expected $status:"$'\n'"$out"
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    fail "$name" "no line matching '$pattern' in:"$'\n'"$out"
  else
    pass "$name"
  fi
}

root="$(clean_tree clean)"
expect "a clean tree passes" 0 '^check-layers: 10 files follow the layer rule' "$root"

root="$(clean_tree upward)"
printf '#pragma once\n#include "api/tracks.cpp"\n' >>"$root/src/service/tracks.hpp"
expect "service including api fails, naming file and line" 1 \
  '^src/service/tracks.hpp:3: includes "api/tracks.cpp" \(api\)' "$root"

root="$(clean_tree http-port)"
printf '#include "ports/store.hpp"\n' >>"$root/src/http/router.hpp"
expect "http including a port fails" 1 '^src/http/router.hpp:3: includes "ports/store.hpp"' "$root"

root="$(clean_tree support-up)"
printf '#include "service/tracks.hpp"\n' >>"$root/src/support/text.hpp"
expect "support including service fails" 1 '^src/support/text.hpp:3: includes "service/tracks.hpp"' \
  "$root"

root="$(clean_tree sideways)"
printf '#include "media/local.hpp"\n' >>"$root/src/store/sqlite/db.cpp"
expect "an adapter including another adapter fails" 1 \
  '^src/store/sqlite/db.cpp:3: includes "media/local.hpp" \(media\)' "$root"

root="$(clean_tree api-port)"
printf '#include "ports/store.hpp"\n' >>"$root/src/api/tracks.cpp"
expect "api including a port directly fails" 1 '^src/api/tracks.cpp:3: includes "ports/store.hpp"' \
  "$root"

root_pool="$(clean_tree api-pool)"
printf '#include "support/worker_pool.hpp"\n' >>"$root_pool/src/api/tracks.cpp"
expect "api including the worker pool fails" 1 \
  '^src/api/tracks.cpp:3: includes "support/worker_pool.hpp" \(support\): api leaves blocking work to services' \
  "$root_pool"

printf '# debt\nsrc/api/tracks.cpp ports/store.hpp  # to go\n' >"$work/allow"
expect "an allow-listed include passes" 0 '1 allow-listed include\(s\) left' "$root" \
  --allow "$work/allow"

root="$(clean_tree stale)"
expect "a stale allow-list entry is noted, not failed" 0 \
  "note: .*allow:2: src/api/tracks.cpp no longer includes ports/store.hpp" "$root" \
  --allow "$work/allow"

expect "the repository's own tree passes" 0 '^check-layers: [0-9]+ files follow the layer rule' "$PWD"
expect "--help states the rule" 0 'api +may include +service, http, support' "$PWD" --help

echo "check-layers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
