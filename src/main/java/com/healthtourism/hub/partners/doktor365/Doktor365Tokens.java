package com.healthtourism.hub.partners.doktor365;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.webhooks.PartnerCredentialsChanged;

/**
 * Doktor365 access tokens per tenant (OAuth2 client credentials). A token lives in Redis at {@code d365:token:{tenant}}
 * for 55 minutes (or 11/12 of a shorter expires_in), shared by every hub instance. Only one refresh per tenant runs at
 * a time across instances: the refresher holds {@code d365:token:lock:{tenant}} (owner token, released by
 * compare-and-delete, expiring should its holder die); the others wait for the token it stores and reuse it. Losing
 * Redis loses nothing but a token: the next call fetches one.
 */
@Component
public class Doktor365Tokens {

    private static final Logger log = LoggerFactory.getLogger(Doktor365Tokens.class);
    private static final RedisScript<Long> RELEASE = RedisScript.of(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
            Long.class);
    private static final Duration POLL = Duration.ofMillis(20);

    private final StringRedisTemplate redis;
    private final Doktor365Properties properties;
    private final ObjectMapper json;
    private final HttpClient http;

    public Doktor365Tokens(StringRedisTemplate redis, Doktor365Properties properties, ObjectMapper json) {
        this.redis = redis;
        this.properties = properties;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(properties.connectTimeout()).build();
    }

    /** Who the hub is at Doktor365 for one tenant, and where to ask. */
    public record Client(UUID tenant, String clientId, String clientSecret, String baseUrl) {
        @Override
        public String toString() {
            return "Client[" + tenant + ", clientId=" + clientId + ", baseUrl=" + baseUrl + "]";
        }

        /** Which credentials these are (a hash: the secret is never stored beside the token). */
        String fingerprint() {
            try {
                var digest = MessageDigest.getInstance("SHA-256").digest(String.join("\u0000", clientId, clientSecret,
                        baseUrl).getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(digest, 0, FINGERPRINT_BYTES);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final int FINGERPRINT_BYTES = 8;

    /**
     * The token cached for {@code client}: the cache holds the fingerprint of the credentials that fetched the token
     * before the token, and a token of other credentials (fetched by a call that began before they changed, or by an
     * instance that still read the old ones) is no token for these.
     */
    private String cached(Client client) {
        var value = redis.opsForValue().get(key(client.tenant()));
        var prefix = client.fingerprint() + " ";
        return value != null && value.startsWith(prefix) ? value.substring(prefix.length()) : null;
    }

    /**
     * New credentials (another client, another base URL): the token of the old ones must not be sent with them, nor
     * go on reading the old account's records into this tenant until it expires.
     */
    @EventListener
    void forget(PartnerCredentialsChanged change) {
        if (Doktor365Requests.SOURCE.equals(change.source())) {
            redis.delete(key(change.tenantId()));
            log.info("Doktor365 credentials of tenant {} changed: its cached token is dropped", change.tenantId());
        }
    }

    public static String key(UUID tenant) {
        return "d365:token:" + tenant;
    }

    static String lockKey(UUID tenant) {
        return "d365:token:lock:" + tenant;
    }

    /** The tenant's cached token, or a new one (fetched by whichever caller gets the lock first). */
    public String token(Client client) {
        var cached = cached(client);
        return cached != null ? cached : refresh(client, null);
    }

    /**
     * A token other than {@code rejected} (the one Doktor365 just answered 401 to): another caller's fresh one if it
     * already replaced it, otherwise a new one. However many calls got the 401, one of them refreshes.
     */
    public String refresh(Client client, String rejected) {
        var deadline = System.nanoTime() + properties.tokenWait().toNanos();
        var owner = UUID.randomUUID().toString();
        while (true) {
            var cached = cached(client);
            if (cached != null && !cached.equals(rejected)) {
                return cached;
            }
            if (Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(lockKey(client.tenant()), owner,
                    properties.tokenLockTtl()))) {
                try {
                    return fetchUnlessReplaced(client, rejected);
                } finally {
                    redis.execute(RELEASE, List.of(lockKey(client.tenant())), owner);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new Doktor365Unavailable(0, null, "timed out waiting for another Doktor365 token refresh");
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    private String fetchUnlessReplaced(Client client, String rejected) {
        // a refresher that finished just before this one took the lock has stored a token that is still good
        var cached = cached(client);
        if (cached != null && !cached.equals(rejected)) {
            return cached;
        }
        var issued = fetch(client);
        redis.opsForValue().set(key(client.tenant()), client.fingerprint() + " " + issued.token(),
                issued.ttl().toMillis(), TimeUnit.MILLISECONDS);
        log.info("fetched a Doktor365 access token for tenant {} (cached {} s)", client.tenant(), issued.ttl().toSeconds());
        return issued.token();
    }

    private record Issued(String token, Duration ttl) {
    }

    private Issued fetch(Client client) {
        var form = "grant_type=client_credentials&client_id=" + encode(client.clientId())
                + "&client_secret=" + encode(client.clientSecret());
        var request = HttpRequest.newBuilder(URI.create(client.baseUrl() + "/oauth/token"))
                .timeout(Duration.ofMillis(properties.callTimeoutMillis()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Doktor365Unavailable(0, null, "Doktor365 token endpoint unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Doktor365Unavailable(0, null, "interrupted while fetching a Doktor365 token");
        }
        var status = response.statusCode();
        if (status != 200) {
            var retryAfter = Doktor365Answers.retryAfter(response.headers().firstValue("Retry-After").orElse(null));
            if (Doktor365Answers.retryable(status)) {
                throw new Doktor365Unavailable(status, retryAfter, "Doktor365 token endpoint answered " + status);
            }
            throw new Doktor365Rejected(status, Doktor365Answers.errorCode(json, response.body()));
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException e) {
            throw new Doktor365Unavailable(status, null, "Doktor365 token answer is not JSON");
        }
        var token = Objects.requireNonNullElse(body.path("access_token").textValue(), "");
        if (token.isBlank()) {
            throw new Doktor365Unavailable(status, null, "Doktor365 token answer has no access_token");
        }
        // kept 11/12 of its life, at most tokenTtl, at least a second: an expires_in of 0, negative or absurdly large
        // must neither fail the Redis write nor overflow
        var expiresIn = Math.max(1, Math.min(body.path("expires_in").asLong(3600), properties.tokenTtl().toSeconds() * 2));
        var ttl = Duration.ofMillis(Math.max(1000, expiresIn * 1000 * 11 / 12));
        return new Issued(token, ttl.compareTo(properties.tokenTtl()) < 0 ? ttl : properties.tokenTtl());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
