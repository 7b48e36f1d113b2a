#!/bin/bash
# Stand-in for the dbt client with qemu-riscv64 behind it: `qemu_runner.sh run PROG
# ARGS...` behaves like `dbt run PROG ARGS...`. Selected by --define
# guest_runner=qemu; it checks the harness itself and the determinism of programs.
if [[ "${1:-}" != run ]]; then
  echo "usage: $0 run PROG [ARGS...]" >&2
  exit 2
fi
shift
exec /usr/bin/qemu-riscv64 "$@"
