/**
 * The orchestrator-compatible HTTP API (orchestrator-api.md beside the repository).
 *
 * <ul>
 *   <li>{@link http.HttpServer} binds {@link http.ApiRouter} to a ListenAddress and unbinds on
 *       CoordinatedShutdown; over HTTPS with {@link http.ApiTls} (certificate, key and the
 *       mutual-TLS CAs, read from PEM files by {@link http.PemFiles}).
 *   <li>{@link http.ApiRouter} matches {@code {URLPrefix}/api/...} against a
 *       {@link http.RouteTable} filled by the area classes (discovery, instances, clusters,
 *       meta); every answer is JSON, failures go through {@link http.ErrorMapping}.
 *   <li>{@link http.ApiJson} and {@link http.TopologyText} are the pure renderings of the
 *       topology domain; {@link http.NodeApi} is all the routes ask of the node.
 * </ul>
 */
package http;
