/**
 * The node's metrics, exposed at {@code /metrics} in Prometheus text format (http.MetricsRoute).
 *
 * <ul>
 *   <li>{@link telemetry.Telemetry} owns one Micrometer Prometheus registry per node (never a
 *       static global one: several nodes in one JVM keep separate numbers) and the meter groups
 *       below; it is created by orcha.OrchaNode and handed to what records, as create(...)
 *       parameters.
 *   <li>{@link telemetry.ProbeMetrics}, {@link telemetry.FleetMetrics}: probes and the fleet's
 *       state. Per-server data is aggregated over servers (histograms and fleet-wide gauges): no
 *       label names a server or a cluster, so the number of series does not grow with the fleet.
 *   <li>{@link telemetry.RecoveryMetrics}: detections, recoveries, skips and the per-phase
 *       durations of recoveries; labels are analysis codes, results and phases (fixed sets).
 *   <li>{@link telemetry.ClusterMetrics}, {@link telemetry.BackendMetrics}: orcha's own cluster
 *       (members, leader, fence writes) and the node's backend writes.
 *   <li>{@link telemetry.ActorMetrics}: live actors per family, message processing time and
 *       mailbox size of the hot actors, dispatcher utilisation.
 * </ul>
 *
 * Recording is meant for hot paths: meters are resolved once and kept in fields, so a probe
 * costs a histogram update and no registry lookup.
 */
package telemetry;
