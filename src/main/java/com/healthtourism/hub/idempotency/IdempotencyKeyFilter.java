package com.healthtourism.hub.idempotency;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.codec.digest.DigestUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.TransactionException;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import com.healthtourism.hub.problems.Problems;
import com.healthtourism.hub.web.BufferedBodyRequest;

/**
 * X-Idempotency-Key on admin and ops writes: the first request with a key runs and its response
 * (status below 500) is kept; the same request again gets that response back with
 * {@code Idempotent-Replayed: true}; another request with the key is a 422; a repeat while the
 * first is still running is a 409. Keys are per operator, so it runs after Spring Security.
 * Not a bean on purpose: it belongs only in the security filter chain, not in the servlet chain too.
 */
public class IdempotencyKeyFilter extends OncePerRequestFilter {

    public static final String KEY_HEADER = "X-Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /**
     * Request attribute a handler sets when its response must not be kept for replays (it carries a secret
     * shown once): the key is freed instead, so a retry with it runs the request again.
     */
    public static final String DO_NOT_KEEP = IdempotencyKeyFilter.class.getName() + ".doNotKeep";

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyFilter.class);
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final List<String> REPLAYED_HEADERS = List.of(HttpHeaders.LOCATION, HttpHeaders.CONTENT_LOCATION,
            HttpHeaders.CACHE_CONTROL, HttpHeaders.ETAG);
    private static final int MAX_KEY_LENGTH = 255;
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final AdminIdempotency store;
    private final ObjectMapper json;

    public IdempotencyKeyFilter(AdminIdempotency store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        var path = request.getRequestURI().substring(request.getContextPath().length());
        return !WRITES.contains(request.getMethod())
                || !(path.startsWith("/admin/") || path.startsWith("/ops/"))
                || request.getHeader(KEY_HEADER) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || authentication instanceof AnonymousAuthenticationToken) {
            chain.doFilter(request, response);
            return;
        }
        var key = request.getHeader(KEY_HEADER);
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            problem(response, HttpStatus.BAD_REQUEST, KEY_HEADER + " must be 1 to " + MAX_KEY_LENGTH + " characters");
            return;
        }
        var body = readBody(request);
        if (body == null) {
            problem(response, HttpStatus.PAYLOAD_TOO_LARGE, "a request with " + KEY_HEADER + " may carry at most "
                    + MAX_BODY_BYTES + " bytes");
            return;
        }
        var principal = authentication.getName();
        var keyHash = DigestUtils.sha256Hex(key);
        var requestHash = requestHash(request, body);

        AdminIdempotency.Claim claim;
        try {
            claim = store.claim(principal, keyHash, requestHash);
        } catch (DataAccessException | TransactionException databaseDown) {
            // outside the controllers' problem handler: the same answer it gives when the database is away
            response.setHeader(HttpHeaders.RETRY_AFTER, "5");
            problem(response, HttpStatus.SERVICE_UNAVAILABLE, "storage is unavailable, retry later");
            return;
        }
        if (claim instanceof AdminIdempotency.Claim.Claimed claimed) {
            runAndKeep(new BufferedBodyRequest(request, body), response, chain, principal, keyHash, claimed);
        } else if (claim instanceof AdminIdempotency.Claim.Replay replay) {
            replay(response, replay);
        } else if (claim instanceof AdminIdempotency.Claim.Mismatch) {
            problem(response, HttpStatus.UNPROCESSABLE_ENTITY, KEY_HEADER + " was already used for a different request");
        } else {
            problem(response, HttpStatus.CONFLICT, "a request with this " + KEY_HEADER + " is still running; retry later");
        }
    }

    /** The response headers a replay repeats: where the created resource is, and how it may be cached. */
    private static Map<String, String> kept(HttpServletResponse response) {
        var kept = new LinkedHashMap<String, String>();
        for (var name : REPLAYED_HEADERS) {
            var value = response.getHeader(name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        return kept;
    }

    private static void replay(HttpServletResponse response, AdminIdempotency.Claim.Replay replay) throws IOException {
        response.setStatus(replay.status());
        replay.headers().forEach(response::setHeader);
        response.setHeader(REPLAYED_HEADER, "true");
        if (replay.contentType() != null) {
            response.setContentType(replay.contentType());
        }
        if (replay.body() != null) {
            response.setContentLength(replay.body().length);
            response.getOutputStream().write(replay.body());
        }
    }

    private void runAndKeep(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                            String principal, String keyHash, AdminIdempotency.Claim.Claimed claim)
            throws ServletException, IOException {
        var captured = new ContentCachingResponseWrapper(response);
        try {
            chain.doFilter(request, captured);
        } catch (ServletException | IOException | RuntimeException e) {
            release(principal, keyHash, claim);
            throw e;
        }
        if (captured.getStatus() < 500 && request.getAttribute(DO_NOT_KEEP) == null) {
            try {
                store.complete(principal, keyHash, claim, captured.getStatus(), captured.getContentType(),
                        kept(captured), captured.getContentAsByteArray());
            } catch (DataAccessException | TransactionException databaseDown) {
                // The request ran: its answer stands and is sent. Only the replay is lost: the key stays claimed, so a
                // retry is told 409 until stale-after, and may then run again.
                log.warn("the response for an {} could not be kept ({}); the key stays claimed until stale-after",
                        KEY_HEADER, databaseDown.getClass().getSimpleName());
            }
        } else {
            release(principal, keyHash, claim);
        }
        captured.copyBodyToResponse();
    }

    /** Frees the key after a failed request; when that fails too, the request's own outcome still goes out. */
    private void release(String principal, String keyHash, AdminIdempotency.Claim.Claimed claim) {
        try {
            store.release(principal, keyHash, claim);
        } catch (DataAccessException | TransactionException databaseDown) {
            log.warn("an {} could not be freed ({}); it stays claimed until stale-after", KEY_HEADER,
                    databaseDown.getClass().getSimpleName());
        }
    }

    /** Method, path, query and body: a retry of the same request hashes the same. */
    private static String requestHash(HttpServletRequest request, byte[] body) {
        var head = request.getMethod() + "\n" + request.getRequestURI() + "\n"
                + (request.getQueryString() == null ? "" : request.getQueryString()) + "\n";
        var all = new ByteArrayOutputStream(head.length() + body.length);
        all.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        all.writeBytes(body);
        return DigestUtils.sha256Hex(all.toByteArray());
    }

    /** The whole body, or null if it is larger than allowed. */
    private static byte[] readBody(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return BufferedBodyRequest.readAtMost(in, MAX_BODY_BYTES);
        }
    }

    private void problem(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Problems.problem(status, detail, KEY_HEADER));
    }
}
