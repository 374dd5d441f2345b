package com.healthtourism.hub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import com.healthtourism.hub.web.BufferedBodyRequest;

/** The intake's small rules, without a server: limits, media types, stored headers, body size. */
class IntakeRulesTest {

    private final WebhookProperties properties = new WebhookProperties(DataSize.ofMegabytes(1), 100, 10,
            Duration.ofHours(1), Duration.ofSeconds(5), 1, 16, 8, Duration.ofMillis(250), Duration.ofMillis(50));

    private Delivery delivery(Integer tenantLimit) {
        var delivery = new Delivery(UUID.randomUUID(), "stripe", "10.0.0.1", Map.of(), new byte[0], Instant.now());
        delivery.partnerSource(new PartnerSource(delivery.tenantId(), "stripe", "stripe", List.of("s"), List.of("f"),
                true, Duration.ofMinutes(5), tenantLimit, null, null, null, null));
        return delivery;
    }

    private final List<RateLimits> opened = new ArrayList<>();

    @AfterEach
    void closeLimits() {
        opened.forEach(RateLimits::close);
    }

    private RateLimits limits(MeterRegistry meters) {
        var made = new RateLimits(null, properties, CircuitBreaker.ofDefaults("redis"), meters, Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        opened.add(made);
        return made;
    }

    @Test
    void theTighterWindowBindsAndItsExhaustionIs429() {
        var limits = limits(new SimpleMeterRegistry());
        var delivery = delivery(null);

        var within = limits.status(delivery, 50, 4, 59, 42);
        assertThat(within).isEqualTo(new RateLimitStatus(10, 6, 42, false, true));

        delivery.rateLimit(limits.status(delivery, 101, 4, 42, 7));
        assertThatThrownBy(() -> limits.enforce(delivery)).isInstanceOfSatisfying(WebhookRejected.class, e -> {
            assertThat(e.status().value()).isEqualTo(429);
            assertThat(e.headers()).containsEntry("Retry-After", "42").containsEntry("RateLimit-Limit", "100")
                    .containsEntry("RateLimit-Remaining", "0");
        });
    }

    @Test
    void retryAfterIsTheResetOfTheWindowThatIsExhausted() {
        var limits = limits(new SimpleMeterRegistry());
        var delivery = delivery(null);

        assertThat(limits.status(delivery, 101, 4, 58, 10).resetSeconds()).as("the global window").isEqualTo(58);
        assertThat(limits.status(delivery, 5, 11, 58, 10).resetSeconds()).as("the tenant's window").isEqualTo(10);
        assertThat(limits.status(delivery, 101, 11, 20, 45).resetSeconds()).as("both: the later").isEqualTo(45);
    }

    @Test
    void aTenantsOwnLimitReplacesTheDefault() {
        var limits = limits(new SimpleMeterRegistry());

        assertThat(limits.status(delivery(3), 1, 4, 60, 60).exceeded()).isTrue();
        assertThat(limits.status(delivery(null), 1, 4, 60, 60).exceeded()).isFalse();
    }

    @Test
    void failingOpenIsCounted() {
        var meters = new SimpleMeterRegistry();
        var limits = limits(meters);
        var delivery = delivery(null);

        limits.failOpen(delivery);
        limits.enforce(delivery);

        assertThat(meters.counter("hub.webhooks.ratelimit.failopen").count()).isEqualTo(1);
    }

    @Test
    void jsonAndFormBodiesAreReadOtherMediaTypesAreRefused() {
        var payloads = new Payloads(new ObjectMapper());

        assertThat(payloads.read("application/json; charset=utf-8", "{\"a\":1}".getBytes()).get("a").asInt()).isEqualTo(1);
        assertThat(payloads.read("application/cloudevents+json", "{\"a\":1}".getBytes()).has("a")).isTrue();
        assertThat(payloads.read("application/x-www-form-urlencoded", "token=a%20b&status=SUCCESS".getBytes())
                .get("token").asText()).isEqualTo("a b");
        assertThatThrownBy(() -> payloads.read("text/plain", "{}".getBytes()))
                .isInstanceOfSatisfying(WebhookRejected.class, e -> assertThat(e.status().value()).isEqualTo(415));
        assertThatThrownBy(() -> payloads.read(null, "{}".getBytes()))
                .isInstanceOfSatisfying(WebhookRejected.class, e -> assertThat(e.status().value()).isEqualTo(415));
        assertThatThrownBy(() -> payloads.read("application/json", "[1,2]".getBytes()))
                .isInstanceOfSatisfying(WebhookRejected.class, e -> assertThat(e.status().value()).isEqualTo(400));
        assertThatThrownBy(() -> payloads.read("application/json", "{\"a\":".getBytes()))
                .isInstanceOfSatisfying(WebhookRejected.class, e -> assertThat(e.status().value()).isEqualTo(400));
    }

    @Test
    void storedHeadersKeepNoCredentials() {
        var kept = StoredHeaders.withoutCredentials(Map.of("Content-Type", "application/json", "Stripe-Signature", "t=1,v1=x",
                "Authorization", "Bearer x", "Cookie", "a=b", "X-Api-Key", "k", "webhook-id", "msg_1",
                "X-Idempotency-Key", "idem-1", "X-IYZ-SIGNATURE-V3", "abc"));

        assertThat(kept).containsOnlyKeys("content-type", "webhook-id", "x-idempotency-key");
    }

    @Test
    void aBodyIsReadUpToTheLimitAndNoFurther() throws Exception {
        var exact = BufferedBodyRequest.readAtMost(new ByteArrayInputStream(new byte[10]), 10);
        var over = BufferedBodyRequest.readAtMost(new ByteArrayInputStream(new byte[11]), 10);

        assertThat(exact).hasSize(10);
        assertThat(over).isNull();
        assertThat(BufferedBodyRequest.readAtMost(new ByteArrayInputStream("é".getBytes(StandardCharsets.UTF_8)), 10))
                .isEqualTo("é".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBodyMustArriveWithinItsDeadline() throws Exception {
        var inTime = BufferedBodyRequest.readAtMost(new ByteArrayInputStream(new byte[20_000]), 1 << 20, Duration.ofSeconds(5));
        assertThat(inTime).hasSize(20_000);
        assertThat(BufferedBodyRequest.readAtMost(new ByteArrayInputStream(new byte[11]), 10, Duration.ofSeconds(5))).isNull();

        var trickle = new java.io.InputStream() {
            private int left = 100;

            @Override
            public int read() {
                return left-- > 0 ? ' ' : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                return length == 0 ? 0 : left <= 0 ? -1 : read() >= 0 ? 1 : -1;
            }
        };
        assertThatThrownBy(() -> BufferedBodyRequest.readAtMost(trickle, 1 << 20, Duration.ofMillis(200)))
                .isInstanceOf(BufferedBodyRequest.TooSlow.class);
    }

    @Test
    void aDeclaredLengthIsReadStraightIntoOneArrayOfThatSize() throws Exception {
        var sent = new byte[20_000];
        new java.util.Random(7).nextBytes(sent);
        var asked = new ArrayList<Integer>();
        var recorded = new ByteArrayInputStream(sent) {
            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                asked.add(length);
                return super.read(buffer, offset, length);
            }
        };

        var body = BufferedBodyRequest.readAtMost(recorded, 1 << 20, Duration.ofSeconds(5), sent.length);

        assertThat(body).isEqualTo(sent);
        // the whole body in the first read's reach (not 8 KB at a time through a buffer and a copy)
        assertThat(asked.get(0)).isEqualTo(sent.length);
    }

    @Test
    void aLargeDeclaredLengthIsNotReservedBeforeItsBytesArrive() throws Exception {
        var asked = new ArrayList<Integer>();
        var nothingSent = new java.io.InputStream() {
            @Override
            public int read() {
                return -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                asked.add(buffer.length);
                return -1;
            }
        };

        var body = BufferedBodyRequest.readAtMost(nothingSent, 1 << 20, Duration.ofSeconds(5), 1 << 20);

        assertThat(body).isEmpty();
        // a sender declaring a megabyte and sending nothing is read through a small buffer, not a megabyte array
        assertThat(asked).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(8192));
    }

    @Test
    void aDeclaredLengthIsNotTrusted() throws Exception {
        var fiveDeclaredEightSent = BufferedBodyRequest.readAtMost(new ByteArrayInputStream("12345678".getBytes(
                StandardCharsets.US_ASCII)), 10, Duration.ofSeconds(5), 5);
        var tenDeclaredElevenSent = BufferedBodyRequest.readAtMost(new ByteArrayInputStream(new byte[11]), 10,
                Duration.ofSeconds(5), 10);
        var tenDeclaredSixSent = BufferedBodyRequest.readAtMost(new ByteArrayInputStream(new byte[6]), 10,
                Duration.ofSeconds(5), 10);

        assertThat(fiveDeclaredEightSent).isEqualTo("12345678".getBytes(StandardCharsets.US_ASCII));
        assertThat(tenDeclaredElevenSent).isNull();
        assertThat(tenDeclaredSixSent).hasSize(6);
        assertThat(BufferedBodyRequest.readAtMost(new ByteArrayInputStream(new byte[0]), 10, Duration.ofSeconds(5), 0))
                .isEmpty();
    }

    @Test
    void aDeclaredBodyMustArriveWithinItsDeadlineToo() {
        var trickle = new java.io.InputStream() {
            @Override
            public int read() {
                return ' ';
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                buffer[offset] = ' ';
                return 1;
            }
        };
        assertThatThrownBy(() -> BufferedBodyRequest.readAtMost(trickle, 1 << 20, Duration.ofMillis(200), 100))
                .isInstanceOf(BufferedBodyRequest.TooSlow.class);
    }
}
