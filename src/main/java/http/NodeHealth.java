package http;

/**
 * This node's health for /api/health and /api/status.
 *
 * @param error why the node is unhealthy; empty when healthy
 */
public record NodeHealth(boolean healthy, String hostname, String token, boolean leader,
    String backend, String error) {}
