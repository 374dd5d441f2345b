package com.healthtourism.hub.tenancy;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.TransactionException;
import org.springframework.web.filter.OncePerRequestFilter;

import com.healthtourism.hub.problems.Problems;

/**
 * Authenticates the tenant API ({@code /api/**}) by {@code Authorization: Bearer htk_…}. A missing, unknown or
 * revoked key is a 401 problem+json that does not say which of the three it was. The request's principal is the
 * {@link ApiClient}, whose tenant every transaction of the request runs in.
 */
public class ApiKeyFilter extends OncePerRequestFilter {

    public static final String ROLE = "API_CLIENT";
    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;
    private final ObjectMapper json;

    public ApiKeyFilter(ApiKeys keys, ObjectMapper json) {
        this.keys = keys;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var header = request.getHeader(HttpHeaders.AUTHORIZATION);
        Optional<ApiClient> client;
        try {
            client = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? keys.authenticate(header.substring(BEARER.length()).strip()) : Optional.empty();
        } catch (DataAccessException | TransactionException databaseAway) {
            // the key cannot be checked: the caller retries, as with any answer while PostgreSQL is away
            refuse(response, HttpStatus.SERVICE_UNAVAILABLE, HttpHeaders.RETRY_AFTER, "5",
                    "storage is unavailable, retry later");
            return;
        }
        if (client.isEmpty()) {
            refuse(response, HttpStatus.UNAUTHORIZED, HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"health-tourism-hub\"",
                    "a valid tenant API key is required (Authorization: Bearer htk_…)");
            return;
        }
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(client.get(), null,
                List.of(new SimpleGrantedAuthority("ROLE_" + ROLE))));
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletResponse response, HttpStatus status, String header, String value, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setHeader(header, value);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Problems.problem(status, detail, null));
    }
}
