package com.healthtourism.hub.problems;

import java.util.Map;

import org.springframework.http.HttpStatus;

/** A domain failure that the API answers with an application/problem+json body. */
public abstract class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final String field;

    protected ProblemException(HttpStatus status, String field, String detail) {
        super(detail);
        this.status = status;
        this.field = field;
    }

    public HttpStatus status() {
        return status;
    }

    /** The request field the problem is about, or null. */
    public String field() {
        return field;
    }

    /** Further members of the problem body (e.g. the moves a case allows); none by default. */
    public Map<String, Object> properties() {
        return Map.of();
    }
}
