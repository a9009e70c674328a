#!/bin/sh
# Starts one pod of a LeaderWorkerSet group for an engine with its own multi-node launcher (vLLM, SGLang).
# Mounted from a ConfigMap, so the launch logic is ours and reviewable.
#
#   launch.sh leader|worker <engine command and arguments...>
#
# A group forms all-or-nothing: every pod first waits until every member of its group has an address (the
# LeaderWorkerSet's headless Service publishes pods before they are ready), then execs the engine, whose own
# rendezvous connects the ranks. A group that does not form within the deadline exits 1, and the
# LeaderWorkerSet recreates the whole group; the leader never serves on a half-formed group.
#
# Environment: LWS_LEADER_ADDRESS and LWS_GROUP_SIZE (set by the LeaderWorkerSet controller);
# GROUP_FORMATION_TIMEOUT_SECONDS (1800), RETRY_INTERVAL_SECONDS (5); on the leader, optionally API_KEY_FILE (a
# mounted Secret) with API_KEY_ENV (the variable the engine reads it from) or API_KEY_FLAG (the option that
# takes it), so the key never appears in the pod spec.
set -eu

role="${1:-}"
[ $# -gt 0 ] && shift
timeout="${GROUP_FORMATION_TIMEOUT_SECONDS:-1800}"
interval="${RETRY_INTERVAL_SECONDS:-5}"

log() { echo "[launch $role] $*" >&2; }

case "$role" in
leader|worker) ;;
*)
    echo "usage: launch.sh leader|worker <engine command...>" >&2
    exit 64
    ;;
esac
[ $# -gt 0 ] || { echo "usage: launch.sh leader|worker <engine command...>" >&2; exit 64; }

leader="${LWS_LEADER_ADDRESS:?LWS_LEADER_ADDRESS is set by the LeaderWorkerSet controller}"
size="${LWS_GROUP_SIZE:?LWS_GROUP_SIZE is set by the LeaderWorkerSet controller}"

# Members: the leader <lws>-<group>.<lws>.<namespace> and workers <lws>-<group>-<i>.<lws>.<namespace>.
members() {
    echo "$leader"
    i=1
    while [ "$i" -lt "$size" ]; do
        echo "${leader%%.*}-$i.${leader#*.}"
        i=$((i + 1))
    done
}

deadline=$(( $(date +%s) + timeout ))
while :; do
    missing=""
    for member in $(members); do
        getent hosts "$member" >/dev/null 2>&1 || missing="$missing $member"
    done
    [ -z "$missing" ] && break
    if [ "$(date +%s)" -ge "$deadline" ]; then
        log "the group did not form within ${timeout}s (no address yet:$missing); exiting so the LeaderWorkerSet recreates it"
        exit 1
    fi
    log "waiting for$missing"
    sleep "$interval"
done
log "all $size pods of the group have addresses; starting $1"

if [ "$role" = leader ] && [ -n "${API_KEY_FILE:-}" ]; then
    key="$(cat "$API_KEY_FILE")"
    if [ -n "${API_KEY_ENV:-}" ]; then
        export "$API_KEY_ENV=$key"
    fi
    if [ -n "${API_KEY_FLAG:-}" ]; then
        set -- "$@" "$API_KEY_FLAG" "$key"
    fi
fi
exec "$@"
