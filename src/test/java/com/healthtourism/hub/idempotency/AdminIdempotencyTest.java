package com.healthtourism.hub.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.tenancy.TenantTransactions;

@HubTest
class AdminIdempotencyTest {

    @Autowired
    TestRestTemplate http;

    @Autowired
    TenantTransactions transactions;

    @Autowired
    AdminIdempotency idempotency;

    @Autowired
    Environment environment;

    private ResponseEntity<String> send(HttpMethod method, String path, String key, String json) {
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (key != null) {
            headers.set(IdempotencyKeyFilter.KEY_HEADER, key);
        }
        return http.withBasicAuth("test-admin", "test-admin-password")
                .exchange(path, method, new HttpEntity<>(json, headers), String.class);
    }

    private static String tenantJson(String domain) {
        return "{\"name\":\"Idem\",\"domain\":\"" + domain + "\"}";
    }

    private static String domain() {
        return "idem-" + UUID.randomUUID() + ".example.com";
    }

    private long tenantsWithDomain(String domain) {
        return transactions.withoutTenant(db -> db.sql("SELECT count(*) FROM tenants WHERE domain = ?")
                .param(domain).query(Long.class).single());
    }

    @Test
    void theSameRequestWithTheSameKeyIsReplayedAndCreatesOneTenant() {
        var key = UUID.randomUUID().toString();
        var domain = domain();

        var first = send(HttpMethod.POST, "/admin/tenants", key, tenantJson(domain));
        var second = send(HttpMethod.POST, "/admin/tenants", key, tenantJson(domain));

        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(first.getHeaders().containsKey(IdempotencyKeyFilter.REPLAYED_HEADER)).isFalse();
        assertThat(second.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(second.getHeaders().getFirst(IdempotencyKeyFilter.REPLAYED_HEADER)).isEqualTo("true");
        assertThat(second.getBody()).isEqualTo(first.getBody());
        assertThat(second.getHeaders().getContentType()).isEqualTo(first.getHeaders().getContentType());
        assertThat(first.getHeaders().getLocation()).isNotNull();
        assertThat(second.getHeaders().getLocation()).as("the created tenant's Location too").isEqualTo(first.getHeaders().getLocation());
        assertThat(tenantsWithDomain(domain)).isEqualTo(1);
    }

    @Test
    void withoutAKeyEveryRequestRuns() {
        var domain = domain();
        assertThat(send(HttpMethod.POST, "/admin/tenants", null, tenantJson(domain)).getStatusCode())
                .isEqualTo(HttpStatus.CREATED);
        assertThat(send(HttpMethod.POST, "/admin/tenants", null, tenantJson(domain)).getStatusCode())
                .isEqualTo(HttpStatus.CONFLICT);
    }

    @Test
    void keysArePerOperatorAndStoredHashed() throws SQLException {
        var key = "plain-key-" + UUID.randomUUID();
        send(HttpMethod.POST, "/admin/tenants", key, tenantJson(domain()));
        try (var owner = OwnerDatabase.connect(environment);
             var rows = owner.createStatement().executeQuery(
                     "SELECT principal, key_hash FROM admin_idempotency WHERE key_hash = '"
                             + DigestUtils.sha256Hex(key) + "'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString("principal")).isEqualTo("test-admin");
        }
        try (var owner = OwnerDatabase.connect(environment);
             var rows = owner.createStatement().executeQuery(
                     "SELECT count(*) FROM admin_idempotency WHERE key_hash = '" + key + "'")) {
            rows.next();
            assertThat(rows.getLong(1)).isZero();
        }
    }

    @Test
    void theSameKeyForADifferentRequestIsA422() {
        var key = UUID.randomUUID().toString();
        assertThat(send(HttpMethod.POST, "/admin/tenants", key, tenantJson(domain())).getStatusCode())
                .isEqualTo(HttpStatus.CREATED);

        var other = send(HttpMethod.POST, "/admin/tenants", key, tenantJson(domain()));

        assertThat(other.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat(other.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(other.getBody()).contains("\"field\":\"X-Idempotency-Key\"");
    }

    @Test
    void aKeyWhoseRequestIsStillRunningIsA409() {
        var sameKey = UUID.randomUUID().toString();
        var domain = domain();
        var requestHash = DigestUtils.sha256Hex("POST\n/admin/tenants\n\n" + tenantJson(domain));
        idempotency.claim("test-admin", DigestUtils.sha256Hex(sameKey), requestHash);

        var whileRunning = send(HttpMethod.POST, "/admin/tenants", sameKey, tenantJson(domain));

        assertThat(whileRunning.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(whileRunning.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(tenantsWithDomain(domain)).isZero();
    }

    @Test
    void concurrentRequestsWithOneKeyCreateOneTenant() throws Exception {
        var key = UUID.randomUUID().toString();
        var domain = domain();
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<ResponseEntity<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return send(HttpMethod.POST, "/admin/tenants", key, tenantJson(domain));
                }));
            }
            start.countDown();
            var responses = new ArrayList<ResponseEntity<String>>();
            for (var call : calls) {
                responses.add(call.get());
            }

            var fresh = responses.stream().filter(r -> r.getStatusCode() == HttpStatus.CREATED
                    && !r.getHeaders().containsKey(IdempotencyKeyFilter.REPLAYED_HEADER)).toList();
            assertThat(fresh).hasSize(1);
            assertThat(responses).allSatisfy(r -> {
                if (r.getStatusCode() == HttpStatus.CREATED) {
                    assertThat(r.getBody()).isEqualTo(fresh.get(0).getBody());
                } else {
                    assertThat(r.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(r.getBody()).contains("X-Idempotency-Key").doesNotContain("\"field\":\"domain\"");
                }
            });
            assertThat(tenantsWithDomain(domain)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aServerErrorFreesTheKeyForARetry() {
        var key = UUID.randomUUID().toString();
        // A 4xx is an answer and is kept; it replays.
        var missing = "/admin/tenants/" + UUID.randomUUID();
        assertThat(send(HttpMethod.PATCH, missing, key, "{\"name\":\"x\"}").getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        var replayed = send(HttpMethod.PATCH, missing, key, "{\"name\":\"x\"}");
        assertThat(replayed.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(replayed.getHeaders().getFirst(IdempotencyKeyFilter.REPLAYED_HEADER)).isEqualTo("true");

        var keyHash = DigestUtils.sha256Hex(UUID.randomUUID().toString());
        var claim = idempotency.claim("test-admin", keyHash, "r");
        assertThat(claim).isInstanceOf(AdminIdempotency.Claim.Claimed.class);
        idempotency.release("test-admin", keyHash, (AdminIdempotency.Claim.Claimed) claim);
        assertThat(idempotency.claim("test-admin", keyHash, "r")).isInstanceOf(AdminIdempotency.Claim.Claimed.class);
    }

    @Test
    void theSweepDeletesRowsOlderThanADayUnderItsLock() throws SQLException {
        var old = DigestUtils.sha256Hex(UUID.randomUUID().toString());
        var recent = DigestUtils.sha256Hex(UUID.randomUUID().toString());
        var oldClaim = (AdminIdempotency.Claim.Claimed) idempotency.claim("sweeper", old, "r");
        idempotency.claim("sweeper", recent, "r");
        idempotency.complete("sweeper", old, oldClaim, 201, "application/json", Map.of(), "{}".getBytes());
        try (var owner = OwnerDatabase.connect(environment)) {
            owner.createStatement().execute("UPDATE admin_idempotency SET created_at = now() - interval '25 hours'"
                    + " WHERE key_hash = '" + old + "'");
        }

        assertThat(idempotency.sweep()).isGreaterThanOrEqualTo(1);

        try (var owner = OwnerDatabase.connect(environment);
             var rows = owner.createStatement().executeQuery(
                     "SELECT key_hash FROM admin_idempotency WHERE principal = 'sweeper'");
             var lock = owner.createStatement().executeQuery(
                     "SELECT count(*) FROM shedlock WHERE name = 'admin-idempotency-sweep'")) {
            var left = new ArrayList<String>();
            while (rows.next()) {
                left.add(rows.getString(1));
            }
            assertThat(left).containsExactly(recent);
            lock.next();
            assertThat(lock.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void anExpiredKeyMayBeUsedAgain() throws SQLException {
        var keyHash = DigestUtils.sha256Hex(UUID.randomUUID().toString());
        var first = (AdminIdempotency.Claim.Claimed) idempotency.claim("expiry", keyHash, "first");
        idempotency.complete("expiry", keyHash, first, 200, "application/json", Map.of(), "{}".getBytes());
        assertThat(idempotency.claim("expiry", keyHash, "second")).isInstanceOf(AdminIdempotency.Claim.Mismatch.class);
        try (var owner = OwnerDatabase.connect(environment)) {
            owner.createStatement().execute("UPDATE admin_idempotency SET created_at = now() - interval '25 hours'"
                    + " WHERE key_hash = '" + keyHash + "'");
        }
        assertThat(idempotency.claim("expiry", keyHash, "second")).isInstanceOf(AdminIdempotency.Claim.Claimed.class);
        assertThat(idempotency.claim("expiry", keyHash, "second")).isInstanceOf(AdminIdempotency.Claim.InProgress.class);
    }

    @Test
    void aRequestWhoseKeyWasTakenOverKeepsNothingAndFreesNothing() throws InterruptedException {
        var keyHash = DigestUtils.sha256Hex(UUID.randomUUID().toString());
        // a store whose requests go stale at once: the second claim takes the key over from the first, still running
        var hasty = new AdminIdempotency(transactions, Duration.ofDays(1), Duration.ofMillis(1));
        var first = (AdminIdempotency.Claim.Claimed) hasty.claim("takeover", keyHash, "r");
        Thread.sleep(20);
        var second = (AdminIdempotency.Claim.Claimed) hasty.claim("takeover", keyHash, "r");

        // the first request ends: neither its answer nor its failure touches the key the second one holds
        hasty.complete("takeover", keyHash, first, 200, "application/json", Map.of(), "first".getBytes());
        hasty.release("takeover", keyHash, first);
        assertThat(idempotency.claim("takeover", keyHash, "r")).isInstanceOf(AdminIdempotency.Claim.InProgress.class);

        hasty.complete("takeover", keyHash, second, 201, "application/json", Map.of(), "second".getBytes());
        var replay = idempotency.claim("takeover", keyHash, "r");
        assertThat(replay).isInstanceOf(AdminIdempotency.Claim.Replay.class);
        assertThat(((AdminIdempotency.Claim.Replay) replay).status()).isEqualTo(201);
        assertThat(((AdminIdempotency.Claim.Replay) replay).body()).isEqualTo("second".getBytes());
    }

    @Test
    void readsAndOtherPathsIgnoreTheKey() {
        var key = UUID.randomUUID().toString();
        var headers = new HttpHeaders();
        headers.set(IdempotencyKeyFilter.KEY_HEADER, key);
        var admin = http.withBasicAuth("test-admin", "test-admin-password");
        var first = admin.exchange("/admin/tenants?limit=1", HttpMethod.GET, new HttpEntity<>(headers), Map.class);
        var second = admin.exchange("/admin/tenants?limit=2", HttpMethod.GET, new HttpEntity<>(headers), Map.class);
        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(second.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(second.getHeaders().containsKey(IdempotencyKeyFilter.REPLAYED_HEADER)).isFalse();
    }
}
