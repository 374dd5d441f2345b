package com.healthtourism.hub.events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Finds the JSONata mapping of a partner event type: {@code <mappings-dir>/<source>/<event-type>.jsonata}, the
 * event type spelled as the partner sends it. Names that could leave the directory have no mapping. Called from
 * the outbox routes as {@code eventMappings}.
 *
 * <p>With {@code hub.mappings.cache} on (production) a mapping found is remembered for a few seconds: the relay
 * asks for every row, and a look at the disk per row was a tenth of its own work. A missing one is looked for again
 * each time, so a mapping added later applies to the next message; a removed one is missing once its few seconds
 * are over (a row meanwhile fails its batch, which the relay retries). Local mode (cache off) looks every time.
 */
@Component("eventMappings")
public class EventMappings {

    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}");

    static final Duration REMEMBERED = Duration.ofSeconds(5);

    private final Path directory;
    private final boolean cache;
    // only mappings that exist: as many as there are files
    private final Cache<String, String> found;

    @Autowired
    public EventMappings(@Value("${hub.mappings-dir}") String directory, @Value("${hub.mappings.cache:true}") boolean cache) {
        this(directory, cache, REMEMBERED);
    }

    EventMappings(String directory, boolean cache, Duration remembered) {
        this.directory = Path.of(directory).toAbsolutePath().normalize();
        this.cache = cache;
        this.found = Caffeine.newBuilder().expireAfterWrite(remembered).maximumSize(4096).build();
    }

    /** The mapping's resource URI for the JSONata component ({@code file:...}), or null when there is none. */
    public String resourceUri(String source, String eventType) {
        if (source == null || eventType == null) {
            return null;
        }
        var key = source + '/' + eventType;
        var known = cache ? found.getIfPresent(key) : null;
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
