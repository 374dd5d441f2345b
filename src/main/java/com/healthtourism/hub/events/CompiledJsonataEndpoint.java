package com.healthtourism.hub.events;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
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
            // a String body (the relay's) is parsed as it is, without a copy into bytes first
            var body = exchange.getIn().getBody();
            input = body instanceof String text ? json.readValue(text, Object.class)
                    : json.readValue(exchange.getIn().getBody(InputStream.class), Object.class);
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
        if (getOutputType() == JsonataInputOutputType.JsonString) {
            ExchangeHelper.setInOutBodyPatternAware(exchange, isPrettyPrint()
                    ? json.writerWithDefaultPrettyPrinter().writeValueAsString(result) : json.writeValueAsString(result));
        } else {
            // the tree straight from the result, not written as text and read back as Camel's endpoint does (the same
            // tree: a result that is nothing is a JSON null there too)
            ExchangeHelper.setInOutBodyPatternAware(exchange,
                    result == null ? NullNode.getInstance() : json.valueToTree(result));
        }
    }
}
