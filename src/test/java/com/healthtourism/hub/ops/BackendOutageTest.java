package com.healthtourism.hub.ops;

import static com.healthtourism.hub.webhooks.WebhookClient.stripeEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.servlet.http.HttpServletResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.healthtourism.hub.approvals.ApprovalQueue;
import com.healthtourism.hub.idempotency.AdminIdempotency;
import com.healthtourism.hub.idempotency.IdempotencyKeyFilter;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.LocalBackends;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.local.PartnerSandbox;
import com.healthtourism.hub.local.TcpProxy;
import com.healthtourism.hub.webhooks.WebhookClient;

/**
 * The hub with PostgreSQL and Redis each behind a proxy the test can cut: readiness follows the
 * database, intake answers 503 and stores nothing while PostgreSQL is away, and keeps accepting
 * (limits open, de-duplication in PostgreSQL) while Redis is away.
 */
@HubTest
@DirtiesContext
class BackendOutageTest {

    private static final String OUTAGE_TOPIC = "hub.outage-test";
    private static TcpProxy postgres;
    private static TcpProxy redis;
    private static TcpProxy s3;

    @DynamicPropertySource
    static void throughCuttableProxies(DynamicPropertyRegistry registry) {
        var backends = LocalBackends.start(LocalBackends.Mode.TEST, name -> System.getenv(name) != null);
        var db = URI.create(((String) backends.get("spring.datasource.url")).substring("jdbc:".length()));
        postgres = new TcpProxy(db.getHost(), db.getPort()).start();
        registry.add("spring.datasource.url",
                () -> "jdbc:postgresql://" + postgres.host() + ":" + postgres.port() + db.getPath());
        var cache = URI.create((String) backends.get("spring.data.redis.url"));
        redis = new TcpProxy(cache.getHost(), cache.getPort()).start();
        registry.add("spring.data.redis.url", () -> "redis://" + redis.host() + ":" + redis.port() + cache.getPath());
        registry.add("spring.data.redis.timeout", () -> "500ms");
        // the hub's own setting (application.yml), shortened
        registry.add("HUB_DB_SOCKET_TIMEOUT", () -> "5");
        var store = URI.create((String) backends.get("hub.s3.url"));
        s3 = new TcpProxy(store.getHost(), store.getPort()).start();
        registry.add("hub.s3.url", () -> "http://" + s3.host() + ":" + s3.port());
        // only this hub consumes the outbound-webhook test topic: the delivery it parks must cross the cut proxy
        registry.add("hub.partner-webhooks.topics", () -> OUTAGE_TOPIC);
        registry.add("hub.partner-webhooks.group-id", () -> "hub-partner-webhooks-outage-test");
    }

    @AfterAll
    static void closeProxies() {
        postgres.close();
        redis.close();
        s3.close();
    }

    @Autowired
    TestRestTemplate http;
    @LocalServerPort
    int port;
    @Autowired
    Environment environment;
    @Autowired
    MeterRegistry meters;
    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    CircuitBreaker redisCircuitBreaker;
    @Autowired
    DataSource dataSource;
    @Autowired
    AdminIdempotency adminIdempotency;

    /**
     * Reconnects PostgreSQL and has the pool replace the connections the cut broke, as a hub after an outage does over
     * its first requests (each answered 503): the next test starts with a pool that works.
     */
    private void restorePostgres() {
        postgres.restore();
        try {
            dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTenantCreatedWhileTheDocumentStoreIsAwayGetsItsPrefixesOnceItIsBack() throws Exception {
        var minio = MinioClient.builder().endpoint(environment.getProperty("hub.s3.url"))
                .credentials(environment.getProperty("hub.s3.access-key"), environment.getProperty("hub.s3.secret-key"))
                .build();
        await().atMost(Duration.ofSeconds(30)).until(() -> !keys(minio, "documents/").isEmpty());
        var puts = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("put-folder-marker");
        var failedBefore = puts.getExchangesFailed();
        s3.cut();
        UUID tenant;
        try {
            tenant = new WebhookClient(port).tenantWithSources(Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> puts.getExchangesFailed() > failedBefore);
        } finally {
            s3.restore();
        }

        // the prefixes are written one by one, each retried on its own: the export prefix may come after the rest
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(keys(minio, "documents/" + tenant + "/")).hasSize(4);
            assertThat(keys(minio, "exports/")).contains("exports/" + tenant + "/");
        });
    }

    private static List<String> keys(MinioClient minio, String prefix) throws Exception {
        var keys = new ArrayList<String>();
        for (var item : minio.listObjects(ListObjectsArgs.builder().bucket("health-tourism").prefix(prefix).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    @Test
    void readinessFollowsTheDatabase() {
        assertThat(http.getForEntity("/actuator/health/readiness", Map.class).getStatusCode()).isEqualTo(HttpStatus.OK);

        postgres.cut();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var readiness = http.getForEntity("/actuator/health/readiness", Map.class);
                assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                assertThat(readiness.getBody()).containsEntry("status", "DOWN");
            });
        } finally {
            restorePostgres();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(http.getForEntity("/actuator/health/readiness", Map.class).getStatusCode())
                        .isEqualTo(HttpStatus.OK));
    }

    @Test
    void intakeAnswers503WhilePostgresIsUnreachableAndStoresNothing() {
        var partner = new WebhookClient(port);
        var tenant = partner.tenantWithSources(Map.of());
        var event = "evt_" + UUID.randomUUID().toString().replace("-", "");
        var body = stripeEvent(event, "payment_intent.succeeded");

        postgres.cut();
        WebhookClient.Answer refused;
        try {
            refused = partner.stripe(tenant, body);
        } finally {
            restorePostgres();
        }

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(messagesFor(tenant)).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(partner.stripe(tenant, body).status()).isEqualTo(202));
        assertThat(messagesFor(tenant)).isOne();
    }

    @Test
    void aCallToAPostgresThatStopsAnsweringFailsWithinTheSocketTimeoutAndTheIntakeRecovers() throws Exception {
        var partner = new WebhookClient(port);
        var tenant = partner.tenantWithSources(Map.of());
        var calls = Executors.newSingleThreadExecutor();
        var connection = dataSource.getConnection();
        Future<Boolean> call = null;
        try {
            connection.createStatement().execute("SELECT 1");
            // PostgreSQL's answers stop coming, the connection stays open: a failover behind a moved address
            postgres.slow(Duration.ofMinutes(2));
            call = calls.submit(() -> connection.createStatement().execute("SELECT 1"));
            var pending = call;
            assertThatThrownBy(() -> pending.get(20, TimeUnit.SECONDS)).as("the read gives up after the socket timeout (5 s)")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SQLException.class);
        } finally {
            postgres.slow(Duration.ZERO);
            if (call == null || !call.isDone()) {
                // without a timeout the read would wait for the held answer: closed under it, not waited for
                connection.abort(Runnable::run);
            }
            connection.close();
            calls.shutdownNow();
            restorePostgres();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                partner.stripe(tenant, stripeEvent("evt_" + UUID.randomUUID().toString().replace("-", ""),
                        "payment_intent.succeeded")).status()).isEqualTo(202));
    }

    @Test
    void anAdminWriteWithAnIdempotencyKeyAnswers503WhilePostgresIsUnreachable() {
        var admin = new WebhookClient(port);
        postgres.cut();
        WebhookClient.Answer refused;
        try {
            refused = admin.admin("POST", "/admin/tenants", Map.of("name", "Clinic", "domain",
                    "down-" + UUID.randomUUID() + ".example.com"), Map.of(IdempotencyKeyFilter.KEY_HEADER, "create-" + UUID.randomUUID()));
        } finally {
            restorePostgres();
        }

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.header("Retry-After")).isEqualTo("5");
    }

    @Test
    void anAdminWriteThatRanIsAnsweredEvenWhenPostgresGoesAwayBeforeItsResponseIsKept() throws Exception {
        var filter = new IdempotencyKeyFilter(adminIdempotency, new ObjectMapper());
        var request = new MockHttpServletRequest("POST", "/admin/tenants");
        request.addHeader(IdempotencyKeyFilter.KEY_HEADER, "kept-" + UUID.randomUUID());
        request.setContentType("application/json");
        request.setContent("{\"name\":\"Clinic\"}".getBytes(StandardCharsets.UTF_8));
        var response = new MockHttpServletResponse();
        var security = SecurityContextHolder.getContext();
        security.setAuthentication(UsernamePasswordAuthenticationToken
                .authenticated("test-admin", null, List.of()));
        try {
            // the key is claimed; the request runs and answers; PostgreSQL goes away before its response is kept
            filter.doFilter(request, response, (req, res) -> {
                postgres.cut();
                var answer = (HttpServletResponse) res;
                answer.setStatus(201);
                answer.setContentType("application/json");
                answer.getOutputStream().write("{\"id\":\"created\"}".getBytes(StandardCharsets.UTF_8));
            });
        } finally {
            SecurityContextHolder.clearContext();
            restorePostgres();
        }

        assertThat(response.getStatus()).as("the request's own answer, not a 500").isEqualTo(201);
        assertThat(response.getContentAsString()).isEqualTo("{\"id\":\"created\"}");
    }

    @Test
    void anAdminWriteThatFailedIsAnsweredWithItsOwnFailureWhenItsKeyCannotBeFreed() {
        var filter = new IdempotencyKeyFilter(adminIdempotency, new ObjectMapper());
        var request = new MockHttpServletRequest("POST", "/admin/tenants");
        request.addHeader(IdempotencyKeyFilter.KEY_HEADER, "freed-" + UUID.randomUUID());
        request.setContent("{}".getBytes(StandardCharsets.UTF_8));
        var security = SecurityContextHolder.getContext();
        security.setAuthentication(UsernamePasswordAuthenticationToken
                .authenticated("test-admin", null, List.of()));
        try {
            assertThatThrownBy(() -> filter.doFilter(request, new MockHttpServletResponse(),
                    (req, res) -> {
                        postgres.cut();
                        throw new IllegalStateException("the request's own failure");
                    })).isInstanceOf(IllegalStateException.class).hasMessage("the request's own failure");
        } finally {
            SecurityContextHolder.clearContext();
            restorePostgres();
        }
    }

    @Test
    void aTenantApiCallAnswers503WhilePostgresIsUnreachable() {
        var caller = new WebhookClient(port);
        postgres.cut();
        WebhookClient.Answer refused;
        try {
            refused = caller.call("GET", "/api/cases", null, Map.of("Authorization", "Bearer htk_" + UUID.randomUUID()));
        } finally {
            restorePostgres();
        }

        assertThat(refused.status()).as("the key cannot be checked: retry, not a server error").isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.header("Retry-After")).isEqualTo("5");
    }

    @Test
    void intakeKeepsAcceptingAndDeduplicatingWithoutRedis() {
        var partner = new WebhookClient(port);
        var tenant = partner.tenantWithSources(Map.of("webhookRateLimitPerMinute", 2));
        var failOpenBefore = failOpenCount();

        redis.cut();
        try {
            var first = stripeEvent("evt_" + UUID.randomUUID().toString().replace("-", ""), "payment_intent.succeeded");
            var accepted = partner.stripe(tenant, first);
            assertThat(accepted.status()).isEqualTo(202);
            for (int i = 0; i < 3; i++) {
                assertThat(partner.stripe(tenant, stripeEvent("evt_" + UUID.randomUUID().toString().replace("-", ""),
                        "payment_intent.succeeded")).status()).as("limits fail open").isEqualTo(202);
            }
            var repeat = partner.stripe(tenant, first);
            assertThat(repeat.status()).isEqualTo(200);
            assertThat(repeat.body().get("id").asText()).isEqualTo(accepted.body().get("id").asText());
        } finally {
            redis.restore();
        }
        assertThat(messagesFor(tenant)).isEqualTo(4);
        assertThat(failOpenCount()).isGreaterThanOrEqualTo(failOpenBefore + 4);
    }

    @Test
    void intakeStepsAroundARedisThatAnswersSlowlyAndComesBackToIt() {
        var partner = new WebhookClient(port);
        var tenant = partner.tenantWithSources(Map.of());
        // an earlier test may have left the breaker open: start from a Redis the intake asks
        awaitBreaker(partner, tenant, CircuitBreaker.State.CLOSED);
        var failOpenBefore = failOpenCount();

        // every Redis answer arrives, but 300 ms late: over the slow-call threshold (250 ms), within the timeout (500 ms)
        redis.slow(Duration.ofMillis(300));
        try {
            var first = stripeEvent(newEventId(), "payment_intent.succeeded");
            var accepted = partner.stripe(tenant, first);
            assertThat(accepted.status()).isEqualTo(202);
            awaitBreaker(partner, tenant, CircuitBreaker.State.OPEN);

            assertThat(partner.stripe(tenant, stripeEvent(newEventId(), "payment_intent.succeeded")).status())
                    .isEqualTo(202);
            assertThat(failOpenCount()).as("limits fail open while Redis is stepped around").isGreaterThan(failOpenBefore);
            var repeat = partner.stripe(tenant, first);
            assertThat(repeat.status()).as("de-duplication by PostgreSQL").isEqualTo(200);
            assertThat(repeat.body().get("id").asText()).isEqualTo(accepted.body().get("id").asText());
        } finally {
            redis.slow(Duration.ZERO);
        }
        awaitBreaker(partner, tenant, CircuitBreaker.State.CLOSED);
    }

    /** Posts new events (each accepted) until the intake's Redis breaker is in {@code state}. */
    private void awaitBreaker(WebhookClient partner, UUID tenant, CircuitBreaker.State state) {
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            assertThat(partner.stripe(tenant, stripeEvent(newEventId(), "payment_intent.succeeded")).status())
                    .isEqualTo(202);
            assertThat(redisCircuitBreaker.getState()).isEqualTo(state);
        });
    }

    private static String newEventId() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void aMessageIsParkedWithoutRedisAndTheConsoleListIsRebuiltLater() {
        var tenant = new WebhookClient(port).tenantWithSources(Map.of());
        var failuresBefore = meters.counter("hub.approvals.index.failures").count();
        var exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody("{\"id\":\"evt_no_redis\"}");
        exchange.getMessage().setHeader(ApprovalQueue.TENANT, tenant.toString());
        exchange.getMessage().setHeader(ApprovalQueue.ORIGIN_KEY, "evt_no_redis");
        exchange.setProperty(Exchange.FAILURE_ROUTE_ID, "partner-webhook-delivery");
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("partner down"));

        redis.cut();
        Exchange parked;
        try {
            parked = producer.send("direct:dead-letter", exchange);
        } finally {
            redis.restore();
        }

        assertThat(parked.getException()).as("Redis is only the console's index").isNull();
        assertThat(countFor("SELECT count(*) FROM approval_items WHERE tenant_id = ? AND status = 'pending'", tenant))
                .isOne();
        assertThat(meters.counter("hub.approvals.index.failures").count()).isGreaterThan(failuresBefore);
    }

    @Test
    void aDeliveryThatCannotBeParkedWhilePostgresIsDownIsParkedOnceItIsBack() throws Exception {
        var partner = PartnerSandbox.start();
        try {
            var hub = new WebhookClient(port);
            var tenant = hub.tenantWithSources(Map.of());
            var path = "/hooks/" + tenant;
            // slow failures, so PostgreSQL can be cut while the delivery is still retrying
            partner.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(503).withFixedDelay(1500)));
            assertThat(hub.admin("PUT", "/admin/tenants/" + tenant + "/subscriptions/crm",
                    Map.of("url", partner.baseUrl() + path)).status()).isEqualTo(201);
            publish(tenant, "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/test\","
                    + "\"type\":\"payment.succeeded\",\"subject\":\"pi_1\",\"tenantid\":\"" + tenant + "\",\"data\":{}}");
            await().atMost(Duration.ofSeconds(90)).until(() -> !partner.findAll(postRequestedFor(urlEqualTo(path))).isEmpty());

            var fanout = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                    .getManagedRoute("partner-webhook-fanout");
            var failedBefore = fanout.getExchangesFailed();
            postgres.cut();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> fanout.getExchangesFailed() > failedBefore);
            } finally {
                restorePostgres();
            }

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    assertThat(approvalsFor(tenant)).as("parked once PostgreSQL is back").isOne());
            assertThat(approvalsFor(tenant)).isOne();
        } finally {
            partner.stop();
        }
    }

    private void publish(UUID tenant, String cloudEvent) throws Exception {
        var properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, environment.getProperty("hub.kafka.bootstrap-servers"));
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (var producer = new KafkaProducer<String, String>(properties)) {
            producer.send(new ProducerRecord<>(OUTAGE_TOPIC, tenant + ":pi_1", cloudEvent)).get();
        }
    }

    private int approvalsFor(UUID tenant) {
        return countFor("SELECT count(*) FROM approval_items WHERE tenant_id = ? AND status = 'pending'", tenant);
    }

    private double failOpenCount() {
        var counter = meters.find("hub.webhooks.ratelimit.failopen").counter();
        return counter == null ? 0 : counter.count();
    }

    private int messagesFor(UUID tenant) {
        return countFor("SELECT count(*) FROM inbound_messages WHERE tenant_id = ?", tenant);
    }

    private int countFor(String sql, UUID tenant) {
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement(sql)) {
            query.setObject(1, tenant);
            try (var row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
