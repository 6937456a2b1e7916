/**
 * Talking to managed MySQL/MariaDB servers over R2DBC; depends only on {@code topology} and
 * libraries.
 *
 * <ul>
 *   <li>{@link mysql.Prober}: one non-blocking probe of one server → {@code topology.ProbeResult};
 *       one kept connection per server, a probe's statements sent as one batch;
 *   <li>{@link mysql.Operations}: the operations that change servers (change master, start/stop
 *       replica, read_only, semi-sync, binary logs, kill, GTID waits and errant-GTID repairs),
 *       one fresh connection per call, every statement bounded, every effect read back; results
 *       ({@link mysql.OperationResult}) are values, never exceptions;
 *       {@link mysql.OperationSettings}, {@link mysql.ChangeMasterRequest},
 *       {@link mysql.ReplicationChannel};
 *   <li>{@link mysql.Dialect}: the statements of MySQL 5.7 / 8.0 / 8.4+ and MariaDB 10.x/11.x,
 *       probe queries and operation texts (start/stop replica, change source, read_only);
 *   <li>{@link mysql.InstanceParser}: pure functions from {@link mysql.ServerAnswers} (rows as the
 *       server sent them) to the pieces of {@code topology.Instance};
 *   <li>{@link mysql.MysqlErrors}: driver and server errors → {@code topology.ProbeFailure};
 *   <li>{@link mysql.ProberSettings}, {@link mysql.CustomQuery}: user, timeouts, discovery and
 *       orchestrator's Detect*Query / *Pattern settings.
 * </ul>
 *
 * Logging: keep {@code io.asyncer.r2dbc.mysql.client.ReactorNettyClient} at ERROR (it warns
 * "Connection unexpectedly closed" on every failed connection), and never run
 * {@code io.asyncer.r2dbc.mysql.QUERY} at DEBUG in production: it prints every statement text,
 * and a CHANGE MASTER text contains the replication password.
 */
package mysql;
