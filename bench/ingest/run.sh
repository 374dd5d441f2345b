#!/usr/bin/env bash
# bench/ingest: webhook intake of the hub against pgbench doing the same durable work.
#
# Starts the in-JVM backends (Kafka, S3, Qdrant) and the production jar on the machine's PostgreSQL
# and Redis, then for each connection count drives unique signed Stripe events with wrk and, in the
# same run, pgbench inserting one message row + one outbox row per transaction with the same payload.
# Prints hub events/s, pgbench tps, their ratio, p50/p99 and the hub's RSS; then the latency at half
# the hub's best rate (wrk offering that rate on a schedule); last, a run at the best point longer than the relay's
# yield-max (the most it holds back for the intake). Usage: bench/ingest/run.sh [seconds-per-run]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-10}
# Longer than hub.outbox.yield-max (20 s): the relay holds its backlog back while the intake is at full load, for at
# most that long, so runs of DURATION measure bursts; this one shows the rate once the relay takes its share again.
SUSTAINED=${SUSTAINED:-40}
WARMUP=${WARMUP:-45}
# Events generated per second of a run: more than the hub can take, so that no event is ever sent twice (a repeat
# is answered as a duplicate, cheaply, and would inflate the rate). A run that exhausts them says so.
EVENTS_PER_SECOND=${EVENTS_PER_SECOND:-20000}
CONNECTIONS=${CONNECTIONS:-"4 16 32 64 128 256"}
PORT=${PORT:-18080}
DB=hub_bench
# The JVM flags the Dockerfile uses too: a heap that grows only as needed, up to 384 MB (the embedding model
# needs ~300 MB while it loads), and few malloc arenas keep RSS down; G1 collects the old generation alongside the
# application instead of in stop-the-world full collections (150-310 ms each with the serial collector, README).
HUB_JAVA_OPTS=${HUB_JAVA_OPTS:-"-Xms96m -Xmx384m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m -Xss512k -XX:+UseG1GC"}
WORK=$(mktemp -d /tmp/bench-ingest.XXXXXX)
PSQL="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y wrk >/dev/null; }
command -v pgbench >/dev/null || { echo "pgbench is needed (postgresql-client)"; exit 1; }

cleanup() {
  [[ -n "${HUB_PID:-}" ]] && kill "$HUB_PID" 2>/dev/null || true
  [[ -n "${BACKENDS_PID:-}" ]] && kill "$BACKENDS_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

echo "building the jar and the test classpath"
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null
JAR=$(ls target/integration-hub-*.jar | grep -v original | head -1)

java -Xmx768m -cp "target/test-classes:target/classes:$(cat "$WORK/cp.txt")" \
  com.healthtourism.hub.local.LocalHub --backends-only="$WORK/backends.args" >"$WORK/backends.log" 2>&1 &
BACKENDS_PID=$!
for _ in $(seq 1 120); do [[ -f "$WORK/backends.args" ]] && break; sleep 1; done
[[ -f "$WORK/backends.args" ]] || { echo "backends did not start; see $WORK/backends.log"; exit 1; }

$PSQL -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
redis-cli -n 2 FLUSHDB >/dev/null 2>&1 || true
# The dev keyset and users of the test profile (never production values).
HUB_ENCRYPTION_KEYSET=$(sed -n "s/^ *keyset: '\(.*\)'$/\1/p" src/test/resources/application-test.yml)
HUB_EMAIL_HASH_KEY=$(head -c 32 /dev/urandom | base64)
export HUB_ENCRYPTION_KEYSET HUB_EMAIL_HASH_KEY HUB_ADMIN_USER=test-admin HUB_ADMIN_PASSWORD=test-admin-password \
  HUB_OPS_USER=test-ops HUB_OPS_PASSWORD=test-ops-password
# shellcheck disable=SC2046
MALLOC_ARENA_MAX=2 java $HUB_JAVA_OPTS -jar "$JAR" $(cat "$WORK/backends.args") \
  --server.port=$PORT \
  --spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/$DB \
  --spring.flyway.url=jdbc:postgresql://127.0.0.1:5432/$DB --spring.flyway.user=postgres \
  --spring.data.redis.url=redis://127.0.0.1:6379/2 \
  --hub.webhooks.global-per-minute=1000000000 \
  --logging.level.root=WARN ${HUB_EXTRA_ARGS:-} >"$WORK/hub.log" 2>&1 &
HUB_PID=$!
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break
  kill -0 $HUB_PID 2>/dev/null || { echo "hub exited; see $WORK/hub.log"; exit 1; }
  sleep 1
done

ADMIN="test-admin:test-admin-password"
OPS="test-ops:test-ops-password"
TENANT=$(curl -sf -u "$ADMIN" -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/admin/tenants" \
  -d "{\"name\":\"Bench Clinic\",\"domain\":\"bench-$(date +%s).example.com\",\"settings\":{\"webhookRateLimitPerMinute\":1000000000}}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
SECRET=whsec_bench_secret
curl -sf -u "$ADMIN" -X PUT -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/admin/tenants/$TENANT/sources/stripe" \
  -d "{\"secrets\":[\"$SECRET\"]}" >/dev/null
export INGEST_PATH="/webhooks/$TENANT/stripe" WRK_THREADS=2

# pgbench's twin of the hub's durable work: same columns, indexes and foreign key, same payload size.
$PSQL -d $DB <<SQL
CREATE TABLE bench_messages (LIKE inbound_messages INCLUDING ALL);
CREATE TABLE bench_outbox (LIKE outbox INCLUDING DEFAULTS INCLUDING INDEXES);
ALTER TABLE bench_outbox ADD FOREIGN KEY (tenant_id, message_id) REFERENCES bench_messages (tenant_id, id);
SQL
python3 bench/ingest/events.py "$SECRET" 1 "$WORK/sample.txt"
BODY_BYTES=$(( $(cut -f2 "$WORK/sample.txt" | wc -c) + 27 ))
cat >"$WORK/pgbench.sql" <<SQL
\set n random(1, 2000000000)
WITH m AS (
  INSERT INTO bench_messages (id, tenant_id, source, event_type, partner_event_id, dedupe_key, headers, body)
  VALUES (gen_random_uuid(), '$TENANT', 'stripe', 'payment_intent.succeeded', 'evt_' || :n,
          md5(:n::text || clock_timestamp()::text), '{"content-type":"application/json","user-agent":"Stripe/1.0"}',
          decode(repeat('ab', $BODY_BYTES), 'hex'))
  RETURNING tenant_id, id)
INSERT INTO bench_outbox (tenant_id, message_id) SELECT tenant_id, id FROM m;
SQL

run_wrk() { # connections, events-file, [requests/s offered; unpaced if absent]
  RATE=${3:-0} EVENTS_FILE=$2 wrk -t2 -c"$1" -d"${DURATION}s" --latency -s bench/ingest/ingest.lua \
    "http://127.0.0.1:$PORT" >"$WORK/wrk.out" 2>&1
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.out")
  errors=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.out")
  grep -q "WARNING" "$WORK/wrk.out" && echo "  (warning: events file exhausted: the rate above counts repeated events; raise EVENTS_PER_SECOND)" >&2
  echo "$rps ${p50:-?} ${p99:-?} ${errors:-0}"
}

# Polls after which the relay left its backlog to its next one because the intake was at full load (hub.outbox.yields)
held_back() {
  curl -sf -u "$OPS" "http://127.0.0.1:$PORT/actuator/prometheus" | awk '/^hub_outbox_yields_total/ {printf "%d", $2}'
}

# Waits until the relay has published everything the hub accepted (the outbox is empty) and prints how long that
# took, so that neither the next hub run nor pgbench shares the machine with the relay's catch-up.
drain() {
  local start=$SECONDS
  until [[ "$($PSQL -d $DB -c "SELECT count(*) FROM outbox")" == 0 ]]; do
    (( SECONDS - start > 600 )) && { echo "the outbox did not drain in 10 minutes" >&2; return 1; }
    sleep 1
  done
  echo $(( SECONDS - start ))
}

# The JIT needs a while on two cores; the figures are for a warmed-up hub.
warm() {
  python3 bench/ingest/events.py "$SECRET" $(( WARMUP * EVENTS_PER_SECOND / 2 )) "$WORK/warm.txt"
  DURATION=$WARMUP run_wrk 32 "$WORK/warm.txt" >/dev/null
}

echo "warming up"
warm
printf '\n| connections | hub events/s | pgbench tps | ratio | hub p50 | hub p99 | hub non-2xx | hub RSS | relay held back | relay caught up after |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
BEST=0 PGBEST=0 BEST_C=0
PG_MAX_CONNECTIONS=$($PSQL -d postgres -c "SHOW max_connections")
# the hub's pool (HUB_DB_POOL_SIZE, 16) and a few sessions besides it (migrations, this script's psql)
HUB_POOL=${HUB_POOL:-20}
for c in $CONNECTIONS; do
  # drained first: the events are signed with the current time and go stale (401) after the 300 s tolerance
  drain >/dev/null
  python3 bench/ingest/events.py "$SECRET" $(( DURATION * EVENTS_PER_SECOND )) "$WORK/events.txt"
  before=$(held_back)
  read -r rps p50 p99 errors <<<"$(run_wrk "$c" "$WORK/events.txt")"
  held=$(( $(held_back) - before ))
  rss=$(awk '/VmRSS/ {printf "%d MB", $2/1024}' /proc/$HUB_PID/status)
  caught_up=$(drain)
  if (( c + HUB_POOL > PG_MAX_CONNECTIONS )); then
    # pgbench holds one server connection per client: more than the server allows (with the hub's pool) cannot run
    tps="-" ratio="-"
  else
    tps=$(pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$c" -j 2 -T "$DURATION" -f "$WORK/pgbench.sql" $DB 2>/dev/null \
      | awk '/^tps/ {printf "%.0f", $3}')
    ratio=$(python3 -c "print(f'{$rps/$tps:.2f}')")
  fi
  printf '| %s | %.0f | %s | %s | %s | %s | %s | %s | %s polls | %s s |\n' "$c" "$rps" "$tps" "$ratio" "$p50" "$p99" "$errors" "$rss" "$held" "$caught_up"
  python3 -c "exit(0 if $rps > $BEST else 1)" && BEST_C=$c
  BEST=$(python3 -c "print(max($BEST, $rps))")
  [[ "$tps" == "-" ]] || PGBEST=$(python3 -c "print(max($PGBEST, $tps))")
done

printf '\nbest: hub %.0f events/s, pgbench %.0f tps, ratio %s\n' "$BEST" "$PGBEST" "$(python3 -c "print(f'{$BEST/$PGBEST:.2f}')")"
HALF=$(python3 -c "print(int($BEST/2))")
PACED_CONNECTIONS=64
# Open loop: the connections offer HALF requests/s on a random schedule whatever the latency (see ingest.lua).
drain >/dev/null
python3 bench/ingest/events.py "$SECRET" $(( DURATION * HALF * 2 )) "$WORK/half.txt"
before=$(held_back)
read -r rps p50 p99 errors <<<"$(run_wrk $PACED_CONNECTIONS "$WORK/half.txt" "$HALF")"
printf '\nat half the best rate (offered ~%s/s, got %.0f/s): p50 %s, p99 %s, non-2xx %s, relay held back %s polls\n' \
  "$HALF" "$rps" "$p50" "$p99" "$errors" "$(( $(held_back) - before ))"
drain >/dev/null
# enough events for 1.5 times the best rate, unpaced
python3 bench/ingest/events.py "$SECRET" $(( SUSTAINED * ${BEST%.*} * 3 / 2 )) "$WORK/sustained.txt"
before=$(held_back)
read -r rps p50 p99 errors <<<"$(DURATION=$SUSTAINED run_wrk "$BEST_C" "$WORK/sustained.txt")"
held=$(( $(held_back) - before ))
printf 'sustained, %s connections for %s s: %.0f events/s, p50 %s, p99 %s, non-2xx %s, relay held back %s polls, caught up after %s s\n' \
  "$BEST_C" "$SUSTAINED" "$rps" "$p50" "$p99" "$errors" "$held" "$(drain)"
printf 'hub peak RSS: %s\n' "$(awk '/VmHWM/ {printf "%d MB", $2/1024}' /proc/$HUB_PID/status)"
printf 'messages stored: %s\n' "$($PSQL -d $DB -c "SELECT count(*) FROM inbound_messages")"
