package com.healthtourism.hub.partners.doktor365;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.camel.Exchange;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.approvals.ApprovalQueue;
import com.healthtourism.hub.tenancy.TenantChanged;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.webhooks.ApiCredentials;
import com.healthtourism.hub.webhooks.PartnerSources;
import com.healthtourism.hub.webhooks.WebhookProperties;

/**
 * The steps of the Doktor365 routes (routes/doktor365-*.yaml) that need code: what to call for the tenant (its
 * credentials, base URL and rate), the HTTP request with the tenant's token, a 401's one refresh, and how an answer
 * is read. A call is described by exchange properties set once at the route's entry, so every redelivery builds the
 * same request again.
 */
@Component("doktor365Requests")
public class Doktor365Requests {

    public static final String SOURCE = "doktor365";
    /** Headers a caller sets: the tenant, and for a status push the case and its status. */
    public static final String TENANT = ApprovalQueue.TENANT;
    public static final String CASE_ID = "hubD365CaseId";
    public static final String CASE_STATUS = "hubCaseStatus";
    /** Headers of a read: method GET implied, the path under the base URL and its query parameters. */
    public static final String PATH = "hubD365Path";
    public static final String QUERY = "hubD365Query";

    static final String REJECTED_STATUS = "hubD365RejectedStatus";
    static final String REJECTED_ERROR = "hubD365RejectedError";
    private static final String CLIENT = "d365Client";
    private static final String METHOD = "d365Method";
    private static final String URI = "d365Uri";
    private static final String BODY = "d365Body";
    private static final String TOKEN = "d365Token";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Pattern STATUS = Pattern.compile("[a-z_]{1,32}");

    private final PartnerSources sources;
    private final TenantRepository tenants;
    private final Doktor365Tokens tokens;
    private final Doktor365TenantRoutes routes;
    private final Doktor365Properties properties;
    private final ObjectMapper json;
    private final Cache<UUID, Integer> rates;

    public Doktor365Requests(PartnerSources sources, TenantRepository tenants, Doktor365Tokens tokens,
                             Doktor365TenantRoutes routes, Doktor365Properties properties, ObjectMapper json,
                             WebhookProperties webhooks) {
        this.sources = sources;
        this.tenants = tenants;
        this.tokens = tokens;
        this.routes = routes;
        this.properties = properties;
        this.json = json;
        this.rates = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(webhooks.sourceCacheTtl()).build();
    }

    /** Entry of a read: GET {hubD365Path}?{hubD365Query} for the tenant in hubTenant. */
    public void read(Exchange exchange) {
        var message = exchange.getMessage();
        var path = message.getHeader(PATH, String.class);
        if (path == null || !path.startsWith("/v1/")) {
            throw new IllegalArgumentException("a Doktor365 read needs a path under /v1/");
        }
        @SuppressWarnings("unchecked")
        var query = (Map<String, String>) message.getHeader(QUERY, Map.class);
        prepare(exchange, "GET", path + queryString(query), null);
    }

    /** Entry of a status push: PUT /v1/cases/{hubD365CaseId}/status with {"status": hubCaseStatus}. */
    public void statusPush(Exchange exchange) {
        var message = exchange.getMessage();
        var caseId = message.getHeader(CASE_ID, String.class);
        var status = message.getHeader(CASE_STATUS, String.class);
        if (caseId == null || !ID.matcher(caseId).matches() || status == null || !STATUS.matcher(status).matches()) {
            throw new Doktor365Rejected(400, "invalid_push");
        }
        prepare(exchange, "PUT", "/v1/cases/" + caseId + "/status",
                json.createObjectNode().put("status", status).toString());
    }

    private void prepare(Exchange exchange, String method, String pathAndQuery, String body) {
        var tenant = UUID.fromString(exchange.getMessage().getHeader(TENANT, String.class));
        var credentials = sources.apiCredentials(tenant, SOURCE)
                .orElseThrow(() -> new Doktor365Rejected(412, "no_credentials"));
        var client = new Doktor365Tokens.Client(tenant, credentials.clientId(), credentials.clientSecret(),
                baseUrl(credentials));
        exchange.setProperty(CLIENT, client);
        exchange.setProperty(METHOD, method);
        exchange.setProperty(URI, client.baseUrl() + pathAndQuery);
        exchange.setProperty(BODY, body);
        exchange.setProperty("d365Rate", rate(tenant));
        exchange.setProperty("d365Endpoint", client.baseUrl() + "?throwExceptionOnFailure=false");
        exchange.setProperty("d365Route", routes.ensure(tenant));
    }

    /** The HTTP request to send: nothing of the hub's own headers, the tenant's token. */
    public void request(Exchange exchange) {
        var client = exchange.getProperty(CLIENT, Doktor365Tokens.Client.class);
        build(exchange, tokens.token(client));
    }

    /** After a 401: one refresh (unless another call already replaced the token), and the same request again. */
    public void reauthorize(Exchange exchange) {
        var client = exchange.getProperty(CLIENT, Doktor365Tokens.Client.class);
        build(exchange, tokens.refresh(client, exchange.getProperty(TOKEN, String.class)));
    }

    private void build(Exchange exchange, String token) {
        exchange.setProperty(TOKEN, token);
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_METHOD, exchange.getProperty(METHOD, String.class));
        message.setHeader(Exchange.HTTP_URI, exchange.getProperty(URI, String.class));
        message.setHeader("Authorization", "Bearer " + token);
        message.setHeader("Accept", "application/json");
        var body = exchange.getProperty(BODY, String.class);
        if (body != null) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        message.setBody(body);
    }

    /**
     * Reads the answer: 2xx is the result (its JSON text as the body); 408, 429 and 5xx fail the call (retried,
     * counted by the breaker); any other 4xx is marked rejected, which {@link #checkRejected} throws once past the
     * breaker, so a refusal is not held against the partner's health.
     */
    public void answer(Exchange exchange) {
        var message = exchange.getMessage();
        var status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        var body = message.getBody(String.class);
        if (status != null && status >= 200 && status < 300) {
            message.setBody(body);
            return;
        }
        if (status == null || Doktor365Answers.retryable(status)) {
            throw new Doktor365Unavailable(status == null ? 0 : status,
                    Doktor365Answers.retryAfter(message.getHeader("Retry-After", String.class)),
                    "Doktor365 answered " + status);
        }
        message.setHeader(REJECTED_STATUS, status);
        message.setHeader(REJECTED_ERROR, Doktor365Answers.errorCode(json, body));
    }

    public void checkRejected(Exchange exchange) {
        var status = exchange.getMessage().getHeader(REJECTED_STATUS, Integer.class);
        if (status != null) {
            throw new Doktor365Rejected(status, exchange.getMessage().getHeader(REJECTED_ERROR, String.class));
        }
    }

    private String baseUrl(ApiCredentials credentials) {
        var url = credentials.baseUrl() == null || credentials.baseUrl().isBlank()
                ? properties.baseUrl() : credentials.baseUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The tenant's settings.doktor365RatePerSecond, or hub.doktor365.rate-per-second. */
    int rate(UUID tenant) {
        return rates.get(tenant, id -> tenants.find(id).map(found -> found.settings().get("doktor365RatePerSecond"))
                // a whole number the int can hold (TenantSettings checks new values; one stored before may be odd)
                .flatMap(value -> value instanceof Integer || value instanceof Long
                        ? Optional.of(((Number) value).longValue()) : Optional.<Long>empty())
                .filter(value -> value > 0 && value <= Integer.MAX_VALUE)
                .map(Long::intValue)
                .orElse(properties.ratePerSecond()));
    }

    @EventListener
    void forget(TenantChanged change) {
        rates.invalidate(change.tenant().id());
    }

    private static String queryString(Map<String, String> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        return query.entrySet().stream()
                .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&", "?", ""));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
