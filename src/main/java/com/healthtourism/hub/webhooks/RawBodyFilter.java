package com.healthtourism.hub.webhooks;

import java.io.IOException;
import java.time.Duration;

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
 * The front of the webhook intake. Reads a webhook's body exactly as sent, and no more than the limit: a
 * longer body is answered 413 before it is read further. Signatures are computed over these bytes, and
 * they are what is stored. Then it forwards the request straight to Camel's servlet, so none of the
 * filters meant for the hub's own APIs (login, CSRF, MVC handler look-ups, HTTP observations) runs on
 * the hub's busiest path: a partner is authenticated by its signature, in the route.
 */
public class RawBodyFilter extends OncePerRequestFilter {

    /** Request attribute holding the body's bytes. */
    public static final String RAW_BODY = RawBodyFilter.class.getName() + ".body";

    private final int maxBytes;
    private final Duration bodyDeadline;
    private final ObjectMapper json;
    private final String camelServlet;

    /**
     * @param camelServlet the name of Camel's servlet, which the intake route consumes from
     * @param bodyDeadline how long the whole body may take to arrive
     */
    public RawBodyFilter(int maxBytes, Duration bodyDeadline, ObjectMapper json, String camelServlet) {
        this.maxBytes = maxBytes;
        this.bodyDeadline = bodyDeadline;
        this.json = json;
        this.camelServlet = camelServlet;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            tooLarge(response);
            return;
        }
        byte[] body;
        try {
            // a declared length up to 64 KB is read straight into an array of that size: no buffer, no copy
            body = BufferedBodyRequest.readAtMost(request.getInputStream(), maxBytes, bodyDeadline,
                    request.getContentLengthLong());
        } catch (IOException notInTime) {
            // past the body's deadline (TooSlow), or one read past Tomcat's read timeout, however Tomcat wraps that, or
            // the sender gone: a sender that trickles its body (or stops) must not hold a request thread. 408, and
            // the connection closes (writing it fails harmlessly when the sender is gone)
            problem(response, HttpStatus.REQUEST_TIMEOUT, "the body did not arrive in time");
            return;
        }
        if (body == null) {
            tooLarge(response);
            return;
        }
        request.setAttribute(RAW_BODY, body);
        var buffered = new BufferedBodyRequest(request, body);
        var intake = request.getServletContext().getNamedDispatcher(camelServlet);
        if (intake == null) {
            chain.doFilter(buffered, response);
        } else {
            intake.forward(buffered, response);
        }
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        problem(response, HttpStatus.PAYLOAD_TOO_LARGE, "the body is larger than " + maxBytes + " bytes");
    }

    private void problem(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setHeader("Connection", "close");
        json.writeValue(response.getOutputStream(), Problems.problem(status, detail, null));
    }
}
