package http;

import topology.Thresholds;

/**
 * The settings the HTTP layer reads.
 *
 * @param urlPrefix URLPrefix, normalised: empty or starting with "/" and no trailing "/"
 * @param statusEndpoint StatusEndpoint, an absolute path (default /api/status)
 * @param defaultInstancePort DefaultInstancePort, for cluster hints without a port
 */
public record ApiSettings(
    String urlPrefix,
    String statusEndpoint,
    int defaultInstancePort,
    Thresholds thresholds,
    String nodeHostname) {}
