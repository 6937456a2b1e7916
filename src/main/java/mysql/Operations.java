package mysql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import mysql.ChangeMasterRequest.Credentials;
import mysql.ChangeMasterRequest.ThreadsAfter;
import mysql.Dialect.ChangeSource;
import mysql.Dialect.Positioning;
import mysql.OperationResult.Outcome;
import mysql.OperationRunner.Check;
import mysql.OperationRunner.Done;
import mysql.OperationRunner.Kind;
import mysql.OperationRunner.Run;
import mysql.OperationRunner.StatementError;
import mysql.OperationRunner.Stop;
import mysql.OperationSessions.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import topology.BinlogCoordinates;
import topology.GtidSet;
import topology.InstanceKey;
import topology.MariaDbGtidPosition;
import topology.ProbeFailure;
import topology.ThreadState;

/**
 * The operations that change servers: point a replica at another master, start and stop
 * replication, set read_only, semi-sync, binary logs, errant-GTID repairs, ... over R2DBC,
 * without blocking a thread.
 *
 * <p>Every call opens a fresh connection (operations are rare; the {@link Prober}'s kept
 * connections are not shared), and closes it in every case — at once, under the driver, when a
 * statement did not answer in time; such a statement is then killed on the server from a second
 * connection, so that it cannot take effect after the caller was told it timed out. Every
 * statement is bounded by {@link OperationSettings#statementTimeout()}. Every operation reads the
 * server again and checks the effect before it reports success (both replication threads
 * running after START SLAVE, a variable read back, the binlog file number grown, ...).
 *
 * <p>The returned stage never fails: every outcome is an {@link OperationResult} whose message
 * names the server, the statement and the server's error. Replication passwords appear in no
 * message, log line or result: statements are logged as {@link Dialect#changeSourceForLog}
 * prints them, and server error texts are scrubbed of the password too.
 *
 * <p>MariaDB: {@code read_only} does not stop users with SUPER or READ ONLY ADMIN, and MariaDB has
 * no super_read_only; {@link #setReadOnly} is not a fence on MariaDB.
 */
public final class Operations implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Operations.class);
  /** Most empty transactions one inject call writes (MySQL GTID sets can be huge ranges). */
  static final int MAX_INJECTED = 10_000;
  private static final List<String> GTID_VARIABLES = List.of("gtid_executed", "gtid_purged",
      "gtid_mode", "gtid_binlog_pos", "gtid_current_pos", "gtid_slave_pos", "gtid_binlog_state",
      "gtid_strict_mode");

  private final OperationSettings settings;
  private final OperationRunner runner;

  public Operations(OperationSettings settings) {
    this(settings, new OperationSessions.R2dbc(settings));
  }

  Operations(OperationSettings settings, Connector connector) {
    this.settings = settings;
    this.runner = new OperationRunner(settings, connector);
    Prober.installDroppedErrorHook();
    if (LoggerFactory.getLogger("io.asyncer.r2dbc.mysql.QUERY").isDebugEnabled()) {
      log.warn("logger io.asyncer.r2dbc.mysql.QUERY is at DEBUG: it prints every statement text,"
          + " CHANGE MASTER with its replication password included; raise it to INFO");
    }
  }

  public OperationSettings settings() {
    return settings;
  }

  /** Connections open right now (0 when no operation runs: each closes its own). */
  public int openConnections() {
    return runner.openConnections();
  }

  /** Connections opened since start (one per operation, one more to kill a timed-out statement). */
  public long connectionsOpened() {
    return runner.connectionsOpened();
  }

  @Override
  public void close() {
    runner.close();
  }

  // =============================================================================================
  // replication source

  /**
   * Points {@code key} at {@code request.master()} with the requested positioning. Replication is
   * stopped first when it runs, and afterwards the threads are restored, started or left stopped
   * as asked. CHANGE MASTER names only what changes: a server that has a channel keeps its
   * credentials, TLS options, connect retry and heartbeat period. A server with no channel
   * (never replicated, or RESET SLAVE ALL) gets the credentials of the request, else of the
   * credentials query, else of {@code orcha.mysql.replication-user}/{@code -password}; without
   * any, the operation is refused before anything changes — MariaDB cannot read replication
   * passwords back, and a channel without a user fails with error 1593 "Invalid (empty)
   * username" only once replication starts.
   */
  public CompletionStage<OperationResult<ReplicationChannel>> changeMaster(InstanceKey key,
      ChangeMasterRequest request) {
    List<String> secrets = new ArrayList<>();
    if (request.credentials() != null) {
      secrets.add(request.credentials().password());
    }
    secrets.add(settings.replicationPassword());
    return runner.run(key, "change-master", secrets, r -> {
      if (request.master().equals(key)) {
        return r.refuse("cannot replicate from itself");
      }
      return channel(r).flatMap(before -> credentials(r, before, request).flatMap(creds -> {
        Dialect d = r.dialect;
        ChangeSource cs = ChangeSource.to(request.master().hostname(), request.master().port(),
            request.positioning()).withRetry(request.connectRetrySeconds(),
            request.heartbeatPeriodSeconds());
        if (creds.isPresent()) {
          cs = cs.withCredentials(creds.get().user(), creds.get().password());
        }
        String sql = d.changeSource(cs);
        String logText = d.changeSourceForLog(cs);
        Mono<Void> change = r.change(sql, logText).then();
        if (before.anyThreadActive()) {
          // CHANGE MASTER failed after we stopped replication: the server is as it was but
          // stopped; put the threads back
          change = change.onErrorResume(e -> putBackThreads(r, before, e));
        }
        if (request.tls() != null) {
          change = change.then(r.change(d.changeSourceTls(request.tls()))).then();
        }
        Mono<ReplicationChannel> stopped = before.anyThreadActive() ? stopAll(r) : Mono.just(before);
        return stopped
            .then(change)
            .then(channel(r))
            .flatMap(after -> verifySource(r, request, creds, after))
            .then(threadsAfter(r, before, request.threadsAfter()))
            .map(after -> new Done<>(after, key.displayString() + " now replicates from "
                + request.master().displayString() + " (" + positioningText(d, request.positioning())
                + "); " + (after.running() ? "replication running"
                : after.anyThreadActive() ? "replication threads started" : "replication stopped")
                + (creds.isPresent() && request.credentials() == null
                ? "; credentials from the configured replication account" : "")));
      }));
    });
  }

  public CompletionStage<OperationResult<ReplicationChannel>> startReplica(InstanceKey key) {
    return runner.run(key, "start-replica", List.of(), r -> replicaChannel(r).flatMap(c -> {
      if (c.running()) {
        return Mono.just(new Done<>(c, "Replica already running: " + key.displayString()));
      }
      return startAll(r).map(ch -> new Done<>(ch, "Replica started: " + key.displayString()));
    }));
  }

  public CompletionStage<OperationResult<ReplicationChannel>> stopReplica(InstanceKey key) {
    return runner.run(key, "stop-replica", List.of(), r -> replicaChannel(r).flatMap(c -> {
      if (!c.anyThreadActive()) {
        return Mono.just(new Done<>(c, "Replica already stopped: " + key.displayString()));
      }
      return stopAll(r).map(ch -> new Done<>(ch, "Replica stopped: " + key.displayString()));
    }));
  }

  /**
   * Skips the transaction a replica's SQL thread stopped on ({@link SkipQuery} decides how:
   * an empty transaction with its GTID on MySQL with GTID, else sql_slave_skip_counter, or
   * gtid_slave_pos past it on MariaDB with several domains), with replication stopped, then
   * starts replication and verifies that both threads run. When the next transaction fails
   * too, the result says so (the skip itself was done).
   */
  public CompletionStage<OperationResult<ReplicationChannel>> skipQuery(InstanceKey key) {
    return runner.run(key, "skip-query", List.of(), r -> replicaChannel(r).flatMap(c ->
        r.variables("gtid_mode", "gtid_slave_pos").flatMap(vars -> {
          SkipQuery.Plan plan = SkipQuery.plan(r.dialect, c.status(),
              nz(vars.get("gtid_mode")), nz(vars.get("gtid_slave_pos")));
          if (plan instanceof SkipQuery.Refused refused) {
            return r.refuse(refused.reason());
          }
          SkipQuery.Skip skip = (SkipQuery.Skip) plan;
          Mono<Void> body = Mono.empty();
          for (String sql : skip.statements()) {
            // GTID_NEXT and BEGIN belong to this session; the rest changes the server
            boolean session = sql.equals("BEGIN") || sql.startsWith("SET GTID_NEXT");
            body = body.then(session ? r.session(sql) : r.change(sql)).then();
          }
          Mono<Void> skipped = skip.restore() == null ? body
              : r.restoring(body, () -> r.session(skip.restore()));
          return (c.anyThreadActive() ? stopAll(r) : Mono.just(c))
              .then(skipped)
              .then(startAll(r).onErrorMap(e -> e instanceof Stop s
                  ? new Stop(s.outcome, s.cause, s.getMessage() + " (after the skip: "
                      + skip.description() + ")")
                  : e))
              .map(ch -> new Done<>(ch, "Query skipped on " + key.displayString() + ": "
                  + skip.description() + "; replication running"));
        })));
  }

  /** STOP SLAVE (when running), START SLAVE, both verified. */
  public CompletionStage<OperationResult<ReplicationChannel>> restartReplica(InstanceKey key) {
    return runner.run(key, "restart-replica", List.of(), r -> replicaChannel(r).flatMap(c ->
        (c.anyThreadActive() ? stopAll(r) : Mono.just(c))
            .then(startAll(r))
            .map(ch -> new Done<>(ch, "Replica restarted: " + key.displayString()))));
  }

  /**
   * Stops the IO thread, lets the SQL thread execute everything received (starting it if it
   * was stopped), then stops it: the replica stops at a position its relay log fully covers.
   * With {@code SQL_Delay} set it does not wait (the delay would have to pass), as orchestrator.
   * When the SQL thread does not catch up within {@code timeout} the IO thread is left stopped
   * and the SQL thread running.
   */
  public CompletionStage<OperationResult<ReplicationChannel>> stopReplicaNicely(InstanceKey key,
      Duration timeout) {
    return runner.run(key, "stop-replica-nice", List.of(), r -> replicaChannel(r).flatMap(c -> {
      Dialect d = r.dialect;
      Mono<Void> steps = Mono.empty();
      if (c.ioActive()) {
        steps = steps.then(r.change(d.stopReplicaIoThread())).then();
      }
      if (!c.sqlActive()) {
        steps = steps.then(r.change(d.startReplicaSqlThread())).then();
      }
      Mono<ReplicationChannel> caughtUp = c.status().sqlDelay() > 0 ? channel(r)
          : r.poll(timeout, "the SQL thread to execute everything received", () -> channel(r), ch -> {
            if (ch.caughtUp()) {
              return new Check.Ok<>(ch);
            }
            if (ch.sqlThread() == ThreadState.STOPPED && ch.status().lastSqlErrno() != 0) {
              return new Check.Fail<>("the SQL thread stopped with error "
                  + ch.status().lastSqlErrno() + ": " + ch.status().lastSqlError()
                  + " before executing everything received (IO thread stopped)");
            }
            return new Check.Wait<>("executed " + ch.executed().displayString() + " of received "
                + ch.received().displayString(), false);
          }, "; the IO thread is stopped and the SQL thread left running");
      return steps.then(caughtUp).then(stopAll(r)).map(ch -> new Done<>(ch,
          "Replica stopped nicely: " + key.displayString() + " at "
              + ch.executed().displayString()));
    }));
  }

  /**
   * {@code START SLAVE UNTIL MASTER_LOG_FILE/POS}: waits (at most {@code timeout}) until the SQL
   * thread stopped exactly there, then stops replication. Refused while the SQL thread runs.
   */
  public CompletionStage<OperationResult<ReplicationChannel>> startReplicaUntil(InstanceKey key,
      BinlogCoordinates until, Duration timeout) {
    return runner.run(key, "start-replica-until", List.of(), r -> {
      if (until == null || until.isEmpty()) {
        return r.refuse("START SLAVE UNTIL needs binlog coordinates");
      }
      return replicaChannel(r).flatMap(c -> {
        if (c.sqlActive()) {
          return r.refuse("replication SQL thread is running: stop replication first");
        }
        return r.change(r.dialect.startReplicaUntil(until))
            .then(r.poll(timeout, "the SQL thread to stop at " + until.displayString(),
                () -> channel(r), ch -> {
                  BinlogCoordinates at = ch.executed();
                  boolean sameFile = at.logFile().equals(until.logFile());
                  if (sameFile && at.logPos() == until.logPos()) {
                    return new Check.Ok<>(ch);
                  }
                  if (at.compareTo(until) > 0) {
                    return new Check.Fail<>("the SQL thread went past " + until.displayString()
                        + ": it executed up to " + at.displayString()
                        + " (not an event boundary?)");
                  }
                  if (ch.sqlThread() == ThreadState.STOPPED && ch.status().lastSqlErrno() != 0) {
                    return new Check.Fail<>("the SQL thread stopped with error "
                        + ch.status().lastSqlErrno() + ": " + ch.status().lastSqlError());
                  }
                  return new Check.Wait<>("executed " + at.displayString(), false);
                }, "; replication left running until " + until.displayString()))
            .then(stopAll(r))
            .map(ch -> new Done<>(ch, "Replica stopped at " + ch.executed().displayString() + ": "
                + key.displayString()));
      });
    });
  }

  /** RESET SLAVE ALL (stopping replication first): the server no longer replicates. */
  public CompletionStage<OperationResult<ReplicationChannel>> resetReplica(InstanceKey key) {
    return runner.run(key, "reset-replica", List.of(), r -> channel(r).flatMap(c -> {
      if (!c.present()) {
        return Mono.just(new Done<>(c, key.displayString() + " has no replication channel to reset"));
      }
      return (c.anyThreadActive() ? stopAll(r) : Mono.just(c))
          .then(r.change(r.dialect.resetReplicaAll()))
          .then(channel(r))
          .flatMap(after -> after.present()
              ? r.fail("after " + r.dialect.resetReplicaAll() + " the server still shows a"
                  + " replication channel: " + after.describe())
              : Mono.just(new Done<>(after, "Replica reset on " + key.displayString())));
    }));
  }

  /**
   * orchestrator's reversible detach: the master host becomes {@code //host}, so the IO thread
   * cannot connect while everything else (port, credentials, position) is kept. File-positioned
   * replicas keep their executed coordinates explicitly (a new host would reset them). The
   * threads are restored as they were (the IO thread then retries in vain: error 2005).
   */
  public CompletionStage<OperationResult<ReplicationChannel>> detachReplicaMasterHost(
      InstanceKey key) {
    return runner.run(key, "detach-replica-master-host", List.of(), r -> replicaChannel(r).flatMap(c -> {
      if (c.detached()) {
        return r.refuse("already detached: its master host is " + c.master().hostname());
      }
      return rewriteMasterHost(r, c, "//" + c.master().hostname(), false).map(ch -> new Done<>(ch,
          "Replica master host detached on " + key.displayString() + ": now "
              + ch.master().displayString()));
    }));
  }

  /** Undoes {@link #detachReplicaMasterHost}: {@code //host} becomes {@code host} again. */
  public CompletionStage<OperationResult<ReplicationChannel>> reattachReplicaMasterHost(
      InstanceKey key) {
    return runner.run(key, "reattach-replica-master-host", List.of(), r -> replicaChannel(r).flatMap(c -> {
      if (!c.detached()) {
        return r.refuse("not detached: its master host is " + c.master().hostname());
      }
      return rewriteMasterHost(r, c, c.master().hostname().substring(2), true).map(ch ->
          new Done<>(ch, "Replica master host reattached on " + key.displayString() + ": "
              + ch.master().displayString()));
    }));
  }

  /**
   * CHANGE MASTER TO MASTER_DELAY / SOURCE_DELAY, stopping replication for it and restoring the
   * threads as they were.
   */
  public CompletionStage<OperationResult<Long>> delayReplication(InstanceKey key, long seconds) {
    return runner.run(key, "delay-replication", List.of(), r -> {
      if (seconds < 0 || seconds > Integer.MAX_VALUE) {
        return r.refuse("Invalid value provided for seconds: " + seconds);
      }
      return replicaChannel(r).flatMap(c -> (c.anyThreadActive() ? stopAll(r) : Mono.just(c))
          .then(r.change(r.dialect.changeSourceDelay(seconds)))
          .then(channel(r))
          .flatMap(after -> after.status().sqlDelay() == seconds ? Mono.just(after)
              : r.fail("SQL_Delay is " + after.status().sqlDelay() + " after "
                  + r.dialect.changeSourceDelay(seconds)))
          .then(threadsAfter(r, c, ThreadsAfter.RESTORE))
          .map(ch -> new Done<>(seconds, key.displayString() + ": replication delay set to "
              + seconds + " s")));
    });
  }

  /** What the server says about its replication channel ({@link ReplicationChannel#NONE} when none). */
  public CompletionStage<OperationResult<ReplicationChannel>> readReplicationChannel(
      InstanceKey key) {
    return runner.run(key, "read-replication-channel", List.of(), r -> channel(r)
        .flatMap(c -> c.present() ? heartbeat(r).map(c::withHeartbeat).defaultIfEmpty(c)
            : Mono.just(c))
        .map(c -> new Done<>(c, key.displayString() + ": " + c.describe())));
  }

  // =============================================================================================
  // read_only, semi-sync

  /**
   * SET GLOBAL read_only (and super_read_only on MySQL 5.7.8+ when
   * {@link OperationSettings#useSuperReadOnly()}), read back. On MariaDB read_only does not stop
   * users with SUPER or READ ONLY ADMIN: it is not a fence there.
   */
  public CompletionStage<OperationResult<Boolean>> setReadOnly(InstanceKey key, boolean readOnly) {
    return runner.run(key, readOnly ? "set-read-only" : "set-writeable", List.of(), r -> {
      Dialect d = r.dialect;
      return r.variables("read_only", "super_read_only").flatMap(vars -> {
        boolean useSuper = settings.useSuperReadOnly() && d.supportsSuperReadOnly()
            && vars.containsKey("super_read_only");
        if (InstanceParser.on(vars.get("read_only")) == readOnly
            && (!useSuper || InstanceParser.on(vars.get("super_read_only")) == readOnly)) {
          return Mono.just(new Done<>(readOnly, key.displayString() + ": already "
              + (readOnly ? "read-only" : "writeable")));
        }
        List<String> statements = new ArrayList<>();
        if (readOnly) {
          statements.add(d.setReadOnly(true));
          if (useSuper) {
            statements.add(d.setSuperReadOnly(true));
          }
        } else {
          if (useSuper) {
            statements.add(d.setSuperReadOnly(false));
          }
          statements.add(d.setReadOnly(false));
        }
        Mono<Void> steps = Mono.empty();
        for (String st : statements) {
          steps = steps.then(r.change(st)).then();
        }
        return steps.then(r.poll(settings.verifyTimeout(), "read_only to read back as "
                + onOff(readOnly), () -> r.variables("read_only", "super_read_only"), v -> {
              boolean ok = InstanceParser.on(v.get("read_only")) == readOnly
                  && (!useSuper || InstanceParser.on(v.get("super_read_only")) == readOnly);
              return ok ? new Check.Ok<>(readOnly) : new Check.Wait<>("read_only="
                  + v.get("read_only") + (useSuper ? ", super_read_only=" + v.get("super_read_only") : ""),
                  false);
            }, ""))
            .map(v -> new Done<>(readOnly, key.displayString() + ": server set as "
                + (readOnly ? "read-only" : "writeable")
                + (readOnly && d.isMariaDb() ? " (MariaDB: users with SUPER or READ ONLY ADMIN still write)" : "")));
      });
    });
  }

  /** SET GLOBAL rpl_semi_sync_master_enabled / rpl_semi_sync_source_enabled, read back. */
  public CompletionStage<OperationResult<Boolean>> setSemiSyncMaster(InstanceKey key,
      boolean enabled) {
    return runner.run(key, (enabled ? "enable" : "disable") + "-semi-sync-master", List.of(), r ->
        semiSyncVariable(r, "rpl_semi_sync_source_enabled", "rpl_semi_sync_master_enabled")
            .flatMap(name -> r.change(Dialect.setGlobalSwitch(name, enabled))
                .then(readBack(r, name, enabled))
                .map(v -> new Done<>(enabled, "master semi-sync set to " + enabled + " on "
                    + key.displayString()))));
  }

  /**
   * SET GLOBAL rpl_semi_sync_slave_enabled / rpl_semi_sync_replica_enabled, read back; a running
   * IO thread is restarted so that it takes effect, and the replica's semi-sync status is then
   * waited for.
   */
  public CompletionStage<OperationResult<Boolean>> setSemiSyncReplica(InstanceKey key,
      boolean enabled) {
    return runner.run(key, (enabled ? "enable" : "disable") + "-semi-sync-replica", List.of(), r ->
        semiSyncVariable(r, "rpl_semi_sync_replica_enabled", "rpl_semi_sync_slave_enabled")
            .flatMap(name -> {
              String status = name.contains("replica") ? "Rpl_semi_sync_replica_status"
                  : "Rpl_semi_sync_slave_status";
              Dialect d = r.dialect;
              return r.change(Dialect.setGlobalSwitch(name, enabled))
                  .then(readBack(r, name, enabled))
                  .then(channel(r))
                  .flatMap(c -> !c.ioActive() ? Mono.just(false)
                      : r.change(d.stopReplicaIoThread()).then(r.change(d.startReplicaIoThread()))
                          .then(r.poll(settings.verifyTimeout(), status + " to become "
                              + onOff(enabled), () -> channel(r).flatMap(ch ->
                                  r.status(status).map(v -> new ChannelAnd(ch, v))), t -> {
                                ReplicationChannel ch = t.channel();
                                String s = t.values().get(status.toLowerCase(Locale.ROOT));
                                if (s == null || InstanceParser.on(s) == enabled) {
                                  return new Check.Ok<>(true);
                                }
                                return new Check.Wait<>(status + "=" + s + ", " + ch.describe(),
                                    ch.status().lastIoErrno() != 0);
                              }, "")))
                  .map(restarted -> new Done<>(enabled, "replica semi-sync set to " + enabled
                      + " on " + key.displayString()
                      + (restarted ? " (IO thread restarted)" : " (IO thread not running)")));
            }));
  }

  public CompletionStage<OperationResult<Boolean>> enableSemiSyncMaster(InstanceKey key) {
    return setSemiSyncMaster(key, true);
  }

  public CompletionStage<OperationResult<Boolean>> disableSemiSyncMaster(InstanceKey key) {
    return setSemiSyncMaster(key, false);
  }

  public CompletionStage<OperationResult<Boolean>> enableSemiSyncReplica(InstanceKey key) {
    return setSemiSyncReplica(key, true);
  }

  public CompletionStage<OperationResult<Boolean>> disableSemiSyncReplica(InstanceKey key) {
    return setSemiSyncReplica(key, false);
  }

  // =============================================================================================
  // binary logs, processes

  /** FLUSH BINARY LOGS; verified by the binlog file number growing. Value: the new position. */
  public CompletionStage<OperationResult<BinlogCoordinates>> flushBinaryLogs(InstanceKey key) {
    return runner.run(key, "flush-binary-logs", List.of(), r -> ownCoordinates(r).flatMap(before ->
        r.change(r.dialect.flushBinaryLogs())
            .then(ownCoordinates(r))
            .flatMap(after -> after.compareTo(before) > 0
                && !after.logFile().equals(before.logFile()) ? Mono.just(after)
                : r.fail("the binary log is still " + after.logFile() + " after FLUSH BINARY LOGS"))
            .map(after -> new Done<>(after, "Binary logs flushed on: " + key.displayString()
                + " (now " + after.logFile() + ")"))));
  }

  /**
   * PURGE BINARY LOGS TO {@code logFile}; verified with SHOW BINARY LOGS (a file still in use
   * by a replica may be kept by the server: reported as a failure naming it). Whether replicas
   * still need the files is the caller's decision. Value: the oldest binary log left.
   */
  public CompletionStage<OperationResult<String>> purgeBinaryLogs(InstanceKey key, String logFile) {
    return runner.run(key, "purge-binary-logs", List.of(), r -> {
      if (logFile == null || logFile.isBlank()) {
        return r.refuse("no binary log file given");
      }
      return binaryLogs(r).flatMap(before -> {
        int idx = before.indexOf(logFile);
        if (idx < 0) {
          return r.refuse("has no binary log named " + logFile
              + (before.isEmpty() ? " (binary logging is off?)"
              : " (it has " + before.get(0) + " .. " + before.get(before.size() - 1) + ")"));
        }
        List<String> older = before.subList(0, idx);
        String purge = r.dialect.purgeBinaryLogsTo(logFile);
        // MariaDB silently keeps a binlog whose transactions InnoDB has not yet checkpointed
        // (crash recovery needs it; about a second after a write): purge again until it is gone
        return r.change(purge).then(r.poll(settings.verifyTimeout(), "the binary logs before "
            + logFile + " to go", () -> binaryLogs(r), after -> {
              List<String> kept = after.stream().filter(older::contains).toList();
              return kept.isEmpty() ? new Check.Ok<>(after) : new Check.Wait<>("kept " + kept,
                  false);
            }, " (in use by a replica, or still needed for crash recovery)",
            () -> r.exec(purge, purge, Kind.REPEAT, settings.statementTimeout())))
            .map(after -> new Done<>(after.isEmpty() ? "" : after.get(0), "Purged binary logs"
                + " on " + key.displayString() + " up to " + logFile + " (" + older.size()
                + " files removed)"));
      });
    });
  }

  /** KILL QUERY; verified by the process no longer running that statement. */
  /**
   * Ends the client sessions of a server (a demoted master: on MariaDB read_only does not stop
   * SUPER users, so their open sessions could still write). Replication threads, system threads
   * and this session are left alone; sessions of orcha's own account are ended too (an
   * application may use it). Value: how many sessions were killed.
   */
  public CompletionStage<OperationResult<Long>> killClientSessions(InstanceKey key) {
    return runner.run(key, "kill-client-sessions", List.of(), r -> r.read(
            "SELECT ID, USER, COMMAND FROM information_schema.PROCESSLIST"
                + " WHERE ID <> CONNECTION_ID() AND USER NOT IN ('system user', 'event_scheduler')"
                + " AND COMMAND NOT IN ('Binlog Dump', 'Binlog Dump GTID', 'Daemon', 'Killed')")
        .flatMap(rows -> {
          List<Long> ids = new ArrayList<>();
          for (Map<String, String> row : rows) {
            Map<String, String> p = ServerAnswers.caseInsensitive(row);
            long id = InstanceParser.parseLong(p.get("ID"), 0);
            if (id > 0) {
              ids.add(id);
            }
          }
          reactor.core.publisher.Mono<Void> kills = reactor.core.publisher.Mono.empty();
          for (long id : ids) {
            // a session that ended meanwhile is fine: errors of single kills are ignored
            kills = kills.then(r.change("KILL CONNECTION " + id).then()
                .onErrorResume(e -> reactor.core.publisher.Mono.empty()));
          }
          return kills.thenReturn(new Done<>((long) ids.size(),
              "Ended " + ids.size() + " client sessions on " + key.displayString()));
        }));
  }

  public CompletionStage<OperationResult<Long>> killQuery(InstanceKey key, long processId) {
    return runner.run(key, "kill-query", List.of(), r -> {
      if (processId < 1) {
        return r.refuse("invalid process id " + processId);
      }
      Dialect d = r.dialect;
      return r.read(d.processQuery(processId)).flatMap(rows -> {
        if (rows.isEmpty()) {
          return r.refuse("has no process " + processId);
        }
        Map<String, String> p = ServerAnswers.caseInsensitive(rows.get(0));
        String info = p.get("INFO");
        long time = InstanceParser.parseLong(p.get("TIME"), 0);
        if (info == null || !"Query".equalsIgnoreCase(p.get("COMMAND"))) {
          return r.refuse("process " + processId + " runs no query (Command "
              + p.get("COMMAND") + ")");
        }
        return r.change(d.killQuery(processId))
            .then(r.poll(settings.verifyTimeout(), "process " + processId + " to end its query",
                () -> r.read(d.processQuery(processId)), now -> {
                  if (now.isEmpty()) {
                    return new Check.Ok<>(processId);
                  }
                  Map<String, String> q = ServerAnswers.caseInsensitive(now.get(0));
                  String command = q.get("COMMAND");
                  if (!"Query".equalsIgnoreCase(command) && !"Killed".equalsIgnoreCase(command)) {
                    return new Check.Ok<>(processId);
                  }
                  if (!info.equals(q.get("INFO"))
                      || InstanceParser.parseLong(q.get("TIME"), 0) < time) {
                    return new Check.Ok<>(processId); // the connection runs another query now
                  }
                  return new Check.Wait<>("Command " + command + ", Time " + q.get("TIME"), false);
                }, ""))
            .map(id -> new Done<>(id, "Killed query " + processId + " on " + key.displayString()));
      });
    });
  }

  // =============================================================================================
  // GTID

  /**
   * Waits on the server until it executed {@code position} (MariaDB {@code MASTER_GTID_WAIT},
   * which waits on gtid_slave_pos; MySQL {@code WAIT_FOR_EXECUTED_GTID_SET}) for at most
   * {@code timeout}. Not reached in time: {@link Outcome#TIMED_OUT}. Value: the server's position
   * afterwards (MariaDB gtid_slave_pos, MySQL gtid_executed).
   */
  public CompletionStage<OperationResult<String>> waitForGtid(InstanceKey key, String position,
      Duration timeout) {
    return runner.run(key, "wait-for-gtid", List.of(), r -> {
      Dialect d = r.dialect;
      String pos = position == null ? "" : position.trim();
      try {
        if (pos.isEmpty()) {
          throw new IllegalArgumentException("empty GTID position");
        }
        if (d.isMariaDb()) {
          MariaDbGtidPosition.parse(pos);
        } else {
          GtidSet.parse(pos);
        }
      } catch (IllegalArgumentException e) {
        return r.refuse(e.getMessage());
      }
      String sql = d.waitForGtid(pos, timeout);
      return r.exec(sql, sql, Kind.READ, timeout.plus(settings.statementTimeout()))
          .flatMap(rows -> {
            String v = rows.isEmpty() ? null : firstValue(rows.get(0));
            return gtidPosition(r).map(g -> {
              String now = d.isMariaDb() ? g.slavePos() : g.executed();
              if ("0".equals(v)) {
                return new Done<>(now, key.displayString() + " reached GTID position " + pos
                    + " (" + (d.isMariaDb() ? "gtid_slave_pos " : "gtid_executed ") + now + ")");
              }
              String why = v == null ? "the wait returned NULL (bad position?)"
                  : "did not reach GTID position " + pos + " within " + MysqlErrors.human(timeout);
              throw new Stop(v == null ? Outcome.REFUSED : Outcome.TIMED_OUT,
                  v == null ? ProbeFailure.Reason.SERVER_ERROR : ProbeFailure.Reason.TIMEOUT,
                  key.displayString() + ": " + why + " ("
                      + (d.isMariaDb() ? "gtid_slave_pos " : "gtid_executed ") + now + ")");
            });
          });
    });
  }

  /**
   * Injects one empty transaction per errant GTID on {@code key} (normally the cluster's master),
   * so that the replica holding them is no longer ahead: MariaDB {@code domain-server-seq}
   * entries (the session's gtid_domain_id, server_id and gtid_seq_no set for each, then put back;
   * MariaDB binlogs no empty BEGIN/COMMIT, so the transaction is a DROP TABLE IF EXISTS of a
   * table that does not exist), MySQL {@code uuid:n} ({@code SET GTID_NEXT}, BEGIN, COMMIT, then
   * {@code GTID_NEXT=AUTOMATIC}). With gtid_strict_mode each MariaDB sequence must be above the
   * server's last one in its domain: the caller computes them. GTIDs the server already has are
   * skipped. Value: the GTIDs injected.
   */
  public CompletionStage<OperationResult<List<String>>> injectEmptyTransaction(InstanceKey key,
      String errant) {
    return runner.run(key, "gtid-errant-inject-empty", List.of(), r -> r.dialect.isMariaDb()
        ? injectMariaDb(r, errant) : injectMySql(r, errant));
  }

  /**
   * Removes errant GTIDs from a replica by forgetting its own binary logs: MariaDB remembers
   * gtid_slave_pos, STOP SLAVE, RESET MASTER, SET GLOBAL gtid_slave_pos (unchanged), START SLAVE;
   * MySQL RESET MASTER (8.2+: RESET BINARY LOGS AND GTIDS) and gtid_purged = gtid_executed minus
   * the errant set. Refused on a server that is not a replica or that has replicas connected
   * (they would lose their position). Value: the server's GTID position afterwards.
   */
  public CompletionStage<OperationResult<String>> resetMasterOnErrantReplica(InstanceKey key,
      String errant) {
    return runner.run(key, "gtid-errant-reset-master", List.of(), r -> r.dialect.isMariaDb()
        ? resetMasterMariaDb(r, errant) : resetMasterMySql(r, errant));
  }

  /**
   * MariaDB: sets gtid_slave_pos to the server's gtid_binlog_pos, so that a server whose own
   * writes are in its binary log but not in its replication position (a demoted master, a
   * server that never replicated) can then be pointed at a new master with
   * {@code MASTER_USE_GTID=slave_pos} and ask it only for what comes after. Refused while
   * replication runs (MariaDB cannot change gtid_slave_pos then). MySQL has no gtid_slave_pos
   * (auto-position uses gtid_executed): nothing to do. Value: gtid_slave_pos afterwards.
   */
  public CompletionStage<OperationResult<String>> setGtidSlavePosFromBinlogPos(InstanceKey key) {
    return runner.run(key, "set-gtid-slave-pos", List.of(), r -> {
      if (!r.dialect.isMariaDb()) {
        return Mono.just(new Done<>("", key.displayString() + " is not MariaDB: no gtid_slave_pos"
            + " to align (auto-position uses gtid_executed)"));
      }
      return channel(r).flatMap(c -> {
        if (c.anyThreadActive()) {
          return r.refuse("replication is running: stop it before setting gtid_slave_pos");
        }
        return r.variables("gtid_binlog_pos", "gtid_slave_pos").flatMap(v -> {
          String binlog = nz(v.get("gtid_binlog_pos"));
          String slave = nz(v.get("gtid_slave_pos"));
          if (binlog.isEmpty() || samePosition(binlog, slave)) {
            return Mono.just(new Done<>(slave, key.displayString() + ": gtid_slave_pos already "
                + (binlog.isEmpty() ? "set (gtid_binlog_pos is empty)" : "at gtid_binlog_pos "
                + binlog)));
          }
          return r.change(r.dialect.setGtidSlavePos(binlog))
              .then(r.poll(settings.verifyTimeout(), "gtid_slave_pos to read back as " + binlog,
                  () -> r.variables("gtid_slave_pos"), now -> samePosition(binlog,
                      nz(now.get("gtid_slave_pos"))) ? new Check.Ok<>(nz(now.get("gtid_slave_pos")))
                      : new Check.Wait<>("gtid_slave_pos " + now.get("gtid_slave_pos"), false), ""))
              .map(now -> new Done<>(now, key.displayString() + ": gtid_slave_pos set from "
                  + (slave.isEmpty() ? "''" : slave) + " to gtid_binlog_pos " + binlog));
        });
      });
    });
  }

  private static boolean samePosition(String a, String b) {
    try {
      return MariaDbGtidPosition.parse(a).equals(MariaDbGtidPosition.parse(b));
    } catch (IllegalArgumentException e) {
      return a.equals(b);
    }
  }

  // =============================================================================================
  // reads

  /**
   * The GTID state at the start of each of the server's binary logs (MySQL Previous_gtids,
   * MariaDB Gtid_list), oldest first, and its state now (gtid_executed / gtid_binlog_state):
   * what locate-gtid-errant reads. One short statement per binary log; nothing changes.
   */
  public CompletionStage<OperationResult<BinlogHistory>> binlogHistory(InstanceKey key) {
    return runner.run(key, "binlog-history", List.of(), r -> binaryLogs(r).flatMap(files -> {
      if (files.isEmpty()) {
        return r.refuse("no binary logs (binary logging is off?)");
      }
      String startEvent = r.dialect.isMariaDb() ? "Gtid_list" : "Previous_gtids";
      return reactor.core.publisher.Flux.fromIterable(files)
          .concatMap(f -> r.read(r.dialect.binlogFirstEventsQuery(f)).map(rows -> {
            String state = "";
            for (Map<String, String> row : rows) {
              Map<String, String> ci = ServerAnswers.caseInsensitive(row);
              if (startEvent.equalsIgnoreCase(nz(ci.get("Event_type")))) {
                state = nz(ci.get("Info"));
              }
            }
            return new topology.ErrantBinlogs.Binlog(f, state);
          }))
          .collectList()
          .flatMap(logs -> r.variables("gtid_executed", "gtid_binlog_state").map(v ->
              new Done<>(new BinlogHistory(logs, r.dialect.isMariaDb()
                  ? nz(v.get("gtid_binlog_state")) : flat(v.get("gtid_executed"))),
                  key.displayString() + ": " + logs.size() + " binary logs read")));
    }));
  }

  /** The GTID state at the start of each binary log, oldest first, and the state now. */
  public record BinlogHistory(List<topology.ErrantBinlogs.Binlog> logs, String stateNow) {}

  /** The server's own binlog position (SHOW MASTER STATUS / SHOW BINARY LOG STATUS). */
  public CompletionStage<OperationResult<BinlogCoordinates>> currentCoordinates(InstanceKey key) {
    return runner.run(key, "current-coordinates", List.of(), r -> ownCoordinates(r)
        .map(c -> new Done<>(c, key.displayString() + " is at " + c.displayString())));
  }

  /** The server's GTID state (MariaDB positions, or MySQL executed/purged sets). */
  public CompletionStage<OperationResult<GtidPosition>> gtidPosition(InstanceKey key) {
    return runner.run(key, "gtid-position", List.of(), r -> gtidPosition(r)
        .map(g -> new Done<>(g, key.displayString() + ": " + g)));
  }

  /**
   * A server's GTID state. MariaDB: binlog/current/slave positions and the binlog state (last
   * sequence per domain and server_id); MySQL: gtid_executed and gtid_purged. Absent = "".
   */
  public record GtidPosition(String executed, String purged, String binlogPos, String currentPos,
      String slavePos, String binlogState) {

    @Override
    public String toString() {
      if (!executed.isEmpty() || !purged.isEmpty()) {
        return "gtid_executed " + executed + (purged.isEmpty() ? "" : ", gtid_purged " + purged);
      }
      return "gtid_binlog_pos " + binlogPos + ", gtid_current_pos " + currentPos
          + ", gtid_slave_pos " + slavePos;
    }
  }

  // =============================================================================================
  // operation bodies too long for the public methods

  private Mono<Done<List<String>>> injectMariaDb(Run r, String errant) {
    Dialect d = r.dialect;
    MariaDbGtidPosition pos;
    try {
      pos = MariaDbGtidPosition.parse(errant);
    } catch (IllegalArgumentException e) {
      return r.refuse(e.getMessage());
    }
    if (pos.isEmpty()) {
      return r.refuse("no errant GTID given: nothing to inject");
    }
    return r.read(d.emptyTransactionPlaceholderQuery()).flatMap(rows -> {
      if (!rows.isEmpty()) {
        return r.refuse("table " + Dialect.EMPTY_TRANSACTION_SCHEMA + "."
            + Dialect.EMPTY_TRANSACTION_SCHEMA + " exists, and the empty transaction would drop it");
      }
      return r.variables("gtid_binlog_state", "gtid_strict_mode").flatMap(vars -> {
        MariaDbGtidPosition state;
        try {
          state = MariaDbGtidPosition.parse(vars.get("gtid_binlog_state"));
        } catch (IllegalArgumentException e) {
          return r.fail("unreadable gtid_binlog_state: " + e.getMessage());
        }
        boolean strict = InstanceParser.on(vars.get("gtid_strict_mode"));
        List<MariaDbGtidPosition.Gtid> todo = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (MariaDbGtidPosition.Gtid g : pos.entries()) {
          if (has(state, g)) {
            skipped.add(g.toString());
            continue;
          }
          long last = state.sequence(g.domainId()).orElse(0);
          if (strict && g.sequence() <= last) {
            return r.refuse("cannot inject " + g + ": gtid_strict_mode is on and domain "
                + g.domainId() + " is already at sequence " + last + " on this server"
                + " (an injected transaction needs a higher sequence)");
          }
          todo.add(g);
        }
        if (todo.isEmpty()) {
          return Mono.just(new Done<>(List.<String>of(), r.key.displayString()
              + " already has " + skipped + ": nothing injected"));
        }
        return r.read("SELECT @@session.gtid_domain_id AS d, @@session.server_id AS s")
            .flatMap(orig -> {
              Map<String, String> o = orig.get(0);
              long domain = InstanceParser.parseLong(o.get("d"), 0);
              long serverId = InstanceParser.parseLong(o.get("s"), 0);
              Mono<Void> inject = Mono.empty();
              for (MariaDbGtidPosition.Gtid g : todo) {
                inject = inject
                    .then(r.session(d.setSessionGtid(g.domainId(), g.serverId(), g.sequence())))
                    .then(r.change(d.mariaDbEmptyTransaction())).then();
              }
              return r.restoring(inject, () -> r.session(d.setSessionGtidOrigin(domain, serverId)));
            })
            .then(r.variables("gtid_binlog_state"))
            .flatMap(after -> {
              MariaDbGtidPosition now = MariaDbGtidPosition.parse(after.get("gtid_binlog_state"));
              List<String> missing = todo.stream().filter(g -> !has(now, g))
                  .map(MariaDbGtidPosition.Gtid::toString).toList();
              if (!missing.isEmpty()) {
                return r.fail("gtid_binlog_state " + now + " lacks " + missing + " after injecting");
              }
              List<String> done = todo.stream().map(MariaDbGtidPosition.Gtid::toString).toList();
              return Mono.just(new Done<>(done, "Have injected " + done.size() + " transactions on "
                  + r.key.displayString() + ": " + String.join(",", done)
                  + (skipped.isEmpty() ? "" : " (already there: " + skipped + ")")));
            });
      });
    });
  }

  /** The position has an entry of {@code g}'s domain and server with at least its sequence. */
  private static boolean has(MariaDbGtidPosition state, MariaDbGtidPosition.Gtid g) {
    return state.entries().stream().anyMatch(s -> s.domainId() == g.domainId()
        && s.serverId() == g.serverId() && s.sequence() >= g.sequence());
  }

  private Mono<Done<List<String>>> injectMySql(Run r, String errant) {
    Dialect d = r.dialect;
    GtidSet set;
    try {
      set = GtidSet.parse(errant);
    } catch (IllegalArgumentException e) {
      return r.refuse(e.getMessage());
    }
    if (set.isEmpty()) {
      return r.refuse("no errant GTID given: nothing to inject");
    }
    return r.variables("gtid_mode", "gtid_executed").flatMap(vars -> {
      if (!"ON".equalsIgnoreCase(nz(vars.get("gtid_mode")))) {
        return r.refuse("gtid_mode is " + vars.get("gtid_mode") + ", not ON");
      }
      GtidSet executed = GtidSet.parse(vars.get("gtid_executed"));
      GtidSet todo = set.subtract(executed);
      List<String> gtids = new ArrayList<>();
      long count = 0;
      for (String uuid : todo.uuids()) {
        for (GtidSet.Interval i : todo.intervals(uuid)) {
          count += i.end() - i.start() + 1;
          if (count > MAX_INJECTED) {
            return r.refuse("more than " + MAX_INJECTED + " errant transactions in " + errant
                + ": not injecting that many empty transactions");
          }
          for (long n = i.start(); n <= i.end(); n++) {
            gtids.add(uuid + ":" + n);
          }
        }
      }
      if (!GtidSet.parse(String.join(",", gtids)).equals(todo)) {
        return r.refuse("tagged GTIDs (" + todo + ") are not supported for injection");
      }
      if (gtids.isEmpty()) {
        return Mono.just(new Done<>(List.<String>of(), r.key.displayString()
            + " already executed " + set + ": nothing injected"));
      }
      Mono<Void> inject = Mono.empty();
      for (String g : gtids) {
        inject = inject.then(r.session(d.setGtidNext(g)))
            .then(r.session("BEGIN"))
            .then(r.change("COMMIT")).then();
      }
      return r.restoring(inject, () -> r.session(d.setGtidNext("AUTOMATIC")))
          .then(r.variables("gtid_executed"))
          .flatMap(after -> {
            GtidSet now = GtidSet.parse(after.get("gtid_executed"));
            if (!now.containsAll(todo)) {
              return r.fail("gtid_executed lacks " + todo.subtract(now) + " after injecting");
            }
            return Mono.just(new Done<>(List.copyOf(gtids), "Have injected " + gtids.size()
                + " transactions on " + r.key.displayString() + ": " + todo));
          });
    });
  }

  private Mono<Done<String>> resetMasterMariaDb(Run r, String errant) {
    Dialect d = r.dialect;
    MariaDbGtidPosition errantPos;
    try {
      errantPos = MariaDbGtidPosition.parse(errant);
    } catch (IllegalArgumentException e) {
      return r.refuse(e.getMessage());
    }
    if (errantPos.isEmpty()) {
      return r.refuse("will not reset master: no errant GTID given");
    }
    return resetMasterPreconditions(r).flatMap(before -> r.variables("gtid_slave_pos",
        "gtid_binlog_state").flatMap(vars -> {
          String slavePos = nz(vars.get("gtid_slave_pos"));
          Mono<Void> reset = r.change(d.resetBinaryLogs())
              .then(r.change(d.setGtidSlavePos(slavePos))).then();
          if (before.anyThreadActive()) {
            reset = reset.onErrorResume(e -> putBackThreads(r, before, e));
          }
          return (before.anyThreadActive() ? stopAll(r) : Mono.just(before))
              .then(reset)
              .then(threadsAfter(r, before, ThreadsAfter.RESTORE))
              .then(r.variables("gtid_binlog_state", "gtid_slave_pos", "gtid_current_pos"))
              .flatMap(after -> {
                MariaDbGtidPosition state = MariaDbGtidPosition.parse(after.get("gtid_binlog_state"));
                List<String> left = errantPos.entries().stream().filter(g -> has(state, g))
                    .map(MariaDbGtidPosition.Gtid::toString).toList();
                if (!left.isEmpty()) {
                  return r.fail("gtid_binlog_state still has " + left + " after RESET MASTER");
                }
                String now = nz(after.get("gtid_current_pos"));
                return Mono.just(new Done<>(now, "Reset master on " + r.key.displayString()
                    + ": errant " + errantPos + " gone, gtid_slave_pos kept at " + slavePos
                    + ", gtid_current_pos " + now));
              });
        }));
  }

  private Mono<Done<String>> resetMasterMySql(Run r, String errant) {
    Dialect d = r.dialect;
    GtidSet errantSet;
    try {
      errantSet = GtidSet.parse(errant);
    } catch (IllegalArgumentException e) {
      return r.refuse(e.getMessage());
    }
    if (errantSet.isEmpty()) {
      return r.refuse("will not reset master: no errant GTID given");
    }
    return resetMasterPreconditions(r).flatMap(before -> r.variables("gtid_executed")
        .flatMap(vars -> {
          GtidSet executed = GtidSet.parse(vars.get("gtid_executed"));
          GtidSet errantHere = errantSet.subtract(errantSet.subtract(executed));
          if (errantHere.isEmpty()) {
            return r.refuse("will not reset master: gtid_executed has none of " + errantSet);
          }
          GtidSet purged = executed.subtract(errantSet);
          Mono<Void> reset = r.change(d.resetBinaryLogs())
              .then(r.change(d.setGtidPurged(purged.toString()))).then();
          if (before.anyThreadActive()) {
            reset = reset.onErrorResume(e -> putBackThreads(r, before, e));
          }
          return (before.anyThreadActive() ? stopAll(r) : Mono.just(before))
              .then(reset)
              .then(threadsAfter(r, before, ThreadsAfter.RESTORE))
              .then(r.variables("gtid_executed"))
              .flatMap(after -> {
                GtidSet now = GtidSet.parse(after.get("gtid_executed"));
                GtidSet left = errantSet.subtract(errantSet.subtract(now));
                if (!left.isEmpty() || !now.containsAll(purged)) {
                  return r.fail("gtid_executed is " + now + " after RESET MASTER and gtid_purged "
                      + purged);
                }
                return Mono.just(new Done<>(now.toString(), "Reset master on "
                    + r.key.displayString() + ": errant " + errantHere + " gone, gtid_executed "
                    + now));
              });
        }));
  }

  /** A replica with no replica of its own: RESET MASTER would cut its replicas off. */
  private Mono<ReplicationChannel> resetMasterPreconditions(Run r) {
    return channel(r).flatMap(c -> {
      if (!c.present()) {
        return r.refuse("will not reset master: it is not a replica (no replication channel)");
      }
      return r.read(r.dialect.connectedReplicasQuery()).flatMap(rows -> {
        long n = rows.isEmpty() ? 0 : InstanceParser.parseLong(firstValue(rows.get(0)), 0);
        if (n > 0) {
          return r.refuse("will not reset master: it has " + n + " connected replicas."
              + " Expecting no replicas");
        }
        return Mono.just(c);
      });
    });
  }

  // =============================================================================================
  // shared steps

  /** The channel, refused when the server has none. */
  private Mono<ReplicationChannel> replicaChannel(Run r) {
    return channel(r).flatMap(c -> c.present() ? Mono.just(c)
        : r.refuse("not a replica: it has no replication channel"));
  }

  private Mono<ReplicationChannel> channel(Run r) {
    return r.read(r.dialect.replicaStatusQuery()).map(ReplicationChannel::fromRows);
  }

  /** MariaDB status Slave_heartbeat_period; MySQL performance_schema (absent = empty). */
  private Mono<Double> heartbeat(Run r) {
    Mono<String> text = r.dialect.isMariaDb()
        ? r.status("Slave_heartbeat_period").mapNotNull(m -> m.get("slave_heartbeat_period"))
        : r.read("SELECT HEARTBEAT_INTERVAL AS h FROM performance_schema.replication_connection_configuration"
            + " WHERE CHANNEL_NAME = ''")
            .mapNotNull(rows -> rows.isEmpty() ? null : rows.get(0).get("h"))
            .onErrorResume(OperationRunner::serverError, e -> Mono.empty());
    return text.mapNotNull(t -> {
      try {
        return Double.valueOf(t.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    });
  }

  /** STOP SLAVE, then both threads read back as stopped. */
  private Mono<ReplicationChannel> stopAll(Run r) {
    return r.change(r.dialect.stopReplica()).then(r.poll(settings.verifyTimeout(),
        "both replication threads to stop", () -> channel(r), c -> !c.anyThreadActive()
            ? new Check.Ok<>(c) : new Check.Wait<>(c.describe(), false), ""));
  }

  /** START SLAVE, then both threads running (or the error that stopped one). */
  private Mono<ReplicationChannel> startAll(Run r) {
    return r.change(r.dialect.startReplica()).then(awaitRunning(r));
  }

  private Mono<ReplicationChannel> awaitRunning(Run r) {
    return r.poll(settings.verifyTimeout(), "both replication threads to run", () -> channel(r),
        c -> {
          if (!c.present()) {
            return new Check.Fail<>("the replication channel is gone");
          }
          if (c.running()) {
            return new Check.Ok<>(c);
          }
          if (c.sqlThread() == ThreadState.STOPPED && c.status().lastSqlErrno() != 0) {
            return new Check.Fail<>("replication did not start: SQL thread stopped with error "
                + c.status().lastSqlErrno() + ": " + c.status().lastSqlError());
          }
          if (c.ioThread() == ThreadState.STOPPED && c.status().lastIoErrno() != 0) {
            return new Check.Fail<>("replication did not start: IO thread stopped with error "
                + c.status().lastIoErrno() + ": " + c.status().lastIoError());
          }
          return new Check.Wait<>(c.describe(),
              c.status().lastIoErrno() != 0 || c.status().lastSqlErrno() != 0);
        }, "");
  }

  /**
   * The threads after a change made with replication stopped: as before (both running again,
   * verified; or the one thread that ran), started, or left stopped.
   */
  private Mono<ReplicationChannel> threadsAfter(Run r, ReplicationChannel before, ThreadsAfter what) {
    Dialect d = r.dialect;
    if (what == ThreadsAfter.START || (what == ThreadsAfter.RESTORE && before.ioActive()
        && before.sqlActive())) {
      return startAll(r);
    }
    if (what == ThreadsAfter.RESTORE && before.ioActive()) {
      return r.change(d.startReplicaIoThread()).then(channel(r));
    }
    if (what == ThreadsAfter.RESTORE && before.sqlActive()) {
      return r.change(d.startReplicaSqlThread()).then(channel(r));
    }
    return channel(r);
  }

  /**
   * After a failed change (the server refused it), starts the threads that ran before, so the
   * server is left as it was; the original error is kept, with a note.
   */
  private <T> Mono<T> putBackThreads(Run r, ReplicationChannel before, Throwable error) {
    if (!(error instanceof StatementError se) || !se.serverError() || r.broken) {
      return Mono.error(error);
    }
    Dialect d = r.dialect;
    String start = before.ioActive() && before.sqlActive() ? d.startReplica()
        : before.ioActive() ? d.startReplicaIoThread() : d.startReplicaSqlThread();
    return r.exec(start, start, Kind.CHANGE, settings.statementTimeout())
        .then(Mono.fromRunnable(() -> r.notes.add("replication threads started again as they were")))
        .onErrorResume(e -> {
          r.notes.add("starting replication again failed: " + MysqlErrors.describe(e)
              + "; replication is stopped");
          return Mono.empty();
        })
        .then(Mono.error(error));
  }

  /** Stops replication, rewrites the master host (position kept), restores the threads. */
  private Mono<ReplicationChannel> rewriteMasterHost(Run r, ReplicationChannel before,
      String newHost, boolean expectRunning) {
    Dialect d = r.dialect;
    return (before.anyThreadActive() ? stopAll(r) : Mono.just(before)).flatMap(stopped -> {
      // coordinates read after the stop: the SQL thread may have moved since the first read
      Positioning p = stopped.usingGtid() || stopped.executed().isEmpty() ? Positioning.UNCHANGED
          : new Positioning.File(stopped.executed());
      ChangeSource cs = ChangeSource.to(newHost, stopped.master().port(), p);
      return r.change(d.changeSource(cs), d.changeSourceForLog(cs))
          .then(channel(r))
          .flatMap(after -> after.master().hostname().equals(newHost) ? Mono.just(after)
              : r.fail("the master host is " + after.master().hostname() + " after "
                  + d.changeSourceName() + ", expected " + newHost))
          .then(expectRunning || !(before.ioActive() && before.sqlActive())
              ? threadsAfter(r, before, ThreadsAfter.RESTORE)
              // detached: the IO thread cannot connect, so "running" cannot be waited for
              : r.change(d.startReplica()).then(channel(r)));
    });
  }

  /** The channel shows what CHANGE MASTER set: master, user, positioning. */
  private Mono<ReplicationChannel> verifySource(Run r, ChangeMasterRequest req,
      Optional<Credentials> creds, ReplicationChannel after) {
    Dialect d = r.dialect;
    List<String> wrong = new ArrayList<>();
    if (!after.present()) {
      wrong.add("no replication channel");
    } else {
      if (!after.master().equals(req.master())) {
        wrong.add("master " + after.master().displayString());
      }
      if (creds.isPresent() && !creds.get().user().equals(after.user())) {
        wrong.add("user " + after.user());
      } else if (after.user().isEmpty()) {
        wrong.add("no replication user");
      }
      Positioning p = req.positioning();
      if (p instanceof Positioning.Gtid g) {
        String want = g.mariaDbCurrentPos() ? "Current_Pos" : "Slave_Pos";
        if (d.isMariaDb() && !want.equalsIgnoreCase(after.status().usingMariaDbGtid())) {
          wrong.add("Using_Gtid " + after.status().usingMariaDbGtid());
        } else if (!d.isMariaDb() && !after.status().autoPosition()) {
          wrong.add("Auto_Position 0");
        }
      } else if (p instanceof Positioning.File f) {
        if (after.usingGtid()) {
          wrong.add(d.isMariaDb() ? "Using_Gtid " + after.status().usingMariaDbGtid()
              : "Auto_Position 1");
        }
        BinlogCoordinates at = after.received();
        if (!at.logFile().equals(f.coordinates().logFile())
            || at.logPos() != f.coordinates().logPos()) {
          wrong.add("position " + at.displayString());
        }
      }
    }
    if (wrong.isEmpty()) {
      return Mono.just(after);
    }
    return r.fail("after " + d.changeSourceName() + " the server shows " + String.join(", ", wrong)
        + " (replication left stopped)");
  }

  /**
   * The credentials CHANGE MASTER sets: empty = keep the channel's own. A server without a
   * channel (or with a channel without user) needs configured ones, or the change is refused.
   */
  private Mono<Optional<Credentials>> credentials(Run r, ReplicationChannel before,
      ChangeMasterRequest req) {
    if (req.credentials() != null) {
      return Mono.just(Optional.of(req.credentials()));
    }
    if (before.present() && !before.user().isBlank()) {
      return Mono.just(Optional.empty());
    }
    String why = before.present() ? "its replication channel has no user"
        : "it has no replication channel (never replicated, or RESET SLAVE ALL)";
    Mono<Optional<Credentials>> fromSettings = Mono.defer(() -> {
      if (settings.hasReplicationUser()) {
        return Mono.just(Optional.of(new Credentials(settings.replicationUser(),
            settings.replicationPassword())));
      }
      return r.refuse(r.dialect.changeSourceName() + " to "
          + req.master().displayString() + " refused before any change: " + why
          + ", so there are no credentials to keep (MariaDB cannot read them back), and no"
          + " replication credentials are configured: set orcha.mysql.replication-user and"
          + " orcha.mysql.replication-password (or orcha.mysql.replication-credentials-query)");
    });
    if (!settings.hasReplicationCredentialsQuery()) {
      return fromSettings;
    }
    return r.read(settings.replicationCredentialsQuery(),
        "orcha.mysql.replication-credentials-query").flatMap(rows -> {
          List<String> values = rows.isEmpty() ? List.of() : new ArrayList<>(rows.get(0).values());
          String user = values.isEmpty() ? null : values.get(0);
          String password = values.size() < 2 ? "" : nz(values.get(1));
          if (user == null || user.isBlank()) {
            r.notes.add("orcha.mysql.replication-credentials-query returned no user");
            return fromSettings;
          }
          r.secrets.add(password);
          return Mono.just(Optional.of(new Credentials(user, password)));
        }).onErrorResume(e -> e instanceof StatementError se && se.serverError(), e -> {
          r.notes.add("orcha.mysql.replication-credentials-query failed: "
              + MysqlErrors.describe(e.getCause()));
          return fromSettings;
        });
  }

  private Mono<String> semiSyncVariable(Run r, String newName, String oldName) {
    return r.variables(newName, oldName).flatMap(vars -> {
      if (vars.containsKey(newName)) {
        return Mono.just(newName);
      }
      if (vars.containsKey(oldName)) {
        return Mono.just(oldName);
      }
      return r.refuse("semi-sync is not available: neither " + newName + " nor " + oldName
          + " exists (the semi-sync plugin is not loaded; MariaDB 10.3+ has it built in)");
    });
  }

  private Mono<Boolean> readBack(Run r, String variable, boolean on) {
    return r.poll(settings.verifyTimeout(), variable + " to read back as " + onOff(on),
        () -> r.variables(variable), v -> InstanceParser.on(v.get(variable)) == on
            ? new Check.Ok<>(on) : new Check.Wait<>(variable + "=" + v.get(variable), false), "");
  }

  private Mono<BinlogCoordinates> ownCoordinates(Run r) {
    return r.read(r.dialect.binlogStatusQuery()).flatMap(rows -> {
      BinlogCoordinates c = InstanceParser.selfCoordinates(rows);
      return c.isEmpty() ? r.refuse("binary logging is off (" + r.dialect.binlogStatusQuery()
          + " shows nothing)") : Mono.just(c);
    });
  }

  private Mono<List<String>> binaryLogs(Run r) {
    return r.read(r.dialect.binaryLogsQuery()).map(rows -> rows.stream()
        .map(row -> ServerAnswers.caseInsensitive(row).get("Log_name"))
        .filter(n -> n != null && !n.isEmpty()).toList());
  }

  private Mono<GtidPosition> gtidPosition(Run r) {
    return r.variables(GTID_VARIABLES.toArray(String[]::new)).map(v -> new GtidPosition(
        flat(v.get("gtid_executed")), flat(v.get("gtid_purged")), nz(v.get("gtid_binlog_pos")),
        nz(v.get("gtid_current_pos")), nz(v.get("gtid_slave_pos")), nz(v.get("gtid_binlog_state"))));
  }

  private static String flat(String gtidSet) {
    return gtidSet == null ? "" : gtidSet.replaceAll("\\s+", "");
  }

  private record ChannelAnd(ReplicationChannel channel, Map<String, String> values) {}

  // =============================================================================================
  // small helpers

  private static String firstValue(Map<String, String> row) {
    return row.isEmpty() ? null : row.values().iterator().next();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String onOff(boolean on) {
    return on ? "ON" : "OFF";
  }

  private static String positioningText(Dialect d, Positioning p) {
    if (p instanceof Positioning.Gtid g) {
      return d.isMariaDb() ? "GTID " + (g.mariaDbCurrentPos() ? "current_pos" : "slave_pos")
          : "GTID auto-position";
    }
    if (p instanceof Positioning.File f) {
      return "at " + f.coordinates().displayString();
    }
    return "positioning unchanged";
  }

}
