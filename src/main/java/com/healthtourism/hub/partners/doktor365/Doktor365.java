package com.healthtourism.hub.partners.doktor365;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.approvals.ApprovalQueue;

/**
 * The Doktor365 connector as Java calls, for the reconciliation job and other beans. Every call goes through the
 * tenant's resilient route (throttle, circuit breaker, time limit, retries with backoff that honour Retry-After):
 * reads throw when they still fail ({@link Doktor365Unavailable}, {@link Doktor365Rejected}), a status push that still
 * fails is parked in the approval queue.
 */
@Component("doktor365")
public class Doktor365 {

    static final String READ = "direct:doktor365-read";
    static final String PUSH_STATUS = "direct:doktor365-push-status";

    private final ProducerTemplate camel;
    private final ObjectMapper json;

    public Doktor365(ProducerTemplate camel, ObjectMapper json) {
        this.camel = camel;
        this.json = json;
    }

    public JsonNode patient(UUID tenant, String patientId) {
        return read(tenant, "/v1/patients/" + id(patientId), Map.of());
    }

    public JsonNode caseById(UUID tenant, String caseId) {
        return read(tenant, "/v1/cases/" + id(caseId), Map.of());
    }

    /**
     * One page of the cases updated since a time ({@code data}, {@code has_more}, {@code next_cursor}); pass the
     * previous page's next_cursor to go on, null for the first page.
     */
    public JsonNode casePage(UUID tenant, Instant updatedSince, String cursor) {
        var query = new LinkedHashMap<String, String>();
        query.put("updated_since", updatedSince.toString());
        if (cursor != null) {
            query.put("cursor", cursor);
        }
        return read(tenant, "/v1/cases", query);
    }

    public JsonNode caseNotes(UUID tenant, String caseId) {
        return read(tenant, "/v1/cases/" + id(caseId) + "/notes", Map.of());
    }

    public JsonNode caseAppointments(UUID tenant, String caseId) {
        return read(tenant, "/v1/cases/" + id(caseId) + "/appointments", Map.of());
    }

    public JsonNode appointment(UUID tenant, String appointmentId) {
        return read(tenant, "/v1/appointments/" + id(appointmentId), Map.of());
    }

    /**
     * Pushes a case's status to Doktor365 as a message of its own (the same as sending headers hubTenant,
     * hubD365CaseId, hubCaseStatus to direct:doktor365-push-status). Returns when Doktor365 took it or, failing for
     * good, it was parked in the approval queue; throws only if it could not even be parked.
     */
    public void pushStatus(UUID tenant, String caseId, String status) {
        var headers = new LinkedHashMap<String, Object>();
        headers.put(Doktor365Requests.TENANT, tenant.toString());
        headers.put(Doktor365Requests.CASE_ID, id(caseId));
        headers.put(Doktor365Requests.CASE_STATUS, status);
        headers.put(ApprovalQueue.ORIGIN_KEY, "d365-status:" + caseId + ":" + status);
        var body = json.createObjectNode().put("caseId", caseId).put("status", status).toString();
        unwrap(() -> camel.requestBodyAndHeaders(PUSH_STATUS, body, headers));
    }

    private JsonNode read(UUID tenant, String path, Map<String, String> query) {
        var headers = new LinkedHashMap<String, Object>();
        headers.put(Doktor365Requests.TENANT, tenant.toString());
        headers.put(Doktor365Requests.PATH, path);
        headers.put(Doktor365Requests.QUERY, query);
        var answer = unwrap(() -> camel.requestBodyAndHeaders(READ, "", headers, String.class));
        try {
            return json.readTree(answer);
        } catch (IOException e) {
            throw new Doktor365Unavailable(200, null, "Doktor365 answered something that is not JSON");
        }
    }

    /** Whether {@code id} is one the API's paths take. */
    static boolean isId(String id) {
        return id != null && id.matches("[A-Za-z0-9_-]{1,100}");
    }

    private static String id(String id) {
        if (!isId(id)) {
            throw new IllegalArgumentException("not a Doktor365 id");
        }
        return id;
    }

    private interface Call<T> {
        T run();
    }

    /** The connector's own exceptions reach the caller as they are, not wrapped in Camel's. */
    private static <T> T unwrap(Call<T> call) {
        try {
            return call.run();
        } catch (CamelExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof Doktor365Unavailable || cause instanceof Doktor365Rejected) {
                    throw (RuntimeException) cause;
                }
            }
            throw e;
        }
    }
}
