package com.healthtourism.hub.events;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonata.JsonataFrameBinding;
import org.apache.camel.component.jsonata.JsonataInputOutputType;
import org.apache.camel.component.jsonata.JsonataEndpoint;
import org.apache.camel.support.ExchangeHelper;

/**
 * A {@code jsonata:} endpoint that takes its parsed expression from {@link CompiledJsonataComponent} instead of
 * parsing the mapping text for every exchange; input, output, frame binding and content cache behave as in Camel's
 * endpoint. A template from a header (allowTemplateFromHeader) is left to Camel's own code path.
 */
class CompiledJsonataEndpoint extends JsonataEndpoint {

    private final ObjectMapper json = new ObjectMapper();
    private final CompiledJsonataComponent expressions;

    CompiledJsonataEndpoint(String uri, CompiledJsonataComponent component, String resourceUri,
            JsonataFrameBinding frameBinding) {
        super(uri, component, resourceUri, frameBinding);
        this.expressions = component;
    }

    @Override
    protected void onExchange(Exchange exchange) throws Exception {
        if (isAllowTemplateFromHeader()) {
            super.onExchange(exchange);
            return;
        }
        Object input;
        if (getInputType() == JsonataInputOutputType.JsonString) {
            input = json.readValue(exchange.getIn().getBody(InputStream.class), Object.class);
        } else {
            input = json.convertValue(exchange.getIn().getBody(), Object.class);
        }
        String text;
        try (var resource = getResourceAsInputStream()) {
            text = new String(resource.readAllBytes(), StandardCharsets.UTF_8);
        }
        var expression = expressions.expression(text);
        var frame = expression.createFrame();
        if (getFrameBinding() != null) {
            getFrameBinding().bindToFrame(frame);
        }
        var result = expression.evaluate(input, frame);
        var written = isPrettyPrint() ? json.writerWithDefaultPrettyPrinter().writeValueAsString(result)
                : json.writeValueAsString(result);
        ExchangeHelper.setInOutBodyPatternAware(exchange,
                getOutputType() == JsonataInputOutputType.JsonString ? written : json.readTree(written));
    }
}
