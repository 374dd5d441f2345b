package com.healthtourism.hub.events;

/** A mapping that cannot make a hub event of a message. Its message names fields, never their values. */
public class MappingFailure extends RuntimeException {

    public MappingFailure(String message) {
        super(message);
    }
}
