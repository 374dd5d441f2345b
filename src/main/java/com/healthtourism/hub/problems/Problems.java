package com.healthtourism.hub.problems;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Builds the hub's one error shape: RFC 9457 problem+json, with the offending field when there is one. */
public final class Problems {

    private Problems() {
    }

    public static ProblemDetail problem(HttpStatusCode status, String detail, String field) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("about:blank"));
        if (field != null) {
            problem.setProperty("field", field);
            problem.setProperty("errors", List.of(Map.of("field", field, "message", detail)));
        }
        return problem;
    }

    public static ResponseEntity<Object> respond(ProblemDetail problem, HttpHeaders headers) {
        var all = new HttpHeaders();
        if (headers != null) {
            all.putAll(headers);
        }
        all.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return ResponseEntity.status(problem.getStatus()).headers(all).body(problem);
    }
}
