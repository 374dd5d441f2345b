package com.healthtourism.hub.problems;

import org.springframework.http.HttpStatus;

public class Conflict extends ProblemException {

    public Conflict(String field, String detail) {
        super(HttpStatus.CONFLICT, field, detail);
    }
}
