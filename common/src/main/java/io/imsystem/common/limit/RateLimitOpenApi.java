package io.imsystem.common.limit;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Documents the rate limit of every route marked {@code @Extension(name = "x-rate-limit", value = <bucket>)}
 * beside its {@link RateLimit}: the X-RateLimit-* headers on each of its answers and the 429.
 */
public class RateLimitOpenApi implements OASFilter {

    public static final String EXTENSION = "x-rate-limit";

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getExtensions() == null || !operation.getExtensions().containsKey(EXTENSION)) {
            return operation;
        }
        String bucket = String.valueOf(operation.getExtensions().get(EXTENSION));
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        if (operation.getResponses().getAPIResponse("429") == null) {
            operation.getResponses().addAPIResponse("429", OASFactory.createAPIResponse()
                    .description("RATE_LIMITED: the caller's bucket '" + bucket + "' is empty; retry after Retry-After seconds")
                    .addHeader("Retry-After", header("seconds until a call is allowed again")));
        }
        for (APIResponse r : operation.getResponses().getAPIResponses().values()) {
            r.addHeader(RateLimitFilter.LIMIT, header("calls the bucket '" + bucket + "' holds when full"));
            r.addHeader(RateLimitFilter.REMAINING, header("calls left in the bucket now"));
            r.addHeader(RateLimitFilter.RESET, header("seconds until the bucket is full again"));
        }
        return operation;
    }

    private static Header header(String description) {
        return OASFactory.createHeader().description(description)
                .schema(OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.INTEGER)));
    }
}
