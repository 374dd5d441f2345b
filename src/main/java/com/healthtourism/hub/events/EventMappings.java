package com.healthtourism.hub.events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Finds the JSONata mapping of a partner event type: {@code <mappings-dir>/<source>/<event-type>.jsonata}, the
 * event type spelled as the partner sends it. Names that could leave the directory have no mapping. Called from
 * the outbox routes as {@code eventMappings}.
 *
 * <p>With {@code hub.mappings.cache} on (production) a mapping once found is remembered, as its parsed text is:
 * the relay asks for every row, and a look at the disk per row was a tenth of its own work. A missing one is looked
 * for again each time, so a mapping added later applies to the next message. Local mode (cache off) looks every
 * time, so a removed mapping is missing at once too.
 */
@Component("eventMappings")
public class EventMappings {

    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}");

    private final Path directory;
    private final boolean cache;
    // only mappings that exist: as many as there are files
    private final Map<String, String> found = new ConcurrentHashMap<>();

    public EventMappings(@Value("${hub.mappings-dir}") String directory, @Value("${hub.mappings.cache:true}") boolean cache) {
        this.directory = Path.of(directory).toAbsolutePath().normalize();
        this.cache = cache;
    }

    /** The mapping's resource URI for the JSONata component ({@code file:...}), or null when there is none. */
    public String resourceUri(String source, String eventType) {
        if (source == null || eventType == null) {
            return null;
        }
        var key = source + '/' + eventType;
        var known = cache ? found.get(key) : null;
        if (known != null) {
            return known;
        }
        var uri = lookUp(source, eventType);
        if (cache && uri != null) {
            found.put(key, uri);
        }
        return uri;
    }

    private String lookUp(String source, String eventType) {
        if (!SOURCE.matcher(source).matches() || !EVENT_TYPE.matcher(eventType).matches() || eventType.contains("..")) {
            return null;
        }
        var file = directory.resolve(source).resolve(eventType + ".jsonata").normalize();
        if (!file.startsWith(directory) || !Files.isRegularFile(file)) {
            return null;
        }
        return "file:" + file;
    }
}
