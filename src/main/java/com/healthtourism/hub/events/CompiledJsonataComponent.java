package com.healthtourism.hub.events;

import java.util.Map;

import com.dashjoin.jsonata.Jsonata;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.camel.Endpoint;
import org.apache.camel.component.jsonata.JsonataComponent;
import org.apache.camel.component.jsonata.JsonataFrameBinding;
import org.springframework.stereotype.Component;

/**
 * Camel's {@code jsonata:} component, except that a mapping's text is parsed once and the parsed expression is
 * evaluated for every message that uses it. The stock endpoint parses the text on every exchange, which was most of
 * the outbox relay's CPU. Expressions are kept by their text, so an edited mapping (local mode reads the file on
 * every message) is parsed again on its next use and an old text ages out of the bounded cache.
 *
 * <p>Sharing one parsed expression between evaluations needs com.dashjoin:jsonata 0.9.10 or later: 0.9.9 leaves
 * each evaluation's block frame behind as the expression's environment, so a reused expression with a
 * {@code ( $x := ...; ... )} block slowed down with every message until the stack overflowed.
 */
@Component("jsonata")
public class CompiledJsonataComponent extends JsonataComponent {

    private final Cache<String, Jsonata> expressions = Caffeine.newBuilder().maximumSize(512).build();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        boolean contentCache = getAndRemoveParameter(parameters, "contentCache", Boolean.class, isContentCache());
        var binding = resolveAndRemoveReferenceParameter(parameters, "frameBinding", JsonataFrameBinding.class);
        var endpoint = new CompiledJsonataEndpoint(uri, this, remaining,
                binding != null ? binding : getFrameBinding());
        endpoint.setContentCache(contentCache);
        endpoint.setAllowTemplateFromHeader(isAllowTemplateFromHeader());
        return endpoint;
    }

    /** The parsed expression of a mapping text, parsed on first use; a text that does not parse throws each time. */
    Jsonata expression(String text) {
        return expressions.get(text, Jsonata::jsonata);
    }
}
