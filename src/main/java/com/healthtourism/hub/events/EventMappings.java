package com.healthtourism.hub.events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Finds the JSONata mapping of a partner event type: {@code <mappings-dir>/<source>/<event-type>.jsonata}, the
 * event type spelled as the partner sends it. Names that could leave the directory have no mapping. Called from
 * the outbox routes as {@code eventMappings}.
 */
@Component("eventMappings")
public class EventMappings {

    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}");

    private final Path directory;

    public EventMappings(@Value("${hub.mappings-dir}") String directory) {
        this.directory = Path.of(directory).toAbsolutePath().normalize();
    }

    /** The mapping's resource URI for the JSONata component ({@code file:...}), or null when there is none. */
    public String resourceUri(String source, String eventType) {
        if (source == null || eventType == null || !SOURCE.matcher(source).matches()
                || !EVENT_TYPE.matcher(eventType).matches() || eventType.contains("..")) {
            return null;
        }
        var file = directory.resolve(source).resolve(eventType + ".jsonata").normalize();
        if (!file.startsWith(directory) || !Files.isRegularFile(file)) {
            return null;
        }
        return "file:" + file;
    }
}
