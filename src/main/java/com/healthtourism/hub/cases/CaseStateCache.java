package com.healthtourism.hub.cases;

import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code case:state:{caseId}}: a case's state without patient data (never PII in Redis), cached for
 * {@code hub.cases.state-ttl} (an hour) and dropped on every change. Only reads use it; a move always reads the
 * row. A Redis failure is a cache miss.
 */
@Component
public class CaseStateCache {

    private static final Logger log = LoggerFactory.getLogger(CaseStateCache.class);

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
            return Optional.of(json.readValue(cached, CaseSummary.class)).filter(state -> state.tenantId().equals(tenantId));
        } catch (DataAccessException | JsonProcessingException e) {
            log.warn("case state cache not read ({})", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    public void put(CaseSummary state) {
        try {
            redis.opsForValue().set(key(state.id()), json.writeValueAsString(state), properties.stateTtl());
        } catch (DataAccessException | JsonProcessingException e) {
            log.warn("case state cache not written ({})", e.getClass().getSimpleName());
        }
    }

    public void drop(UUID caseId) {
        try {
            redis.delete(key(caseId));
        } catch (DataAccessException e) {
            log.warn("case state cache not dropped ({}); it expires within {}", e.getClass().getSimpleName(),
                    properties.stateTtl());
        }
    }

    static String key(UUID caseId) {
        return "case:state:" + caseId;
    }
}
