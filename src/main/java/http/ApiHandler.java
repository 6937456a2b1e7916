package http;

import java.util.concurrent.CompletionStage;

/**
 * Answers one matched API request. May throw (an {@link ApiException} for bad input) or return
 * a failed stage; {@link ErrorMapping} turns both into an ERROR envelope.
 */
@FunctionalInterface
public interface ApiHandler {
  CompletionStage<ApiReply> handle(ApiRequest request) throws Exception;
}
