#!/usr/bin/env bash
# The systemd units must stay in step with the binaries: every flag a unit
# passes must be one the binary accepts (absl prints unknown flags and exits).
set -euo pipefail
fail=0
for svc in translator executor cache; do
  unit="deploy/systemd/dbt-$svc.service"
  bin="$TEST_SRCDIR/dbt/services/$svc/$svc"
  [[ -f "$unit" ]] || { echo "missing $unit"; fail=1; continue; }
  exec_line="$(grep '^ExecStart=' "$unit" | sed 's/^ExecStart=//')"
  [[ "$exec_line" == "/usr/local/lib/dbt/dbt-$svc "* ]] || { echo "$unit: unexpected ExecStart"; fail=1; }
  help="$("$bin" --helpfull 2>&1 || true)"
  for flag in $(echo "$exec_line" | grep -o -- '--[a-z_]*'); do
    name="${flag#--}"
    if ! grep -q -- "-$name " <<<"$help" && ! grep -q -- "-$name)" <<<"$help"; then
      echo "$unit passes $flag, which dbt-$svc does not define"; fail=1
    fi
  done
done
[[ $fail -eq 0 ]] && echo "units agree with binaries"
exit $fail
