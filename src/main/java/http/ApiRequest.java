package http;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * A request matched against a route: its path parameters (percent-decoded, trimmed) and access
 * to query parameters (decoded, trimmed) and headers.
 */
public final class ApiRequest {

  private final HttpRequest http;
  private final Map<String, String> params;
  private final String user;

  ApiRequest(HttpRequest http, Map<String, String> params) {
    this(http, params, "");
  }

  ApiRequest(HttpRequest http, Map<String, String> params, String user) {
    this.http = http;
    this.params = Map.copyOf(params);
    this.user = user == null ? "" : user;
  }

  /**
   * The authenticated user (basic/multi user name, proxy header user); "" without
   * authentication, where the node's name stands in (orchestrator-api.md §1.4).
   */
  public String user() {
    return user;
  }

  /** A path parameter, trimmed; "" when the route has no such parameter. */
  public String param(String name) {
    return params.getOrDefault(name, "");
  }

  /** A query parameter, decoded and trimmed; empty when absent. */
  public Optional<String> query(String name) {
    try {
      return http.getUri().query().get(name).map(String::trim);
    } catch (RuntimeException e) {
      // Pekko parses the query lazily: a bad escape surfaces here
      throw new ApiException("Invalid query string: " + e.getMessage());
    }
  }

  public List<HttpHeader> headers() {
    return java.util.stream.StreamSupport.stream(http.getHeaders().spliterator(), false).toList();
  }

  public HttpRequest http() {
    return http;
  }
}
