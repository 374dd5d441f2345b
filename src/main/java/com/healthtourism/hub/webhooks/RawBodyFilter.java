package com.healthtourism.hub.webhooks;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import com.healthtourism.hub.problems.Problems;
import com.healthtourism.hub.web.BufferedBodyRequest;

/**
 * Reads a webhook's body exactly as sent, and no more than the limit: a longer body is answered 413
 * before it is read further. Signatures are computed over these bytes, and they are what is stored.
 */
public class RawBodyFilter extends OncePerRequestFilter {

    /** Request attribute holding the body's bytes. */
    public static final String RAW_BODY = RawBodyFilter.class.getName() + ".body";

    private final int maxBytes;
    private final ObjectMapper json;

    public RawBodyFilter(int maxBytes, ObjectMapper json) {
        this.maxBytes = maxBytes;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            tooLarge(response);
            return;
        }
        var body = BufferedBodyRequest.readAtMost(request.getInputStream(), maxBytes);
        if (body == null) {
            tooLarge(response);
            return;
        }
        request.setAttribute(RAW_BODY, body);
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        response.setStatus(HttpStatus.PAYLOAD_TOO_LARGE.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setHeader("Connection", "close");
        json.writeValue(response.getOutputStream(), Problems.problem(HttpStatus.PAYLOAD_TOO_LARGE,
                "the body is larger than " + maxBytes + " bytes", null));
    }
}
