package com.healthtourism.hub.problems;

import org.springframework.http.HttpStatus;

public class NotFound extends ProblemException {

    public NotFound(String resource, Object id) {
        super(HttpStatus.NOT_FOUND, null, "no " + resource + " with id " + id);
    }
}
