#!/usr/bin/env bash
# --pin big / --pin little end to end on a fixture big.LITTLE CPU ($EDGEBENCH_SYSFS_ROOT
# holding proc/cpuinfo and sys/): cpu0 a Cortex-A53 at 1.4 GHz, cpu1 a Cortex-A72 at
# 1.8 GHz, so both roles name CPUs this 2-CPU machine has. The job records the CPUs the
# role stood for; a machine with one core type refuses the roles with exit 2.
set -u
bin="$1"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
quick=(--min-time 0 --max-time 30 --min-runs 2 --max-runs 2 --warmup-runs 0 --warmup-time 0
       --cache-dir "$work/cache" --repetitions 1)
if [ "$(nproc)" -lt 2 ]; then
  echo "pin roles: skipped (needs 2 CPUs, this process has $(nproc))"
  exit 0
fi

board="$work/board"
mkdir -p "$board/proc"
for cpu in 0 1; do
  part=$([ $cpu = 0 ] && echo 0xd03 || echo 0xd08)
  printf 'processor\t: %s\nBogoMIPS\t: 48.00\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: %s\nCPU revision\t: 4\n\n' \
    "$cpu" "$part" >>"$board/proc/cpuinfo"
  mkdir -p "$board/sys/devices/system/cpu/cpu$cpu/cpufreq"
  echo $([ $cpu = 0 ] && echo 1416000 || echo 1800000) \
    >"$board/sys/devices/system/cpu/cpu$cpu/cpufreq/cpuinfo_max_freq"
done

for role in big little; do
  EDGEBENCH_SYSFS_ROOT="$board" "$bin" run --models cifarnet --backends reference --pin $role \
    --db "$work/$role.db" "${quick[@]}" >"$work/out" 2>"$work/err" ||
    fail "--pin $role exited $?: $(tail -3 "$work/err")"
  expected=$([ $role = big ] && echo 1 || echo 0)
  got=$(sqlite3 "$work/$role.db" "SELECT DISTINCT cpu_affinity FROM jobs" 2>&1)
  [ "$got" = "$expected" ] || fail "--pin $role: jobs pinned to '$got', expected '$expected'"
done

# The same fixture with two Cortex-A72s: one core type, no big or little cores.
sed -i 's/0xd03/0xd08/' "$board/proc/cpuinfo"
echo 1800000 >"$board/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq"
EDGEBENCH_SYSFS_ROOT="$board" "$bin" run --models cifarnet --backends reference --pin little \
  --db "$work/one.db" "${quick[@]}" >/dev/null 2>"$work/err"
[ $? = 2 ] || fail "--pin little on one core type must exit 2"
grep -q "one core type (2x Cortex-A72 @ 1800 MHz)" "$work/err" || fail "error: $(cat "$work/err")"

[ "$failures" = 0 ] && echo "pin roles: all checks passed"
exit $((failures > 0))
