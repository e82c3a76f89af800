#!/usr/bin/env bash
# A real single-node Slurm for the cluster tests, from Debian's packages (slurm-wlm, munge), started as root
# without systemd: munged, slurmctld and slurmd in the background. Idempotent: `start` on a running cluster
# only waits for the node; `stop` ends only the daemons whose pid files this script wrote.
#   .ci/slurm.sh start | stop | status
set -euo pipefail

STATE=/var/lib/protolens-slurm
CONF=/etc/slurm/slurm.conf
MARK="# written by protolens .ci/slurm.sh"
KEY=/etc/munge/munge.key
MUNGE_PID=/run/munge/munged.pid

die() { echo "slurm.sh: $*" >&2; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

node_state() { sinfo -h -N -n "$NODE" -o %T 2>/dev/null | head -1; }

NODE=$(hostname -s)

write_conf() {
  if [ -f "$CONF" ] && ! head -1 "$CONF" | grep -qF "$MARK"; then
    die "$CONF exists and was not written by this script; this machine already has a Slurm: leave it, or move it away"
  fi
  local cpus mem
  cpus=$(nproc); [ "$cpus" -gt 2 ] && cpus=2
  # a little under the machine's memory: a node configured above its real memory is drained by slurmctld
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  mkdir -p /etc/slurm "$STATE/ctld" "$STATE/d"
  cat >"$CONF.tmp" <<EOF
$MARK: a single-node Slurm for the tests
ClusterName=protolens
# addresses given, so no name lookup of this host is needed (a CI container may not resolve its own name)
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
MailProg=/bin/true
# no cgroups or systemd here: processes tracked by their parent pid, no task containment
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# no slurmdbd (so no sacct): finished jobs stay visible to squeue --states=all for an hour
MinJobAge=3600
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$NODE CPUs=$cpus RealMemory=$mem NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.tmp" "$CONF"
}

start() {
  [ "$(id -u)" = 0 ] || die "needs root (it starts munged, slurmctld and slurmd); run it with sudo"
  command -v slurmctld >/dev/null && command -v munged >/dev/null \
    || die "slurm-wlm and munge are not installed: apt-get install slurm-wlm munge"
  write_conf
  if [ ! -s "$KEY" ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of="$KEY" bs=1024 count=1 status=none
  fi
  chown munge:munge "$KEY" && chmod 400 "$KEY"
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  if ! alive "$MUNGE_PID"; then
    rm -f /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock
    runuser -u munge -- /usr/sbin/munged
  fi
  if ! alive "$STATE/slurmctld.pid"; then
    slurmctld
  fi
  if ! alive "$STATE/slurmd.pid"; then
    slurmd -N "$NODE"
  fi
  local s=""
  for _ in $(seq 1 60); do
    s=$(node_state || true)
    case "$s" in
      idle|mixed|allocated) echo "slurm: node $NODE $s"; return 0 ;;
      drained|draining|down|down\*|drained\*) scontrol update nodename="$NODE" state=resume 2>/dev/null || true ;;
    esac
    sleep 1
  done
  tail -5 "$STATE/slurmctld.log" "$STATE/slurmd.log" >&2 || true
  die "node $NODE did not become idle in 60 s (last state: ${s:-none}); logs under $STATE"
}

stop() {
  local f
  for f in "$STATE/slurmd.pid" "$STATE/slurmctld.pid" "$MUNGE_PID"; do
    if alive "$f"; then
      local pid; pid=$(cat "$f")
      kill "$pid"
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
  done
  echo "slurm: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) sinfo -N -n "$NODE" ;;
  *) die "usage: .ci/slurm.sh start|stop|status" ;;
esac
