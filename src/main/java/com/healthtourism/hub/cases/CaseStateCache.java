package com.healthtourism.hub.cases;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * {@code case:state:{caseId}}: a case's state without patient data (never PII in Redis), cached for
 * {@code hub.cases.state-ttl} (an hour) and dropped on every change, versioned so that a read racing with a change
 * cannot cache the older state. Only reads use it; a move always reads the row. A Redis failure is a cache miss.
 */
@Component
public class CaseStateCache {

    private static final Logger log = LoggerFactory.getLogger(CaseStateCache.class);
    private static final Duration CHANGED_MARK = Duration.ofMinutes(1);
    // KEYS[1] the case's key; ARGV: the state, its version, the TTL in ms. Nothing is written over a later version.
    private static final RedisScript<Long> PUT_UNLESS_NEWER = RedisScript.of("""
            local current = redis.call('GET', KEYS[1])
            if current then
                local ok, cached = pcall(cjson.decode, current)
                if ok and type(cached) == 'table' and tonumber(cached.version)
                        and tonumber(cached.version) > tonumber(ARGV[2]) then
                    return 0
                end
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
            return 1
            """, Long.class);

    private final StringRedisTemplate redis;
    private final ObjectMapper json;
    private final CaseProperties properties;

    public CaseStateCache(StringRedisTemplate redis, ObjectMapper json, CaseProperties properties) {
        this.redis = redis;
        this.json = json;
        this.properties = properties;
    }

    /** The cached state if it belongs to {@code tenantId}: another tenant's entry is a miss, like its row. */
    public Optional<CaseSummary> get(UUID tenantId, UUID caseId) {
        try {
            var cached = redis.opsForValue().get(key(caseId));
            if (cached == null) {
                return Optional.empty();
            }
            var node = json.readTree(cached);
            if (node.has("changed")) {
                return Optional.empty();
            }
            return Optional.of(json.treeToValue(node, CaseSummary.class)).filter(state -> state.tenantId().equals(tenantId));
        } catch (DataAccessException | JsonProcessingException e) {
            log.warn("case state cache not read ({})", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /**
     * Caches a state read from its row, unless the cache already holds a later version of the case or a mark that it
     * changed to a later one ({@link #drop}): a read that raced with a change cannot put the older state back.
     */
    public void put(CaseSummary state) {
        try {
            redis.execute(PUT_UNLESS_NEWER, List.of(key(state.id())), json.writeValueAsString(state),
                    Long.toString(state.version()), Long.toString(properties.stateTtl().toMillis()));
        } catch (DataAccessException | JsonProcessingException e) {
            log.warn("case state cache not written ({})", e.getClass().getSimpleName());
        }
    }

    /**
     * After a change committed the case's {@code version}: the cached state goes, and a mark of that version stays a
     * minute so that a state read before the change is not cached after it.
     */
    public void drop(UUID caseId, long version) {
        try {
            redis.opsForValue().set(key(caseId), "{\"version\":" + version + ",\"changed\":true}", CHANGED_MARK);
        } catch (DataAccessException e) {
            log.warn("case state cache not dropped ({}); it expires within {}", e.getClass().getSimpleName(),
                    properties.stateTtl());
        }
    }

    static String key(UUID caseId) {
        return "case:state:" + caseId;
    }
}
