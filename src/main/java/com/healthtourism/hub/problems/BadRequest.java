package com.healthtourism.hub.problems;

import org.springframework.http.HttpStatus;

public class BadRequest extends ProblemException {

    public BadRequest(String field, String detail) {
        super(HttpStatus.BAD_REQUEST, field, detail);
    }
}
