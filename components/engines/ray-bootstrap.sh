#!/bin/sh
# Starts one LeaderWorkerSet group of vLLM on Ray. Mounted from a ConfigMap, so the launch logic is ours and
# reviewable, not an undocumented script inside a demo image.
#
#   ray-bootstrap.sh leader vllm serve <arguments...>
#       Start the Ray head, wait until every pod of the group has joined, then exec the engine command.
#       If the group does not form in time, exit 1: LWS then recreates the whole group. (The reference guide
#       chains `ray_init.sh ...; vllm serve ...` with `;`, which starts vLLM even when the group never formed.)
#       A one-pod group needs no Ray cluster and starts vLLM at once.
#   ray-bootstrap.sh worker
#       Join the leader's Ray head, retrying while the leader is not up yet, until the same deadline.
#   ray-bootstrap.sh probe
#       Exit 0 while the group's Ray cluster answers (worker startup and readiness probes).
#
# Environment: LWS_GROUP_SIZE and LWS_LEADER_ADDRESS (set by the LWS controller); RAY_PORT (6379),
# GROUP_FORMATION_TIMEOUT_SECONDS (1800), RETRY_INTERVAL_SECONDS (5); API_KEY_FILE (optional: a mounted Secret
# whose content vLLM receives as VLLM_API_KEY, the value of its --api-key, kept off the command line).
set -eu

role="${1:-}"
[ $# -gt 0 ] && shift
port="${RAY_PORT:-6379}"
timeout="${GROUP_FORMATION_TIMEOUT_SECONDS:-1800}"
interval="${RETRY_INTERVAL_SECONDS:-5}"

log() { echo "[ray-bootstrap $role] $*" >&2; }

alive_ray_nodes() {
    python3 -c 'import ray; ray.init(address="auto", logging_level="ERROR"); print(sum(1 for n in ray.nodes() if n["Alive"]))' \
        2>/dev/null || echo 0
}

deadline=$(( $(date +%s) + timeout ))
past_deadline() { [ "$(date +%s)" -ge "$deadline" ]; }

case "$role" in
leader)
    size="${LWS_GROUP_SIZE:?LWS_GROUP_SIZE is set by the LeaderWorkerSet controller}"
    if [ "$size" -gt 1 ]; then
        ray start --head --port="$port" --disable-usage-stats
        while :; do
            alive="$(alive_ray_nodes)"
            log "$alive of $size Ray nodes alive"
            [ "$alive" -ge "$size" ] && break
            if past_deadline; then
                log "the group did not form within ${timeout}s; exiting so the LeaderWorkerSet recreates it"
                ray stop --force >/dev/null 2>&1 || true
                exit 1
            fi
            sleep "$interval"
        done
    fi
    if [ -n "${API_KEY_FILE:-}" ]; then
        VLLM_API_KEY="$(cat "$API_KEY_FILE")"
        export VLLM_API_KEY
    fi
    log "group complete; starting $*"
    exec "$@"
    ;;
worker)
    address="${LWS_LEADER_ADDRESS:?LWS_LEADER_ADDRESS is set by the LeaderWorkerSet controller}:$port"
    until ray start --address="$address" --block --disable-usage-stats; do
        if past_deadline; then
            log "could not join $address within ${timeout}s"
            exit 1
        fi
        log "leader $address not reachable yet; retrying in ${interval}s"
        sleep "$interval"
    done
    log "the Ray node stopped; exiting so the LeaderWorkerSet recreates the group"
    exit 1
    ;;
probe)
    exec ray health-check --address="${LWS_LEADER_ADDRESS:?}:$port"
    ;;
*)
    echo "usage: ray-bootstrap.sh leader <engine command...> | worker | probe" >&2
    exit 64
    ;;
esac
